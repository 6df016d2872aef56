-- Emergency medicine (issue 15, procedures 5.2.12): the catalogue kept
-- apart as internal, external and devices; batches with expiry and the
-- quantity left; every change of a quantity is a movement row written in
-- the same transaction as its journal entry, and a batch's quantity is
-- always the sum of its movements (checked by a trigger) and never below 0.
CREATE TABLE medicines (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL,
	category      TEXT    NOT NULL CHECK (category IN ('internal','external','device')),
	spec          TEXT    NOT NULL DEFAULT '',
	unit          TEXT    NOT NULL,
	reorder_level INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
	added_seq     INTEGER NOT NULL,
	UNIQUE (category, name, spec)
);
CREATE TRIGGER medicines_no_delete BEFORE DELETE ON medicines
BEGIN SELECT RAISE(ABORT, 'medicines are never deleted'); END;
CREATE TRIGGER medicines_keys_fixed BEFORE UPDATE ON medicines
WHEN NEW.id <> OLD.id OR NEW.name <> OLD.name OR NEW.category <> OLD.category OR NEW.spec <> OLD.spec
	OR NEW.unit <> OLD.unit OR (OLD.added_seq <> 0 AND NEW.added_seq <> OLD.added_seq)
BEGIN SELECT RAISE(ABORT, 'a medicine''s name, category and unit never change'); END;

CREATE TABLE medicine_batches (
	id          INTEGER PRIMARY KEY,
	medicine_id INTEGER NOT NULL REFERENCES medicines(id),
	batch_no    TEXT    NOT NULL,
	expiry      TEXT    NOT NULL CHECK (length(expiry) = 10),
	quantity    INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
	supplier    TEXT    NOT NULL DEFAULT '',
	received_at TEXT    NOT NULL,
	added_seq   INTEGER NOT NULL,
	UNIQUE (medicine_id, batch_no)
);
CREATE INDEX medicine_batches_expiry ON medicine_batches(medicine_id, expiry);
CREATE TRIGGER medicine_batches_no_delete BEFORE DELETE ON medicine_batches
BEGIN SELECT RAISE(ABORT, 'medicine batches are never deleted'); END;
CREATE TRIGGER medicine_batches_keys_fixed BEFORE UPDATE ON medicine_batches
WHEN NEW.id <> OLD.id OR NEW.medicine_id <> OLD.medicine_id OR NEW.batch_no <> OLD.batch_no
	OR NEW.expiry <> OLD.expiry OR NEW.received_at <> OLD.received_at OR (OLD.added_seq <> 0 AND NEW.added_seq <> OLD.added_seq)
BEGIN SELECT RAISE(ABORT, 'a batch''s number and expiry never change'); END;

CREATE TABLE medicine_dispenses (
	id            INTEGER PRIMARY KEY,
	receipt_no    TEXT    NOT NULL UNIQUE,
	token         TEXT    NOT NULL DEFAULT '',
	medicine_id   INTEGER NOT NULL REFERENCES medicines(id),
	quantity      INTEGER NOT NULL CHECK (quantity > 0),
	takes         TEXT    NOT NULL,
	recipient     TEXT    NOT NULL,
	reason        TEXT    NOT NULL,
	person_id     TEXT    NOT NULL DEFAULT '',
	mobile_masked TEXT    NOT NULL DEFAULT '',
	health_noted  INTEGER NOT NULL DEFAULT 0,
	at            TEXT    NOT NULL,
	staff_id      INTEGER NOT NULL REFERENCES staff(id),
	seq           INTEGER NOT NULL
);
CREATE INDEX medicine_dispenses_seq ON medicine_dispenses(seq);
CREATE TRIGGER medicine_dispenses_no_delete BEFORE DELETE ON medicine_dispenses
BEGIN SELECT RAISE(ABORT, 'dispenses are never deleted'); END;
CREATE TRIGGER medicine_dispenses_final BEFORE UPDATE ON medicine_dispenses
WHEN OLD.seq <> 0 AND (NEW.token <> OLD.token OR NEW.seq <> OLD.seq OR NEW.quantity <> OLD.quantity
	OR NEW.medicine_id <> OLD.medicine_id OR NEW.takes <> OLD.takes OR NEW.receipt_no <> OLD.receipt_no)
BEGIN SELECT RAISE(ABORT, 'a dispense never changes'); END;

CREATE TABLE medicine_moves (
	id          INTEGER PRIMARY KEY,
	kind        TEXT    NOT NULL CHECK (kind IN ('restock','dispense','writeoff','count')),
	medicine_id INTEGER NOT NULL REFERENCES medicines(id),
	batch_id    INTEGER NOT NULL REFERENCES medicine_batches(id),
	delta       INTEGER NOT NULL,
	at          TEXT    NOT NULL,
	staff_id    INTEGER NOT NULL,
	seq         INTEGER NOT NULL,
	dispense_id INTEGER NOT NULL DEFAULT 0,
	note        TEXT    NOT NULL DEFAULT '',
	CHECK ((kind = 'restock' AND delta > 0) OR (kind IN ('dispense','writeoff') AND delta < 0) OR kind = 'count')
);
CREATE INDEX medicine_moves_batch ON medicine_moves(batch_id);
CREATE INDEX medicine_moves_medicine ON medicine_moves(medicine_id, id);
CREATE INDEX medicine_moves_seq ON medicine_moves(seq);
CREATE TRIGGER medicine_moves_no_update BEFORE UPDATE ON medicine_moves
BEGIN SELECT RAISE(ABORT, 'stock movements are never changed'); END;
CREATE TRIGGER medicine_moves_no_delete BEFORE DELETE ON medicine_moves
BEGIN SELECT RAISE(ABORT, 'stock movements are never deleted'); END;
-- A batch holds exactly what its movements say.
CREATE TRIGGER medicine_batches_balance BEFORE UPDATE OF quantity ON medicine_batches
WHEN NEW.quantity <> (SELECT coalesce(sum(delta), 0) FROM medicine_moves WHERE batch_id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'batch quantity differs from its movements'); END;
