-- Day close (日结): the close number on the business day, and a closed day
-- is final. The close itself is the day.close journal entry; these columns
-- are derived from it in the same transaction.
ALTER TABLE business_days ADD COLUMN close_no TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX business_days_close_no ON business_days(close_no) WHERE close_no <> '';
CREATE INDEX business_days_date ON business_days(business_date, id);
CREATE TRIGGER business_days_closed_final BEFORE UPDATE ON business_days
WHEN OLD.close_seq <> 0
BEGIN SELECT RAISE(ABORT, 'business day closed: never changed'); END;
CREATE TRIGGER business_days_no_delete BEFORE DELETE ON business_days
BEGIN SELECT RAISE(ABORT, 'business days are never deleted'); END;
CREATE INDEX loans_lend_seq ON loans(lend_seq);
-- Receipt numbers are per business date (20261125-0007). When a day is
-- closed and the next business day opens on the same calendar date, it
-- continues that date's numbering instead of starting at 0001 again.
CREATE TRIGGER business_days_continue_receipts AFTER INSERT ON business_days
BEGIN
	UPDATE business_days SET next_receipt = (
		SELECT max(next_receipt) FROM business_days WHERE business_date = NEW.business_date AND id <> NEW.id)
	WHERE id = NEW.id AND EXISTS (SELECT 1 FROM business_days WHERE business_date = NEW.business_date AND id <> NEW.id);
END;
