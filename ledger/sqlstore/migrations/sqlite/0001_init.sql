-- Foundation: install metadata, the append-only journal, staff, settings,
-- business days, receipt numbering and the durable print queue.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

CREATE TABLE journal (
	seq       INTEGER PRIMARY KEY,
	at        TEXT    NOT NULL,
	staff_id  INTEGER NOT NULL,
	kind      TEXT    NOT NULL,
	data      TEXT    NOT NULL,
	reverses  INTEGER NOT NULL DEFAULT 0,
	prev_hash TEXT    NOT NULL,
	hash      TEXT    NOT NULL UNIQUE
);
CREATE INDEX journal_kind ON journal(kind);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only: update refused'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only: delete refused'); END;

CREATE TABLE staff (
	id            INTEGER PRIMARY KEY,
	username      TEXT    NOT NULL UNIQUE,
	name          TEXT    NOT NULL,
	role          TEXT    NOT NULL CHECK (role IN ('clerk','supervisor','admin')),
	password_hash TEXT    NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	must_change   INTEGER NOT NULL DEFAULT 0,
	failed_count  INTEGER NOT NULL DEFAULT 0,
	locked_until  TEXT    NOT NULL DEFAULT ''
);
CREATE TRIGGER staff_no_delete BEFORE DELETE ON staff
BEGIN SELECT RAISE(ABORT, 'staff accounts are disabled, never deleted'); END;

CREATE TABLE settings (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value TEXT NOT NULL
);

CREATE TABLE business_days (
	id            INTEGER PRIMARY KEY,
	business_date TEXT    NOT NULL,
	opened_at     TEXT    NOT NULL,
	open_seq      INTEGER NOT NULL,
	closed_at     TEXT    NOT NULL DEFAULT '',
	close_seq     INTEGER NOT NULL DEFAULT 0,
	next_receipt  INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX business_days_one_open ON business_days(close_seq) WHERE close_seq = 0;

CREATE TABLE print_jobs (
	id          INTEGER PRIMARY KEY,
	receipt_no  TEXT    NOT NULL,
	document    TEXT    NOT NULL,
	is_copy     INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT    NOT NULL,
	printed_at  TEXT    NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX print_jobs_pending ON print_jobs(printed_at) WHERE printed_at = '';
