package devices

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// ReaderConfig configures a CardReader. Port.Name and Framing are required.
type ReaderConfig struct {
	Port    PortConfig
	Framing Framing
	Parser  ParserOptions
	// Open opens the port; nil means OpenPort.
	Open Opener
	// Backoff is the reconnect delay policy.
	Backoff Backoff
	// OnCard is called for every accepted card, on the reader goroutine.
	OnCard func(Card)
	// OnConnected is called when the port opens (true) or fails (false).
	OnConnected func(bool)
}

// CardReader reads cards from a serial reader in Run, re-opening the port
// when it fails. Stats and Raw may be called from any goroutine.
type CardReader struct {
	cfg ReaderConfig

	mu        sync.Mutex // guards the fields below
	parser    *FrameParser
	port      Port
	connected bool
	closed    bool

	done      chan struct{}
	closeOnce sync.Once
}

// NewCardReader validates cfg and returns a reader; call Run to start it.
func NewCardReader(cfg ReaderConfig) (*CardReader, error) {
	if cfg.Framing == FramingEM18 && cfg.Port.ReadTimeout == 0 {
		// EM-18 frames end with silence: notice it soon.
		cfg.Port.ReadTimeout = DefaultFrameGap
	}
	cfg.Port = cfg.Port.WithDefaults()
	if err := cfg.Port.Validate(); err != nil {
		return nil, fmt.Errorf("card reader: %w", err)
	}
	if cfg.Open == nil {
		cfg.Open = OpenPort
	}
	cfg.Backoff = cfg.Backoff.withDefaults()
	p, err := NewFrameParser(cfg.Framing, cfg.Parser)
	if err != nil {
		return nil, fmt.Errorf("card reader: %w", err)
	}
	return &CardReader{cfg: cfg, parser: p, done: make(chan struct{})}, nil
}

// Stats returns the parser counters.
func (r *CardReader) Stats() FrameStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.parser.Stats()
}

// Raw returns the last bytes received, oldest first.
func (r *CardReader) Raw() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.parser.Raw()
}

// Connected reports whether the port is open.
func (r *CardReader) Connected() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.connected
}

// Run reads until ctx is done or Close is called, re-opening the port
// with backoff after errors. It returns nil after Close, else ctx.Err().
func (r *CardReader) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, r.closePort)
	defer stop()
	var backoff time.Duration
	for {
		if r.isClosed() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		port, err := r.cfg.Open(r.cfg.Port)
		if err == nil {
			backoff = 0
			err = r.readLoop(ctx, port)
		}
		r.setConnected(false)
		if r.isClosed() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		backoff = r.cfg.Backoff.next(backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-r.done:
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

func (r *CardReader) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// readLoop owns port until it fails or the reader stops.
func (r *CardReader) readLoop(ctx context.Context, port Port) error {
	r.mu.Lock()
	if r.closed || ctx.Err() != nil {
		r.mu.Unlock()
		_ = port.Close()
		return ErrClosed
	}
	r.port = port
	r.parser.Reset() // the first bytes may be the middle of a frame
	r.mu.Unlock()
	r.setConnected(true)
	defer func() {
		r.mu.Lock()
		if r.port == port {
			r.port = nil
		}
		r.mu.Unlock()
		_ = port.Close()
	}()
	buf := make([]byte, 256)
	for {
		n, err := port.Read(buf)
		if err == nil || n > 0 {
			r.mu.Lock()
			var cards []Card
			if n > 0 {
				cards = r.parser.Feed(buf[:n])
			} else {
				cards = r.parser.Idle()
			}
			r.mu.Unlock()
			for _, c := range cards {
				if r.cfg.OnCard != nil {
					r.cfg.OnCard(c)
				}
			}
		}
		if err != nil {
			return fmt.Errorf("card reader: %w", err)
		}
		if ctx.Err() != nil || r.isClosed() {
			return ErrClosed
		}
	}
}

func (r *CardReader) setConnected(c bool) {
	r.mu.Lock()
	changed := r.connected != c
	r.connected = c
	r.mu.Unlock()
	if changed && r.cfg.OnConnected != nil {
		r.cfg.OnConnected(c)
	}
}

// closePort closes the current port to unblock a pending Read.
func (r *CardReader) closePort() {
	r.mu.Lock()
	port := r.port
	r.mu.Unlock()
	if port != nil {
		_ = port.Close()
	}
}

// Close stops Run and closes the port.
func (r *CardReader) Close() error {
	r.closeOnce.Do(func() {
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		close(r.done)
		r.closePort()
	})
	return nil
}
