package app

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// TestEnterSubmitsEveryForm: Enter in a field saves the stock intake, adds
// a staff member, saves the settings and the devices, and approves in the
// approval dialog.
func TestEnterSubmitsEveryForm(t *testing.T) {
	h := newHarness(t, true)
	panel := &fakePanel{}
	h.ui.cfg.Devices = panel
	sh := h.mustShell("admin")

	// Stock intake: Enter previews, Enter saves.
	s := h.lending(ledger.KindUmbrella)
	s.tabs.SelectIndex(1)
	h.typeKeys("U-101~U-103")
	h.press(fyne.KeyReturn)
	h.press(fyne.KeyReturn)
	if st, _ := h.svc.Lending.Stock(h.ui.ctx, ledger.KindUmbrella); st.OnHand != 6 {
		t.Fatalf("intake by Enter: %+v (%q)", st, h.ui.LastError())
	}

	// Add staff: Enter in the password field.
	sh.key(fyne.KeyF10)
	staff := sh.screens["staff"].(*staffScreen)
	h.focused(staff.username, "staff screen")
	h.typeKeys("zhou")
	h.win.Canvas().FocusNext()
	h.typeKeys("周新人")
	h.win.Canvas().Focus(staff.password)
	h.typeKeys("welcome2026")
	h.press(fyne.KeyReturn)
	if len(staff.staff) != 5 || !strings.Contains(staff.message.Text, "周新人") {
		t.Fatalf("add staff by Enter: %q", staff.message.Text)
	}
	h.focused(staff.username, "after adding")

	// Settings: Enter in the mall name saves (journaled).
	sh.key(fyne.KeyF11)
	set := sh.screens["settings"].(*settingsScreen)
	h.focused(set.mall, "settings")
	set.mall.SetText("新名字广场")
	h.press(fyne.KeyReturn)
	if got, _ := h.svc.Settings.Settings(h.ui.ctx); got.MallName != "新名字广场" {
		t.Fatalf("settings by Enter: %q (%q)", got.MallName, set.message.Text)
	}

	// Devices: Enter in the printer port saves and re-opens the devices.
	sh.key(fyne.KeyF9)
	dev := sh.screens["devices"].(*devicesScreen)
	dev.printer.name.SetText("file:/tmp/receipts.bin")
	h.win.Canvas().Focus(dev.printer.name)
	h.press(fyne.KeyReturn)
	if got, _ := h.svc.Settings.Settings(h.ui.ctx); got.Devices.Printer.Name != "file:/tmp/receipts.bin" || len(panel.applied) != 1 {
		t.Fatalf("devices by Enter: %+v (%q)", got.Devices.Printer, dev.message.Text)
	}

	// Approval dialog: Enter moves to the empty field, then approves.
	sh.key(fyne.KeyF1)
	l := h.lendThroughScreen(s, "U-001", "")
	h.ui.closeMessage()
	s.showLoan(&l)
	h.typeKeys("5") // void
	d := h.ui.lastApproval
	h.focused(d.username, "approval")
	h.typeKeys("wang")
	h.press(fyne.KeyReturn)
	h.focused(d.password, "Enter after the name")
	h.typeKeys(pw)
	h.press(fyne.KeyReturn)
	h.focused(d.reason, "Enter after the password")
	h.typeKeys("登记错误")
	h.press(fyne.KeyReturn)
	if got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID); got.Status == ledger.LoanOpen {
		t.Fatalf("approval by Enter: %q", d.message.Text)
	}
}

// TestPrintStateFollowsTheWorker: the receipt preview, the return panel,
// the glance panel and the status bar follow the print worker: 未打印：缺纸
// while the printer is out of paper, 已打印 once it printed, and the
// unprinted count goes away without any other action.
func TestPrintStateFollowsTheWorker(t *testing.T) {
	h := newHarness(t, true)
	printer := devices.NewFakePrinter()
	printer.SetStatus(devices.PrinterStatus{Connected: true, PaperEnd: true})
	h.ui.cfg.Printer = func() DeviceState {
		st := printer.Status()
		return DeviceState{Label: st.Label(), OK: st.Ready()}
	}
	worker, err := printing.New(printing.Config{Queue: h.svc.Print, Printer: printer, OnChange: h.ui.PrintChanged})
	if err != nil {
		t.Fatal(err)
	}
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	l := h.lendThroughScreen(s, "U-001", "")
	p := s.preview
	if p == nil || p.state.Text != "打印状态：未打印：缺纸" {
		t.Fatalf("preview state before printing: %+v", p)
	}
	if !strings.Contains(sh.glance.alerts.Text, "未打印小票 1 张") {
		t.Fatalf("glance = %q", sh.glance.alerts.Text)
	}
	if _, err := worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.state.Text != "打印状态：未打印：缺纸" || p.state.Importance != widget.DangerImportance {
		t.Fatalf("after a refused job: %q", p.state.Text)
	}
	// Paper loaded: the worker prints, and every count follows by itself.
	printer.SetStatus(devices.StatusOK)
	if done, err := worker.Drain(context.Background()); err != nil || !done {
		t.Fatalf("drain: %v %v", done, err)
	}
	if p.state.Text != "打印状态：已打印" {
		t.Fatalf("preview after printing: %q", p.state.Text)
	}
	if strings.Contains(sh.glance.alerts.Text, "未打印") || strings.Contains(sh.status.queue.Text, "待打印") || strings.Contains(sh.summary.Text, "未打印") {
		t.Fatalf("counts stayed: glance %q, status %q, summary %q", sh.glance.alerts.Text, sh.status.queue.Text, sh.summary.Text)
	}
	h.ui.closeMessage()
	s.showLoan(&l)
	if s.printInfo.Text != "押金卡 "+l.ReceiptNo+"：已打印" {
		t.Fatalf("return panel: %q", s.printInfo.Text)
	}
	// A reprint waits while the printer is fine: 等待打印, then 打印中
	// while it is being sent.
	if _, err := h.svc.Print.Reprint(h.ui.ctx, h.ui.Staff(), l.ReceiptNo); err != nil {
		t.Fatal(err)
	}
	jobs, _ := h.svc.Print.Pending(h.ui.ctx)
	if text, _ := h.ui.jobState(jobs[0]); text != "等待打印" {
		t.Fatalf("queued job state = %q", text)
	}
	jobs[0].State = ledger.PrintSending
	if text, _ := h.ui.jobState(jobs[0]); text != "打印中" {
		t.Fatalf("sending job state = %q", text)
	}
}

