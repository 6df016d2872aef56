package app

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/devices"
	"servicedesk/ledger"
)

// fakePanel records what the devices screen asks of the devices.
type fakePanel struct {
	mu      sync.Mutex
	applied []ledger.DeviceSettings
	tests   []string
	retries int
	reader  ReaderDiag
}

func (p *fakePanel) Ports() ([]devices.PortInfo, error) {
	return []devices.PortInfo{{Name: "/dev/ttyUSB0", IsUSB: true, VID: "1a86", PID: "7523", Product: "USB Serial"}, {Name: "/dev/ttyS0"}}, nil
}
func (p *fakePanel) Apply(cfg ledger.DeviceSettings) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.applied = append(p.applied, cfg)
	return nil
}
func (p *fakePanel) PrintTest(_ context.Context, counter string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tests = append(p.tests, counter)
	return nil
}
func (p *fakePanel) Reader() ReaderDiag {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reader
}
func (p *fakePanel) RetryPrints() {
	p.mu.Lock()
	p.retries++
	p.mu.Unlock()
}

func (h *harness) devicesScreen(panel *fakePanel, user string) *devicesScreen {
	h.t.Helper()
	h.ui.cfg.Devices = panel
	sh := h.mustShell(user)
	sh.key(fyne.KeyF9)
	s, ok := sh.screens["devices"].(*devicesScreen)
	if !ok || sh.Current() != "devices" {
		h.t.Fatal("F9 did not open the devices screen")
	}
	return s
}

func TestDevicesScreenSavesSettings(t *testing.T) {
	h := newHarness(t, true)
	panel := &fakePanel{}
	s := h.devicesScreen(panel, "wang")
	if !strings.Contains(s.ports.Text, "/dev/ttyUSB0 (USB 1a86:7523 USB Serial)") || !strings.Contains(s.ports.Text, "/dev/ttyS0") {
		t.Fatalf("ports %q", s.ports.Text)
	}
	if s.save.Disabled() || !s.readOnly.Hidden {
		t.Fatal("supervisor cannot edit")
	}

	// Bad input changes nothing.
	s.printer.name.SetText("/dev/ttyUSB0")
	s.printer.baud.SetText("快")
	test.Tap(s.save)
	if !strings.Contains(s.message.Text, "打印机波特率须为整数") || len(panel.applied) != 0 {
		t.Fatalf("message %q applied %d", s.message.Text, len(panel.applied))
	}
	s.reader.name.SetText("/dev/ttyUSB0")
	s.printer.baud.SetText("19200")
	test.Tap(s.save)
	if !strings.Contains(s.message.Text, "同一个串口") || len(panel.applied) != 0 {
		t.Fatalf("message %q", s.message.Text)
	}

	s.reader.name.SetText("/dev/ttyS0 (x)")
	s.reader.parity.SetSelectedIndex(2)
	s.width.SetSelectedIndex(1)
	s.raster.SetChecked(true)
	s.noStatus.SetChecked(true)
	s.framing.SetSelected("em18")
	test.Tap(s.save)
	if s.message.Text != "设备设置已保存" {
		t.Fatalf("message %q", s.message.Text)
	}
	set, err := h.svc.Settings.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := ledger.DeviceSettings{
		Printer:    ledger.SerialPort{Name: "/dev/ttyUSB0", Baud: 19200, DataBits: 8, Parity: "none", StopBits: "1"},
		PaperWidth: 48, RasterQR: true, PrinterNoStatus: true,
		CardReader:    ledger.SerialPort{Name: "/dev/ttyS0", Baud: 9600, DataBits: 8, Parity: "even", StopBits: "1"},
		ReaderFraming: "em18",
		Scanner:       ledger.SerialPort{Baud: 9600, DataBits: 8, Parity: "none", StopBits: "1"},
	}
	if set.Devices != want {
		t.Fatalf("stored %+v\nwant   %+v", set.Devices, want)
	}
	if len(panel.applied) != 1 || panel.applied[0] != want {
		t.Fatalf("applied %+v", panel.applied)
	}
	if !slices.Contains(h.journalKinds(), "settings.update") {
		t.Fatal("device settings not journaled")
	}
	h.verify()

	// Test page: sent off the UI goroutine, the result comes back via fyne.Do.
	test.Tap(s.testPage)
	select {
	case <-s.testDone:
	case <-time.After(5 * time.Second):
		t.Fatal("test page did not finish")
	}
	panel.mu.Lock()
	tests := panel.tests
	panel.mu.Unlock()
	if s.message.Text != "测试页已发送到打印机" || len(tests) != 1 || !strings.Contains(tests[0], "北门服务台") {
		t.Fatalf("message %q tests %v", s.message.Text, tests)
	}
}

