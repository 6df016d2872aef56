package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
	"servicedesk/receipts"
)

// withHandover wires the handover and day-close services into the harness.
func (h *harness) withHandover() {
	h.ui.svc.DayClose = sqlstore.NewDayCloseService(h.db)
	h.ui.svc.Handover = sqlstore.NewHandoverService(h.db)
	h.ui.svc.Feedback = sqlstore.NewFeedbackService(h.db)
}

// TestHandoverScreen: 交班 opens the handover: expected cash and items on
// hand against what the clerk types, the open matters; a wrong password of
// the incoming clerk keeps the outgoing one on duty and says why; the
// incoming clerk's own login hands over: they are on duty, the slip is
// queued, and the journal has the handover.
func TestHandoverScreen(t *testing.T) {
	h := newHarness(t, true)
	h.withHandover()
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	h.lendThroughScreen(s, "U-001", "")
	h.ui.closeMessage()
	test.Tap(sh.status.logout)
	if !h.ui.HandoverShown() {
		t.Fatal("交班 did not open the handover")
	}
	f := h.ui.handoverForm
	if f.expected.Text != "应有现金 ￥50.00" {
		t.Fatalf("expected = %q", f.expected.Text)
	}
	if !strings.Contains(f.open.Text, "爱心雨伞未归还 1 件") || !strings.Contains(f.open.Text, "小票未打印 1 张") {
		t.Fatalf("open matters = %q", f.open.Text)
	}
	if !strings.Contains(f.shift.Text, "借出 1 件") {
		t.Fatalf("shift = %q", f.shift.Text)
	}
	h.focused(f.cash, "handover opens on the cash")
	test.Type(f.cash, "45")
	if f.cashDiff.Text != "差额 -￥5.00（短款）" {
		t.Fatalf("cash diff = %q", f.cashDiff.Text)
	}
	if len(f.counts) != 2 || f.counts[0].diff.Text != "未清点" {
		t.Fatalf("counts %+v", f.counts)
	}
	test.Type(f.counts[0].entry, "2")
	test.Type(f.counts[1].entry, "1")
	if f.counts[0].diff.Text != "差异 +0" || f.counts[1].diff.Text != "差异 -1" {
		t.Fatalf("count diffs %q %q", f.counts[0].diff.Text, f.counts[1].diff.Text)
	}
	test.Type(f.note, "C-02 在维修间")
	test.Type(f.username, "wang")
	test.Type(f.password, "wrong-password")
	test.Tap(f.confirm)
	if h.ui.Staff().ID != h.clerk.ID || !h.ui.HandoverShown() || !strings.Contains(f.message.Text, "用户名或密码") {
		t.Fatalf("after a wrong password: staff %d, message %q", h.ui.Staff().ID, f.message.Text)
	}
	if f.password.Text != "" {
		t.Fatal("password kept after a failure")
	}
	test.Type(f.password, pw)
	f.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.ui.Staff().ID != h.sup.ID || h.ui.shell == nil || h.win.Content() != h.ui.shell.root {
		t.Fatalf("incoming clerk not on duty: %+v", h.ui.Staff())
	}
	if !strings.Contains(h.ui.lastInfo, "JB-20261125-01") {
		t.Fatalf("info = %q", h.ui.lastInfo)
	}
	kinds := h.journalKinds()
	if n := len(kinds); kinds[n-2] != "shift.handover" || kinds[n-1] != "auth.login" {
		t.Fatalf("journal ends %v", kinds[n-3:])
	}
	list, err := h.ui.svc.Handover.Handovers(context.Background(), 5)
	if err != nil || len(list) != 1 || list[0].CashCounted != ledger.Yuan(45) || list[0].Counts[1].Counted != 1 || list[0].Note != "C-02 在维修间" {
		t.Fatalf("handovers %+v %v", list, err)
	}
	jobs, err := h.svc.Print.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var slip receipts.Document
	for _, j := range jobs {
		if j.ReceiptNo == "JB-20261125-01" {
			_ = json.Unmarshal(j.Document, &slip)
		}
	}
	if text := strings.Join(slip.Text(), "\n"); !strings.Contains(text, "接班：王主管") || !strings.Contains(text, "短款") {
		t.Fatalf("slip:\n%s", text)
	}
	h.verify()
}

// TestHandoverEscAndPlainLogout: Esc goes back to the counter with nothing
// recorded; 无人接班 asks with the shift summary and logs out.
func TestHandoverEscAndPlainLogout(t *testing.T) {
	h := newHarness(t, true)
	h.withHandover()
	sh := h.mustShell("li")
	n := len(h.journalKinds())
	test.Tap(sh.status.logout)
	if !h.ui.HandoverShown() {
		t.Fatal("no handover screen")
	}
	h.press(fyne.KeyEscape)
	if h.win.Content() != sh.root || h.ui.Staff().ID != h.clerk.ID || len(h.journalKinds()) != n {
		t.Fatal("Esc did not go back untouched")
	}
	test.Tap(sh.status.logout)
	test.Tap(h.ui.handoverForm.logout)
	if h.ui.handover == nil {
		t.Fatal("无人接班 did not ask")
	}
	h.press(fyne.KeyReturn)
	if h.win.Content() != h.ui.login.root || h.ui.Staff().ID != 0 {
		t.Fatal("plain logout did not log out")
	}
}

// TestHandoverToSelfRefused: the outgoing clerk cannot confirm their own
// handover.
func TestHandoverToSelfRefused(t *testing.T) {
	h := newHarness(t, true)
	h.withHandover()
	sh := h.mustShell("li")
	test.Tap(sh.status.logout)
	f := h.ui.handoverForm
	test.Type(f.cash, "0")
	test.Type(f.counts[0].entry, "3")
	test.Type(f.counts[1].entry, "2")
	test.Type(f.username, "li")
	test.Type(f.password, pw)
	test.Tap(f.confirm)
	if h.ui.Staff().ID != h.clerk.ID || !strings.Contains(f.message.Text, "另一位员工") {
		t.Fatalf("self handover: %q", f.message.Text)
	}
}