// capture renders the window.
func (h *harness) capture() image.Image { return h.win.Canvas().Capture() }

// sameImage reports whether two renders are identical pixel for pixel.
func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// TestIdleLockHidesEverything renders the locked counter twice, once with
// a phone number half typed and a loan on screen and once with an empty
// screen: the two renders are identical, so nothing behind the lock is
// readable. Without the lock the two screens differ.
func TestIdleLockHidesEverything(t *testing.T) {
	for _, size := range counterScreens[:1] {
		h := newHarness(t, true)
		h.win.Resize(size)
		h.mustShell("li")
		h.win.Resize(size)
		s := h.lending(ledger.KindUmbrella)
		lock := func() image.Image {
			h.clock.Add(h.ui.settings.IdleLock + time.Second)
			h.ui.CheckIdle()
			if !h.ui.Locked() {
				t.Fatal("not locked")
			}
			img := h.capture()
			test.Type(h.ui.lock.password, pw)
			test.Tap(h.ui.lock.unlock)
			if h.ui.Locked() {
				t.Fatal("still locked")
			}
			return img
		}
		emptyUnlocked := h.capture()
		emptyLocked := lock()
		l := h.lendThroughScreen(s, "U-001", "13812341234")
		h.ui.closeMessage()
		s.showLoan(&l)
		h.win.Canvas().Focus(s.phone)
		test.Type(s.phone, "1391234")
		busyUnlocked := h.capture()
		busyLocked := lock()
		if sameImage(emptyUnlocked, busyUnlocked) {
			t.Fatal("the busy screen renders like the empty one: the comparison proves nothing")
		}
		if !sameImage(emptyLocked, busyLocked) {
			t.Fatalf("%v: the locked screen shows what is behind it", size)
		}
		// And a dialog that opens behind the lock is covered at the next tick.
		h.clock.Add(h.ui.settings.IdleLock + time.Second)
		h.ui.CheckIdle()
		h.ui.info("报表已保存", "/tmp/秘密.pdf")
		h.ui.Tick()
		if top := h.win.Canvas().Overlays().Top(); top != h.ui.lock.pop {
			t.Fatal("a dialog opened over the lock")
		}
		h.focused(h.ui.lock.password, "lock back on top")
	}
}

// TestHandoverShowsShiftAndEmptiesLogin: 交班 asks first and shows what the
// shift did and the cash it moved; after it the login field is empty.
func TestHandoverShowsShiftAndEmptiesLogin(t *testing.T) {
	h := newHarness(t, true)
	h.ui.svc.DayClose = sqlstore.NewDayCloseService(h.db)
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	h.lendThroughScreen(s, "U-001", "")
	h.lendThroughScreen(s, "U-002", "")
	h.ui.closeMessage()
	test.Tap(sh.status.logout)
	if h.ui.handover == nil || h.ui.pending == nil {
		t.Fatal("交班 did not ask")
	}
	if h.ui.lastMoney == nil || h.ui.lastMoney.Text != "净收 ￥100.00" {
		t.Fatalf("shift cash = %+v", h.ui.lastMoney)
	}
	h.press(fyne.KeyEscape)
	if h.win.Content() != sh.root || h.ui.Staff().ID == 0 {
		t.Fatal("cancelled hand-over logged out")
	}
	test.Tap(sh.status.logout)
	h.press(fyne.KeyReturn)
	if h.win.Content() != h.ui.login.root || h.ui.Staff().ID != 0 {
		t.Fatal("confirmed hand-over did not log out")
	}
	if h.ui.login.username.Text != "" {
		t.Fatalf("login field keeps %q", h.ui.login.username.Text)
	}
	h.focused(h.ui.login.username, "login after hand-over")
	// The next clerk types their name into an empty field.
	h.typeKeys("wang")
	if h.ui.login.username.Text != "wang" {
		t.Fatalf("login field = %q", h.ui.login.username.Text)
	}
}

