package devices_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"servicedesk/devices"
	"servicedesk/devices/devicetest"
	"servicedesk/receipts"
)

// faultPrinter is a printer on a pty whose device end is an emulator.
type faultPrinter struct {
	pair *devicetest.PTYPair
	emu  *devicetest.Emulator
	p    *devices.Printer
	log  *statusLog
}

func newFaultPrinter(t *testing.T, cfg devices.PrinterConfig) *faultPrinter {
	t.Helper()
	pair := devicetest.StartPTYPair(t)
	f := &faultPrinter{pair: pair, log: &statusLog{}}
	f.emu = devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesOK())
	cfg.Port.Name = pair.A
	if cfg.Port.ReadTimeout == 0 {
		cfg.Port.ReadTimeout = 20 * time.Millisecond
	}
	if cfg.StatusTimeout == 0 {
		cfg.StatusTimeout = 300 * time.Millisecond
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 50 * time.Millisecond
	}
	cfg.Backoff = devices.Backoff{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond}
	cfg.OnStatus = f.log.add
	p, err := devices.NewPrinter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	f.p = p
	return f
}

// print sends job and, when the printer reports it printed, checks that
// the emulator had taken every byte of it by then.
func (f *faultPrinter) print(t *testing.T, job []byte) error {
	t.Helper()
	before := f.emu.Taken()
	err := f.p.Print(t.Context(), job)
	if err == nil {
		if got := f.emu.Taken() - before; got != len(job) {
			t.Fatalf("Print reported the job printed when the printer had taken %d of its %d bytes", got, len(job))
		}
	}
	return err
}

