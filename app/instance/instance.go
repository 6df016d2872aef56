// Package instance keeps one counter window per database: an operating
// system lock on a file beside the database, held open while the counter
// runs. The system drops the lock when the process ends, however it ends
// (a crash, kill -9, a power cut), so a stale lock never blocks the next
// start; a second instance is refused with the holder's host and PID.
package instance

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"servicedesk/ledger"
)

// Lock is a held instance lock. Release it (or let the process end).
type Lock struct {
	f    *os.File
	path string
}

// Holder describes the process holding a lock, as it wrote itself down.
type Holder struct {
	Host  string
	PID   int
	Since time.Time
}

// errBusy is returned by the platform lock when another holder has it.
var errBusy = errors.New("instance lock held by another process")

// Path is the lock file of the database at dbPath.
func Path(dbPath string) string { return dbPath + ".lock" }

// Acquire takes the lock of the database at dbPath for this process.
// When another process holds it, the error is an ECONFLICT ledger error
// naming that process's host and PID in Chinese.
func Acquire(dbPath string, now time.Time) (*Lock, error) {
	path := Path(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open instance lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if !errors.Is(err, errBusy) {
			return nil, fmt.Errorf("take instance lock: %w", err)
		}
		h, _ := ReadHolder(dbPath)
		return nil, busyError(h)
	}
	host, _ := os.Hostname()
	info := fmt.Sprintf("host=%s\npid=%d\nsince=%s\n", host, os.Getpid(), now.UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, fmt.Errorf("write instance lock: %w", err)
	}
	if _, err := f.WriteAt([]byte(info), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("write instance lock: %w", err)
	}
	return &Lock{f: f, path: path}, nil
}

// Release gives the lock up. The file stays (removing it would let two
// processes lock two different files of the same name).
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// ReadHolder reads who wrote the lock file of dbPath last.
func ReadHolder(dbPath string) (Holder, error) {
	var h Holder
	b, err := os.ReadFile(Path(dbPath))
	if err != nil {
		return h, fmt.Errorf("read instance lock: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "host":
			h.Host = v
		case "pid":
			h.PID, _ = strconv.Atoi(v)
		case "since":
			h.Since, _ = time.Parse(time.RFC3339, v)
		}
	}
	return h, nil
}

// busyError is the Chinese message for a second instance.
func busyError(h Holder) error {
	host := h.Host
	if host == "" || strings.ContainsFunc(host, ledger.Forbidden) || len(host) > 64 {
		host = "未知"
	}
	pid := "未知"
	if h.PID > 0 {
		pid = strconv.Itoa(h.PID)
	}
	since := ""
	if !h.Since.IsZero() {
		since = "，" + h.Since.Local().Format("01-02 15:04") + " 起"
	}
	return ledger.Errorf(ledger.ECONFLICT, "服务台已在运行（主机 %s，进程号 %s%s）。同一个数据库只能打开一个服务台窗口，请切换到已打开的窗口；如该窗口已无响应，请在任务管理器中结束进程 %s 后再启动。", host, pid, since, pid)
}
