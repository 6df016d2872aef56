-- Broadcast console (广播, procedures 5.2.2, 5.2.3, 5.1.2.1 寻人寻物广播):
-- its configuration (one JSON row, like settings) and every broadcast,
-- scheduled or announced by staff. Both are current-state tables derived
-- from broadcast.* journal entries written in the same transaction.
CREATE TABLE broadcast_config (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value TEXT NOT NULL
);

CREATE TABLE broadcasts (
	id          INTEGER PRIMARY KEY,
	source      TEXT    NOT NULL CHECK (source IN ('schedule','manual')),
	plan_date   TEXT    NOT NULL DEFAULT '',
	plan_key    TEXT    NOT NULL DEFAULT '',
	planned_at  TEXT    NOT NULL DEFAULT '',
	kind        TEXT    NOT NULL,
	text        TEXT    NOT NULL DEFAULT '', -- as spoken while live (may hold a name); the masked text once ended
	text_masked TEXT    NOT NULL DEFAULT '',
	speech      TEXT    NOT NULL DEFAULT '',
	file        TEXT    NOT NULL DEFAULT '',
	repeats     INTEGER NOT NULL DEFAULT 0 CHECK (repeats BETWEEN 0 AND 5),
	interval_ms INTEGER NOT NULL DEFAULT 0 CHECK (interval_ms >= 0),
	urgent      INTEGER NOT NULL DEFAULT 0,
	staff_id    INTEGER NOT NULL,
	status      TEXT    NOT NULL CHECK (status IN ('queued','playing','played','failed','skipped','cancelled','missed','interrupted')),
	note        TEXT    NOT NULL DEFAULT '',
	created_at  TEXT    NOT NULL,
	queue_seq   INTEGER NOT NULL DEFAULT 0,
	started_at  TEXT    NOT NULL DEFAULT '',
	finished_at TEXT    NOT NULL DEFAULT '',
	end_seq     INTEGER NOT NULL DEFAULT 0,
	ended_by    INTEGER NOT NULL DEFAULT 0,
	-- a scheduled broadcast names its plan item; a staff one does not
	CHECK ((source = 'schedule') = (plan_key <> '')),
	-- a final broadcast carries its end; a live one does not
	CHECK ((status IN ('queued','playing')) = (end_seq = 0)),
	CHECK ((status IN ('queued','playing')) = (finished_at = ''))
);
-- one broadcast per plan item and day: a restart or a second desk never
-- plays a scheduled item twice
CREATE UNIQUE INDEX broadcasts_plan_key ON broadcasts(plan_key) WHERE plan_key <> '';
CREATE INDEX broadcasts_plan_date ON broadcasts(plan_date);
CREATE INDEX broadcasts_live ON broadcasts(status, id);
CREATE TRIGGER broadcasts_no_delete BEFORE DELETE ON broadcasts
BEGIN SELECT RAISE(ABORT, 'broadcasts are never deleted'); END;
CREATE TRIGGER broadcasts_final BEFORE UPDATE ON broadcasts
WHEN OLD.status NOT IN ('queued','playing')
BEGIN SELECT RAISE(ABORT, 'broadcast already ended'); END;
