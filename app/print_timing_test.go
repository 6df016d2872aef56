package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/devices/devicetest"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// TestMeasureEnterToLastByte measures, at the counter, the time from the
// clerk's confirming Enter on an umbrella loan to the receipt's last byte
// reaching a printer on a 9600 baud line (the pty emulator takes bytes at
// the line rate), and to the job being recorded printed (after the status
// check that confirms it), for native and raster QR. It takes about 10 s,
// so it runs only with SERVICEDESK_MEASURE=1:
//
//	SERVICEDESK_MEASURE=1 go test -run TestMeasureEnterToLastByte -v ./app/
func TestMeasureEnterToLastByte(t *testing.T) {
	if os.Getenv("SERVICEDESK_MEASURE") == "" {
		t.Skip("set SERVICEDESK_MEASURE=1 to measure (about 10 s)")
	}
	for _, raster := range []bool{false, true} {
		name := map[bool]string{false: "native QR", true: "raster QR"}[raster]
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, true)
			pair := devicetest.StartPTYPair(t)
			emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesOK())
			emu.SetBaud(9600)
			p, err := devices.NewPrinter(devices.PrinterConfig{Port: devices.PortConfig{Name: pair.A, BaudRate: 9600}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Close() })
			var recorded time.Time
			done := make(chan struct{})
			w, err := printing.New(printing.Config{Queue: h.svc.Print, Printer: p,
				Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
				Options: func() receipts.ESCPOSOptions { return receipts.ESCPOSOptions{RasterQR: raster} },
				OnChange: func() {
					if n, _ := h.svc.Print.PendingCount(context.Background()); n == 0 && recorded.IsZero() {
						recorded = time.Now()
						close(done)
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			h.ui.cfg.Changed = w.Wake
			devicetest.Go(t, p.Run)
			devicetest.WaitFor(t, "printer ready", 3*time.Second, func() bool { return p.Status().State() == devices.StateOK })
			// The first pass recovers and finds nothing; then it waits.
			if _, err := w.Drain(t.Context()); err != nil {
				t.Fatal(err)
			}
			devicetest.Go(t, w.Run)

			h.mustShell("li")
			s := h.lending(ledger.KindUmbrella)
			enter := &fyne.KeyEvent{Name: fyne.KeyReturn}
			test.Type(s.item, "U-001")
			s.item.TypedKey(enter) // ask: the confirmation shows the deposit
			start := time.Now()
			s.item.TypedKey(enter) // the clerk's Enter: lent, receipt queued
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("receipt not printed")
			}
			last := emu.LastByte()
			jobs, _ := h.svc.Print.Pending(context.Background())
			if len(jobs) != 0 || last.After(recorded) {
				t.Fatalf("pending %d, last byte %v after recorded %v", len(jobs), last, recorded)
			}
			t.Logf("%s: %d bytes; Enter → last byte %v; Enter → recorded printed %v; line time %v",
				name, emu.Taken(), last.Sub(start).Round(time.Millisecond), recorded.Sub(start).Round(time.Millisecond),
				(devices.PortConfig{}).LineTime(emu.Taken()).Round(time.Millisecond))
		})
	}
}
