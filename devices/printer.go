package devices

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// ReceiptPrinter is what the print queue needs from a printer; Printer
// and FakePrinter implement it.
type ReceiptPrinter interface {
	// Print sends one job (an ESC/POS stream) after checking the status.
	// A job refused or cut short returns an error matching ErrNotReady
	// whose ErrorReason names the cause.
	Print(ctx context.Context, job []byte) error
	// Status is the last known status.
	Status() PrinterStatus
}

// PrinterConfig configures a Printer. Only Port.Name is required.
type PrinterConfig struct {
	Port PortConfig
	// Open opens the port; nil means OpenPort.
	Open Opener
	// SkipStatus never asks DLE EOT, for printers that do not answer it
	// (a per-printer setting). Jobs are sent blind, a job counts as
	// printed once its bytes have drained, and the status is
	// StatusUnknown while the port is open: neither 正常 nor 未连接.
	// "file:" ports never ask either and report StatusOK (a capture
	// file takes every byte).
	SkipStatus bool
	// StatusTimeout bounds the wait for each DLE EOT reply once the
	// line is idle; the bytes still draining at the configured baud
	// rate are added to it. 0 means 500 ms.
	StatusTimeout time.Duration
	// PollInterval is how often Run asks the status; 0 means 2 s.
	PollInterval time.Duration
	// Backoff is the reconnect delay policy of Run.
	Backoff Backoff
	// ChunkSize is the write size; the context is checked between
	// chunks. 0 means 256 bytes.
	ChunkSize int
	// WriteAhead is how much line time may wait in the OS and adapter
	// buffers before the next chunk is written; 0 means 200 ms.
	WriteAhead time.Duration
	// OnStatus is called when the status changes, on the goroutine that
	// noticed (Run or Print), one call at a time. It must not block or
	// call Print; the GUI wraps its work in fyne.Do.
	OnStatus func(PrinterStatus)
}

func (c PrinterConfig) withDefaults() PrinterConfig {
	c.Port = c.Port.WithDefaults()
	if c.Open == nil {
		c.Open = OpenPort
	}
	if c.Port.IsFile() {
		c.SkipStatus = true
	}
	if c.StatusTimeout <= 0 {
		c.StatusTimeout = 500 * time.Millisecond
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 2 * time.Second
	}
	if c.ChunkSize <= 0 {
		c.ChunkSize = 256
	}
	if c.WriteAhead <= 0 {
		c.WriteAhead = 200 * time.Millisecond
	}
	c.Backoff = c.Backoff.withDefaults()
	return c
}

// Printer is an ESC/POS receipt printer on a port. Print may be called
// from any goroutine; Run supervises the connection.
//
// A job is reported printed only when every byte was written, the port
// has drained (tcdrain) and, unless status checks are off, the printer's
// status asked after the job says it is fine. A printer answers DLE EOT
// only after the bytes ahead of it have reached it, so the wait for that
// answer is derived from the bytes still on the line at the configured
// baud rate, and Run does not ask while a job is in flight.
type Printer struct {
	cfg PrinterConfig

	io sync.Mutex // serialises use of the port and status changes

	mu     sync.Mutex // guards the fields below
	port   Port
	status PrinterStatus
	closed bool
	// lineFree is when the bytes written so far should have left the
	// port at the configured baud rate.
	lineFree time.Time

	done      chan struct{}
	closeOnce sync.Once
}

var _ ReceiptPrinter = (*Printer)(nil)

// NewPrinter returns a printer; the port is opened by Run or the first
// Print.
func NewPrinter(cfg PrinterConfig) (*Printer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Port.Validate(); err != nil {
		return nil, fmt.Errorf("printer: %w", err)
	}
	return &Printer{cfg: cfg, done: make(chan struct{})}, nil
}

// Status returns the last known status.
func (p *Printer) Status() PrinterStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// blindStatus is the status of an open port whose printer is not asked.
func (p *Printer) blindStatus() PrinterStatus {
	if p.cfg.Port.IsFile() {
		return StatusOK
	}
	return StatusUnknown
}

