-- The personal-data store (PIPL). PostgreSQL twin of sqlite/0005_personal.sql:
-- the same tables and columns; BYTEA for the sealed values and keyed hashes.
CREATE TABLE persons (
	id           TEXT    PRIMARY KEY,
	purpose      TEXT    NOT NULL,
	collected_at BIGINT  NOT NULL,
	collected_by BIGINT  NOT NULL,
	closed_at    BIGINT  NOT NULL DEFAULT 0,
	retain_from  BIGINT  NOT NULL DEFAULT 0,
	erased_at    BIGINT  NOT NULL DEFAULT 0,
	erased_for   TEXT    NOT NULL DEFAULT '' CHECK (erased_for IN ('', 'retention', 'request')),
	created_seq  BIGINT  NOT NULL,
	erased_seq   BIGINT  NOT NULL DEFAULT 0,
	CHECK ((erased_at = 0) = (erased_for = '')),
	CHECK ((erased_at = 0) = (erased_seq = 0))
);
CREATE INDEX persons_due ON persons(erased_at, purpose, retain_from);
CREATE INDEX persons_collected ON persons(collected_at);

CREATE TABLE person_fields (
	person_id TEXT NOT NULL REFERENCES persons(id),
	kind      TEXT NOT NULL CHECK (kind IN ('name', 'mobile', 'resident_id', 'health', 'note')),
	masked    TEXT NOT NULL,
	sealed    BYTEA,
	lookup    BYTEA,
	key_id    TEXT NOT NULL,
	PRIMARY KEY (person_id, kind),
	CHECK (kind <> 'resident_id' OR sealed IS NULL)
);
CREATE INDEX person_fields_lookup ON person_fields(lookup);

CREATE TRIGGER persons_no_delete BEFORE DELETE ON persons
FOR EACH ROW EXECUTE FUNCTION refuse_change('personal records are erased, never deleted');
CREATE TRIGGER persons_no_truncate BEFORE TRUNCATE ON persons
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('personal records are erased, never deleted');
CREATE TRIGGER persons_erased_final BEFORE UPDATE ON persons
FOR EACH ROW WHEN (OLD.erased_at <> 0)
EXECUTE FUNCTION refuse_change('an erased personal record never changes');
CREATE TRIGGER person_fields_no_delete BEFORE DELETE ON person_fields
FOR EACH ROW EXECUTE FUNCTION refuse_change('personal data is erased, never deleted');
CREATE TRIGGER person_fields_no_truncate BEFORE TRUNCATE ON person_fields
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('personal data is erased, never deleted');
CREATE TRIGGER person_fields_keep_mask BEFORE UPDATE ON person_fields
FOR EACH ROW WHEN (NEW.masked IS DISTINCT FROM OLD.masked OR NEW.kind IS DISTINCT FROM OLD.kind
	OR NEW.person_id IS DISTINCT FROM OLD.person_id OR NEW.key_id IS DISTINCT FROM OLD.key_id
	OR (NEW.sealed IS NOT NULL AND NEW.sealed IS DISTINCT FROM OLD.sealed)
	OR (NEW.lookup IS NOT NULL AND NEW.lookup IS DISTINCT FROM OLD.lookup))
EXECUTE FUNCTION refuse_change('personal data is only ever erased in place');