func rasterReceipt(t *testing.T) []byte {
	t.Helper()
	b, err := receipts.EncodeESCPOS(umbrellaReceipt(), receipts.ESCPOSOptions{RasterQR: true})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantIncomplete checks a job cut short: a not-ready error with the
// reason, and whether bytes of it went out.
func wantIncomplete(t *testing.T, err error, reason string, sent int) *devices.StatusError {
	t.Helper()
	var se *devices.StatusError
	if !errors.As(err, &se) || !errors.Is(err, devices.ErrNotReady) {
		t.Fatalf("err = %v, want a *StatusError", err)
	}
	if got := devices.ErrorReason(err); got != reason {
		t.Fatalf("reason %q, want %q (%v)", got, reason, err)
	}
	if sent >= 0 && se.Sent != sent {
		t.Fatalf("sent %d bytes, want %d (%v)", se.Sent, sent, err)
	}
	if se.Incomplete() != (se.Sent > 0) {
		t.Fatalf("Incomplete %v with %d bytes sent", se.Incomplete(), se.Sent)
	}
	return se
}

// At 9600 baud (here 19200 to keep the test short, the same arithmetic)
// a raster receipt drains for seconds after the OS took it. Back-to-back
// receipts must all print, each reported only once the printer took all
// of it, and the status must never read 未连接, with Run polling beside.
func TestPrinterSlowDrainBackToBack(t *testing.T) {
	const baud = 19200
	// A status wait of 1 s (not 300 ms) keeps a loaded test machine from
	// failing a healthy printer; each receipt drains for over 3 s, so a
	// wait not derived from the line still fails.
	f := newFaultPrinter(t, devices.PrinterConfig{Port: devices.PortConfig{BaudRate: baud}, StatusTimeout: time.Second})
	f.emu.SetBaud(baud)
	devicetest.Go(t, f.p.Run)
	job := rasterReceipt(t)
	native := encodeReceipt(t)
	start := time.Now()
	for i, j := range [][]byte{job, job, native} {
		if err := f.print(t, j); err != nil {
			t.Fatalf("receipt %d: %v (status changes %v)", i+1, err, f.log.states)
		}
	}
	took := time.Since(start)
	want := (devices.PortConfig{BaudRate: baud}).LineTime(2*len(job) + len(native))
	if took < want*9/10 {
		t.Fatalf("three receipts reported printed after %v, the line needs %v", took, want)
	}
	if f.log.saw(devices.StateDisconnected) {
		t.Fatalf("a healthy slow printer was reported 未连接: %v", f.log.states)
	}
	if got := f.emu.Data(); !bytes.Equal(got, append(append(append([]byte(nil), job...), job...), native...)) {
		t.Fatalf("printer got %d bytes, want the three jobs once each", len(got))
	}
}

func TestPrinterUnplugMidJob(t *testing.T) {
	f := newFaultPrinter(t, devices.PrinterConfig{ChunkSize: 64})
	f.emu.SetBaud(9600)
	f.emu.UnplugAfter(200, f.pair.Kill)
	job := rasterReceipt(t)
	err := f.print(t, job)
	se := wantIncomplete(t, err, "未连接", -1)
	if !se.Incomplete() || se.Sent >= len(job) && f.emu.Taken() >= len(job) {
		t.Fatalf("sent %d taken %d of %d", se.Sent, f.emu.Taken(), len(job))
	}
	if f.emu.Taken() != 200 {
		t.Fatalf("printer took %d bytes before the cable was pulled, want 200", f.emu.Taken())
	}
	if f.p.Status().State() != devices.StateDisconnected {
		t.Fatalf("status %v", f.p.Status())
	}
}

func TestPrinterWriteErrorMidJob(t *testing.T) {
	f := newFaultPrinter(t, devices.PrinterConfig{ChunkSize: 64, Open: devicetest.WriteErrorAfter(nil, 300)})
	job := encodeReceipt(t)
	err := f.print(t, job)
	wantIncomplete(t, err, "未连接", 300)
	if !errors.Is(err, devicetest.ErrInjected) {
		t.Fatalf("err %v does not carry the write error", err)
	}
	devicetest.WaitFor(t, "the first 300 bytes", 2*time.Second, func() bool { return f.emu.Taken() == 300 })
	// The port is re-opened for the next job, which goes through whole.
	if err := f.print(t, job); err != nil {
		t.Fatalf("next job: %v", err)
	}
	if got := f.emu.Data(); !bytes.Equal(got[300:], job) {
		t.Fatalf("the resent job arrived as %d bytes, want %d", len(got)-300, len(job))
	}
}

func TestPrinterPaperOutMidJob(t *testing.T) {
	f := newFaultPrinter(t, devices.PrinterConfig{})
	f.emu.PaperOutAfter(100)
	job := encodeReceipt(t)
	err := f.print(t, job)
	se := wantIncomplete(t, err, "缺纸", len(job))
	if !errors.Is(se, devices.ErrNotConfirmed) {
		t.Fatalf("err %v, want ErrNotConfirmed", err)
	}
	if len(f.emu.Data()) != 100 || f.emu.Lost() != len(job)-100 {
		t.Fatalf("printed %d lost %d", len(f.emu.Data()), f.emu.Lost())
	}
	if f.p.Status().State() != devices.StatePaperEnd {
		t.Fatalf("status %v", f.p.Status())
	}
	// Refused while out of paper: nothing is sent.
	err = f.print(t, job)
	wantIncomplete(t, err, "缺纸", 0)
	f.emu.SetReplies(devicetest.RepliesOK())
	if err := f.print(t, job); err != nil {
		t.Fatal(err)
	}
}

func TestPrinterCoverOpenMidJob(t *testing.T) {
	f := newFaultPrinter(t, devices.PrinterConfig{})
	f.emu.CoverOpenAfter(50)
	job := encodeReceipt(t)
	wantIncomplete(t, f.print(t, job), "纸仓盖打开", len(job))
	wantIncomplete(t, f.print(t, job), "纸仓盖打开", 0)
	if len(f.emu.Data()) != 50 {
		t.Fatalf("printed %d bytes", len(f.emu.Data()))
	}
}

func TestPrinterSilentStatus(t *testing.T) {
	t.Run("asked", func(t *testing.T) {
		// A printer that does not answer and is not set to skip the
		// check: nothing is sent, and 未连接 is the truth.
		f := newFaultPrinter(t, devices.PrinterConfig{})
		f.emu.SetSilent(true)
		wantIncomplete(t, f.print(t, encodeReceipt(t)), "未连接", 0)
		if n := f.emu.Taken(); n != 0 {
			t.Fatalf("%d bytes sent to a printer that did not answer", n)
		}
	})
	t.Run("status off", func(t *testing.T) {
		f := newFaultPrinter(t, devices.PrinterConfig{SkipStatus: true})
		f.emu.SetSilent(true)
		devicetest.Go(t, f.p.Run)
		devicetest.WaitFor(t, "the port opened", 2*time.Second, func() bool { return f.p.Status().Connected })
		if st := f.p.Status(); st.State() != devices.StateUnknown || st.Label() != "状态未知" || !st.Ready() || st.Fine() {
			t.Fatalf("status %+v (%s), want unknown", st, st.Label())
		}
		job := encodeReceipt(t)
		if err := f.print(t, job); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond) // a few polls
		if !bytes.Equal(f.emu.Data(), job) || f.emu.Queries() != 0 {
			t.Fatalf("printed %d bytes, %d status queries", len(f.emu.Data()), f.emu.Queries())
		}
		if f.log.saw(devices.StateOK) || f.log.saw(devices.StateDisconnected) {
			t.Fatalf("status changes %v: a printer that is not asked is neither 正常 nor 未连接", f.log.states)
		}
		// Unplugged: the port vanishing is still noticed.
		f.pair.Kill()
		devicetest.WaitFor(t, "未连接 after unplug", 3*time.Second, func() bool {
			return f.p.Status().State() == devices.StateDisconnected
		})
	})
}

func TestPrinterCancelMidJob(t *testing.T) {
	f := newFaultPrinter(t, devices.PrinterConfig{ChunkSize: 64})
	f.emu.SetBaud(9600)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	job := bytes.Repeat([]byte("x"), 64*1024) // more than the pty buffers hold
	err := f.p.Print(ctx, job)
	se := wantIncomplete(t, err, devices.ReasonInterrupted, -1)
	if se.Sent == 0 || se.Sent == len(job) {
		t.Fatalf("sent %d of %d", se.Sent, len(job))
	}
	if f.p.Status().State() == devices.StateDisconnected {
		t.Fatal("a cancelled job made the printer 未连接")
	}
	f.emu.SetBaud(0) // let the backlog through so closing the port does not wait for it
}