// Print checks the printer's status, sends job, waits for the port to
// drain and checks the status again. It does not retry: a job that is not
// confirmed printed returns a *StatusError saying how many of its bytes
// were written, and the caller keeps it queued.
func (p *Printer) Print(ctx context.Context, job []byte) error {
	p.io.Lock()
	defer p.io.Unlock()
	fail := func(st PrinterStatus, sent int, err error) error {
		return &StatusError{Status: st, Sent: sent, Total: len(job), Err: err}
	}
	if err := ctx.Err(); err != nil {
		return fail(p.Status(), 0, err)
	}
	port, err := p.connect()
	if err != nil {
		return err
	}
	if p.cfg.SkipStatus {
		p.setStatus(p.blindStatus())
	} else {
		st, err := p.query(ctx, port)
		if err != nil {
			return fail(p.failed(ctx, port), 0, err)
		}
		p.setStatus(st)
		if !st.Ready() {
			return fail(st, 0, nil)
		}
	}
	sent, err := p.send(ctx, port, job)
	if err != nil {
		if ctx.Err() != nil {
			// Stopped between chunks: the port is fine and the bytes
			// written are still draining (lineFree covers them).
			return fail(p.Status(), sent, err)
		}
		p.drop(port)
		return fail(PrinterStatus{}, sent, err)
	}
	if d, ok := port.(drainer); ok {
		if err := d.Drain(); err != nil {
			p.drop(port)
			return fail(PrinterStatus{}, sent, fmt.Errorf("drain: %w", err))
		}
	}
	if p.cfg.SkipStatus {
		// Nobody to ask: the job is out once the line had time to carry
		// it (a USB adapter may report drained with its FIFO still full).
		if err := sleepCtx(ctx, p.draining()); err != nil {
			return fail(p.Status(), sent, err)
		}
		return nil
	}
	st, err := p.query(ctx, port)
	if err != nil {
		return fail(p.failed(ctx, port), sent, err)
	}
	p.setStatus(st)
	if !st.Fine() {
		return fail(st, sent, ErrNotConfirmed)
	}
	return nil
}

// failed handles an error while asking the status: a cancelled context
// leaves the port as it is, an I/O error drops it. It returns the status
// to report. Caller holds io.
func (p *Printer) failed(ctx context.Context, port Port) PrinterStatus {
	if ctx.Err() != nil {
		return p.Status()
	}
	p.drop(port)
	return PrinterStatus{}
}

// send writes job in chunks and returns how many bytes the port took.
// It paces the writes to the configured baud rate, keeping at most
// WriteAhead of line time in the OS and adapter buffers: a cancelled job
// stops within that, and the estimate of when the line is free stays
// true. Caller holds io.
func (p *Printer) send(ctx context.Context, port Port, job []byte) (sent int, err error) {
	for sent < len(job) {
		if err := ctx.Err(); err != nil {
			return sent, fmt.Errorf("print: stopped after %d of %d bytes: %w", sent, len(job), err)
		}
		if err := sleepCtx(ctx, p.draining()-p.cfg.WriteAhead); err != nil {
			return sent, fmt.Errorf("print: stopped after %d of %d bytes: %w", sent, len(job), err)
		}
		end := min(sent+p.cfg.ChunkSize, len(job))
		n, err := port.Write(job[sent:end])
		n = max(n, 0)
		sent += n
		p.onLine(n)
		if err != nil {
			return sent, fmt.Errorf("print: write failed after %d of %d bytes: %w", sent, len(job), err)
		}
	}
	return sent, nil
}

// onLine records n more bytes written: they leave the port after those
// already on the line. Capture files have no line.
func (p *Printer) onLine(n int) {
	if p.cfg.Port.IsFile() {
		return
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lineFree.Before(now) {
		p.lineFree = now
	}
	p.lineFree = p.lineFree.Add(p.cfg.Port.LineTime(n))
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// draining returns how long the bytes already written still need to
// leave the port at the configured baud rate (0 when the line is idle).
func (p *Printer) draining() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(time.Until(p.lineFree), 0)
}

// Run keeps the printer connected until ctx is done or Close is called:
// it opens the port with backoff, polls the status and re-opens the port
// when it fails or vanishes. It returns nil after Close, else ctx.Err().
func (p *Printer) Run(ctx context.Context) error {
	var backoff time.Duration
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.done:
			return nil
		case <-timer.C:
		}
		wait := p.cfg.PollInterval
		if !p.poll() {
			backoff = p.cfg.Backoff.next(backoff)
			wait = backoff
		} else {
			backoff = 0
		}
		timer.Reset(wait)
	}
}

