package cli

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// TestDayPDFListsBroadcasts: a day with broadcasts (a 寻人 announcement
// played, a 挪车 one cancelled, a scheduled item missed) is closed and
// `servicedesk report` writes its PDF; the PDF's text (pdftotext) has the
// 广播记录 table with the masked name, never the full one.
func TestDayPDFListsBroadcasts(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; make test installs it")
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := sqlstore.Open(ctx, path, sqlstore.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, db, clock); err != nil {
		t.Fatal(err)
	}
	staff := sqlstore.NewStaffService(db)
	clerk, err := staff.Login(ctx, "li", demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	bc := sqlstore.NewBroadcastService(db)
	person, err := bc.Enqueue(ctx, clerk, ledger.Announcement{Template: ledger.TplPerson, Fields: map[string]string{
		ledger.FieldName: "欧阳小明", ledger.FieldAge: "6", ledger.FieldPlace: "一楼总服务台"}, Repeats: 1, Interval: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bc.Start(ctx, person.ID); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	if _, err := bc.Finish(ctx, ledger.Staff{}, person.ID, ledger.BroadcastPlayed, ""); err != nil {
		t.Fatal(err)
	}
	car, _ := bc.Enqueue(ctx, clerk, ledger.Announcement{Template: ledger.TplCar, Fields: map[string]string{ledger.FieldPlate: "沪A12345"}})
	if _, err := bc.Finish(ctx, clerk, car.ID, ledger.BroadcastCancelled, ""); err != nil {
		t.Fatal(err)
	}
	_, plan, err := ledger.DefaultBroadcastConfig().Plan("2026-11-23", time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := bc.RecordScheduled(ctx, plan[1], ledger.BroadcastMissed, "程序未运行"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Hour)
	chk, err := sqlstore.NewDayCloseService(db).CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := staff.Approve(ctx, ledger.DayCloseApproval(clerk.ID, chk.Day, chk.Expected(), chk.Expected()), "wang", demoPassword, "复点无误")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.NewDayCloseService(db).CloseDay(ctx, clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: &ok}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pdf := filepath.Join(t.TempDir(), "day.pdf")
	if code, out, errs := runCLI("report", "--date", "2026-11-23", "--out", pdf, "--db", path); code != exitOK {
		t.Fatalf("report: %d %q %q", code, out, errs)
	}
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	s := string(text)
	for _, want := range []string{"广播记录", "欧***", "重复1次，间隔30秒", "已取消（李小红）", "错过：程序未运行", "系统（定时）", "播出 1，未播出 2"} {
		if !strings.Contains(s, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if strings.Contains(s, "小明") {
		t.Fatal("the full name is in the PDF")
	}
}
