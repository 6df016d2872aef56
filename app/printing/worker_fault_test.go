package printing_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/devices/devicetest"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// recPrinter remembers the bytes of the job being printed.
type recPrinter struct {
	devices.ReceiptPrinter
	mu   sync.Mutex
	last []byte
}

func (r *recPrinter) Print(ctx context.Context, job []byte) error {
	r.mu.Lock()
	r.last = append([]byte(nil), job...)
	r.mu.Unlock()
	return r.ReceiptPrinter.Print(ctx, job)
}

func (r *recPrinter) lastJob() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// checkedQueue fails the test if a job is recorded printed before the
// printer took every byte of it.
type checkedQueue struct {
	printing.Queue
	t   *testing.T
	emu func() *devicetest.Emulator
	rec *recPrinter
}

func (q *checkedQueue) MarkPrinted(ctx context.Context, id int64) error {
	if job := q.rec.lastJob(); !bytes.HasSuffix(q.emu().Data(), job) {
		q.t.Errorf("job %d recorded printed before the printer took all its %d bytes (it has %d)", id, len(job), len(q.emu().Data()))
	}
	return q.Queue.MarkPrinted(ctx, id)
}

// faultRig is a desk whose worker prints to an emulated printer on a pty.
type faultRig struct {
	d      *desk
	pair   *devicetest.PTYPair
	emu    *devicetest.Emulator
	p      *devices.Printer
	w      *printing.Worker
	mu     sync.Mutex
	states []string
}

type rigOptions struct {
	raster     bool
	baud       int
	skipStatus bool
	open       devices.Opener
}

