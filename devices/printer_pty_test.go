package devices_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/devices"
	"servicedesk/devices/devicetest"
	"servicedesk/receipts"
)

// umbrellaReceipt is the deposit card handed out with a loaned umbrella.
func umbrellaReceipt() receipts.Document {
	return receipts.Document{
		Lines: []receipts.Line{
			{Text: "星光购物中心", Bold: true, Double: true, Align: receipts.Center},
			{Text: "总服务台 爱心雨伞借用凭证", Align: receipts.Center},
			{Text: "服务台: 北门1号台"},
			{Text: "经办: 王丽"},
			{Text: "时间: 2025-07-14 15:42"},
			{Text: "伞号: U-0231", Bold: true},
			{Text: "押金", Amount: "￥50.00", Bold: true},
			{Text: "归还时请出示本凭证，雨伞完好全额退还押金。"},
		},
		QR:        "SD1.U.000231.Zk3pQ8vX2mN7bL4cR9tW",
		QRCaption: "凭证号 U-000231",
	}
}

var wantReceiptLines = []string{
	"星光购物中心",
	"总服务台 爱心雨伞借用凭证",
	"服务台: 北门1号台",
	"经办: 王丽",
	"时间: 2025-07-14 15:42",
	"伞号: U-0231",
	"押金                     ￥50.00",
	"归还时请出示本凭证，", // wrapped to the 32-column paper
	"雨伞完好全额退还押金。",
	"",
	"凭证号 U-000231",
}

func encodeReceipt(t *testing.T) []byte {
	t.Helper()
	b, err := receipts.EncodeESCPOS(umbrellaReceipt(), receipts.ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// statusLog records OnStatus calls.
type statusLog struct {
	mu     sync.Mutex
	states []devices.PrinterState
}

func (l *statusLog) add(s devices.PrinterStatus) {
	l.mu.Lock()
	l.states = append(l.states, s.State())
	l.mu.Unlock()
}

func (l *statusLog) last() devices.PrinterState {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.states) == 0 {
		return -1
	}
	return l.states[len(l.states)-1]
}

func (l *statusLog) saw(s devices.PrinterState) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.states {
		if x == s {
			return true
		}
	}
	return false
}