// TestStaffScreenLockAndUnlock: a locked account shows 已锁定 on the staff
// screen and an admin's 解锁 opens it (journaled); the role picker starts
// from 柜员 again after adding someone; a new account's first login asks
// to set a password, a reset one says it was reset.
func TestStaffScreenLockAndUnlock(t *testing.T) {
	h := newHarness(t, true)
	for i := 0; i < 5; i++ {
		h.login("li", "wrongpass1")
	}
	if !strings.Contains(h.ui.login.message.Text, "账户已锁定") {
		t.Fatalf("5th failure: %q", h.ui.login.message.Text)
	}
	sh := h.mustShell("admin")
	sh.open("staff")
	s := sh.screens["staff"].(*staffScreen)
	row := -1
	for i, st := range s.staff {
		if st.Username == "li" {
			row = i
		}
	}
	if !strings.Contains(s.line(s.staff[row]), "已锁定") {
		t.Fatalf("locked account shown as %q", s.line(s.staff[row]))
	}
	s.list.Select(row)
	if s.unlock.Disabled() {
		t.Fatal("解锁 disabled for a locked account")
	}
	test.Tap(s.unlock)
	if !strings.Contains(s.message.Text, "已解锁") || strings.Contains(s.line(s.staff[row]), "已锁定") {
		t.Fatalf("unlock: %q / %q", s.message.Text, s.line(s.staff[row]))
	}
	if k := h.journalKinds(); k[len(k)-1] != "staff.unlocked" {
		t.Fatalf("last journal entry %q", k[len(k)-1])
	}
	// The role picker resets after adding a supervisor.
	test.Type(s.username, "qian")
	test.Type(s.name, "钱主管")
	s.role.SetSelectedIndex(1)
	test.Type(s.password, "welcome2026")
	test.Tap(s.add)
	if s.role.SelectedIndex() != 0 {
		t.Fatalf("role picker stays at %q", s.role.Selected)
	}
	h.ui.Logout()
	h.mustShell("li")
	h.ui.Logout()
	// New account: 请设置新密码.
	h.login("qian", "welcome2026")
	if h.ui.passwd == nil || !strings.Contains(h.ui.passwd.head.Text, "请设置新密码") || strings.Contains(h.ui.passwd.head.Text, "重置") {
		t.Fatalf("first login head = %+v", h.ui.passwd)
	}
	h.ui.Logout()
	// Reset account: 密码已被重置.
	if err := h.svc.Staff.ResetPassword(h.ui.ctx, h.admin, h.clerk.ID, "temp12345"); err != nil {
		t.Fatal(err)
	}
	h.login("li", "temp12345")
	if h.ui.passwd == nil || !strings.Contains(h.ui.passwd.head.Text, "密码已被重置") {
		t.Fatalf("reset login head = %+v", h.ui.passwd)
	}
}

// TestUnbuiltServicesGreyed: services not built yet are greyed 未开放; the
// broadcast console's screen never sends the clerk to a paper ledger.
func TestUnbuiltServicesGreyed(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	for _, it := range sh.nav {
		if it.button == nil {
			continue // admin screens
		}
		if !it.soon {
			if it.button.Disabled() {
				t.Errorf("%s greyed", it.id)
			}
			continue
		}
		if !it.button.Disabled() || !strings.Contains(it.button.Text, "未开放") {
			t.Errorf("%s: %q disabled=%v", it.id, it.button.Text, it.button.Disabled())
		}
		sh.open(it.id)
		text := sh.screens[it.id].(*placeholder).root.(*fyne.Container).Objects[0].(*widget.Label).Text
		if paper := strings.Contains(text, "纸质"); paper == (it.id == "broadcast") {
			t.Errorf("%s placeholder: %q", it.id, text)
		}
	}
}

// TestOpenReportWithoutViewer: when no program can open the PDF, the
// clerk is told the folder and the file name, not 系统内部错误.
func TestOpenReportWithoutViewer(t *testing.T) {
	h := newHarness(t, true)
	h.ui.cfg.OpenFile = func(string) error { return errors.New("xdg-open: no method available for opening") }
	h.mustShell("wang")
	s := h.dayClose()
	path := filepath.Join(t.TempDir(), "reports", "dayclose-A-20261125-01.pdf")
	os.MkdirAll(filepath.Dir(path), 0o700)
	s.open(path)
	select {
	case <-s.openDone:
	case <-time.After(5 * time.Second):
		t.Fatal("open did not finish")
	}
	info := h.ui.lastInfo
	if !strings.Contains(info, filepath.Dir(path)) || !strings.Contains(info, "dayclose-A-20261125-01.pdf") || strings.Contains(info, "系统内部错误") {
		t.Fatalf("message = %q", info)
	}
}
