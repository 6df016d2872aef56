-- The personal-data store (PIPL): the one place where names, mobiles, ID
-- numbers, health notes and descriptions of people live. Outside the
-- append-only journal so that it can forget: erasure clears the sealed
-- values and keyed hashes and keeps the opaque id and the masks. Times are
-- BIGINT UTC microseconds (0 = not yet), comparable on both engines.
CREATE TABLE persons (
	id           TEXT    PRIMARY KEY,  -- opaque, random: what other rows and the journal refer to
	purpose      TEXT    NOT NULL,
	collected_at BIGINT  NOT NULL,
	collected_by BIGINT  NOT NULL,
	closed_at    BIGINT  NOT NULL DEFAULT 0,  -- the purpose ended (card closed)
	retain_from  BIGINT  NOT NULL DEFAULT 0,  -- the retention clock started
	erased_at    BIGINT  NOT NULL DEFAULT 0,
	erased_for   TEXT    NOT NULL DEFAULT '' CHECK (erased_for IN ('', 'retention', 'request')),
	created_seq  BIGINT  NOT NULL,
	erased_seq   BIGINT  NOT NULL DEFAULT 0,
	CHECK ((erased_at = 0) = (erased_for = '')),
	CHECK ((erased_at = 0) = (erased_seq = 0))
);
CREATE INDEX persons_due ON persons(erased_at, purpose, retain_from);
CREATE INDEX persons_collected ON persons(collected_at);

-- One row per kind of data in a record. masked is what everyone sees;
-- sealed is AES-256-GCM (version, nonce, ciphertext) bound to the record
-- and kind; lookup is the HMAC-SHA256 blind index (mobile, ID number).
-- A resident ID number has no sealed value at all: mask and hash only.
CREATE TABLE person_fields (
	person_id TEXT NOT NULL REFERENCES persons(id),
	kind      TEXT NOT NULL CHECK (kind IN ('name', 'mobile', 'resident_id', 'health', 'note')),
	masked    TEXT NOT NULL,
	sealed    BLOB,
	lookup    BLOB,
	key_id    TEXT NOT NULL,
	PRIMARY KEY (person_id, kind),
	CHECK (kind <> 'resident_id' OR sealed IS NULL)
);
CREATE INDEX person_fields_lookup ON person_fields(lookup);

CREATE TRIGGER persons_no_delete BEFORE DELETE ON persons
BEGIN SELECT RAISE(ABORT, 'personal records are erased, never deleted'); END;
CREATE TRIGGER persons_erased_final BEFORE UPDATE ON persons
WHEN OLD.erased_at <> 0
BEGIN SELECT RAISE(ABORT, 'an erased personal record never changes'); END;
CREATE TRIGGER person_fields_no_delete BEFORE DELETE ON person_fields
BEGIN SELECT RAISE(ABORT, 'personal data is erased, never deleted'); END;
CREATE TRIGGER person_fields_keep_mask BEFORE UPDATE ON person_fields
WHEN NEW.masked IS NOT OLD.masked OR NEW.kind IS NOT OLD.kind OR NEW.person_id IS NOT OLD.person_id
	OR NEW.key_id IS NOT OLD.key_id
	OR (NEW.sealed IS NOT NULL AND NEW.sealed IS NOT OLD.sealed)
	OR (NEW.lookup IS NOT NULL AND NEW.lookup IS NOT OLD.lookup)
BEGIN SELECT RAISE(ABORT, 'personal data is only ever erased in place'); END;
