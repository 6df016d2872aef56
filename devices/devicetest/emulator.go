package devicetest

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"servicedesk/devices"
)

// Replies holds the status byte the emulated printer sends for DLE EOT n
// at index n%5 (n is 1 to 4 for real queries).
type Replies [5]byte

// RepliesOK returns the replies of a ready printer: online, cover
// closed, no error, paper present.
func RepliesOK() Replies { return Replies{0, 0x12, 0x12, 0x12, 0x12} }

// RepliesPaperEnd returns the replies of a printer that is out of paper.
func RepliesPaperEnd() Replies { return Replies{0, 0x1a, 0x32, 0x12, 0x72} }

// Emulator plays an ESC/POS printer on the device end of a pty: it
// answers DLE EOT n status queries and records every other byte.
type Emulator struct {
	port devices.Port

	mu      sync.Mutex
	replies Replies
	data    []byte
	queries int
	stall   bool // stop reading after the next DLE EOT 4 reply
	stalled bool

	quit chan struct{}
	done chan struct{}
}

// StartEmulator runs a printer emulator on port (typically from
// [OpenPeer]) until the test ends; cleanup closes port and waits for the
// emulator to stop.
func StartEmulator(t testing.TB, port devices.Port, replies Replies) *Emulator {
	t.Helper()
	e := &Emulator{port: port, replies: replies, quit: make(chan struct{}), done: make(chan struct{})}
	go e.run()
	t.Cleanup(func() {
		close(e.quit)
		_ = port.Close()
		select {
		case <-e.done:
		case <-time.After(5 * time.Second):
			t.Error("printer emulator did not stop")
		}
	})
	return e
}

func (e *Emulator) run() {
	defer close(e.done)
	buf := make([]byte, 4096)
	var pending []byte
	for {
		select {
		case <-e.quit:
			return
		default:
		}
		if e.Stalled() {
			// Take no data, but notice when the port goes away.
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

func (e *Emulator) record(b []byte) {
	e.mu.Lock()
	e.data = append(e.data, b...)
	e.mu.Unlock()
}

// Data returns a copy of the printed bytes, status queries removed.
func (e *Emulator) Data() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]byte(nil), e.data...)
}

// Queries returns how many DLE EOT status queries were answered.
func (e *Emulator) Queries() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.queries
}

// SetReplies changes the status replies, e.g. when paper is loaded.
func (e *Emulator) SetReplies(r Replies) {
	e.mu.Lock()
	e.replies = r
	e.mu.Unlock()
}

// StallAfterStatus makes the emulator stop reading after its next reply
// to DLE EOT 4, so a job hangs with every buffer full.
func (e *Emulator) StallAfterStatus() {
	e.mu.Lock()
	e.stall = true
	e.mu.Unlock()
}

// Stalled reports whether the emulator has stopped reading.
func (e *Emulator) Stalled() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stalled
}
