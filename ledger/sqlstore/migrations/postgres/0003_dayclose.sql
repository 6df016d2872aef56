-- Day close (日结): the close number on the business day, and a closed day
-- is final. PostgreSQL twin of sqlite/0003_dayclose.sql.
ALTER TABLE business_days ADD COLUMN close_no TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX business_days_close_no ON business_days(close_no) WHERE close_no <> '';
CREATE INDEX business_days_date ON business_days(business_date, id);
CREATE TRIGGER business_days_closed_final BEFORE UPDATE ON business_days
FOR EACH ROW WHEN (OLD.close_seq <> 0)
EXECUTE FUNCTION refuse_change('business day closed: never changed');
CREATE TRIGGER business_days_no_delete BEFORE DELETE ON business_days
FOR EACH ROW EXECUTE FUNCTION refuse_change('business days are never deleted');
CREATE TRIGGER business_days_no_truncate BEFORE TRUNCATE ON business_days
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('business days are never deleted');
CREATE INDEX loans_lend_seq ON loans(lend_seq);
-- Receipt numbers are per business date (20261125-0007). When a day is
-- closed and the next business day opens on the same calendar date, it
-- continues that date's numbering instead of starting at 0001 again.
CREATE FUNCTION business_days_continue_receipts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.next_receipt := coalesce(
		(SELECT max(next_receipt) FROM business_days WHERE business_date = NEW.business_date),
		NEW.next_receipt);
	RETURN NEW;
END
$$;
CREATE TRIGGER business_days_continue_receipts BEFORE INSERT ON business_days
FOR EACH ROW EXECUTE FUNCTION business_days_continue_receipts();
