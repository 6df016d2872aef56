-- Several desks, one ledger (issue 13). PostgreSQL twin of
-- sqlite/0013_desks.sql: a database from before desks becomes desk A.
CREATE TABLE desks (
	code          TEXT   PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 6),
	name          TEXT   NOT NULL,
	devices       TEXT   NOT NULL DEFAULT '',
	report_folder TEXT   NOT NULL DEFAULT '',
	drawer_float  BIGINT NOT NULL DEFAULT 0 CHECK (drawer_float >= 0),
	added_seq     BIGINT NOT NULL DEFAULT 0
);
CREATE TRIGGER desks_no_delete BEFORE DELETE ON desks
FOR EACH ROW EXECUTE FUNCTION refuse_change('desks are never deleted');
CREATE TRIGGER desks_no_truncate BEFORE TRUNCATE ON desks
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('desks are never deleted');
CREATE TRIGGER desks_code_final BEFORE UPDATE OF code ON desks
FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
EXECUTE FUNCTION refuse_change('a desk code never changes: it is in receipt numbers');
INSERT INTO desks(code, name, devices, report_folder)
SELECT 'A', coalesce(value::json->>'CounterName', ''), coalesce((value::json->'Devices')::text, ''),
	coalesce(value::json->>'ReportFolder', '')
FROM settings WHERE id = 1;

ALTER TABLE business_days ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
DROP INDEX business_days_one_open;
CREATE UNIQUE INDEX business_days_one_open ON business_days(desk) WHERE close_seq = 0;
CREATE INDEX business_days_desk_close ON business_days(desk, close_seq);
CREATE OR REPLACE FUNCTION business_days_continue_receipts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.next_receipt := coalesce(
		(SELECT max(next_receipt) FROM business_days WHERE desk = NEW.desk AND business_date = NEW.business_date),
		NEW.next_receipt);
	RETURN NEW;
END
$$;

ALTER TABLE print_jobs ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
CREATE INDEX print_jobs_desk_pending ON print_jobs(desk, printed_at) WHERE printed_at = '';

ALTER TABLE loans ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
ALTER TABLE loans ADD COLUMN return_desk TEXT NOT NULL DEFAULT 'A';
CREATE INDEX loans_desk_lend ON loans(desk, lend_seq);

UPDATE loans SET return_desk = '' WHERE status = 'open';

ALTER TABLE items ADD COLUMN home_desk TEXT NOT NULL DEFAULT 'A';
ALTER TABLE items ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
CREATE INDEX items_desk ON items(desk, kind);

-- Whose a row is never changes: a day's desk, a loan's lending desk, an
-- item's home; a loan's returning desk is written once, at its close.
CREATE TRIGGER desk_of_day_fixed BEFORE UPDATE ON business_days
FOR EACH ROW WHEN (NEW.desk <> OLD.desk)
EXECUTE FUNCTION refuse_change('a business day''s desk never changes');
CREATE TRIGGER desk_of_loan_fixed BEFORE UPDATE ON loans
FOR EACH ROW WHEN (NEW.desk <> OLD.desk OR (OLD.return_desk <> '' AND NEW.return_desk <> OLD.return_desk))
EXECUTE FUNCTION refuse_change('a loan''s desks never change');
CREATE TRIGGER home_of_item_fixed BEFORE UPDATE ON items
FOR EACH ROW WHEN (NEW.home_desk <> OLD.home_desk)
EXECUTE FUNCTION refuse_change('an item''s home desk never changes');