func newPTYPrinter(t *testing.T, name string, log *statusLog) *devices.Printer {
	t.Helper()
	p, err := devices.NewPrinter(devices.PrinterConfig{
		Port:          devices.PortConfig{Name: name, ReadTimeout: 20 * time.Millisecond},
		StatusTimeout: 300 * time.Millisecond,
		PollInterval:  50 * time.Millisecond,
		Backoff:       devices.Backoff{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond},
		OnStatus:      log.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func TestPrinterPrintsUmbrellaReceiptOverPTY(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesOK())
	log := &statusLog{}
	p := newPTYPrinter(t, pair.A, log)

	job := encodeReceipt(t)
	if err := p.Print(t.Context(), job); err != nil {
		t.Fatalf("print: %v", err)
	}
	devicetest.WaitFor(t, "the whole receipt", 5*time.Second, func() bool { return len(emu.Data()) >= len(job) })
	got := emu.Data()
	if !bytes.Equal(got, job) {
		t.Fatalf("printer received %d bytes, want the %d-byte job", len(got), len(job))
	}
	d, err := receipts.DecodeESCPOS(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Texts(), "\n") != strings.Join(wantReceiptLines, "\n") {
		t.Fatalf("printed:\n%s\nwant:\n%s", strings.Join(d.Texts(), "\n"), strings.Join(wantReceiptLines, "\n"))
	}
	if d.QR() != umbrellaReceipt().QR || !d.Cut {
		t.Fatalf("qr %q cut %v", d.QR(), d.Cut)
	}
	if emu.Queries() != 6 || p.Status().State() != devices.StateOK || log.last() != devices.StateOK {
		t.Fatalf("queries %d status %v", emu.Queries(), p.Status())
	}
}

func TestPrinterRefusesOnPaperEnd(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesPaperEnd())
	log := &statusLog{}
	p := newPTYPrinter(t, pair.A, log)

	err := p.Print(t.Context(), encodeReceipt(t))
	if !errors.Is(err, devices.ErrNotReady) || devices.ErrorReason(err) != "缺纸" || !strings.Contains(err.Error(), "缺纸") {
		t.Fatalf("err = %v, want a not-ready error naming 缺纸", err)
	}
	if p.Status().State() != devices.StatePaperEnd || log.last() != devices.StatePaperEnd {
		t.Fatalf("status %v", p.Status())
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(emu.Data()); n != 0 {
		t.Fatalf("%d bytes reached a printer without paper", n)
	}

	// Paper loaded: the same job goes through.
	emu.SetReplies(devicetest.RepliesOK())
	if err := p.Print(t.Context(), encodeReceipt(t)); err != nil {
		t.Fatal(err)
	}
	devicetest.WaitFor(t, "the receipt", 5*time.Second, func() bool { return len(emu.Data()) == len(encodeReceipt(t)) })
}

func TestPrinterNoReplyIsDisconnected(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	_ = devicetest.OpenPeer(t, pair.B) // a printer that is switched off: nobody answers
	p := newPTYPrinter(t, pair.A, &statusLog{})
	err := p.Print(t.Context(), []byte("x"))
	if devices.ErrorReason(err) != "未连接" {
		t.Fatalf("err = %v, want 未连接", err)
	}
}

func TestPrinterReconnectsAfterPortVanishes(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "ttyPrinter")
	pair := devicetest.StartPTYPair(t)
	devicetest.Relink(t, link, pair.A)
	emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesOK())
	emu.StallAfterStatus() // the printer stops taking data: the job hangs mid-way

	log := &statusLog{}
	p := newPTYPrinter(t, link, log)
	big := bytes.Repeat([]byte("押金￥50.00 雨伞借用凭证\n"), 20000) // ~600 KB, fills every buffer
	printErr := make(chan error, 1)
	go func() { printErr <- p.Print(context.Background(), big) }()
	devicetest.WaitFor(t, "the job to stall", 2*time.Second, emu.Stalled)
	time.Sleep(200 * time.Millisecond)

	// The supervisor runs beside the stuck job.
	run := devicetest.Go(t, p.Run)
	pair.Kill() // cable pulled mid-print
	select {
	case err := <-printErr:
		if !errors.Is(err, devices.ErrNotReady) || devices.ErrorReason(err) != "未连接" {
			t.Fatalf("print err = %v, want 未连接", err)
		}
		var se *devices.StatusError
		if !errors.As(err, &se) || !se.Incomplete() {
			t.Fatalf("want a partial-job StatusError, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Print did not fail when the port vanished")
	}
	devicetest.WaitFor(t, "disconnected state", 2*time.Second, func() bool {
		return p.Status().State() == devices.StateDisconnected
	})
	time.Sleep(150 * time.Millisecond) // a few failed reconnects with backoff

	// The adapter comes back under the same name.
	pair2 := devicetest.StartPTYPair(t)
	emu2 := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair2.B), devicetest.RepliesOK())
	devicetest.Relink(t, link, pair2.A)
	devicetest.WaitFor(t, "reconnect", 5*time.Second, func() bool { return p.Status().State() == devices.StateOK })

	// The queue retries the receipt it kept: it prints exactly once.
	job := encodeReceipt(t)
	if err := p.Print(t.Context(), job); err != nil {
		t.Fatalf("print after reconnect: %v", err)
	}
	devicetest.WaitFor(t, "the receipt", 5*time.Second, func() bool { return len(emu2.Data()) >= len(job) })
	time.Sleep(200 * time.Millisecond)
	got := emu2.Data()
	if !bytes.Equal(got, job) {
		t.Fatalf("new port received %d bytes, want exactly the %d-byte job once", len(got), len(job))
	}
	d, err := receipts.DecodeESCPOS(got)
	if err != nil || d.QR() != umbrellaReceipt().QR || strings.Count(strings.Join(d.Texts(), "\n"), "伞号: U-0231") != 1 {
		t.Fatalf("decoded %q qr %q err %v", d.Texts(), d.QR(), err)
	}
	if !log.saw(devices.StateDisconnected) || log.last() != devices.StateOK {
		t.Fatalf("status changes %v", log.states)
	}

	// Run stops on cancel; Close after that is harmless.
	if err := run.Stop(t, 2*time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPrinterCloseStopsRun(t *testing.T) {
	log := &statusLog{}
	p := newPTYPrinter(t, filepath.Join(t.TempDir(), "absent"), log)
	run := devicetest.Go(t, p.Run)
	devicetest.WaitFor(t, "disconnected report", 2*time.Second, func() bool {
		return log.saw(devices.StateDisconnected) || p.Status().State() == devices.StateDisconnected
	})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := run.Wait(t, 2*time.Second); err != nil {
		t.Fatalf("Run after Close: %v", err)
	}
}
