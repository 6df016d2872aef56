-- Print jobs that tell the truth (issue 11): a job's state, and the
-- history of its attempts. A job is printed only when its bytes left the
-- port and the printer's status afterwards was fine; an attempt cut short
-- after bytes went out makes the next copy a marked 补打.
ALTER TABLE print_jobs ADD COLUMN state TEXT NOT NULL DEFAULT 'queued'
	CHECK (state IN ('queued', 'sending', 'printed', 'failed'));
ALTER TABLE print_jobs ADD COLUMN sending_at TEXT NOT NULL DEFAULT '';
UPDATE print_jobs SET state = 'printed' WHERE printed_at <> '';
UPDATE print_jobs SET state = 'failed' WHERE printed_at = '' AND attempts > 0;

-- One row per finished attempt, written when it ends; never changed.
CREATE TABLE print_attempts (
	id          INTEGER PRIMARY KEY,
	job_id      INTEGER NOT NULL REFERENCES print_jobs(id),
	attempt     INTEGER NOT NULL,
	started_at  TEXT    NOT NULL,
	ended_at    TEXT    NOT NULL,
	outcome     TEXT    NOT NULL CHECK (outcome IN ('printed', 'refused', 'incomplete', 'interrupted')),
	reason      TEXT    NOT NULL DEFAULT '',
	bytes_sent  INTEGER NOT NULL DEFAULT 0,
	bytes_total INTEGER NOT NULL DEFAULT 0,
	marked      INTEGER NOT NULL DEFAULT 0,
	UNIQUE (job_id, attempt)
);
CREATE TRIGGER print_attempts_no_update BEFORE UPDATE ON print_attempts
BEGIN SELECT RAISE(ABORT, 'print attempts are never changed'); END;
CREATE TRIGGER print_attempts_no_delete BEFORE DELETE ON print_attempts
BEGIN SELECT RAISE(ABORT, 'print attempts are never deleted'); END;
