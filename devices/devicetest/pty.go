package devicetest

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

// PTYPair is a socat-made pair of connected pseudo-terminals: bytes
// written to one end come out of the other.
type PTYPair struct {
	// A and B are the /dev/pts paths of the two ends. By convention A is
	// the host side (the code under test) and B the device side.
	A, B string

	cmd  *exec.Cmd
	once sync.Once
}

// StartPTYPair starts socat with two raw ptys and kills it at cleanup.
// The test is skipped when socat is not installed.
func StartPTYPair(t testing.TB) *PTYPair {
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
	p := &PTYPair{cmd: cmd}
	t.Cleanup(p.Kill)
	ptyLine := regexp.MustCompile(`PTY is (/dev/\S+)`)
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

// Kill stops socat, so both ptys vanish (a pulled cable). It is safe to
// call more than once.
func (p *PTYPair) Kill() {
	p.once.Do(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	})
}

// Relink points the symlink link at target atomically, creating it if
// needed, as udev does when an adapter is plugged in again.
func Relink(t testing.TB, link, target string) {
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

// OpenPeer opens the device side of a pty pair with a short read timeout
// and closes it at cleanup.
func OpenPeer(t testing.TB, path string) devices.Port {
	t.Helper()
	p, err := devices.OpenPort(devices.PortConfig{Name: path, ReadTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("open peer %s: %v", path, err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}
