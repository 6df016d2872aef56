// Package printing drains the durable print queue to the receipt printer.
//
// One Worker goroutine owns the queue: it takes unprinted jobs oldest first,
// encodes each receipts.Document as ESC/POS and sends it. A job is marked
// printed only after the printer accepted every byte; a refused or cut-short
// job is marked failed with its Chinese reason (缺纸, 未连接 …) and retried
// later. Delivery is at least once: if the process dies after the printer
// took the bytes and before MarkPrinted commits, the receipt prints again on
// the next start. Within one run a job the printer accepted is never sent
// again, even while MarkPrinted keeps failing.
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
	MarkPrinted(ctx context.Context, id int64) error
	MarkFailed(ctx context.Context, id int64, reason string) error
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
	// OnChange is called after every pass that printed or failed a job,
	// on the worker goroutine; the GUI wraps its work in fyne.Do.
	OnChange func()
	Logger   *slog.Logger
}

// ReasonBadDocument is the failure reason of a job whose document cannot
// be decoded or encoded; such a job is skipped, not retried in a loop.
const ReasonBadDocument = "小票内容无法打印"

// Worker prints queued jobs. Run it on one goroutine; Wake and Stats may
// be called from any goroutine.
type Worker struct {
	cfg  Config
	wake chan struct{}

	mu      sync.Mutex
	printed map[int64]bool // accepted by the printer, MarkPrinted not yet committed
	stats   Stats
}

// Stats counts what the worker has done since it started.
type Stats struct {
	Printed    int    // jobs accepted by the printer
	Failed     int    // failed attempts
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
	return &Worker{cfg: cfg, wake: make(chan struct{}, 1), printed: map[int64]bool{}}, nil
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
// jobs. Only one goroutine may call Drain or Run.
func (w *Worker) Drain(ctx context.Context) (done bool, err error) {
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
		data, err := w.encode(job)
		if err != nil {
			w.cfg.Logger.Error("print job cannot be encoded", "job", job.ID, "err", err)
			w.fail(ctx, job.ID, ReasonBadDocument)
			changed, done = true, false
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, w.cfg.JobTimeout)
		err = w.cfg.Printer.Print(pctx, data)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			reason := devices.ErrorReason(err)
			if reason == "" {
				reason = "打印失败"
			}
			w.cfg.Logger.Warn("print job failed", "job", job.ID, "reason", reason, "err", err)
			w.fail(ctx, job.ID, reason)
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

// fail records a failed attempt; a failure to record it is only logged.
func (w *Worker) fail(ctx context.Context, id int64, reason string) {
	w.mu.Lock()
	w.stats.Failed++
	w.stats.LastReason = reason
	w.mu.Unlock()
	if err := w.cfg.Queue.MarkFailed(ctx, id, reason); err != nil {
		w.cfg.Logger.Warn("mark print job failed", "job", id, "err", err)
	}
}

// encode turns a queued job into ESC/POS bytes.
func (w *Worker) encode(job ledger.PrintJob) ([]byte, error) {
	var doc receipts.Document
	if err := json.Unmarshal(job.Document, &doc); err != nil {
		return nil, fmt.Errorf("decode job %d: %w", job.ID, err)
	}
	doc.Copy = doc.Copy || job.Copy
	b, err := receipts.EncodeESCPOS(doc, w.cfg.Options())
	if err != nil {
		return nil, fmt.Errorf("encode job %d: %w", job.ID, err)
	}
	return b, nil
}
