package devices_test

import (
	"bytes"
	"sync"
	"time"

	"servicedesk/devices"
)

// Status replies to DLE EOT 1, 2, 3, 4.
var (
	repliesOK       = [5]byte{0, 0x12, 0x12, 0x12, 0x12}
	repliesPaperEnd = [5]byte{0, 0x1a, 0x32, 0x12, 0x72}
)

// printerEmulator plays an ESC/POS printer on the device end of a pty:
// it answers DLE EOT n and records every other byte.
type printerEmulator struct {
	port devices.Port

	mu      sync.Mutex
	replies [5]byte
	data    []byte
	queries int
	stall   bool // stop reading after the next DLE EOT 4 reply
	stalled bool

	done chan struct{}
}

func startEmulator(port devices.Port, replies [5]byte) *printerEmulator {
	e := &printerEmulator{port: port, replies: replies, done: make(chan struct{})}
	go e.run()
	return e
}

func (e *printerEmulator) run() {
	defer close(e.done)
	buf := make([]byte, 4096)
	var pending []byte
	for {
		e.mu.Lock()
		stalled := e.stalled
		e.mu.Unlock()
		if stalled {
			time.Sleep(10 * time.Millisecond)
			if _, err := e.port.Write(nil); err != nil {
				return
			}
			continue
		}
		n, err := e.port.Read(buf)
		if err != nil {
			return
		}
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.Index(pending, []byte{0x10, 0x04})
			if i < 0 || i+2 >= len(pending) {
				break
			}
			q := pending[i+2]
			e.record(pending[:i])
			pending = append([]byte(nil), pending[i+3:]...)
			e.mu.Lock()
			reply := e.replies[q%5]
			e.queries++
			if q == 4 && e.stall {
				e.stalled = true
			}
			e.mu.Unlock()
			if _, err := e.port.Write([]byte{reply}); err != nil {
				return
			}
		}
		// Keep a trailing DLE (maybe a split query); record the rest.
		if k := len(pending); k > 0 && bytes.LastIndexByte(pending, 0x10) < k-2 {
			e.record(pending)
			pending = pending[:0]
		}
	}
}

func (e *printerEmulator) record(b []byte) {
	e.mu.Lock()
	e.data = append(e.data, b...)
	e.mu.Unlock()
}

// Data returns the printed bytes (status queries removed).
func (e *printerEmulator) Data() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]byte(nil), e.data...)
}

func (e *printerEmulator) Queries() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.queries
}

func (e *printerEmulator) SetReplies(r [5]byte) {
	e.mu.Lock()
	e.replies = r
	e.mu.Unlock()
}

func (e *printerEmulator) StallAfterStatus() {
	e.mu.Lock()
	e.stall = true
	e.mu.Unlock()
}

// Stalled reports whether the emulator stopped reading.
func (e *printerEmulator) Stalled() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stalled
}
