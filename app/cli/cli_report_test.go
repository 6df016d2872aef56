package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// seedClosedDB writes a demo counter whose 2026-11-23 business day is
// closed, then starts the next day with one more loan.
func seedClosedDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := sqlstore.Open(ctx, path, sqlstore.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := seedDemo(ctx, db, clock); err != nil {
		t.Fatal(err)
	}
	staff := sqlstore.NewStaffService(db)
	clerk, err := staff.Login(ctx, "li", demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	svc := sqlstore.NewDayCloseService(db)
	now = now.Add(10 * time.Hour)
	chk, err := svc.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := staff.Approve(ctx, ledger.DayCloseApproval(clerk.ID, chk.Day, chk.Expected(), chk.Expected()), "wang", demoPassword, "复点无误")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CloseDay(ctx, clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: &ok}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(14 * time.Hour)
	if _, err := sqlstore.NewLendingService(db).Lend(ctx, clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"}); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := env{stdout: &out, stderr: &errb}.run(args) // no message boxes in tests
	return code, out.String(), errb.String()
}

func TestCLIReport(t *testing.T) {
	db := seedClosedDB(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "day.pdf")
	code, out, errs := runCLI("report", "--date", "2026-11-23", "--out", pdf, "--db", db)
	if code != exitOK || !strings.Contains(out, "A-20261123-01") || !strings.Contains(out, "￥200.00") {
		t.Fatalf("report: %d %q %q", code, out, errs)
	}
	first, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(first, []byte("%PDF-")) {
		t.Fatalf("pdf %v", err)
	}
	// A reprint of the past day is byte for byte the same.
	again := filepath.Join(dir, "again.pdf")
	if code, _, errs := runCLI("report", "--db", db, "--date", "2026-11-23", "--close", "1", "--out", again); code != exitOK {
		t.Fatalf("reprint: %d %s", code, errs)
	}
	second, _ := os.ReadFile(again)
	if !bytes.Equal(first, second) {
		t.Fatal("reprinted PDF differs")
	}
	// The open day gives a preview.
	code, out, errs = runCLI("report", "--db", db, "--date", "2026-11-24", "--out", filepath.Join(dir, "open.pdf"))
	if code != exitOK || !strings.Contains(errs, "预览") || !strings.Contains(out, "未日结") {
		t.Fatalf("preview: %d %q %q", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"report", "--db", db, "--out", pdf}, exitUsage},
		{[]string{"report", "--db", db, "--date", "2026-11-23"}, exitUsage},
		{[]string{"report", "--db", db, "--date", "23.11.2026", "--out", pdf}, exitUsage},
		{[]string{"report", "--db", db, "--bogus"}, exitUsage},
		{[]string{"report", "--db", db, "--date", "2026-11-20", "--out", pdf}, exitFailure},
		{[]string{"report", "--db", db, "--date", "2026-11-23", "--close", "2", "--out", pdf}, exitFailure},
		{[]string{"report", "--db", filepath.Join(dir, "none.db"), "--date", "2026-11-23", "--out", pdf}, exitInternal},
		{[]string{"report", "--db", db, "--date", "2026-11-23", "--out", filepath.Join(dir, "no", "such", "dir.pdf")}, exitInternal},
	} {
		if code, _, errs := runCLI(c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errs)
		}
	}
}

func TestCLIExport(t *testing.T) {
	db := seedClosedDB(t)
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "nov.xlsx")
	code, out, errs := runCLI("export", "--db", db, "--from", "2026-11-01", "--to", "2026-11-30", "--out", xlsx)
	if code != exitOK || !strings.Contains(out, "1 个营业日") {
		t.Fatalf("export: %d %q %q", code, out, errs)
	}
	if b, err := os.ReadFile(xlsx); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("xlsx %v", err)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"export", "--db", db, "--from", "2026-11-01", "--out", xlsx}, exitUsage},
		{[]string{"export", "--db", db, "--from", "2026-11-30", "--to", "2026-11-01", "--out", xlsx}, exitUsage},
		{[]string{"export", "--db", db, "--from", "2026-12-01", "--to", "2026-12-31", "--out", xlsx}, exitFailure},
		{[]string{"export", "--db", filepath.Join(dir, "none.db"), "--from", "2026-11-01", "--to", "2026-11-30", "--out", xlsx}, exitInternal},
	} {
		if code, _, errs := runCLI(c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errs)
		}
	}
}
