-- The journal's chain head in one row: the seq and hash of the last entry.
-- Every writing transaction reads it first (on PostgreSQL FOR UPDATE, which
-- queues the desks one behind the other) and advances it with every append,
-- so the whole mall has one gapless chain without forks. Seeded from the
-- journal as it is; the triggers keep the head and the journal's last entry
-- equal: an entry must follow the head, the head must name the last entry.
CREATE TABLE journal_head (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	last_seq  INTEGER NOT NULL,
	last_hash TEXT    NOT NULL
);
INSERT INTO journal_head(id, last_seq, last_hash)
SELECT 1, coalesce(max(seq), 0),
	coalesce((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1),
		'0000000000000000000000000000000000000000000000000000000000000000')
FROM journal;

CREATE TRIGGER journal_head_no_delete BEFORE DELETE ON journal_head
BEGIN SELECT RAISE(ABORT, 'journal head is never deleted: delete refused'); END;
CREATE TRIGGER journal_head_follows BEFORE UPDATE ON journal_head
WHEN NEW.id <> 1 OR NOT EXISTS (SELECT 1 FROM journal WHERE seq = NEW.last_seq AND hash = NEW.last_hash)
	OR EXISTS (SELECT 1 FROM journal WHERE seq > NEW.last_seq)
BEGIN SELECT RAISE(ABORT, 'journal head must name the last entry: update refused'); END;
CREATE TRIGGER journal_follows_head BEFORE INSERT ON journal
WHEN NOT EXISTS (SELECT 1 FROM journal_head WHERE id = 1 AND last_seq + 1 = NEW.seq AND last_hash = NEW.prev_hash)
BEGIN SELECT RAISE(ABORT, 'journal entry does not follow the chain head: insert refused'); END;
