package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"servicedesk/assets"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
	"servicedesk/receipts"
)

// report writes the end-of-day ledger PDF of one business day:
//
//	servicedesk report --date 2026-11-23 --out day.pdf [--close N] [--desk D | --mall] [--db PATH]
//
// --date is the business date; when several closes share it the last one is
// used unless --close N picks the N-th. A day not closed yet gives a preview.
// On a database shared by several desks --desk names whose day, and --mall
// reports every desk's days of that date (per-desk sections, mall summary).
func (e env) report(args []string) int {
	fs := e.newFlags("report")
	db := fs.String("db", defaultDBPath(), dbFlagHelp)
	date := fs.String("date", "", "business date YYYY-MM-DD (营业日)")
	out := fs.String("out", "", "PDF file to write")
	closeN := fs.Int("close", 0, "the N-th close of that date (default: the last)")
	desk := deskFlag(fs)
	mall := fs.Bool("mall", false, "every desk's days of that date: per-desk sections and a mall summary")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *date == "" || *out == "" || fs.NArg() > 0 || *closeN < 0 || *mall && *closeN > 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk report --date 2026-11-23 --out day.pdf [--close N] [--desk D | --mall] [--db PATH]")
		return exitUsage
	}
	ctx := context.Background()
	d, code := e.openExisting(ctx, *db, *desk, false)
	if d == nil {
		return code
	}
	defer d.Close()
	svc := sqlstore.NewDayCloseService(d)
	var day ledger.BusinessDay
	var r receipts.DayReport
	var err error
	if *mall {
		if r, err = svc.MallReport(ctx, *date); err != nil {
			return e.failUsage(err)
		}
		day.Date, day.CloseSeq = *date, 1 // a mall report is not a preview of one day
	} else {
		if day, err = svc.DayByDate(ctx, *date, *closeN); err != nil {
			return e.failUsage(err)
		}
		if r, err = svc.Report(ctx, day.ID); err != nil {
			return e.fail(err)
		}
	}
	var buf bytes.Buffer
	if err := receipts.RenderDayPDF(&buf, r, assets.Font); err != nil {
		return e.fail(err)
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return e.fail(err)
	}
	if day.Open() {
		fmt.Fprintf(e.stderr, "注意 note: 营业日 %s 尚未日结，报表为预览 (day not closed: preview)\n", day.Date)
	}
	fmt.Fprintf(e.stdout, "%s  营业日 %s  日结单号 %s  应有现金 %s  实点 %s  (%d bytes)\n",
		*out, r.BusinessDate, r.CloseNo, r.CashExpected, r.CashCounted, buf.Len())
	return exitOK
}

// export writes the closed business days of a date range as an Excel
// workbook for finance:
//
//	servicedesk export --from 2026-11-01 --to 2026-11-30 --out nov.xlsx [--db PATH]
func (e env) export(args []string) int {
	fs := e.newFlags("export")
	db := fs.String("db", defaultDBPath(), dbFlagHelp)
	desk := deskFlag(fs)
	from := fs.String("from", "", "first business date YYYY-MM-DD")
	to := fs.String("to", "", "last business date YYYY-MM-DD")
	out := fs.String("out", "", "Excel file to write (.xlsx)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *from == "" || *to == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk export --from 2026-11-01 --to 2026-11-30 --out f.xlsx [--db PATH]")
		return exitUsage
	}
	ctx := context.Background()
	d, code := e.openExisting(ctx, *db, *desk, false)
	if d == nil {
		return code
	}
	defer d.Close()
	rs, err := sqlstore.NewDayCloseService(d).Reports(ctx, *from, *to)
	if err != nil {
		return e.failUsage(err)
	}
	var buf bytes.Buffer
	if err := receipts.WriteDayXLSX(&buf, rs); err != nil {
		return e.fail(err)
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "%s  %s 至 %s  %d 个营业日 (%d bytes)\n", *out, *from, *to, len(rs), buf.Len())
	return exitOK
}

// openExisting opens a database that must already exist, read-only (no
// migration, no backup, works on a full disk): the back-office commands only
// look. A database of an older schema is never upgraded here: the command
// says that the app must upgrade it, and refuses unless allowOld (verify can
// walk an old journal, e.g. a backup). On failure it returns nil and the exit
// code.
func (e env) openExisting(ctx context.Context, path, desk string, allowOld bool) (*sqlstore.DB, int) {
	if _, err := os.Stat(path); err != nil && !sqlstore.IsPostgresAddr(path) {
		fmt.Fprintf(e.stderr, "错误 error: 数据库不存在 %s\n", path)
		return nil, exitInternal
	}
	d, err := sqlstore.Open(ctx, path, sqlstore.Options{ReadOnly: true, Desk: desk})
	if err != nil {
		return nil, e.fail(err)
	}
	if v, want := d.Schema(), sqlstore.SchemaVersion(); v < want {
		msg := fmt.Sprintf("数据库版本（%d）比本程序（%d）旧，数据库需要用本程序升级：请先启动服务台界面打开它一次（升级前自动备份）。本命令只读，未作任何改动。", v, want)
		if !allowOld {
			d.Close()
			fmt.Fprintln(e.stderr, "错误 error:", msg)
			fmt.Fprintln(e.stderr, "  the database is older than this program: start the app once to upgrade it (a backup is taken first)")
			return nil, exitFailure
		}
		fmt.Fprintln(e.stderr, "注意 note:", msg)
	}
	return d, exitOK
}

// failUsage is fail, except that bad input (a malformed date) is a usage
// error (exit 2); not found stays 1.
func (e env) failUsage(err error) int {
	code := e.fail(err)
	if ledger.ErrorCode(err) == ledger.EINVALID {
		return exitUsage
	}
	return code
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a reader never sees half a report.
func writeFileAtomic(path string, data []byte) (err error) {
	defer func() {
		if ledger.IsNoSpace(err) {
			err = ledger.DiskFull(err)
		}
	}()
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, bytes.NewReader(data)); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}
