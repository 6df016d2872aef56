package printing_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/devices"
)

// ptyPair is a socat-made pair of connected pseudo-terminals.
type ptyPair struct {
	A, B string
	cmd  *exec.Cmd
	once sync.Once
}

var ptyLine = regexp.MustCompile(`PTY is (/dev/\S+)`)

// startPTYPair starts socat with two raw ptys and kills it at cleanup.
func startPTYPair(t *testing.T) *ptyPair {
	t.Helper()
	bin, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat not installed")
	}
	cmd := exec.Command(bin, "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start socat: %v", err)
	}
	p := &ptyPair{cmd: cmd}
	t.Cleanup(p.Kill)
	paths := make(chan string, 2)
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			if m := ptyLine.FindStringSubmatch(sc.Text()); m != nil {
				paths <- m[1]
			}
			if !signalled && strings.Contains(sc.Text(), "starting data transfer loop") {
				close(ready)
				signalled = true
			}
		}
	}()
	timeout := time.After(5 * time.Second)
	for _, dst := range []*string{&p.A, &p.B} {
		select {
		case *dst = <-paths:
		case <-timeout:
			t.Fatal("socat did not report its ptys")
		}
	}
	select {
	case <-ready:
	case <-timeout:
		t.Fatal("socat did not start")
	}
	return p
}

// Kill stops socat: both ptys vanish.
func (p *ptyPair) Kill() {
	p.once.Do(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	})
}

// relink points the symlink link at target atomically.
func relink(t *testing.T, link, target string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(link), ".tmp-link")
	_ = os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
}

// Status replies to DLE EOT 1, 2, 3, 4.
var (
	repliesOK       = [5]byte{0, 0x12, 0x12, 0x12, 0x12}
	repliesPaperEnd = [5]byte{0, 0x1a, 0x32, 0x12, 0x72}
)

// emulator plays an ESC/POS printer on the device end of a pty: it answers
// DLE EOT n and records every other byte.
type emulator struct {
	port    devices.Port
	mu      sync.Mutex
	replies [5]byte
	data    []byte
}

func startEmulator(t *testing.T, path string, replies [5]byte) *emulator {
	t.Helper()
	port, err := devices.OpenPort(devices.PortConfig{Name: path, ReadTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("open peer %s: %v", path, err)
	}
	e := &emulator{port: port, replies: replies}
	done := make(chan struct{})
	t.Cleanup(func() { _ = port.Close(); <-done })
	go func() {
		defer close(done)
		e.run()
	}()
	return e
}

func (e *emulator) run() {
	buf := make([]byte, 4096)
	var pending []byte
	for {
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
			e.mu.Unlock()
			if _, err := e.port.Write([]byte{reply}); err != nil {
				return
			}
		}
		if k := len(pending); k > 0 && bytes.LastIndexByte(pending, 0x10) < k-2 {
			e.record(pending)
			pending = pending[:0]
		}
	}
}

func (e *emulator) record(b []byte) {
	e.mu.Lock()
	e.data = append(e.data, b...)
	e.mu.Unlock()
}

// Data returns the printed bytes (status queries removed).
func (e *emulator) Data() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]byte(nil), e.data...)
}

func (e *emulator) SetReplies(r [5]byte) {
	e.mu.Lock()
	e.replies = r
	e.mu.Unlock()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cutPort is a port whose cable is pulled after limit bytes: it calls
// pull (which kills socat) and then passes the write on, which fails.
type cutPort struct {
	devices.Port
	mu      sync.Mutex
	written int
	limit   int
	pull    func()
}

func (c *cutPort) Write(b []byte) (int, error) {
	c.mu.Lock()
	c.written += len(b)
	cut := c.limit > 0 && c.written > c.limit
	c.mu.Unlock()
	if cut {
		time.Sleep(150 * time.Millisecond) // let the bytes so far reach the printer
		c.pull()
		time.Sleep(50 * time.Millisecond)
	}
	return c.Port.Write(b)
}