func TestDevicesScreenReaderAndQueue(t *testing.T) {
	h := newHarness(t, true)
	panel := &fakePanel{reader: ReaderDiag{Configured: true, Connected: true,
		Stats: devices.FrameStats{Good: 2, Repeats: 1, BadChecksum: 1, NoiseBytes: 5, BadLines: 3}, Raw: []byte{0x02, '0', 'A', 0x03}}}
	l, err := h.svc.Lending.Lend(context.Background(), h.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"})
	if err != nil {
		t.Fatal(err)
	}
	jobs, _ := h.svc.Print.Pending(context.Background())
	if err := h.svc.Print.MarkFailed(context.Background(), jobs[0].ID, ledger.PrintFailure{Reason: "缺纸"}); err != nil {
		t.Fatal(err)
	}
	s := h.devicesScreen(panel, "li")
	if !s.save.Disabled() || !s.printer.name.Disabled() || s.readOnly.Hidden {
		t.Fatal("a clerk can edit device settings")
	}
	if !strings.Contains(s.jobs.Text, l.ReceiptNo) || !strings.Contains(s.jobs.Text, "已失败 1 次：缺纸") || strings.Contains(s.jobs.Text, "不完整") {
		t.Fatalf("jobs %q", s.jobs.Text)
	}
	// A job cut short after bytes went out says its copy will be marked;
	// one being sent says so.
	l2, err := h.svc.Lending.Lend(context.Background(), h.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	if err != nil {
		t.Fatal(err)
	}
	jobs, _ = h.svc.Print.Pending(context.Background())
	h.svc.Print.Begin(context.Background(), jobs[0].ID)
	h.svc.Print.MarkFailed(context.Background(), jobs[0].ID, ledger.PrintFailure{Reason: "未连接", Sent: 120, Total: 400})
	h.svc.Print.Begin(context.Background(), jobs[1].ID)
	s.refreshJobs()
	if !strings.Contains(s.jobs.Text, "已失败 2 次：未连接　上次打印不完整，将补打并注明") || !strings.Contains(s.jobs.Text, "单号 "+l2.ReceiptNo+"　打印中") {
		t.Fatalf("jobs %q", s.jobs.Text)
	}
	// The job's attempt history is shown under it.
	if !strings.Contains(s.jobs.Text, "第1次 10:00 缺纸（未发送）；第2次 10:00 未连接（已发送 120/400 字节）") {
		t.Fatalf("history missing: %q", s.jobs.Text)
	}
	test.Tap(s.retry)
	if panel.retries != 1 {
		t.Fatal("retry did not wake the worker")
	}

	// A check before any card is read says so.
	test.Type(s.cardCheck, "0012842465")
	test.Tap(s.checkBtn)
	if s.cardMatch.Text != "请先在读卡器上刷卡" {
		t.Fatalf("check before a read: %q", s.cardMatch.Text)
	}
	card := devices.Card{ID: "0A00C3F5E1", Format: devices.CardEM4100}
	h.ui.HandleCard(card)
	if !strings.Contains(s.cardInfo.Text, "正常") || !strings.Contains(s.cardInfo.Text, "0A00C3F5E1（卡面 0012842465 / 195,62945）") {
		t.Fatalf("card %q", s.cardInfo.Text)
	}
	// The clerk types what is printed on the card, in any of its forms.
	for _, typed := range []string{"0012842465", "195,62945", "195 62945", "0a00c3f5e1"} {
		s.cardCheck.SetText("")
		test.Type(s.cardCheck, typed)
		s.cardCheck.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if !strings.HasPrefix(s.cardMatch.Text, "与最近读到的卡一致") || s.cardMatch.Importance != widget.SuccessImportance {
			t.Fatalf("%q: %q", typed, s.cardMatch.Text)
		}
	}
	for typed, want := range map[string]string{"0012842466": "与最近读到的卡不一致：最近读到 0A00C3F5E1", "195,6294x": "卡号格式不正确"} {
		s.cardCheck.SetText(typed)
		test.Tap(s.checkBtn)
		if !strings.HasPrefix(s.cardMatch.Text, want) || s.cardMatch.Importance != widget.DangerImportance {
			t.Fatalf("%q: %q", typed, s.cardMatch.Text)
		}
	}
	if s.rawInfo.Text != "最近收到的字节：02 30 41 03" || !strings.Contains(s.statsInfo.Text, "校验错 1") || !strings.Contains(s.statsInfo.Text, "丢弃行 3") {
		t.Fatalf("raw %q stats %q", s.rawInfo.Text, s.statsInfo.Text)
	}
	if h.ui.LastError() != "" {
		t.Fatalf("diagnosing the reader opened something: %q", h.ui.LastError())
	}

	// Elsewhere an unclaimed card is reported as read, not mistaken for a
	// receipt code; a serial scan of a receipt opens its loan.
	h.ui.shell.open("umbrella")
	h.ui.HandleCard(card)
	if h.ui.LastError() != "" || !strings.Contains(h.ui.lastInfo, "读到卡号 0A00C3F5E1（卡面 0012842465 / 195,62945）") {
		t.Fatalf("unclaimed card: error %q info %q", h.ui.LastError(), h.ui.lastInfo)
	}
	h.ui.shell.open("stroller")
	h.ui.HandleScan(l.Token)
	if h.ui.shell.Current() != "umbrella" {
		t.Fatalf("scan did not open the loan: %s", h.ui.shell.Current())
	}
}
