package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
)

func TestSetupScreenCreatesAdminAndOpensCounter(t *testing.T) {
	h := newHarness(t, false)
	s := h.ui.setup
	if s == nil || h.win.Content() != s.root {
		t.Fatal("fresh install must show the setup screen")
	}
	s.mall.SetText("")
	test.Type(s.mall, "天华购物广场")
	s.counter.SetText("")
	test.Type(s.counter, "一楼总服务台")
	test.Type(s.username, "admin")
	test.Type(s.name, "陈管理")
	test.Type(s.password, "first2026")
	test.Type(s.password2, "first2027")
	test.Tap(s.submit)
	if s.message.Text != "两次输入的密码不一致" {
		t.Fatalf("mismatch message = %q", s.message.Text)
	}
	s.password2.SetText("")
	test.Type(s.password2, "first2026")
	test.Tap(s.submit)
	if h.ui.shell == nil || h.win.Content() != h.ui.shell.root {
		t.Fatalf("counter not shown after setup: %q", s.message.Text)
	}
	if got := h.ui.shell.title.Text; got != "天华购物广场 · 一楼总服务台" {
		t.Fatalf("title = %q", got)
	}
	if st := h.ui.Staff(); st.Username != "admin" || st.Role != ledger.RoleAdmin {
		t.Fatalf("on duty = %+v", st)
	}
}

func TestLoginFlow(t *testing.T) {
	h := newHarness(t, true)
	l := h.ui.login
	if !strings.Contains(l.title.Text, "测试广场") {
		t.Fatalf("login title = %q", l.title.Text)
	}
	h.login("nobody", pw)
	unknown := l.message.Text
	h.login("li", "wrongpass1")
	wrong := l.message.Text
	if unknown != "用户名或密码错误，还可尝试 4 次" || wrong != unknown {
		t.Fatalf("messages: unknown=%q wrong=%q", unknown, wrong)
	}
	if l.password.Text != "" {
		t.Fatal("password left in the field after a failure")
	}
	sh := h.mustShell("li")
	if sh.status.staff.Text != "当班：李柜员（柜员）" {
		t.Fatalf("status bar = %q", sh.status.staff.Text)
	}
	// Clerks do not see the admin screens.
	for _, it := range sh.nav {
		if (it.id == "staff" || it.id == "settings") && it.button != nil {
			t.Fatalf("clerk sees %s", it.id)
		}
	}
	h.ui.Logout()
	if h.win.Content() != l.root {
		t.Fatal("logout did not return to login")
	}
}

func TestLoginLockoutThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	for i := 0; i < 5; i++ {
		h.login("li", "wrongpass1")
	}
	h.login("li", pw)
	if !strings.Contains(h.ui.login.message.Text, "账户已锁定") {
		t.Fatalf("after 5 failures: %q", h.ui.login.message.Text)
	}
	h.clock.Add(5*time.Minute + time.Second)
	h.mustShell("li")
}

func TestIdleLockKeepsUnsavedInput(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	test.Type(s.item, "U-002")
	test.Type(s.phone, "13812341234")
	h.clock.Add(4 * time.Minute)
	h.ui.CheckIdle()
	if h.ui.Locked() {
		t.Fatal("locked before the idle time")
	}
	h.clock.Add(61 * time.Second)
	h.ui.CheckIdle()
	if !h.ui.Locked() {
		t.Fatal("not locked after 5 idle minutes")
	}
	// Keys do nothing while locked.
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF2})
	if h.ui.shell.Current() != "umbrella" {
		t.Fatal("F2 switched screens under the lock")
	}
	lk := h.ui.lock
	test.Type(lk.password, "wrongpass1")
	test.Tap(lk.unlock)
	if !h.ui.Locked() || lk.message.Text != "用户名或密码错误，还可尝试 4 次" {
		t.Fatalf("wrong unlock: locked=%v msg=%q", h.ui.Locked(), lk.message.Text)
	}
	test.Type(lk.password, pw)
	test.Tap(lk.unlock)
	if h.ui.Locked() {
		t.Fatalf("still locked: %q", lk.message.Text)
	}
	if s.item.Text != "U-002" || s.phone.Text != "13812341234" {
		t.Fatalf("unsaved input lost: %q %q", s.item.Text, s.phone.Text)
	}
	// Activity resets the idle timer.
	h.clock.Add(4 * time.Minute)
	test.Type(s.item, "X")
	h.clock.Add(2 * time.Minute)
	h.ui.CheckIdle()
	if h.ui.Locked() {
		t.Fatal("locked although the clerk typed 2 minutes ago")
	}
}