// poll connects if needed and refreshes the status; false means the
// printer is unreachable. It never asks while a job is in flight: Print
// holds the port and checks the status itself, and bytes still draining
// after a stopped job would delay the answer past any fixed timeout.
func (p *Printer) poll() bool {
	if !p.io.TryLock() {
		return true // a job is being sent
	}
	defer p.io.Unlock()
	port, err := p.connect()
	if err != nil {
		return false
	}
	if p.cfg.SkipStatus {
		if portVanished(port.Name()) {
			p.drop(port)
			return false
		}
		p.setStatus(p.blindStatus())
		return true
	}
	if p.draining() > 0 {
		return true
	}
	st, err := p.query(context.Background(), port)
	if err != nil || (!st.Connected && portVanished(port.Name())) {
		p.drop(port)
		return false
	}
	p.setStatus(st)
	return st.Connected
}

// portVanished reports whether a device path no longer exists (USB
// adapter unplugged, pty gone). Names that are not paths never vanish.
func portVanished(name string) bool {
	if !strings.HasPrefix(name, "/") {
		return false
	}
	_, err := os.Stat(name)
	return err != nil
}

// connect returns the open port, opening it if needed. Caller holds io.
func (p *Printer) connect() (Port, error) {
	p.mu.Lock()
	port, closed := p.port, p.closed
	p.mu.Unlock()
	if closed {
		return nil, &StatusError{Err: ErrClosed}
	}
	if port != nil {
		return port, nil
	}
	port, err := p.cfg.Open(p.cfg.Port)
	if err != nil {
		p.setStatus(PrinterStatus{})
		return nil, &StatusError{Err: fmt.Errorf("open printer: %w", err)}
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = port.Close()
		return nil, &StatusError{Err: ErrClosed}
	}
	p.port = port
	p.mu.Unlock()
	return port, nil
}

// drop closes a failed port so the next connect re-opens it by name.
// Caller holds io.
func (p *Printer) drop(port Port) {
	p.mu.Lock()
	if p.port == port {
		p.port = nil
		p.lineFree = time.Time{} // what was on the line went with the port
	}
	p.mu.Unlock()
	_ = port.Close()
	p.setStatus(PrinterStatus{})
}

// setStatus records st and reports a change. Caller holds io, so
// callbacks never overlap.
func (p *Printer) setStatus(st PrinterStatus) {
	p.mu.Lock()
	changed := st != p.status
	p.status = st
	closed := p.closed
	p.mu.Unlock()
	if changed && !closed && p.cfg.OnStatus != nil {
		p.cfg.OnStatus(st)
	}
}

// errNoReply means the printer did not answer DLE EOT in time.
var errNoReply = errors.New("no status reply")

// query asks DLE EOT 1, 2 and 4 (and 3 on an error) and merges the
// answers. A silent printer is disconnected (Connected false, nil error);
// an I/O error is returned.
func (p *Printer) query(ctx context.Context, port Port) (PrinterStatus, error) {
	if r, ok := port.(inputResetter); ok {
		_ = r.ResetInputBuffer()
	}
	var st PrinterStatus
	for _, n := range []byte{QueryPrinter, QueryOffline, QueryError, QueryPaper} {
		if n == QueryError && !st.Error {
			continue
		}
		s, err := p.ask(ctx, port, n)
		if errors.Is(err, errNoReply) {
			return PrinterStatus{}, nil
		}
		if err != nil {
			return PrinterStatus{}, err
		}
		st = st.merge(s)
	}
	return st, nil
}

// ask sends DLE EOT n and waits for a valid reply byte, skipping noise.
// The printer answers once the bytes ahead of the request have reached
// it, so the wait is StatusTimeout plus the time the line still needs to
// drain at the configured baud rate (with a tenth for slack).
func (p *Printer) ask(ctx context.Context, port Port, n byte) (PrinterStatus, error) {
	if _, err := port.Write([]byte{0x10, 0x04, n}); err != nil {
		return PrinterStatus{}, fmt.Errorf("status request: %w", err)
	}
	drain := p.draining()
	deadline := time.Now().Add(p.cfg.StatusTimeout + drain + drain/10)
	var b [16]byte
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return PrinterStatus{}, fmt.Errorf("status reply: %w", err)
		}
		k, err := port.Read(b[:])
		if err != nil {
			return PrinterStatus{}, fmt.Errorf("status reply: %w", err)
		}
		for _, c := range b[:k] {
			if s, err := ParseStatus(n, c); err == nil {
				return s, nil
			}
		}
	}
	return PrinterStatus{}, errNoReply
}

// Close closes the port, stops Run and unblocks a pending read. Print
// after Close returns ErrClosed.
func (p *Printer) Close() error {
	var err error
	p.closeOnce.Do(func() {
		close(p.done)
		p.mu.Lock()
		p.closed = true
		port := p.port
		p.port = nil
		p.mu.Unlock()
		if port != nil {
			err = port.Close()
		}
	})
	return err
}
