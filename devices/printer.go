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
	// SkipStatus sends jobs without asking DLE EOT first (printers that
	// do not answer). Always on for "file:" ports.
	SkipStatus bool
	// StatusTimeout bounds the wait for each DLE EOT reply; 0 means 500 ms.
	StatusTimeout time.Duration
	// PollInterval is how often Run asks the status; 0 means 2 s.
	PollInterval time.Duration
	// Backoff is the reconnect delay policy of Run.
	Backoff Backoff
	// ChunkSize is the write size; the context is checked between
	// chunks. 0 means 256 bytes.
	ChunkSize int
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
	c.Backoff = c.Backoff.withDefaults()
	return c
}

// Printer is an ESC/POS receipt printer on a port. Print may be called
// from any goroutine; Run supervises the connection.
type Printer struct {
	cfg PrinterConfig

	io sync.Mutex // serialises use of the port and status changes

	mu     sync.Mutex // guards the fields below
	port   Port
	status PrinterStatus
	closed bool

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

// Print checks the printer's status and sends job. It does not retry: a
// refused job returns a *StatusError and the caller keeps it queued.
func (p *Printer) Print(ctx context.Context, job []byte) error {
	p.io.Lock()
	defer p.io.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("print: %w", err)
	}
	port, err := p.connect()
	if err != nil {
		return err
	}
	if !p.cfg.SkipStatus {
		st, err := p.query(port)
		if err != nil {
			p.drop(port)
			return &StatusError{Status: PrinterStatus{}, Err: err}
		}
		p.setStatus(st)
		if !st.Ready() {
			return &StatusError{Status: st}
		}
	} else {
		p.setStatus(StatusOK)
	}
	for off := 0; off < len(job); off += p.cfg.ChunkSize {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("print: stopped after %d of %d bytes: %w", off, len(job), err)
		}
		end := min(off+p.cfg.ChunkSize, len(job))
		if _, err := port.Write(job[off:end]); err != nil {
			p.drop(port)
			return &StatusError{Status: PrinterStatus{}, Partial: off > 0, Err: err}
		}
	}
	return nil
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
// printer is unreachable.
func (p *Printer) poll() bool {
	p.io.Lock()
	defer p.io.Unlock()
	port, err := p.connect()
	if err != nil {
		return false
	}
	if p.cfg.SkipStatus {
		p.setStatus(StatusOK)
		return true
	}
	st, err := p.query(port)
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
func (p *Printer) query(port Port) (PrinterStatus, error) {
	if r, ok := port.(inputResetter); ok {
		_ = r.ResetInputBuffer()
	}
	var st PrinterStatus
	for _, n := range []byte{QueryPrinter, QueryOffline, QueryError, QueryPaper} {
		if n == QueryError && !st.Error {
			continue
		}
		s, err := p.ask(port, n)
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
func (p *Printer) ask(port Port, n byte) (PrinterStatus, error) {
	if _, err := port.Write([]byte{0x10, 0x04, n}); err != nil {
		return PrinterStatus{}, fmt.Errorf("status request: %w", err)
	}
	deadline := time.Now().Add(p.cfg.StatusTimeout)
	var b [16]byte
	for time.Now().Before(deadline) {
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
