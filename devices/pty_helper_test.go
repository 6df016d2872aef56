package devices_test

import (
	"bufio"
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
	A, B string // /dev/pts paths
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

// relink points the symlink at path to target atomically.
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

// openPeer opens the device side of a pty pair.
func openPeer(t *testing.T, path string) devices.Port {
	t.Helper()
	p, err := devices.OpenPort(devices.PortConfig{Name: path, ReadTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("open peer %s: %v", path, err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
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
