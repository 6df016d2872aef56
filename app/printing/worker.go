// Package printing drains the durable print queue to the receipt printer.
//
// One Worker goroutine owns the queue: it takes unprinted jobs oldest first,
// claims each (state sending), encodes its receipts.Document as ESC/POS and
// sends it. A job is marked printed only after the printer confirmed it:
// every byte left the port and the status afterwards was fine. A refused
// job (nothing sent) is marked failed with its Chinese reason (缺纸, 未连接 …)
// and retried later as it was. A job cut short after bytes went out (cable
// pulled, write error, paper out or cover open mid-job, program stopped) is
// recorded as incomplete, and its next copy is printed with the 补打 banner
// and a note that the first copy was incomplete, so the customer never holds
// two unmarked receipts. Within one run a job the printer confirmed is
// never sent again, even while MarkPrinted keeps failing; if the process
// dies before MarkPrinted commits, the next start finds the job still
// sending and resends it marked.
package printing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// Queue is the part of ledger.PrintQueue the worker uses.
type Queue interface {
	Pending(ctx context.Context) ([]ledger.PrintJob, error)
	Begin(ctx context.Context, id int64) (ledger.PrintJob, error)
	MarkPrinted(ctx context.Context, id int64) error
	MarkFailed(ctx context.Context, id int64, f ledger.PrintFailure) error
	Recover(ctx context.Context) (int, error)
}

// Config configures a Worker. Queue and Printer are required.
type Config struct {
	Queue   Queue
	Printer devices.ReceiptPrinter
	// Options returns the encoder options (paper width, raster QR) for
	// the next job; nil means the 58 mm native-QR defaults.
	Options func() receipts.ESCPOSOptions
	// MinBackoff and MaxBackoff bound the retry delay after a failed
	// pass; 0 means 1 s and 30 s.
	MinBackoff, MaxBackoff time.Duration
	// Idle is how often the queue is looked at with nothing to do; 0
	// means 30 s. Wake makes it look at once.
	Idle time.Duration
	// JobTimeout bounds one Print call; 0 means 2 minutes (a raster
	// receipt at 9600 baud takes several seconds).
	JobTimeout time.Duration
	// OnChange is called when a job starts sending and after every pass
	// that printed or failed a job, on the worker goroutine; the GUI
	// wraps its work in fyne.Do.
	OnChange func()
	Logger   *slog.Logger
	// Shared says other workers may drain the same queue at the same time
	// (no instance lock). The claim keeps them from sending one job twice;
	// a shared worker does not take over jobs left sending at its start
	// (Recover), since another live worker may be sending them. The
	// counter's own worker runs under the instance lock: not shared.
	Shared bool
}

// ReasonBadDocument is the failure reason of a job whose document cannot
// be decoded or encoded; such a job is skipped, not retried in a loop.
const ReasonBadDocument = "小票内容无法打印"

// Worker prints queued jobs. Run it on one goroutine; Wake and Stats may
// be called from any goroutine.
type Worker struct {
	cfg  Config
	wake chan struct{}

	recovered bool // Recover ran (first pass)

	mu         sync.Mutex
	printed    map[int64]bool                // confirmed printed, MarkPrinted not yet committed
	unrecorded map[int64]ledger.PrintFailure // failed, MarkFailed not yet committed
	stats      Stats
}

// Stats counts what the worker has done since it started.
type Stats struct {
	Printed    int    // jobs confirmed by the printer
	Failed     int    // failed attempts
	CutShort   int    // failed attempts after bytes went out
	LastReason string // reason of the last failure, "" after a success
}

