-- Lending ledgers (procedures 5.2.10 strollers, 5.2.11 umbrellas): numbered
-- items and their loans. Both are current-state tables derived from journal
-- entries written in the same transaction; rows are never deleted.
CREATE TABLE items (
	id        INTEGER PRIMARY KEY,
	kind      TEXT    NOT NULL CHECK (kind IN ('umbrella','stroller')),
	number    TEXT    NOT NULL CHECK (length(number) BETWEEN 1 AND 16),
	status    TEXT    NOT NULL DEFAULT 'in' CHECK (status IN ('in','out','damaged','retired','lost')),
	note      TEXT    NOT NULL DEFAULT '',
	added_seq INTEGER NOT NULL,
	UNIQUE (kind, number)
);
CREATE TRIGGER items_no_delete BEFORE DELETE ON items
BEGIN SELECT RAISE(ABORT, 'items are retired, never deleted'); END;
CREATE TRIGGER items_retired_final BEFORE UPDATE OF status ON items
WHEN OLD.status = 'retired' AND NEW.status <> 'retired'
BEGIN SELECT RAISE(ABORT, 'a retired item stays retired'); END;

CREATE TABLE loans (
	id           INTEGER PRIMARY KEY,
	kind         TEXT    NOT NULL CHECK (kind IN ('umbrella','stroller')),
	item_id      INTEGER NOT NULL REFERENCES items(id),
	receipt_no   TEXT    NOT NULL UNIQUE,
	token        TEXT    NOT NULL DEFAULT '',
	lent_at      TEXT    NOT NULL,
	lent_by      INTEGER NOT NULL REFERENCES staff(id),
	phone        TEXT    NOT NULL DEFAULT '', -- full number, for reminders only; never shown, never journaled
	phone_masked TEXT    NOT NULL DEFAULT '',
	deposit      INTEGER NOT NULL CHECK (deposit >= 0),
	status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','returned','damaged','lost','voided')),
	closed_at    TEXT    NOT NULL DEFAULT '',
	closed_by    INTEGER NOT NULL DEFAULT 0,
	refund       INTEGER NOT NULL DEFAULT 0 CHECK (refund >= 0),
	charge       INTEGER NOT NULL DEFAULT 0 CHECK (charge >= 0),
	collected    INTEGER NOT NULL DEFAULT 0 CHECK (collected >= 0),
	forfeit      INTEGER NOT NULL DEFAULT 0 CHECK (forfeit >= 0),
	damage       TEXT    NOT NULL DEFAULT '',
	approver_id  INTEGER NOT NULL DEFAULT 0,
	return_no    TEXT    NOT NULL DEFAULT '',
	lend_seq     INTEGER NOT NULL,
	return_seq   INTEGER NOT NULL DEFAULT 0,
	-- open loans carry no close data; closed ones carry all of it
	CHECK ((status = 'open') = (closed_at = '')),
	CHECK (status <> 'open' OR (refund = 0 AND charge = 0 AND collected = 0 AND forfeit = 0 AND return_no = '' AND return_seq = 0)),
	CHECK (status = 'open' OR (return_no <> '' AND return_seq > 0 AND closed_by > 0)),
	-- every fen of the deposit is accounted for at the close
	CHECK (status = 'open' OR refund + forfeit + charge - collected = deposit),
	CHECK (collected <= charge),
	CHECK (status NOT IN ('lost','voided') OR approver_id > 0)
);
-- an item has at most one open loan
CREATE UNIQUE INDEX loans_one_open_per_item ON loans(item_id) WHERE status = 'open';
CREATE UNIQUE INDEX loans_return_no ON loans(return_no) WHERE return_no <> '';
CREATE INDEX loans_status_lent ON loans(status, lent_at);
CREATE INDEX loans_kind_lent ON loans(kind, lent_at);
CREATE TRIGGER loans_no_delete BEFORE DELETE ON loans
BEGIN SELECT RAISE(ABORT, 'loans are never deleted'); END;
-- a loan is closed exactly once; a closed loan never changes again
CREATE TRIGGER loans_closed_final BEFORE UPDATE ON loans
WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'loan already closed'); END;

CREATE INDEX print_jobs_receipt ON print_jobs(receipt_no, is_copy, id);
