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

// RepliesCoverOpen returns the replies of a printer whose cover is open.
func RepliesCoverOpen() Replies { return Replies{0, 0x1a, 0x16, 0x12, 0x12} }

// Emulator plays an ESC/POS printer on the device end of a pty: it
// answers DLE EOT n status queries in stream order (a reply comes only
// after the bytes ahead of the query were taken) and records every other
// byte it prints. Faults a counter meets can be switched on: a line that
// drains at a given baud rate, a printer that never answers status
// queries, paper running out or the cover opening after some bytes of a
// job, and the cable pulled after some bytes.
type Emulator struct {
	port devices.Port

	mu       sync.Mutex
	replies  Replies
	data     []byte // printed bytes
	lost     int    // bytes taken while the printer could not print
	taken    int    // job bytes taken (printed or lost)
	queries  int
	stall    bool // stop reading after the next DLE EOT 4 reply
	stalled  bool
	baud     int  // 0: take bytes as fast as they come
	silent   bool // never answer DLE EOT
	stopped  bool // not printing (paper out, cover open) until SetReplies
	unplug   bool // the cable was pulled: take nothing more
	faultAt  int  // taken count at which fault fires; 0 for none
	fault    func()
	lastByte time.Time

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
	start := time.Now()
	consumed := 0 // bytes taken at the line rate since start
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
		want := len(buf)
		e.mu.Lock()
		baud := e.baud
		e.mu.Unlock()
		if baud > 0 {
			// Take the bytes the line has carried since start (10 bits a
			// byte, 8N1), catching up after a slow spell; sleep while
			// ahead.
			due := int(time.Since(start) * time.Duration(baud) / (10 * time.Second))
			if due <= consumed {
				time.Sleep(max(time.Duration(consumed+1-due)*10*time.Second/time.Duration(baud), time.Millisecond))
				continue
			}
			want = min(due-consumed, len(buf))
		}
		n, err := e.port.Read(buf[:want])
		if err != nil {
			return
		}
		consumed += n
		if n == 0 {
			start, consumed = time.Now(), 0 // the line is idle: no credit
		}
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.Index(pending, []byte{0x10, 0x04})
			if i < 0 || i+2 >= len(pending) {
				break
			}
			q := pending[i+2]
			if !e.take(pending[:i]) {
				return
			}
			pending = append([]byte(nil), pending[i+3:]...)
			e.mu.Lock()
			reply, silent := e.replies[q%5], e.silent
			if !silent {
				e.queries++
			}
			if q == 4 && e.stall {
				e.stalled = true
			}
			e.mu.Unlock()
			if silent {
				continue
			}
			if _, err := e.port.Write([]byte{reply}); err != nil {
				return
			}
		}
		// Keep a trailing DLE (maybe a split query); take the rest.
		if k := len(pending); k > 0 && bytes.LastIndexByte(pending, 0x10) < k-2 {
			if !e.take(pending) {
				return
			}
			pending = pending[:0]
		}
	}
}

// take accepts job bytes: printed, or lost while the printer cannot
// print. A pending fault fires when its byte count is reached; false
// means the cable was pulled and the emulator stops.
func (e *Emulator) take(b []byte) bool {
	for len(b) > 0 {
		e.mu.Lock()
		n := len(b)
		if e.fault != nil && e.taken+n >= e.faultAt {
			n = e.faultAt - e.taken
		}
		if e.stopped {
			e.lost += n
		} else {
			e.data = append(e.data, b[:n]...)
		}
		e.taken += n
		if n > 0 {
			e.lastByte = time.Now()
		}
		var fire func()
		if e.fault != nil && e.taken >= e.faultAt {
			fire, e.fault = e.fault, nil
		}
		e.mu.Unlock()
		b = b[n:]
		if fire != nil {
			fire()
			if e.Unplugged() {
				return false
			}
		}
	}
	return true
}

// Data returns a copy of the printed bytes, status queries removed.
func (e *Emulator) Data() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]byte(nil), e.data...)
}

// Taken returns how many job bytes (status queries not counted) the
// printer has taken off the line, printed or not.
func (e *Emulator) Taken() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.taken
}

// Lost returns how many bytes arrived while the printer could not print
// (out of paper, cover open): they are not in Data.
func (e *Emulator) Lost() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lost
}

// LastByte returns when the printer took its last job byte.
func (e *Emulator) LastByte() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lastByte
}

// Queries returns how many DLE EOT status queries were answered.
func (e *Emulator) Queries() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.queries
}

// SetReplies changes the status replies, e.g. when paper is loaded. A
// printer that stopped printing (paper out, cover open) prints again.
func (e *Emulator) SetReplies(r Replies) {
	e.mu.Lock()
	e.replies = r
	e.stopped = false
	e.mu.Unlock()
}

// SetBaud makes the printer take bytes no faster than a serial line at
// baud (8N1): a slow drain, as a real printer on a 9600 baud cable.
// 0 takes them as fast as they come.
func (e *Emulator) SetBaud(baud int) {
	e.mu.Lock()
	e.baud = baud
	e.mu.Unlock()
}

// SetSilent makes the printer ignore DLE EOT status queries, as printers
// without real-time status do; it still prints.
func (e *Emulator) SetSilent(silent bool) {
	e.mu.Lock()
	e.silent = silent
	e.mu.Unlock()
}

// after arms fn to run once n more job bytes have been taken.
func (e *Emulator) after(n int, fn func()) {
	e.mu.Lock()
	e.faultAt, e.fault = e.taken+max(n, 1), fn
	e.mu.Unlock()
}

// FailAfter makes the printer stop printing after n more job bytes and
// answer r from then on (paper out, cover open): later bytes are taken
// but lost. SetReplies makes it print again.
func (e *Emulator) FailAfter(n int, r Replies) {
	e.after(n, func() {
		e.mu.Lock()
		e.replies, e.stopped = r, true
		e.mu.Unlock()
	})
}

// PaperOutAfter runs out of paper after n more job bytes.
func (e *Emulator) PaperOutAfter(n int) { e.FailAfter(n, RepliesPaperEnd()) }

// CoverOpenAfter opens the cover after n more job bytes.
func (e *Emulator) CoverOpenAfter(n int) { e.FailAfter(n, RepliesCoverOpen()) }

// UnplugAfter pulls the cable after n more job bytes: pull is called
// (typically [PTYPair.Kill]) and the emulator stops taking bytes.
func (e *Emulator) UnplugAfter(n int, pull func()) {
	e.after(n, func() {
		e.mu.Lock()
		e.unplug = true
		e.mu.Unlock()
		pull()
	})
}

// Unplugged reports whether UnplugAfter has pulled the cable.
func (e *Emulator) Unplugged() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unplug
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