// New returns a worker; call Run to start it.
func New(cfg Config) (*Worker, error) {
	if cfg.Queue == nil || cfg.Printer == nil {
		return nil, errors.New("print worker: queue and printer required")
	}
	if cfg.Options == nil {
		cfg.Options = func() receipts.ESCPOSOptions { return receipts.ESCPOSOptions{} }
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(30*time.Second, cfg.MinBackoff)
	}
	if cfg.Idle <= 0 {
		cfg.Idle = 30 * time.Second
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Worker{cfg: cfg, wake: make(chan struct{}, 1), printed: map[int64]bool{}, unrecorded: map[int64]ledger.PrintFailure{}}, nil
}

// Wake makes Run look at the queue now (a new job, the printer became
// ready, a retry button). It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Stats returns the counters.
func (w *Worker) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

// Run prints until ctx is done and returns ctx.Err(). After a failed pass
// it waits with a doubling backoff, cut short by Wake.
func (w *Worker) Run(ctx context.Context) error {
	var backoff time.Duration
	for {
		wait := w.cfg.Idle
		done, err := w.Drain(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil || !done {
			if err != nil {
				w.cfg.Logger.Warn("print queue pass failed", "err", err)
			}
			backoff = min(max(2*backoff, w.cfg.MinBackoff), w.cfg.MaxBackoff)
			wait = backoff
		} else {
			backoff = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Drain makes one pass over the queue, oldest job first, and stops at the
// first job the printer refuses (the later ones would fail the same way and
// must not overtake it). It reports whether the queue is empty of printable
// jobs. Only one goroutine may call Drain or Run. The first pass ends the
// attempts a stopped program left sending (Recover).
func (w *Worker) Drain(ctx context.Context) (done bool, err error) {
	if !w.recovered && !w.cfg.Shared {
		n, err := w.cfg.Queue.Recover(ctx)
		if err != nil {
			return false, fmt.Errorf("recover print jobs: %w", err)
		}
		w.recovered = true
		if n > 0 {
			w.cfg.Logger.Warn("print jobs interrupted by the last run will be resent marked", "jobs", n)
		}
	}
	jobs, err := w.cfg.Queue.Pending(ctx)
	if err != nil {
		return false, fmt.Errorf("pending jobs: %w", err)
	}
	changed := false
	defer func() {
		if changed && w.cfg.OnChange != nil {
			w.cfg.OnChange()
		}
	}()
	done = true
	for _, job := range jobs {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if w.wasPrinted(job.ID) {
			// The printer took it earlier in this run; only the record is
			// missing. Never send it again.
			if err := w.markPrinted(ctx, job.ID); err != nil {
				return false, err
			}
			changed = true
			continue
		}
		if err := w.recordFailure(ctx, job.ID); err != nil {
			return false, err
		}
		claimed, err := w.cfg.Queue.Begin(ctx, job.ID)
		if ledger.ErrorCode(err) == ledger.ECONFLICT {
			continue // printed or being sent by another worker meanwhile
		} else if err != nil {
			return false, fmt.Errorf("claim print job %d: %w", job.ID, err)
		}
		if w.cfg.OnChange != nil {
			w.cfg.OnChange()
		}
		data, err := w.encode(claimed)
		if err != nil {
			w.cfg.Logger.Error("print job cannot be encoded", "job", job.ID, "err", err)
			w.fail(ctx, job.ID, ledger.PrintFailure{Reason: ReasonBadDocument})
			changed, done = true, false
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, w.cfg.JobTimeout)
		err = w.cfg.Printer.Print(pctx, data)
		cancel()
		if err != nil {
			f := ledger.PrintFailure{Reason: devices.ErrorReason(err), Total: len(data)}
			var se *devices.StatusError
			if errors.As(err, &se) {
				f.Sent = se.Sent
			}
			if f.Reason == "" {
				f.Reason = "打印失败"
			}
			w.cfg.Logger.Warn("print job failed", "job", job.ID, "reason", f.Reason, "sent", f.Sent, "total", f.Total, "err", err)
			w.fail(ctx, job.ID, f)
			changed = true // the screens show 未打印 with the reason
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, nil
		}
		w.mu.Lock()
		w.printed[job.ID] = true
		w.stats.Printed++
		w.stats.LastReason = ""
		w.mu.Unlock()
		changed = true
		if err := w.markPrinted(ctx, job.ID); err != nil {
			return false, err
		}
	}
	return done, nil
}

func (w *Worker) wasPrinted(id int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.printed[id]
}

// markPrinted records a printed job. It runs even when ctx was cancelled
// right after the printer took the job, so shutting down does not turn a
// printed receipt into a duplicate on the next start.
func (w *Worker) markPrinted(ctx context.Context, id int64) error {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.cfg.Queue.MarkPrinted(mctx, id); err != nil {
		return fmt.Errorf("mark job %d printed: %w", id, err)
	}
	w.mu.Lock()
	delete(w.printed, id)
	w.mu.Unlock()
	return nil
}

// fail records a failed attempt, even when ctx was cancelled mid-job (how
// many bytes went out decides whether the next copy is marked). A failure
// to record it is kept and recorded before the job is tried again.
func (w *Worker) fail(ctx context.Context, id int64, f ledger.PrintFailure) {
	w.mu.Lock()
	w.stats.Failed++
	if f.Sent > 0 {
		w.stats.CutShort++
	}
	w.stats.LastReason = f.Reason
	w.unrecorded[id] = f
	w.mu.Unlock()
	if err := w.recordFailure(ctx, id); err != nil {
		w.cfg.Logger.Warn("mark print job failed", "job", id, "err", err)
	}
}

// recordFailure commits a failure kept by fail, if any.
func (w *Worker) recordFailure(ctx context.Context, id int64) error {
	w.mu.Lock()
	f, ok := w.unrecorded[id]
	w.mu.Unlock()
	if !ok {
		return nil
	}
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.cfg.Queue.MarkFailed(mctx, id, f); err != nil {
		return fmt.Errorf("mark job %d failed: %w", id, err)
	}
	w.mu.Lock()
	delete(w.unrecorded, id)
	w.mu.Unlock()
	return nil
}

// encode turns a queued job into ESC/POS bytes.
func (w *Worker) encode(job ledger.PrintJob) ([]byte, error) {
	var doc receipts.Document
	if err := json.Unmarshal(job.Document, &doc); err != nil {
		return nil, fmt.Errorf("decode job %d: %w", job.ID, err)
	}
	doc.Copy = doc.Copy || job.Copy
	if job.CutShort {
		// An earlier attempt may have left part of this receipt with the
		// customer: this copy says so.
		doc.Copy, doc.CopyNote = true, receipts.IncompleteNote
	}
	b, err := receipts.EncodeESCPOS(doc, w.cfg.Options())
	if err != nil {
		return nil, fmt.Errorf("encode job %d: %w", job.ID, err)
	}
	return b, nil
}
