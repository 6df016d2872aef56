-- Point cards (积分卡, procedures 5.2.5/5.2.8) and invoices (代开发票,
-- 5.2.9). Every row is written in the transaction of its journal entry
-- (*_seq). A shopping receipt (shop + number) earns points once across all
-- members and desks (point_receipts' primary key) and is invoiced once
-- while its invoice stands (invoice_receipts' partial unique index): a void
-- or a red-letter reversal releases it by its own entry.

CREATE TABLE shops (
	id        INTEGER PRIMARY KEY,
	name      TEXT    NOT NULL,
	unit      TEXT    NOT NULL UNIQUE,
	uscc      TEXT    NOT NULL,
	added_seq INTEGER NOT NULL
);

-- A member refers to the personal-data store by the record id and keeps
-- masks only; the birthday is month and day (no year). card_no is the
-- current card; every card ever issued is in member_cards.
CREATE TABLE members (
	id            INTEGER PRIMARY KEY,
	person_id     TEXT    NOT NULL REFERENCES persons(id),
	name_masked   TEXT    NOT NULL,
	mobile_masked TEXT    NOT NULL,
	id_masked     TEXT    NOT NULL,
	birthday      TEXT    NOT NULL DEFAULT '',
	card_no       TEXT    NOT NULL,
	card_status   TEXT    NOT NULL CHECK (card_status IN ('active', 'lost')),
	joined_at     TEXT    NOT NULL,
	joined_by     INTEGER NOT NULL REFERENCES staff(id),
	join_seq      INTEGER NOT NULL,
	token         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX members_person ON members(person_id);

CREATE TABLE member_cards (
	card_no      TEXT    PRIMARY KEY,
	member_id    INTEGER NOT NULL REFERENCES members(id),
	status       TEXT    NOT NULL CHECK (status IN ('active', 'lost', 'replaced')),
	issued_seq   INTEGER NOT NULL,
	lost_seq     INTEGER NOT NULL DEFAULT 0,
	replaced_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX member_cards_member ON member_cards(member_id);

-- The points ledger: the balance is the sum, never a stored number.
CREATE TABLE point_entries (
	id        INTEGER PRIMARY KEY,
	member_id INTEGER NOT NULL REFERENCES members(id),
	card_no   TEXT    NOT NULL,
	kind      TEXT    NOT NULL CHECK (kind IN ('earn', 'backfill', 'adjust', 'expire', 'move_out', 'move_in')),
	points    INTEGER NOT NULL,
	receipt   TEXT    NOT NULL DEFAULT '',
	note      TEXT    NOT NULL DEFAULT '',
	at        TEXT    NOT NULL,
	seq       INTEGER NOT NULL
);
CREATE INDEX point_entries_member ON point_entries(member_id, id);

CREATE TABLE point_receipts (
	shop_id    INTEGER NOT NULL REFERENCES shops(id),
	receipt_no TEXT    NOT NULL,
	amount     INTEGER NOT NULL,
	bought_on  TEXT    NOT NULL,
	member_id  INTEGER NOT NULL REFERENCES members(id),
	seq        INTEGER NOT NULL,
	PRIMARY KEY (shop_id, receipt_no)
);

CREATE TABLE invoices (
	id            INTEGER PRIMARY KEY,
	invoice_no    TEXT    NOT NULL UNIQUE,
	shop_id       INTEGER NOT NULL REFERENCES shops(id),
	buyer         TEXT    NOT NULL CHECK (buyer IN ('company', 'personal')),
	title         TEXT    NOT NULL,
	tax_no        TEXT    NOT NULL DEFAULT '',
	person_id     TEXT    NOT NULL DEFAULT '',
	amount        INTEGER NOT NULL,
	status        TEXT    NOT NULL CHECK (status IN ('issued', 'voided', 'reversed', 'red')),
	issued_at     TEXT    NOT NULL,
	issued_by     INTEGER NOT NULL REFERENCES staff(id),
	day_id        INTEGER NOT NULL REFERENCES business_days(id),
	business_date TEXT    NOT NULL,
	reverses_id   INTEGER NOT NULL DEFAULT 0,
	reversed_by   INTEGER NOT NULL DEFAULT 0,
	reason        TEXT    NOT NULL DEFAULT '',
	voided_at     TEXT    NOT NULL DEFAULT '',
	approver_id   INTEGER NOT NULL DEFAULT 0,
	issue_seq     INTEGER NOT NULL,
	end_seq       INTEGER NOT NULL DEFAULT 0,
	token         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX invoices_day ON invoices(business_date, shop_id);

CREATE TABLE invoice_receipts (
	id           INTEGER PRIMARY KEY,
	invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
	shop_id      INTEGER NOT NULL REFERENCES shops(id),
	receipt_no   TEXT    NOT NULL,
	amount       INTEGER NOT NULL,
	bought_on    TEXT    NOT NULL,
	released_seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX invoice_receipts_once ON invoice_receipts(shop_id, receipt_no) WHERE released_seq = 0;
CREATE INDEX invoice_receipts_invoice ON invoice_receipts(invoice_id);

CREATE TRIGGER shops_no_delete BEFORE DELETE ON shops
BEGIN SELECT RAISE(ABORT, 'shops are never deleted'); END;
CREATE TRIGGER members_no_delete BEFORE DELETE ON members
BEGIN SELECT RAISE(ABORT, 'members are never deleted'); END;
CREATE TRIGGER members_keys_fixed BEFORE UPDATE ON members
WHEN NEW.id <> OLD.id OR NEW.person_id <> OLD.person_id OR NEW.joined_at <> OLD.joined_at
	OR (OLD.join_seq <> 0 AND NEW.join_seq <> OLD.join_seq)
BEGIN SELECT RAISE(ABORT, 'member keys never change'); END;
CREATE TRIGGER member_cards_no_delete BEFORE DELETE ON member_cards
BEGIN SELECT RAISE(ABORT, 'cards are never deleted'); END;
CREATE TRIGGER member_cards_final BEFORE UPDATE ON member_cards
WHEN OLD.status = 'replaced' OR NEW.card_no <> OLD.card_no OR NEW.member_id <> OLD.member_id
BEGIN SELECT RAISE(ABORT, 'a replaced card never changes'); END;
CREATE TRIGGER point_entries_no_update BEFORE UPDATE ON point_entries
BEGIN SELECT RAISE(ABORT, 'points entries are append-only'); END;
CREATE TRIGGER point_entries_no_delete BEFORE DELETE ON point_entries
BEGIN SELECT RAISE(ABORT, 'points entries are append-only'); END;
CREATE TRIGGER point_entries_no_replace BEFORE INSERT ON point_entries
WHEN EXISTS (SELECT 1 FROM point_entries WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'points entries are append-only'); END;
CREATE TRIGGER point_receipts_no_update BEFORE UPDATE ON point_receipts
BEGIN SELECT RAISE(ABORT, 'a used receipt stays used'); END;
CREATE TRIGGER point_receipts_no_delete BEFORE DELETE ON point_receipts
BEGIN SELECT RAISE(ABORT, 'a used receipt stays used'); END;
CREATE TRIGGER point_receipts_no_replace BEFORE INSERT ON point_receipts
WHEN EXISTS (SELECT 1 FROM point_receipts WHERE shop_id = NEW.shop_id AND receipt_no = NEW.receipt_no)
BEGIN SELECT RAISE(ABORT, 'receipt already used for points'); END;
CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices
BEGIN SELECT RAISE(ABORT, 'invoices are never deleted'); END;
CREATE TRIGGER invoices_no_replace BEFORE INSERT ON invoices
WHEN EXISTS (SELECT 1 FROM invoices WHERE id = NEW.id OR invoice_no = NEW.invoice_no)
BEGIN SELECT RAISE(ABORT, 'invoice exists: insert refused'); END;
CREATE TRIGGER invoices_final BEFORE UPDATE ON invoices
WHEN OLD.end_seq <> 0 OR NEW.id <> OLD.id OR NEW.invoice_no <> OLD.invoice_no OR NEW.amount <> OLD.amount
	OR NEW.shop_id <> OLD.shop_id OR NEW.issued_at <> OLD.issued_at OR (OLD.issue_seq <> 0 AND NEW.issue_seq <> OLD.issue_seq)
BEGIN SELECT RAISE(ABORT, 'a voided or reversed invoice never changes'); END;
CREATE TRIGGER invoice_receipts_no_delete BEFORE DELETE ON invoice_receipts
BEGIN SELECT RAISE(ABORT, 'invoice receipts are never deleted'); END;
CREATE TRIGGER invoice_receipts_release_once BEFORE UPDATE ON invoice_receipts
WHEN OLD.released_seq <> 0 OR NEW.invoice_id <> OLD.invoice_id OR NEW.shop_id <> OLD.shop_id OR NEW.receipt_no <> OLD.receipt_no
	OR NEW.amount <> OLD.amount
BEGIN SELECT RAISE(ABORT, 'an invoice receipt is released once and never changes'); END;
