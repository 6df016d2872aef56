package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// startupProblem is an error before the counter window opens: what went
// wrong and what the person in front of the PC should do, in Chinese, and the
// details for the log.
type startupProblem struct {
	what string // 中文: what went wrong
	todo string // 中文: what to do about it
	err  error  // details for the log and for IT
	code int    // process exit code
}

// startupTitle is the title of the message box.
const startupTitle = "服务台无法启动 Service Desk could not start"

// text is the message shown in the box: what, what to do, where the log is.
func (p startupProblem) text(logPath string) string {
	var b strings.Builder
	b.WriteString(p.what)
	b.WriteString("\n\n请这样处理：")
	b.WriteString(p.todo)
	if logPath != "" {
		b.WriteString("\n\n详细信息已写入日志：")
		b.WriteString(logPath)
	}
	if p.err != nil && ledger.ErrorCode(p.err) == ledger.EINTERNAL {
		// Details for IT; a ledger error's message is already in what.
		b.WriteString("\n\n(")
		b.WriteString(p.err.Error())
		b.WriteString(")")
	}
	return b.String()
}

// startupLog is where a startup problem is logged: the counter's log when it
// is open, else a log file in the data folder or, when that cannot be
// written either, in the temporary folder.
type startupLog struct {
	log  *slog.Logger
	path string
}

// fallbackLog opens servicedesk.log in dir, or servicedesk-startup.log in
// tmp when dir cannot be written.
func fallbackLog(dir, tmp string) (startupLog, func()) {
	try := func(path string) (startupLog, func(), bool) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return startupLog{}, nil, false
		}
		f, err := openRotating(path, 5<<20, 5)
		if err != nil {
			return startupLog{}, nil, false
		}
		return startupLog{log: slog.New(slog.NewTextHandler(f, nil)), path: path}, func() { f.Close() }, true
	}
	if dir != "" {
		if l, done, ok := try(filepath.Join(dir, "servicedesk.log")); ok {
			return l, done
		}
	}
	if l, done, ok := try(filepath.Join(tmp, "servicedesk-startup.log")); ok {
		return l, done
	}
	return startupLog{}, func() {}
}

// startupFailed logs p, prints it on stderr and shows it in a message box
// (native on Windows, a small window on Linux), then returns its exit code.
// l.log may be nil when the counter's log is not open yet: then the data
// folder's (or the temporary folder's) log is used.
func (e env) startupFailed(l startupLog, dataDir string, p startupProblem) int {
	if l.log == nil {
		var done func()
		l, done = fallbackLog(dataDir, e.tempDir())
		defer done()
	}
	if l.log != nil {
		l.log.Error("startup failed", "what", p.what, "err", p.err, "exit", p.code)
	}
	msg := p.text(l.path)
	fmt.Fprintln(e.stderr, startupTitle+"\n"+msg)
	if e.alert != nil {
		e.alert(startupTitle, msg, !e.fyneUsed)
	}
	return p.code
}

// tempDir is the folder for the last-resort startup log.
func (e env) tempDir() string {
	if e.tmp != "" {
		return e.tmp
	}
	return os.TempDir()
}

// dbProblem explains a database that could not be opened.
func dbProblem(path string, err error) startupProblem {
	p := startupProblem{what: "无法打开数据库 " + sqlstore.RedactAddr(path) + "：" + ledger.ErrorMessage(err), err: err, code: exitFailure}
	switch {
	case ledger.IsNoSpace(err) || ledger.ErrorCode(err) == ledger.ENOSPACE:
		p.todo = "磁盘空间已满：删除不需要的文件（不要删除数据文件夹和 backups）后重新启动服务台。"
	case ledger.ErrorCode(err) == ledger.ECONFLICT: // the only conflict on open: a newer database
		p.todo = "这个数据库由更新版本的服务台写过：请安装该版本或更新的服务台程序；不要用旧程序打开它。"
	default:
		var le *ledger.Error
		if !errors.As(err, &le) {
			p.code = exitInternal
		}
		p.todo = "确认没有另一个服务台窗口正在运行，然后重新启动。仍然不行时请把日志文件和数据文件夹（含 backups）交给信息部；不要删除数据库文件。"
	}
	return p
}

// windowProblem explains a counter window that could not be made: no
// display, or a graphics driver without OpenGL 2.1 (some remote sessions,
// virtual machines without 3D, very old integrated graphics).
func windowProblem(err error) startupProblem {
	return startupProblem{
		what: "服务台窗口无法打开：没有图形桌面，或显卡驱动不支持 OpenGL 2.1。",
		todo: "Windows：安装或更新显卡驱动；通过远程桌面时请改在这台电脑上直接登录后启动。Linux：在图形桌面里启动，并安装显卡驱动（Debian：libgl1-mesa-dri）。",
		err:  err, code: exitInternal,
	}
}
