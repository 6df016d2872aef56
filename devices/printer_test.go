package devices

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// memPort is an in-memory printer port: it answers DLE EOT n from
// replies and records everything else; onWrite runs after each job write.
type memPort struct {
	mu      sync.Mutex
	replies [5]byte
	out     bytes.Buffer
	pending []byte
	onWrite func()
	closed  bool
}

func (m *memPort) Name() string { return "mem" }

func (m *memPort) Read(b []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, ErrPortClosed
	}
	n := copy(b, m.pending)
	m.pending = m.pending[n:]
	return n, nil
}

func (m *memPort) Write(b []byte) (int, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return 0, ErrPortClosed
	}
	var hook func()
	if len(b) == 3 && b[0] == 0x10 && b[1] == 0x04 {
		m.pending = append(m.pending, 0xff, m.replies[b[2]%5]) // noise, then the reply
	} else {
		m.out.Write(b)
		hook = m.onWrite
	}
	m.mu.Unlock()
	if hook != nil {
		hook()
	}
	return len(b), nil
}

func (m *memPort) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

func TestPrinterInMemory(t *testing.T) {
	mp := &memPort{replies: [5]byte{0, 0x12, 0x12, 0x12, 0x1e}} // near end
	var changes []PrinterState
	p, err := NewPrinter(PrinterConfig{
		Port:          PortConfig{Name: "mem"},
		Open:          func(PortConfig) (Port, error) { return mp, nil },
		StatusTimeout: 50 * time.Millisecond,
		ChunkSize:     4,
		OnStatus:      func(s PrinterStatus) { changes = append(changes, s.State()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Print(t.Context(), []byte("near end still prints")); err != nil {
		t.Fatal(err)
	}
	if mp.out.String() != "near end still prints" || p.Status().Label() != "纸将尽" {
		t.Fatalf("out %q status %v", mp.out.String(), p.Status())
	}

	// Cancelled mid-job: stops between chunks.
	mp.out.Reset()
	ctx, cancel := context.WithCancel(t.Context())
	mp.onWrite = cancel
	err = p.Print(ctx, []byte("0123456789"))
	if !errors.Is(err, context.Canceled) || mp.out.String() != "0123" {
		t.Fatalf("err %v out %q", err, mp.out.String())
	}
	mp.onWrite = nil

	// Cover opened.
	mp.replies = [5]byte{0, 0x1a, 0x16, 0x12, 0x12}
	err = p.Print(t.Context(), []byte("x"))
	if ErrorReason(err) != "纸仓盖打开" {
		t.Fatalf("err %v", err)
	}
	if len(changes) != 2 || changes[0] != StatePaperNearEnd || changes[1] != StateCoverOpen {
		t.Fatalf("changes %v", changes)
	}
}
