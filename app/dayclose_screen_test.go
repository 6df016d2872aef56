package app

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// dayClose opens the day-close screen with the service wired in.
func (h *harness) dayClose() *dayCloseScreen {
	h.t.Helper()
	h.ui.svc.DayClose = sqlstore.NewDayCloseService(h.db)
	h.ui.shell.open("dayclose")
	s, ok := h.ui.shell.screens["dayclose"].(*dayCloseScreen)
	if !ok {
		h.t.Fatal("no day-close screen")
	}
	return s
}

// waitReport waits for the last report job of the screen.
func (s *dayCloseScreen) waitReport(d time.Duration) bool {
	if s.lastDone == nil {
		return false
	}
	select {
	case <-s.lastDone:
		return true
	case <-time.After(d):
		return false
	}
}

func TestDayCloseThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	u := h.lending(ledger.KindUmbrella)
	h.lendThroughScreen(u, "U-001", "13812345678")
	h.lendThroughScreen(u, "U-002", "")
	c := h.lending(ledger.KindStroller)
	h.lendThroughScreen(c, "C-01", "")
	h.clock.Add(9 * time.Hour)

	s := h.dayClose()
	for _, want := range []string{"未还爱心童车 1：C-01", "未还爱心雨伞 2：U-001、U-002", "未打印小票 3 张"} {
		if !strings.Contains(s.check.Text, want) {
			t.Fatalf("checklist %q lacks %q", s.check.Text, want)
		}
	}
	if s.expect.Text != "应有现金 ￥100.00" {
		t.Fatalf("expected %q", s.expect.Text)
	}
	test.Type(s.counted, "95.5")
	if !strings.Contains(s.diff.Text, "-￥4.50") || !strings.Contains(s.diff.Text, "短款") {
		t.Fatalf("difference %q", s.diff.Text)
	}
	test.Type(s.note, "找零有误")
	test.Tap(s.close)
	if s.confirm == nil {
		t.Fatalf("no confirmation: %q", h.ui.LastError())
	}
	s.confirm.Confirm()
	d := h.ui.lastApproval
	if d == nil || !strings.Contains(d.what.Text, "日结") || !strings.Contains(d.what.Text, "￥95.50") {
		t.Fatalf("approval dialog %+v", d)
	}
	// The counting clerk cannot approve; a supervisor does.
	test.Type(d.username, "li")
	test.Type(d.password, pw)
	test.Type(d.reason, "已复点")
	test.Tap(d.approve)
	if d.message.Text == "" {
		t.Fatal("a clerk approved the day close")
	}
	d.username.SetText("")
	test.Type(d.username, "wang")
	test.Type(d.password, pw)
	test.Tap(d.approve)
	if s.closed == nil {
		t.Fatalf("not closed: %q / %q", d.message.Text, h.ui.LastError())
	}
	entries, _ := h.svc.Journal.Entries(h.ui.ctx, 0, 1000)
	last := entries[len(entries)-1]
	var cd map[string]any
	if err := json.Unmarshal(last.Data, &cd); err != nil || last.Kind != "day.close" {
		t.Fatalf("last entry %s %s", last.Kind, last.Data)
	}
	if cd["cash_expected"].(float64) != 10000 || cd["cash_counted"].(float64) != 9550 || cd["difference"].(float64) != -450 ||
		cd["clerk_id"].(float64) != float64(h.clerk.ID) || cd["approval"].(map[string]any)["approver_id"].(float64) != float64(h.sup.ID) ||
		cd["note"] != "找零有误" {
		t.Fatalf("day.close %s", last.Data)
	}
	if !strings.Contains(s.result.Text, "已日结：A-20261125-01") || !strings.Contains(s.result.Text, "差额 -￥4.50") {
		t.Fatalf("result %q", s.result.Text)
	}
	if !strings.Contains(s.dayInfo.Text, "没有业务") {
		t.Fatalf("after close %q", s.dayInfo.Text)
	}
	h.verify()

	// The closed day's PDF, rendered in the background, saved beside the database.
	if !strings.HasPrefix(s.days.Selected, "营业日 2026-11-25") {
		t.Fatalf("picker %q", s.days.Selected)
	}
	s.confirm = nil
	test.Tap(s.pdf)
	if !s.waitReport(20 * time.Second) {
		t.Fatal("report did not finish")
	}
	if !strings.HasSuffix(s.lastFile, "dayclose-A-20261125-01.pdf") {
		t.Fatalf("file %q (error %q)", s.lastFile, h.ui.LastError())
	}
	b, err := os.ReadFile(s.lastFile)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("pdf: %v", err)
	}
	if s.confirm == nil {
		t.Fatal("no offer to open the report")
	}

	// Excel export of the month.
	s.from.SetText("2026-11-01")
	s.to.SetText("2026-11-30")
	test.Tap(s.export)
	if !s.waitReport(20*time.Second) || !strings.HasSuffix(s.lastFile, ".xlsx") {
		t.Fatalf("export %q (error %q)", s.lastFile, h.ui.LastError())
	}
}

func TestDayCloseAutoPDF(t *testing.T) {
	h := newHarness(t, true)
	dir := t.TempDir()
	set, _ := h.svc.Settings.Settings(h.ui.ctx)
	set.ReportFolder = dir
	if err := h.svc.Settings.UpdateSettings(h.ui.ctx, h.admin, set); err != nil {
		t.Fatal(err)
	}
	h.mustShell("wang") // a supervisor counts; another supervisor approves
	h.lendThroughScreen(h.lending(ledger.KindUmbrella), "U-003", "")
	s := h.dayClose()
	test.Type(s.counted, "50")
	test.Tap(s.close)
	s.confirm.Confirm()
	d := h.ui.lastApproval
	test.Type(d.username, "wang")
	test.Type(d.password, pw)
	test.Type(d.reason, "复点无误")
	test.Tap(d.approve)
	if !strings.Contains(d.message.Text, "不能审批自己的操作") {
		t.Fatalf("self approval: %q", d.message.Text)
	}
	d.username.SetText("")
	test.Type(d.username, "zhao")
	test.Type(d.password, pw)
	test.Tap(d.approve)
	if s.closed == nil || s.closed.Difference != 0 {
		t.Fatalf("close %+v (%q)", s.closed, h.ui.LastError())
	}
	if !s.waitReport(20*time.Second) || !strings.HasPrefix(s.lastFile, dir) {
		t.Fatalf("auto pdf %q (%q)", s.lastFile, h.ui.LastError())
	}
	// Nothing new: a second close is refused with a reason.
	test.Type(s.counted, "50")
	test.Tap(s.close)
	if !strings.Contains(h.ui.LastError(), "无需日结") {
		t.Fatalf("second close: %q", h.ui.LastError())
	}
}
