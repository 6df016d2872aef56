package instance

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

func TestSecondInstanceInProcessRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	now := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	a, err := Acquire(db, now)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(db, now)
	host, _ := os.Hostname()
	msg := ledger.ErrorMessage(err)
	if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(msg, "主机 "+host) ||
		!strings.Contains(msg, "进程号 "+strconv.Itoa(os.Getpid())) || !strings.Contains(msg, "只能打开一个服务台窗口") {
		t.Fatalf("second instance: %v (%q)", err, msg)
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	b, err := Acquire(db, now)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	b.Release()
}

// TestLockHeldByAnotherProcess: a child process holds the lock; this one is
// refused with the child's PID; kill -9 of the child frees the lock (no
// stale lock after a crash). Fails on the old code, which had no lock.
func TestLockHeldByAnotherProcess(t *testing.T) {
	if path := os.Getenv("SERVICEDESK_INSTANCE_CHILD"); path != "" {
		if _, err := Acquire(path, time.Now()); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	db := filepath.Join(t.TempDir(), "desk.db")
	child := exec.Command(os.Args[0], "-test.run=^TestLockHeldByAnotherProcess$")
	child.Env = append(os.Environ(), "SERVICEDESK_INSTANCE_CHILD="+db)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	_, err = Acquire(db, time.Now())
	if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "进程号 "+strconv.Itoa(child.Process.Pid)) {
		t.Fatalf("while the child holds it: %v", err)
	}
	h, err := ReadHolder(db)
	if err != nil || h.PID != child.Process.Pid || h.Since.IsZero() {
		t.Fatalf("holder = %+v, %v", h, err)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	l, err := Acquire(db, time.Now())
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	defer l.Release()
	if h, _ := ReadHolder(db); h.PID != os.Getpid() {
		t.Fatalf("holder after takeover = %+v", h)
	}
}

func TestBusyMessageSanitisesTheHolderNote(t *testing.T) {
	msg := ledger.ErrorMessage(busyError(Holder{Host: "evil\x1b[2J\u202e", PID: -1}))
	if strings.ContainsFunc(msg, ledger.Forbidden) || !strings.Contains(msg, "主机 未知，进程号 未知") {
		t.Fatalf("message %q", msg)
	}
}