func TestFunctionKeysSwitchServices(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("wang")
	// F-keys work even while an entry has the focus.
	s := h.lending(ledger.KindUmbrella)
	h.win.Canvas().Focus(s.item)
	s.item.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	if sh.Current() != "stroller" || s.item.Text != "" {
		t.Fatalf("F2 from an entry: current=%s text=%q", sh.Current(), s.item.Text)
	}
	for key, id := range map[fyne.KeyName]string{fyne.KeyF1: "umbrella", fyne.KeyF8: "dayclose", fyne.KeyF11: "settings", fyne.KeyF10: "staff"} {
		h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: key})
		if sh.Current() != id {
			t.Fatalf("%s opened %s, want %s", key, sh.Current(), id)
		}
	}
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF12})
	if h.win.Canvas().Focused() != sh.scan {
		t.Fatal("F12 does not focus the scan box")
	}
}

func TestForcedPasswordChangeAfterReset(t *testing.T) {
	h := newHarness(t, true)
	if err := h.svc.Staff.ResetPassword(h.ui.ctx, h.admin, h.clerk.ID, "temp12345"); err != nil {
		t.Fatal(err)
	}
	h.login("li", "temp12345")
	c := h.ui.passwd
	if c == nil || h.win.Content() != c.root {
		t.Fatal("password change not forced")
	}
	test.Type(c.old, "temp12345")
	test.Type(c.new1, "mine2026x")
	test.Type(c.new2, "mine2026x")
	test.Tap(c.submit)
	if h.ui.shell == nil || h.win.Content() != h.ui.shell.root {
		t.Fatalf("counter not shown: %q", c.message.Text)
	}
}

func TestKeyboardOnlyLendAndReturn(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	enter := &fyne.KeyEvent{Name: fyne.KeyReturn}
	test.Type(s.item, "U-001")
	s.item.TypedKey(enter) // ask
	s.item.TypedKey(enter) // confirm with Enter, focus anywhere
	if h.ui.pending != nil || s.preview == nil {
		t.Fatalf("Enter did not confirm: pending=%v err=%q", h.ui.pending != nil, h.ui.LastError())
	}
	h.win.Canvas().OnTypedKey()(enter) // close the receipt preview
	if h.ui.message != nil {
		t.Fatal("Enter did not close the receipt preview")
	}
	l := s.preview.doc.QR
	// A wedge scanner types into nothing focused: the scan box takes it.
	h.win.Canvas().Unfocus()
	for _, r := range l {
		h.win.Canvas().OnTypedRune()(r)
	}
	sh.scan.TypedKey(enter)
	if s.loan == nil || s.loan.Token != l {
		t.Fatalf("scan did not open the loan: %q", h.ui.LastError())
	}
	// Esc cancels a confirmation: nothing changes.
	test.Tap(s.fine)
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if got, _ := h.svc.Lending.Loan(h.ui.ctx, s.loan.ID); got.Status != ledger.LoanOpen || h.ui.pending != nil {
		t.Fatal("Esc did not cancel the return")
	}
}

func TestMouseMovementKeepsCounterUnlocked(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	h.clock.Add(4 * time.Minute)
	sh.activity.MouseMoved(&desktop.MouseEvent{})
	h.clock.Add(2 * time.Minute)
	h.ui.CheckIdle()
	if h.ui.Locked() {
		t.Fatal("locked although the mouse moved 2 minutes ago")
	}
	h.clock.Add(4 * time.Minute)
	h.ui.CheckIdle()
	if !h.ui.Locked() {
		t.Fatal("not locked after 6 minutes without activity")
	}
}
