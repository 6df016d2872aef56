-- The journal's chain head in one row: the seq and hash of the last entry.
-- PostgreSQL twin of sqlite/0006_journal_head.sql. Every writing
-- transaction selects it FOR UPDATE first, so desks queue one behind the
-- other under READ COMMITTED and the next one reads the committed head: one
-- gapless chain for the whole mall, no forks. The triggers keep the head
-- and the journal's last entry equal.
CREATE TABLE journal_head (
	id        BIGINT PRIMARY KEY CHECK (id = 1),
	last_seq  BIGINT NOT NULL,
	last_hash TEXT   NOT NULL
);
INSERT INTO journal_head(id, last_seq, last_hash)
SELECT 1, coalesce(max(seq), 0),
	coalesce((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1),
		'0000000000000000000000000000000000000000000000000000000000000000')
FROM journal;

CREATE TRIGGER journal_head_no_delete BEFORE DELETE ON journal_head
FOR EACH ROW EXECUTE FUNCTION refuse_change('journal head is never deleted: delete refused');
CREATE TRIGGER journal_head_no_truncate BEFORE TRUNCATE ON journal_head
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('journal head is never deleted: truncate refused');

CREATE FUNCTION journal_head_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.id <> 1 OR NOT EXISTS (SELECT 1 FROM journal WHERE seq = NEW.last_seq AND hash = NEW.last_hash)
		OR EXISTS (SELECT 1 FROM journal WHERE seq > NEW.last_seq) THEN
		RAISE EXCEPTION USING ERRCODE = 'SD001', MESSAGE = 'journal head must name the last entry: update refused';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER journal_head_follows BEFORE UPDATE ON journal_head
FOR EACH ROW EXECUTE FUNCTION journal_head_follows();

CREATE FUNCTION journal_follows_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM journal_head WHERE id = 1 AND last_seq + 1 = NEW.seq AND last_hash = NEW.prev_hash) THEN
		RAISE EXCEPTION USING ERRCODE = 'SD001', MESSAGE = 'journal entry does not follow the chain head: insert refused';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER journal_follows_head BEFORE INSERT ON journal
FOR EACH ROW EXECUTE FUNCTION journal_follows_head();