func newFaultRig(t *testing.T, o rigOptions) *faultRig {
	t.Helper()
	r := &faultRig{d: newDesk(t), pair: devicetest.StartPTYPair(t)}
	r.emu = devicetest.StartEmulator(t, devicetest.OpenPeer(t, r.pair.B), devicetest.RepliesOK())
	statusWait := 300 * time.Millisecond
	if o.baud > 0 {
		r.emu.SetBaud(o.baud)
		statusWait = time.Second // a loaded machine never fails a healthy slow printer; receipts drain for seconds
	}
	p, err := devices.NewPrinter(devices.PrinterConfig{
		Port:          devices.PortConfig{Name: r.pair.A, BaudRate: o.baud, ReadTimeout: 20 * time.Millisecond},
		Open:          o.open,
		SkipStatus:    o.skipStatus,
		StatusTimeout: statusWait,
		PollInterval:  50 * time.Millisecond,
		Backoff:       devices.Backoff{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond},
		ChunkSize:     64,
		OnStatus: func(st devices.PrinterStatus) {
			r.mu.Lock()
			r.states = append(r.states, st.Label())
			r.mu.Unlock()
			if st.Ready() && r.w != nil {
				r.w.Wake()
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	r.p = p
	rec := &recPrinter{ReceiptPrinter: p}
	q := &checkedQueue{Queue: r.d.queue, t: t, emu: func() *devicetest.Emulator { return r.emu }, rec: rec}
	r.w, err = printing.New(printing.Config{Queue: q, Printer: rec, MinBackoff: 20 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, Idle: time.Second, Logger: quiet(),
		Options: func() receipts.ESCPOSOptions { return receipts.ESCPOSOptions{RasterQR: o.raster} }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *faultRig) sawState(label string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Contains(","+strings.Join(r.states, ",")+",", ","+label+",")
}

// encoded is the job as the worker sends it, marked or not.
func (r *faultRig) encoded(t *testing.T, l ledger.Loan, marked, raster bool) []byte {
	t.Helper()
	doc := mustDoc(t, r.d, l)
	if marked {
		doc.Copy, doc.CopyNote = true, receipts.IncompleteNote
	}
	b, err := receipts.EncodeESCPOS(doc, receipts.ESCPOSOptions{RasterQR: raster})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (r *faultRig) job(t *testing.T, l ledger.Loan) ledger.PrintJob {
	t.Helper()
	j, err := r.d.queue.Original(context.Background(), l.ReceiptNo)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// Back-to-back raster receipts on a slow line (19200 baud here; the
// arithmetic is the same at 9600): both print, each recorded only after
// the printer took its last byte, and the status never reads 未连接.
func TestWorkerSlowDrainRasterBackToBack(t *testing.T) {
	const baud = 19200
	r := newFaultRig(t, rigOptions{raster: true, baud: baud})
	runPrinter(t, r.p)
	a, b := r.d.lend(t, "U-001"), r.d.lend(t, "U-002")
	runWorker(t, r.w)
	r.w.Wake()
	devicetest.WaitFor(t, "both receipts", 20*time.Second, func() bool { return len(r.d.pending(t)) == 0 })
	want := append(r.encoded(t, a, false, true), r.encoded(t, b, false, true)...)
	if got := r.emu.Data(); !bytes.Equal(got, want) {
		t.Fatalf("printer got %d bytes, want the two receipts once each (%d)", len(got), len(want))
	}
	if r.sawState("未连接") {
		t.Fatalf("a healthy printer on a slow line read 未连接: %v", r.states)
	}
	if s := r.w.Stats(); s.Printed != 2 || s.Failed != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// wantMarkedResend checks a job cut short once and then printed whole as
// a marked copy: the printer's paper shows part of the receipt and then
// the whole marked one, and the history keeps both attempts.
func wantMarkedResend(t *testing.T, r *faultRig, l ledger.Loan, first []byte, reason string) {
	t.Helper()
	plain, marked := r.encoded(t, l, false, false), r.encoded(t, l, true, false)
	if len(first) == 0 || len(first) >= len(plain) || !bytes.HasPrefix(plain, first) {
		t.Fatalf("first copy: %d bytes, want part of the %d-byte receipt", len(first), len(plain))
	}
	dec := checkUmbrellaReceipt(t, marked, l, true)
	if !strings.Contains(strings.Join(dec.Texts(), ""), receipts.IncompleteNote) {
		t.Fatal("marked copy lacks the note")
	}
	j := r.job(t, l)
	hist, err := r.d.queue.Attempts(context.Background(), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	var cut, printed int
	for _, a := range hist {
		switch {
		case a.Outcome == ledger.OutcomeIncomplete:
			cut++
			if a.Reason != reason || a.Sent == 0 || a.Total != len(plain) {
				t.Errorf("cut-short attempt %+v, want reason %s", a, reason)
			}
		case a.Outcome == ledger.OutcomePrinted:
			printed++
			if !a.Marked {
				t.Errorf("printed attempt %+v not marked", a)
			}
		}
	}
	if cut != 1 || printed != 1 || j.State != ledger.PrintPrinted || !j.CutShort {
		t.Fatalf("job %+v history %+v", j, hist)
	}
}

func TestWorkerPaperOutMidJob(t *testing.T) {
	r := newFaultRig(t, rigOptions{})
	r.emu.PaperOutAfter(120)
	l := r.d.lend(t, "U-001")
	runPrinter(t, r.p)
	runWorker(t, r.w)
	r.w.Wake()
	devicetest.WaitFor(t, "缺纸 on the job", 5*time.Second, func() bool {
		j := r.job(t, l)
		return j.LastError == "缺纸" && j.CutShort
	})
	if !r.job(t, l).PrintedAt.IsZero() {
		t.Fatal("a receipt the paper ran out on was recorded printed")
	}
	first := r.emu.Data()
	r.emu.SetReplies(devicetest.RepliesOK()) // paper loaded
	devicetest.WaitFor(t, "the resent receipt", 5*time.Second, func() bool { return len(r.d.pending(t)) == 0 })
	time.Sleep(200 * time.Millisecond)
	if got := r.emu.Data(); !bytes.Equal(got[len(first):], r.encoded(t, l, true, false)) {
		t.Fatalf("after loading paper the printer got %d bytes, want the marked copy once", len(got)-len(first))
	}
	wantMarkedResend(t, r, l, first, "缺纸")
}

func TestWorkerWriteErrorMidJob(t *testing.T) {
	r := newFaultRig(t, rigOptions{open: devicetest.WriteErrorAfter(nil, 150)})
	l := r.d.lend(t, "U-002")
	runPrinter(t, r.p)
	runWorker(t, r.w)
	r.w.Wake()
	devicetest.WaitFor(t, "the resent receipt", 10*time.Second, func() bool { return len(r.d.pending(t)) == 0 })
	time.Sleep(200 * time.Millisecond)
	got := r.emu.Data()
	if len(got) < 150 || !bytes.Equal(got[150:], r.encoded(t, l, true, false)) {
		t.Fatalf("printer got %d bytes, want 150 of the first copy and the marked copy once", len(got))
	}
	wantMarkedResend(t, r, l, got[:150], "未连接")
}

// A refusal sends nothing, so the receipt printed later is not a copy.
func TestWorkerCoverOpenPrintsOnceUnmarked(t *testing.T) {
	r := newFaultRig(t, rigOptions{})
	r.emu.SetReplies(devicetest.RepliesCoverOpen())
	l := r.d.lend(t, "U-003")
	runPrinter(t, r.p)
	runWorker(t, r.w)
	r.w.Wake()
	devicetest.WaitFor(t, "纸仓盖打开 on the job", 5*time.Second, func() bool { return r.job(t, l).LastError == "纸仓盖打开" })
	if n := r.emu.Taken(); n != 0 {
		t.Fatalf("%d bytes sent to a printer with its cover open", n)
	}
	r.emu.SetReplies(devicetest.RepliesOK())
	devicetest.WaitFor(t, "the receipt", 5*time.Second, func() bool { return len(r.d.pending(t)) == 0 })
	time.Sleep(200 * time.Millisecond)
	if !bytes.Equal(r.emu.Data(), r.encoded(t, l, false, false)) {
		t.Fatalf("printer got %d bytes, want the receipt once, unmarked", len(r.emu.Data()))
	}
	if j := r.job(t, l); j.CutShort || j.Attempts < 1 {
		t.Fatalf("job %+v", j)
	}
}

// A printer that does not answer DLE EOT, with status checks off: the
// receipt prints and the printer's state is unknown, never 正常 or 未连接.
func TestWorkerSilentPrinterStatusOff(t *testing.T) {
	r := newFaultRig(t, rigOptions{skipStatus: true})
	r.emu.SetSilent(true)
	l := r.d.lend(t, "U-001")
	runPrinter(t, r.p)
	runWorker(t, r.w)
	r.w.Wake()
	devicetest.WaitFor(t, "the receipt", 5*time.Second, func() bool { return len(r.d.pending(t)) == 0 })
	if !bytes.Equal(r.emu.Data(), r.encoded(t, l, false, false)) || r.emu.Queries() != 0 {
		t.Fatalf("printer got %d bytes and %d queries", len(r.emu.Data()), r.emu.Queries())
	}
	if got := r.p.Status().Label(); got != "状态未知" {
		t.Fatalf("status %q", got)
	}
	if r.sawState("正常") || r.sawState("未连接") {
		t.Fatalf("status changes %v", r.states)
	}
}

// The program is killed while a job is sending: the next worker resends
// it marked (how much reached the paper is unknown).
func TestWorkerResendsMarkedAfterKill(t *testing.T) {
	d := newDesk(t)
	l := d.lend(t, "U-001")
	jobs := d.pending(t)
	if _, err := d.queue.Begin(context.Background(), jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	// ... the process dies here; a new one starts its worker.
	fp := devices.NewFakePrinter()
	w := newWorker(t, d.queue, fp)
	if done, err := w.Drain(t.Context()); !done || err != nil {
		t.Fatalf("drain %v %v", done, err)
	}
	if len(fp.Jobs()) != 1 {
		t.Fatalf("printed %d", len(fp.Jobs()))
	}
	dec := checkUmbrellaReceipt(t, fp.Jobs()[0], l, true)
	if !strings.Contains(strings.Join(dec.Texts(), ""), receipts.IncompleteNote) {
		t.Fatal("resend after a kill is not marked")
	}
}

// A job stopped by shutdown after bytes went out is recorded cut short
// (the next run marks it); one stopped before any byte is not.
func TestWorkerShutdownMidJobRecorded(t *testing.T) {
	r := newFaultRig(t, rigOptions{raster: true, baud: 9600})
	l := r.d.lend(t, "U-001")
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for r.emu.Taken() < 300 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	if _, err := r.w.Drain(ctx); err == nil {
		t.Fatal("want the cancellation")
	}
	j := r.job(t, l)
	if j.State != ledger.PrintFailed || !j.CutShort || j.LastError != devices.ReasonInterrupted {
		t.Fatalf("job after shutdown %+v", j)
	}
	r.emu.SetBaud(0)
}
