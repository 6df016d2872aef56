package devices

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"go.bug.st/serial"
)

// Port is an open byte stream to a device. Read waits at most the
// configured read timeout and then returns 0, nil; Close unblocks a
// pending Read. A Read or Write error means the device is gone.
type Port interface {
	io.ReadWriteCloser
	// Name is the name the port was opened by.
	Name() string
}

// Opener opens a port; tests substitute their own.
type Opener func(PortConfig) (Port, error)

// inputResetter is implemented by ports that can discard pending input.
type inputResetter interface {
	ResetInputBuffer() error
}

// drainer is implemented by ports that can wait until every written byte
// has left (tcdrain).
type drainer interface {
	Drain() error
}

// ErrPortClosed is returned by a port used after Close.
var ErrPortClosed = errors.New("port closed")

// OpenPort opens a serial port, a pty/tty path or a "file:" capture.
func OpenPort(cfg PortConfig) (Port, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.IsFile() {
		return openFilePort(cfg)
	}
	mode := &serial.Mode{
		BaudRate: cfg.BaudRate,
		DataBits: cfg.DataBits,
		Parity:   serialParity(cfg.Parity),
		StopBits: serialStopBits(cfg.StopBits),
	}
	p, err := serial.Open(cfg.Name, mode)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Name, err)
	}
	if err := p.SetReadTimeout(cfg.ReadTimeout); err != nil {
		_ = p.Close()
		return nil, fmt.Errorf("set read timeout %s: %w", cfg.Name, err)
	}
	return &serialPort{Port: p, name: cfg.Name}, nil
}

func serialParity(p Parity) serial.Parity {
	switch p {
	case ParityOdd:
		return serial.OddParity
	case ParityEven:
		return serial.EvenParity
	case ParityMark:
		return serial.MarkParity
	case ParitySpace:
		return serial.SpaceParity
	}
	return serial.NoParity
}

func serialStopBits(s StopBits) serial.StopBits {
	switch s {
	case StopBits1_5:
		return serial.OnePointFiveStopBits
	case StopBits2:
		return serial.TwoStopBits
	}
	return serial.OneStopBit
}

// serialPort adapts go.bug.st/serial to Port.
type serialPort struct {
	serial.Port
	name string
}

func (p *serialPort) Name() string { return p.name }

func (p *serialPort) Read(b []byte) (int, error) {
	n, err := p.Port.Read(b)
	if err != nil {
		return n, fmt.Errorf("read %s: %w", p.name, err)
	}
	return n, nil
}

func (p *serialPort) Write(b []byte) (int, error) {
	n, err := p.Port.Write(b)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", p.name, err)
	}
	return n, nil
}

// Drain waits until every written byte has been transmitted.
func (p *serialPort) Drain() error {
	if err := p.Port.Drain(); err != nil {
		return fmt.Errorf("drain %s: %w", p.name, err)
	}
	return nil
}

// filePort appends written bytes to a file; Read never returns data.
type filePort struct {
	f       *os.File
	name    string
	timeout time.Duration
	once    sync.Once
	closed  chan struct{}
}

func openFilePort(cfg PortConfig) (*filePort, error) {
	path := strings.TrimPrefix(cfg.Name, FilePrefix)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open capture file: %w", err)
	}
	return &filePort{f: f, name: cfg.Name, timeout: cfg.ReadTimeout, closed: make(chan struct{})}, nil
}

func (p *filePort) Name() string { return p.name }

func (p *filePort) Read([]byte) (int, error) {
	t := time.NewTimer(p.timeout)
	defer t.Stop()
	select {
	case <-p.closed:
		return 0, ErrPortClosed
	case <-t.C:
		return 0, nil
	}
}

func (p *filePort) Write(b []byte) (int, error) {
	n, err := p.f.Write(b)
	if err != nil {
		return n, fmt.Errorf("write capture file: %w", err)
	}
	return n, nil
}

// Drain flushes the capture to disk: the bytes have left when they are
// stored.
func (p *filePort) Drain() error {
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("sync capture file: %w", err)
	}
	return nil
}

func (p *filePort) Close() error {
	err := ErrPortClosed
	p.once.Do(func() {
		close(p.closed)
		err = p.f.Close()
	})
	return err
}
