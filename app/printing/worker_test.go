package printing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/devices/devicetest"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
	"servicedesk/receipts"
)

// desk is a temp database with a clerk and umbrellas in stock.
type desk struct {
	db      *sqlstore.DB
	queue   *sqlstore.PrintQueue
	lending *sqlstore.LendingService
	clerk   ledger.Staff
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "desk.db"), sqlstore.Options{
		Now: func() time.Time { return now }, Rand: rand.New(rand.NewSource(1)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	staff := sqlstore.NewStaffService(db)
	admin, err := staff.Setup(ctx, ledger.SetupRequest{MallName: "天华购物广场", CounterName: "一楼总服务台",
		Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: "counter2026"}})
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "li", Name: "李小红", Role: ledger.RoleClerk, Password: "counter2026"})
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{db: db, queue: sqlstore.NewPrintQueue(db), lending: sqlstore.NewLendingService(db), clerk: clerk}
	if err := d.lending.AddItems(ctx, admin, ledger.KindUmbrella, []string{"U-001", "U-002", "U-003"}); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *desk) lend(t *testing.T, number string) ledger.Loan {
	t.Helper()
	l, err := d.lending.Lend(context.Background(), d.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: number, Phone: "13812341234"})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (d *desk) pending(t *testing.T) []ledger.PrintJob {
	t.Helper()
	jobs, err := d.queue.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newWorker(t *testing.T, q printing.Queue, p devices.ReceiptPrinter) *printing.Worker {
	t.Helper()
	w, err := printing.New(printing.Config{Queue: q, Printer: p, MinBackoff: 20 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, Idle: time.Second, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// runWorker runs w until the test ends and checks that Run stops.
func runWorker(t *testing.T, w *printing.Worker) {
	t.Helper()
	run := devicetest.Go(t, w.Run)
	t.Cleanup(func() {
		if err := run.Stop(t, 5*time.Second); !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v", err)
		}
	})
}

// checkUmbrellaReceipt decodes one printed umbrella deposit card.
func checkUmbrellaReceipt(t *testing.T, data []byte, l ledger.Loan, copy bool) receipts.Decoded {
	t.Helper()
	d, err := receipts.DecodeESCPOS(data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	text := strings.Join(d.Texts(), "\n")
	for _, want := range []string{"天华购物广场", "爱心雨伞押金卡", l.ItemNumber, l.ReceiptNo, "￥50.00", "138****1234"} {
		if strings.Count(text, want) < 1 {
			t.Errorf("printed receipt lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "爱心雨伞押金卡") != 1 {
		t.Errorf("receipt printed %d times:\n%s", strings.Count(text, "爱心雨伞押金卡"), text)
	}
	if strings.Contains(text, "13812341234") {
		t.Error("whole phone number on paper")
	}
	if got := strings.Contains(text, receipts.CopyBanner); got != copy {
		t.Errorf("补打 banner = %v, want %v:\n%s", got, copy, text)
	}
	if d.QR() != l.Token || !d.Cut {
		t.Errorf("qr %q (want %q) cut %v", d.QR(), l.Token, d.Cut)
	}
	return d
}

func TestWorkerPrintsLentUmbrellaReceipt(t *testing.T) {
	d := newDesk(t)
	fp := devices.NewFakePrinter()
	w := newWorker(t, d.queue, fp)
	runWorker(t, w)
	l := d.lend(t, "U-001")
	w.Wake()
	devicetest.WaitFor(t, "the receipt", 5*time.Second, func() bool { return len(d.pending(t)) == 0 })
	jobs := fp.Jobs()
	if len(jobs) != 1 {
		t.Fatalf("printer got %d jobs, want 1", len(jobs))
	}
	checkUmbrellaReceipt(t, jobs[0], l, false)

	// 补打: the copy goes through the same queue with the banner.
	if _, err := d.queue.Reprint(context.Background(), d.clerk, l.ReceiptNo); err != nil {
		t.Fatal(err)
	}
	w.Wake()
	devicetest.WaitFor(t, "the copy", 5*time.Second, func() bool { return len(fp.Jobs()) == 2 && len(d.pending(t)) == 0 })
	checkUmbrellaReceipt(t, fp.Jobs()[1], l, true)
	if s := w.Stats(); s.Printed != 2 || s.Failed != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestWorkerUsesPaperWidthAndRaster(t *testing.T) {
	d := newDesk(t)
	l := d.lend(t, "U-002")
	fp := devices.NewFakePrinter()
	w, err := printing.New(printing.Config{Queue: d.queue, Printer: fp, Logger: quiet(),
		Options: func() receipts.ESCPOSOptions {
			return printing.Options(ledger.DeviceSettings{PaperWidth: 48, RasterQR: true})
		}})
	if err != nil {
		t.Fatal(err)
	}
	if done, err := w.Drain(t.Context()); !done || err != nil {
		t.Fatalf("drain: %v %v", done, err)
	}
	dec, err := receipts.DecodeESCPOS(fp.Jobs()[0])
	if err != nil || len(dec.Rasters) == 0 {
		t.Fatalf("want a raster QR: %v", err)
	}
	if !strings.Contains(strings.Join(dec.Texts(), "\n"), l.ItemNumber) {
		t.Fatal("item number missing")
	}
}

// flakyQueue fails MarkPrinted a given number of times (a database that
// is briefly locked or a crash between print and record).
type flakyQueue struct {
	printing.Queue
	mu       sync.Mutex
	failMark int
}

func (q *flakyQueue) MarkPrinted(ctx context.Context, id int64) error {
	q.mu.Lock()
	fail := q.failMark > 0
	q.failMark--
	q.mu.Unlock()
	if fail {
		return errors.New("database is locked")
	}
	return q.Queue.MarkPrinted(ctx, id)
}

func TestWorkerNeverReprintsWhileRecordFails(t *testing.T) {
	d := newDesk(t)
	l := d.lend(t, "U-001")
	fp := devices.NewFakePrinter()
	q := &flakyQueue{Queue: d.queue, failMark: 2}
	w := newWorker(t, q, fp)
	if _, err := w.Drain(t.Context()); err == nil {
		t.Fatal("want the MarkPrinted error")
	}
	if _, err := w.Drain(t.Context()); err == nil {
		t.Fatal("want the MarkPrinted error again")
	}
	if done, err := w.Drain(t.Context()); !done || err != nil {
		t.Fatalf("third pass: %v %v", done, err)
	}
	if n := len(fp.Jobs()); n != 1 {
		t.Fatalf("printed %d times, want once", n)
	}
	if len(d.pending(t)) != 0 {
		t.Fatal("job still queued")
	}
	// A restarted worker finds nothing to print.
	w2 := newWorker(t, d.queue, fp)
	if done, err := w2.Drain(t.Context()); !done || err != nil || len(fp.Jobs()) != 1 {
		t.Fatalf("restart: %v %v jobs %d", done, err, len(fp.Jobs()))
	}
	checkUmbrellaReceipt(t, fp.Jobs()[0], l, false)
}

func TestWorkerKeepsOrderAndReasonOnFailure(t *testing.T) {
	d := newDesk(t)
	first := d.lend(t, "U-001")
	second := d.lend(t, "U-002")
	fp := devices.NewFakePrinter()
	fp.SetStatus(devices.PrinterStatus{Connected: true, CoverOpen: true})
	w := newWorker(t, d.queue, fp)
	if done, err := w.Drain(t.Context()); done || err != nil {
		t.Fatalf("drain: %v %v", done, err)
	}
	jobs := d.pending(t)
	if len(jobs) != 2 || jobs[0].LastError != "纸仓盖打开" || jobs[0].Attempts != 1 || jobs[1].Attempts != 0 {
		t.Fatalf("jobs %+v", jobs)
	}
	fp.SetStatus(devices.StatusOK)
	if done, err := w.Drain(t.Context()); !done || err != nil {
		t.Fatalf("drain: %v %v", done, err)
	}
	got := fp.Jobs()
	if len(got) != 2 {
		t.Fatalf("printed %d", len(got))
	}
	checkUmbrellaReceipt(t, got[0], first, false)
	checkUmbrellaReceipt(t, got[1], second, false)
}

// badDocQueue serves one job whose document is not JSON.
type badDocQueue struct {
	printing.Queue
	failed string
}

func (q *badDocQueue) Pending(ctx context.Context) ([]ledger.PrintJob, error) {
	jobs, err := q.Queue.Pending(ctx)
	return append([]ledger.PrintJob{{ID: 999, Document: []byte("{broken")}}, jobs...), err
}

func (q *badDocQueue) Begin(ctx context.Context, id int64) (ledger.PrintJob, error) {
	if id == 999 {
		return ledger.PrintJob{ID: 999, Document: []byte("{broken"), State: ledger.PrintSending}, nil
	}
	return q.Queue.Begin(ctx, id)
}

func (q *badDocQueue) MarkFailed(ctx context.Context, id int64, f ledger.PrintFailure) error {
	if id == 999 {
		q.failed = f.Reason
		return nil
	}
	return q.Queue.MarkFailed(ctx, id, f)
}

func TestWorkerSkipsBrokenDocument(t *testing.T) {
	d := newDesk(t)
	d.lend(t, "U-001")
	fp := devices.NewFakePrinter()
	q := &badDocQueue{Queue: d.queue}
	w := newWorker(t, q, fp)
	done, err := w.Drain(t.Context())
	if done || err != nil || q.failed != printing.ReasonBadDocument || len(fp.Jobs()) != 1 {
		t.Fatalf("done %v err %v reason %q printed %d", done, err, q.failed, len(fp.Jobs()))
	}
}

func newPTYPrinter(t *testing.T, name string, open devices.Opener, onStatus func(devices.PrinterStatus)) *devices.Printer {
	t.Helper()
	p, err := devices.NewPrinter(devices.PrinterConfig{
		Port:          devices.PortConfig{Name: name, ReadTimeout: 20 * time.Millisecond},
		Open:          open,
		StatusTimeout: 300 * time.Millisecond,
		PollInterval:  50 * time.Millisecond,
		Backoff:       devices.Backoff{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond},
		ChunkSize:     64,
		OnStatus:      onStatus,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// runPrinter runs the printer's reconnect supervisor until the test ends.
func runPrinter(t *testing.T, p *devices.Printer) {
	t.Helper()
	devicetest.Go(t, p.Run)
}

func TestWorkerPaperEndOverPTY(t *testing.T) {
	d := newDesk(t)
	pair := devicetest.StartPTYPair(t)
	emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesPaperEnd())
	var w *printing.Worker
	p := newPTYPrinter(t, pair.A, nil, func(st devices.PrinterStatus) {
		if st.Ready() && w != nil {
			w.Wake()
		}
	})
	w = newWorker(t, d.queue, p)
	l := d.lend(t, "U-001")
	runPrinter(t, p)
	runWorker(t, w)

	devicetest.WaitFor(t, "缺纸 on the job", 5*time.Second, func() bool {
		jobs := d.pending(t)
		return len(jobs) == 1 && jobs[0].LastError == "缺纸" && jobs[0].Attempts >= 1
	})
	if got := p.Status().Label(); got != "缺纸" {
		t.Fatalf("status %q, want 缺纸", got)
	}
	if n := len(emu.Data()); n != 0 {
		t.Fatalf("%d bytes reached a printer without paper", n)
	}

	emu.SetReplies(devicetest.RepliesOK()) // paper loaded
	devicetest.WaitFor(t, "the receipt", 5*time.Second, func() bool { return len(d.pending(t)) == 0 })
	job, err := receipts.EncodeESCPOS(mustDoc(t, d, l), receipts.ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	devicetest.WaitFor(t, "all bytes", 5*time.Second, func() bool { return len(emu.Data()) >= len(job) })
	time.Sleep(200 * time.Millisecond)
	if !bytes.Equal(emu.Data(), job) {
		t.Fatalf("printer got %d bytes, want the %d-byte job once", len(emu.Data()), len(job))
	}
	checkUmbrellaReceipt(t, emu.Data(), l, false)
}

func mustDoc(t *testing.T, d *desk, l ledger.Loan) receipts.Document {
	t.Helper()
	j, err := d.queue.Original(context.Background(), l.ReceiptNo)
	if err != nil {
		t.Fatal(err)
	}
	var doc receipts.Document
	if err := jsonUnmarshal(j.Document, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestWorkerRetriesAfterPortVanishesMidPrint(t *testing.T) {
	d := newDesk(t)
	link := filepath.Join(t.TempDir(), "ttyPrinter")
	pair := devicetest.StartPTYPair(t)
	devicetest.Relink(t, link, pair.A)
	emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesOK())

	var mu sync.Mutex
	opens := 0
	open := func(cfg devices.PortConfig) (devices.Port, error) {
		port, err := devices.OpenPort(cfg)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		opens++
		if opens == 1 { // the first cable is pulled 200 bytes into the job
			return &cutPort{Port: port, limit: 200, pull: pair.Kill}, nil
		}
		return port, nil
	}
	var w *printing.Worker
	var states []string
	p := newPTYPrinter(t, link, open, func(st devices.PrinterStatus) {
		mu.Lock()
		states = append(states, st.Label())
		mu.Unlock()
		if st.Ready() && w != nil {
			w.Wake()
		}
	})
	w = newWorker(t, d.queue, p)
	l := d.lend(t, "U-003")
	runWorker(t, w)

	devicetest.WaitFor(t, "未连接 on the job", 5*time.Second, func() bool {
		jobs := d.pending(t)
		return len(jobs) == 1 && jobs[0].LastError == "未连接"
	})
	if part := len(emu.Data()); part == 0 {
		t.Fatal("the first printer got nothing: the cable was not pulled mid-print")
	}
	runPrinter(t, p)
	time.Sleep(200 * time.Millisecond) // failed reconnects with backoff

	// The adapter comes back under the same name.
	pair2 := devicetest.StartPTYPair(t)
	emu2 := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair2.B), devicetest.RepliesOK())
	devicetest.Relink(t, link, pair2.A)
	devicetest.WaitFor(t, "the receipt after reconnect", 10*time.Second, func() bool { return len(d.pending(t)) == 0 })
	time.Sleep(300 * time.Millisecond) // nothing more may arrive

	// The first printer got the start of the unmarked receipt; the resent
	// copy is whole and marked 补打 with the note that the first copy was
	// incomplete (it failed on the old code: the same unmarked receipt).
	doc := mustDoc(t, d, l)
	orig, err := receipts.EncodeESCPOS(doc, receipts.ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if part := emu.Data(); len(part) >= len(orig) || !bytes.HasPrefix(orig, part) {
		t.Fatalf("first printer got %d bytes, want a prefix of the %d-byte job", len(part), len(orig))
	}
	doc.Copy, doc.CopyNote = true, receipts.IncompleteNote
	job, err := receipts.EncodeESCPOS(doc, receipts.ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := emu2.Data(); !bytes.Equal(got, job) {
		t.Fatalf("new port received %d bytes, want the %d-byte marked copy exactly once", len(got), len(job))
	}
	dec := checkUmbrellaReceipt(t, emu2.Data(), l, true)
	if !strings.Contains(strings.Join(dec.Texts(), ""), receipts.IncompleteNote) {
		t.Fatalf("resent copy lacks the note:\n%s", strings.Join(dec.Texts(), "\n"))
	}
	j, err := d.queue.Original(context.Background(), l.ReceiptNo)
	if err != nil || j.PrintedAt.IsZero() || j.Attempts < 1 || !j.CutShort {
		t.Fatalf("job %+v err %v", j, err)
	}
	hist, err := d.queue.Attempts(context.Background(), j.ID)
	if err != nil || len(hist) < 2 || hist[0].Outcome != ledger.OutcomeIncomplete || hist[0].Sent == 0 ||
		hist[len(hist)-1].Outcome != ledger.OutcomePrinted || !hist[len(hist)-1].Marked {
		t.Fatalf("history %+v %v", hist, err)
	}
	if s := w.Stats(); s.Printed != 1 {
		t.Fatalf("worker stats %+v", s)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(states, ","), "未连接") || states[len(states)-1] != "正常" {
		t.Fatalf("status changes %v", states)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
