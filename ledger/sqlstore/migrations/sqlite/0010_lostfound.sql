-- Lost and found (issue 15, procedures 5.1.2.1): found items with their
-- bag label number, claimed once or disposed of once (two approvers);
-- customers' lost reports; announcement drafts for the broadcast console.
-- Personal data lives in the personal-data store: these rows keep its
-- record ids and masked values only.
CREATE TABLE found_items (
	id             INTEGER PRIMARY KEY,
	no             TEXT    NOT NULL UNIQUE,
	token          TEXT    NOT NULL DEFAULT '',
	category       TEXT    NOT NULL,
	description    TEXT    NOT NULL,
	found_at       TEXT    NOT NULL,
	found_date     TEXT    NOT NULL CHECK (length(found_date) = 10),
	found_place    TEXT    NOT NULL,
	finder         TEXT    NOT NULL,
	finder_person  TEXT    NOT NULL DEFAULT '',
	finder_masked  TEXT    NOT NULL DEFAULT '',
	owner_masked   TEXT    NOT NULL DEFAULT '',
	storage        TEXT    NOT NULL,
	police         INTEGER NOT NULL DEFAULT 0,
	due_date       TEXT    NOT NULL CHECK (length(due_date) = 10),
	has_photo      INTEGER NOT NULL DEFAULT 0,
	status         TEXT    NOT NULL DEFAULT 'held' CHECK (status IN ('held','claimed','disposed')),
	registered_at  TEXT    NOT NULL,
	registered_by  INTEGER NOT NULL REFERENCES staff(id),
	reg_seq        INTEGER NOT NULL,
	claim_no       TEXT    NOT NULL DEFAULT '',
	claimed_at     TEXT    NOT NULL DEFAULT '',
	claimed_by     INTEGER NOT NULL DEFAULT 0,
	claim_person   TEXT    NOT NULL DEFAULT '',
	claimant_name  TEXT    NOT NULL DEFAULT '',
	claimant_phone TEXT    NOT NULL DEFAULT '',
	claimant_id    TEXT    NOT NULL DEFAULT '',
	claim_desc     TEXT    NOT NULL DEFAULT '',
	claim_seq      INTEGER NOT NULL DEFAULT 0,
	disposed_at    TEXT    NOT NULL DEFAULT '',
	disposal       TEXT    NOT NULL DEFAULT '' CHECK (disposal IN ('','donate','destroy','police')),
	disposed_to    TEXT    NOT NULL DEFAULT '',
	approver1      INTEGER NOT NULL DEFAULT 0,
	approver2      INTEGER NOT NULL DEFAULT 0,
	dispose_seq    INTEGER NOT NULL DEFAULT 0,
	CHECK ((status = 'held') = (claim_seq = 0 AND dispose_seq = 0)),
	CHECK (status <> 'claimed' OR (claim_seq > 0 AND claim_no <> '' AND claim_person <> '' AND dispose_seq = 0)),
	CHECK (status <> 'disposed' OR (dispose_seq > 0 AND claim_seq = 0 AND disposal <> '' AND disposed_to <> ''
		AND approver1 > 0 AND approver2 > 0 AND approver1 <> approver2))
);
CREATE UNIQUE INDEX found_items_claim_no ON found_items(claim_no) WHERE claim_no <> '';
CREATE INDEX found_items_status_due ON found_items(status, due_date);
CREATE INDEX found_items_date ON found_items(found_date, id);
CREATE INDEX found_items_reg_seq ON found_items(reg_seq);
CREATE TRIGGER found_items_no_delete BEFORE DELETE ON found_items
BEGIN SELECT RAISE(ABORT, 'found items are never deleted'); END;
-- claimed once or disposed of once; after that the row never changes
CREATE TRIGGER found_items_final BEFORE UPDATE ON found_items
WHEN OLD.status <> 'held'
BEGIN SELECT RAISE(ABORT, 'found item already claimed or disposed'); END;
CREATE TRIGGER found_items_keys_fixed BEFORE UPDATE ON found_items
WHEN NEW.id <> OLD.id OR NEW.no <> OLD.no OR NEW.category <> OLD.category OR NEW.description <> OLD.description
	OR NEW.found_at <> OLD.found_at OR (OLD.reg_seq <> 0 AND NEW.reg_seq <> OLD.reg_seq) OR (OLD.token <> '' AND NEW.token <> OLD.token)
BEGIN SELECT RAISE(ABORT, 'a found item''s registration never changes'); END;

CREATE TABLE found_photos (
	item_id INTEGER PRIMARY KEY REFERENCES found_items(id),
	photo   BLOB    NOT NULL CHECK (length(photo) <= 65536)
);
CREATE TRIGGER found_photos_no_update BEFORE UPDATE ON found_photos
BEGIN SELECT RAISE(ABORT, 'photos are never changed'); END;
CREATE TRIGGER found_photos_no_delete BEFORE DELETE ON found_photos
BEGIN SELECT RAISE(ABORT, 'photos are never deleted'); END;

CREATE TABLE lost_reports (
	id           INTEGER PRIMARY KEY,
	kind         TEXT    NOT NULL CHECK (kind IN ('item','person')),
	category     TEXT    NOT NULL DEFAULT '',
	description  TEXT    NOT NULL,
	place        TEXT    NOT NULL DEFAULT '',
	lost_from    TEXT    NOT NULL,
	lost_to      TEXT    NOT NULL,
	person_id    TEXT    NOT NULL DEFAULT '',
	name_masked  TEXT    NOT NULL DEFAULT '',
	phone_masked TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
	item_id      INTEGER NOT NULL DEFAULT 0,
	close_note   TEXT    NOT NULL DEFAULT '',
	created_at   TEXT    NOT NULL,
	created_by   INTEGER NOT NULL REFERENCES staff(id),
	seq          INTEGER NOT NULL,
	close_seq    INTEGER NOT NULL DEFAULT 0,
	CHECK ((status = 'open') = (close_seq = 0))
);
CREATE INDEX lost_reports_status ON lost_reports(status, id);
CREATE TRIGGER lost_reports_no_delete BEFORE DELETE ON lost_reports
BEGIN SELECT RAISE(ABORT, 'lost reports are never deleted'); END;
CREATE TRIGGER lost_reports_final BEFORE UPDATE ON lost_reports
WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'lost report already closed'); END;

CREATE TABLE lostfound_drafts (
	id           INTEGER PRIMARY KEY,
	template     TEXT    NOT NULL CHECK (template IN ('person','item','found')),
	fields       TEXT    NOT NULL,
	text         TEXT    NOT NULL,
	report_id    INTEGER NOT NULL DEFAULT 0,
	item_id      INTEGER NOT NULL DEFAULT 0,
	status       TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','queued')),
	broadcast_id INTEGER NOT NULL DEFAULT 0,
	created_at   TEXT    NOT NULL,
	created_by   INTEGER NOT NULL REFERENCES staff(id),
	seq          INTEGER NOT NULL
);
CREATE TRIGGER lostfound_drafts_no_delete BEFORE DELETE ON lostfound_drafts
BEGIN SELECT RAISE(ABORT, 'drafts are never deleted'); END;
-- a draft is queued once; after that it never changes
CREATE TRIGGER lostfound_drafts_final BEFORE UPDATE ON lostfound_drafts
WHEN OLD.status <> 'draft' OR NEW.text <> OLD.text OR NEW.fields <> OLD.fields OR NEW.template <> OLD.template
	OR (OLD.seq <> 0 AND NEW.seq <> OLD.seq)
BEGIN SELECT RAISE(ABORT, 'a draft is queued once and never changes'); END;
