-- Trust (issue 9): approvals are single-use records; inserts that would
-- replace a journal entry or a closed row are refused; the full mobile
-- number leaves the loans table (only the mask stays).

-- A supervisor's credentials make one approval, bound to one action, one
-- record, one amount and one actor, valid for a few minutes; the action
-- consumes it in its own transaction (used_seq = the action's entry).
-- Only the hash of the token handed to the caller is stored.
CREATE TABLE approvals (
	id          INTEGER PRIMARY KEY,
	token_hash  TEXT    NOT NULL UNIQUE,
	action      TEXT    NOT NULL,
	record      TEXT    NOT NULL,
	amount      INTEGER NOT NULL,
	actor_id    INTEGER NOT NULL REFERENCES staff(id),
	approver_id INTEGER NOT NULL REFERENCES staff(id),
	reason      TEXT    NOT NULL,
	granted_at  TEXT    NOT NULL,
	expires_at  TEXT    NOT NULL,
	grant_seq   INTEGER NOT NULL DEFAULT 0,
	used_seq    INTEGER NOT NULL DEFAULT 0,
	CHECK (approver_id <> actor_id)
);
CREATE INDEX approvals_used ON approvals(used_seq);
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are never deleted'); END;
CREATE TRIGGER approvals_no_replace BEFORE INSERT ON approvals
WHEN EXISTS (SELECT 1 FROM approvals WHERE id = NEW.id OR token_hash = NEW.token_hash)
BEGIN SELECT RAISE(ABORT, 'approval exists: insert refused'); END;
-- After the insert only grant_seq (once, from 0) and used_seq (once, from
-- 0) are written; a used approval never changes again.
CREATE TRIGGER approvals_write_once BEFORE UPDATE ON approvals
WHEN NEW.id <> OLD.id OR NEW.token_hash <> OLD.token_hash OR NEW.action <> OLD.action OR NEW.record <> OLD.record
	OR NEW.amount <> OLD.amount OR NEW.actor_id <> OLD.actor_id OR NEW.approver_id <> OLD.approver_id
	OR NEW.reason <> OLD.reason OR NEW.granted_at <> OLD.granted_at OR NEW.expires_at <> OLD.expires_at
	OR (OLD.grant_seq <> 0 AND NEW.grant_seq <> OLD.grant_seq)
	OR (OLD.used_seq <> 0 AND NEW.used_seq <> OLD.used_seq)
BEGIN SELECT RAISE(ABORT, 'approval already granted or used: update refused'); END;

-- The journal takes only the next entry of the chain: an insert that
-- collides with an entry (INSERT OR REPLACE deletes the old row without
-- firing the delete trigger), skips a number or does not link to the last
-- hash is refused.
CREATE TRIGGER journal_no_replace BEFORE INSERT ON journal
WHEN EXISTS (SELECT 1 FROM journal WHERE seq = NEW.seq OR hash = NEW.hash)
	OR NEW.seq <> (SELECT coalesce(max(seq), 0) + 1 FROM journal)
	OR NEW.prev_hash <> coalesce((SELECT hash FROM journal WHERE seq = NEW.seq - 1),
		'0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'journal is append-only: only the next entry of the chain may be inserted'); END;

-- State rows are never replaced: an insert colliding with a row on any of
-- its keys is refused, and the keys never change (UPDATE OR REPLACE would
-- delete the row it collides with).
CREATE TRIGGER staff_no_replace BEFORE INSERT ON staff
WHEN EXISTS (SELECT 1 FROM staff WHERE id = NEW.id OR username = NEW.username)
BEGIN SELECT RAISE(ABORT, 'staff account exists: insert refused'); END;
CREATE TRIGGER staff_keys_fixed BEFORE UPDATE ON staff
WHEN NEW.id <> OLD.id OR NEW.username <> OLD.username
BEGIN SELECT RAISE(ABORT, 'staff id and username never change'); END;

CREATE TRIGGER items_no_replace BEFORE INSERT ON items
WHEN EXISTS (SELECT 1 FROM items WHERE id = NEW.id OR (kind = NEW.kind AND number = NEW.number))
BEGIN SELECT RAISE(ABORT, 'item exists: insert refused'); END;
CREATE TRIGGER items_keys_fixed BEFORE UPDATE ON items
WHEN NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.number <> OLD.number
	OR (OLD.added_seq <> 0 AND NEW.added_seq <> OLD.added_seq)
BEGIN SELECT RAISE(ABORT, 'item keys never change'); END;

CREATE TRIGGER loans_no_replace BEFORE INSERT ON loans
WHEN EXISTS (SELECT 1 FROM loans WHERE id = NEW.id OR receipt_no = NEW.receipt_no
	OR (NEW.return_no <> '' AND return_no = NEW.return_no)
	OR (NEW.status = 'open' AND status = 'open' AND item_id = NEW.item_id))
BEGIN SELECT RAISE(ABORT, 'loan exists: insert refused'); END;
CREATE TRIGGER loans_keys_fixed BEFORE UPDATE ON loans
WHEN NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.item_id <> OLD.item_id OR NEW.receipt_no <> OLD.receipt_no
	OR NEW.lent_at <> OLD.lent_at OR NEW.lent_by <> OLD.lent_by OR NEW.deposit <> OLD.deposit
	OR NEW.phone_masked <> OLD.phone_masked
	OR (OLD.lend_seq <> 0 AND NEW.lend_seq <> OLD.lend_seq) OR (OLD.token <> '' AND NEW.token <> OLD.token)
	OR (NEW.return_no <> '' AND EXISTS (SELECT 1 FROM loans WHERE return_no = NEW.return_no AND id <> OLD.id))
BEGIN SELECT RAISE(ABORT, 'loan keys never change'); END;

CREATE TRIGGER business_days_no_replace BEFORE INSERT ON business_days
WHEN EXISTS (SELECT 1 FROM business_days WHERE id = NEW.id
	OR (NEW.close_no <> '' AND close_no = NEW.close_no) OR (NEW.close_seq = 0 AND close_seq = 0))
BEGIN SELECT RAISE(ABORT, 'business day exists: insert refused'); END;
CREATE TRIGGER business_days_keys_fixed BEFORE UPDATE ON business_days
WHEN NEW.id <> OLD.id OR NEW.business_date <> OLD.business_date OR NEW.opened_at <> OLD.opened_at
	OR NEW.open_seq <> OLD.open_seq
	OR (NEW.close_no <> '' AND EXISTS (SELECT 1 FROM business_days WHERE close_no = NEW.close_no AND id <> OLD.id))
BEGIN SELECT RAISE(ABORT, 'business day keys never change'); END;

CREATE TRIGGER print_jobs_no_replace BEFORE INSERT ON print_jobs
WHEN EXISTS (SELECT 1 FROM print_jobs WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'print job exists: insert refused'); END;

-- The full mobile number was kept "for reminders" and nothing read it:
-- erase the stored numbers (the closed-row trigger steps aside for this
-- one statement; the migration journals the count) and drop the column.
-- Only phone_masked (138****1234) stays.
DROP TRIGGER loans_closed_final;
UPDATE loans SET phone = '' WHERE phone <> '';
CREATE TRIGGER loans_closed_final BEFORE UPDATE ON loans
WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'loan already closed'); END;
ALTER TABLE loans DROP COLUMN phone;
