package devices

import (
	"context"
	"fmt"
)

// ScannerConfig configures a serial QR/barcode scanner (scanners set to
// "serial / virtual COM" mode send each code as a line ending in CR or LF).
type ScannerConfig struct {
	Port    PortConfig
	Parser  ParserOptions // Debounce 0 means DefaultDebounce
	Open    Opener
	Backoff Backoff
	// OnScan is called with each scanned code, on the scanner goroutine.
	OnScan func(code string)
	// OnConnected is called when the port opens (true) or fails (false).
	OnConnected func(bool)
}

// Scanner is a serial QR scanner: a CardReader with FramingLines.
type Scanner struct {
	r *CardReader
}

// NewScanner validates cfg and returns a scanner; call Run to start it.
func NewScanner(cfg ScannerConfig) (*Scanner, error) {
	onScan := cfg.OnScan
	r, err := NewCardReader(ReaderConfig{
		Port:    cfg.Port,
		Framing: FramingLines,
		Parser:  cfg.Parser,
		Open:    cfg.Open,
		Backoff: cfg.Backoff,
		OnCard: func(c Card) {
			if onScan != nil {
				onScan(c.ID)
			}
		},
		OnConnected: cfg.OnConnected,
	})
	if err != nil {
		return nil, fmt.Errorf("scanner: %w", err)
	}
	return &Scanner{r: r}, nil
}

// Run reads codes until ctx is done or Close is called.
func (s *Scanner) Run(ctx context.Context) error { return s.r.Run(ctx) }

// Close stops Run and closes the port.
func (s *Scanner) Close() error { return s.r.Close() }

// Stats returns the line counters.
func (s *Scanner) Stats() FrameStats { return s.r.Stats() }

// Raw returns the last bytes received.
func (s *Scanner) Raw() []byte { return s.r.Raw() }

// Connected reports whether the port is open.
func (s *Scanner) Connected() bool { return s.r.Connected() }
