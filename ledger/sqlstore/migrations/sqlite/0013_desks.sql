-- Several desks, one ledger (issue 13). Each desk (counter PC) has a code
-- printed in its receipt numbers, its own business days and day close,
-- cash drawer float, print queue and devices; items have a home desk and
-- the desk they are at. A database from before desks becomes desk A: its
-- rows get A, its counter name and devices become desk A's.
CREATE TABLE desks (
	code          TEXT    PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 6),
	name          TEXT    NOT NULL,
	devices       TEXT    NOT NULL DEFAULT '',  -- JSON DeviceSettings ('' = the defaults)
	report_folder TEXT    NOT NULL DEFAULT '',
	drawer_float  INTEGER NOT NULL DEFAULT 0 CHECK (drawer_float >= 0),
	added_seq     INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER desks_no_delete BEFORE DELETE ON desks
BEGIN SELECT RAISE(ABORT, 'desks are never deleted'); END;
CREATE TRIGGER desks_code_final BEFORE UPDATE OF code ON desks
BEGIN SELECT RAISE(ABORT, 'a desk code never changes: it is in receipt numbers'); END;
INSERT INTO desks(code, name, devices, report_folder)
SELECT 'A', coalesce(json_extract(value, '$.CounterName'), ''), coalesce(json_extract(value, '$.Devices'), ''),
	coalesce(json_extract(value, '$.ReportFolder'), '')
FROM settings WHERE id = 1;

ALTER TABLE business_days ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
DROP INDEX business_days_one_open;
CREATE UNIQUE INDEX business_days_one_open ON business_days(desk) WHERE close_seq = 0;
-- One open day per desk (no longer one for the whole database).
DROP TRIGGER business_days_no_replace;
CREATE TRIGGER business_days_no_replace BEFORE INSERT ON business_days
WHEN EXISTS (SELECT 1 FROM business_days WHERE id = NEW.id
	OR (NEW.close_no <> '' AND close_no = NEW.close_no) OR (NEW.close_seq = 0 AND close_seq = 0 AND desk = NEW.desk))
BEGIN SELECT RAISE(ABORT, 'business day exists: insert refused'); END;
CREATE INDEX business_days_desk_close ON business_days(desk, close_seq);
-- Receipt numbers run per desk and business date.
DROP TRIGGER business_days_continue_receipts;
CREATE TRIGGER business_days_continue_receipts AFTER INSERT ON business_days
BEGIN
	UPDATE business_days SET next_receipt = (
		SELECT max(next_receipt) FROM business_days WHERE desk = NEW.desk AND business_date = NEW.business_date AND id <> NEW.id)
	WHERE id = NEW.id AND EXISTS (SELECT 1 FROM business_days WHERE desk = NEW.desk AND business_date = NEW.business_date AND id <> NEW.id);
END;

ALTER TABLE print_jobs ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
CREATE INDEX print_jobs_desk_pending ON print_jobs(desk, printed_at) WHERE printed_at = '';

-- desk: lent there (its drawer took the deposit); return_desk: closed
-- there (its drawer paid the refund), '' while open.
ALTER TABLE loans ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
ALTER TABLE loans ADD COLUMN return_desk TEXT NOT NULL DEFAULT 'A';
CREATE INDEX loans_desk_lend ON loans(desk, lend_seq);

UPDATE loans SET return_desk = '' WHERE status = 'open';

ALTER TABLE items ADD COLUMN home_desk TEXT NOT NULL DEFAULT 'A';
ALTER TABLE items ADD COLUMN desk TEXT NOT NULL DEFAULT 'A';
CREATE INDEX items_desk ON items(desk, kind);

-- Whose a row is never changes: a day's desk, a loan's lending desk, an
-- item's home; a loan's returning desk is written once, at its close.
CREATE TRIGGER desk_of_day_fixed BEFORE UPDATE OF desk ON business_days
WHEN NEW.desk <> OLD.desk
BEGIN SELECT RAISE(ABORT, 'a business day''s desk never changes'); END;
CREATE TRIGGER desk_of_loan_fixed BEFORE UPDATE OF desk, return_desk ON loans
WHEN NEW.desk <> OLD.desk OR (OLD.return_desk <> '' AND NEW.return_desk <> OLD.return_desk)
BEGIN SELECT RAISE(ABORT, 'a loan''s desks never change'); END;
CREATE TRIGGER home_of_item_fixed BEFORE UPDATE OF home_desk ON items
WHEN NEW.home_desk <> OLD.home_desk
BEGIN SELECT RAISE(ABORT, 'an item''s home desk never changes'); END;
