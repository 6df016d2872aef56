-- Customer feedback (顾客意见, procedures 5.2.6), kiosk ratings and the
-- shift handover (交接班, staff rules 4.6). Rows are derived from their
-- journal entries in the same transaction; none is ever deleted, and only
-- the follow-up of a piece of feedback (its answer, once) is ever written
-- after the insert.

-- One row per logged opinion, suggestion, praise or complaint. The
-- customer's contact lives in the personal-data store (person_id); only its
-- mask is here.
CREATE TABLE feedback (
	id             INTEGER PRIMARY KEY,
	channel        TEXT    NOT NULL CHECK (channel IN ('oral','written')),
	category       TEXT    NOT NULL,
	complaint      INTEGER NOT NULL DEFAULT 0 CHECK (complaint IN (0, 1)),
	text           TEXT    NOT NULL,
	person_id      TEXT    NOT NULL DEFAULT '',
	contact_masked TEXT    NOT NULL DEFAULT '',
	received_by    INTEGER NOT NULL REFERENCES staff(id),
	supervisor_id  INTEGER NOT NULL REFERENCES staff(id),
	received_at    TEXT    NOT NULL,
	due_at         TEXT    NOT NULL,
	log_seq        INTEGER NOT NULL DEFAULT 0,
	answer         TEXT    NOT NULL DEFAULT '',
	answered_by    INTEGER NOT NULL DEFAULT 0,
	answered_at    TEXT    NOT NULL DEFAULT '',
	answer_seq     INTEGER NOT NULL DEFAULT 0,
	CHECK ((answer_seq = 0) = (answered_at = ''))
);
CREATE INDEX feedback_open ON feedback(answer_seq, due_at);
CREATE TRIGGER feedback_no_delete BEFORE DELETE ON feedback
BEGIN SELECT RAISE(ABORT, 'feedback is never deleted'); END;
CREATE TRIGGER feedback_no_replace BEFORE INSERT ON feedback
WHEN EXISTS (SELECT 1 FROM feedback WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'feedback exists: insert refused'); END;
-- After the insert only log_seq (once, from 0) and the answer (once) are
-- written.
CREATE TRIGGER feedback_write_once BEFORE UPDATE ON feedback
WHEN NEW.id <> OLD.id OR NEW.channel <> OLD.channel OR NEW.category <> OLD.category OR NEW.complaint <> OLD.complaint
	OR NEW.text <> OLD.text OR NEW.person_id <> OLD.person_id OR NEW.contact_masked <> OLD.contact_masked
	OR NEW.received_by <> OLD.received_by OR NEW.supervisor_id <> OLD.supervisor_id
	OR NEW.received_at <> OLD.received_at OR NEW.due_at <> OLD.due_at
	OR (OLD.log_seq <> 0 AND NEW.log_seq <> OLD.log_seq)
	OR (OLD.answer_seq <> 0 AND (NEW.answer_seq <> OLD.answer_seq OR NEW.answer <> OLD.answer
		OR NEW.answered_by <> OLD.answered_by OR NEW.answered_at <> OLD.answered_at))
BEGIN SELECT RAISE(ABORT, 'feedback already answered: update refused'); END;

-- Customer ratings 1–5 (the kiosk, a counter pad): the journal entry's
-- seq is the key.
CREATE TABLE ratings (
	seq      INTEGER PRIMARY KEY,
	score    INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
	source   TEXT    NOT NULL,
	rated_us INTEGER NOT NULL -- UTC microseconds (compared as numbers)
);
CREATE INDEX ratings_source ON ratings(source, rated_us);
CREATE TRIGGER ratings_no_delete BEFORE DELETE ON ratings
BEGIN SELECT RAISE(ABORT, 'ratings are never deleted'); END;
CREATE TRIGGER ratings_no_update BEFORE UPDATE ON ratings
BEGIN SELECT RAISE(ABORT, 'ratings never change'); END;
CREATE TRIGGER ratings_no_replace BEFORE INSERT ON ratings
WHEN EXISTS (SELECT 1 FROM ratings WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'rating exists: insert refused'); END;

-- Shift handovers: the shift.handover entry's seq is the key; counts and
-- open matters as the entry has them (JSON).
CREATE TABLE handovers (
	seq           INTEGER PRIMARY KEY,
	handover_no   TEXT    NOT NULL UNIQUE,
	at            TEXT    NOT NULL,
	from_id       INTEGER NOT NULL REFERENCES staff(id),
	to_id         INTEGER NOT NULL REFERENCES staff(id),
	since         TEXT    NOT NULL DEFAULT '',
	cash_expected INTEGER NOT NULL,
	cash_counted  INTEGER NOT NULL CHECK (cash_counted >= 0),
	counts        TEXT    NOT NULL,
	open_matters  TEXT    NOT NULL,
	note          TEXT    NOT NULL DEFAULT '',
	CHECK (from_id <> to_id)
);
CREATE TRIGGER handovers_no_delete BEFORE DELETE ON handovers
BEGIN SELECT RAISE(ABORT, 'handovers are never deleted'); END;
CREATE TRIGGER handovers_no_update BEFORE UPDATE ON handovers
BEGIN SELECT RAISE(ABORT, 'handovers never change'); END;
CREATE TRIGGER handovers_no_replace BEFORE INSERT ON handovers
WHEN EXISTS (SELECT 1 FROM handovers WHERE seq = NEW.seq OR handover_no = NEW.handover_no)
BEGIN SELECT RAISE(ABORT, 'handover exists: insert refused'); END;
