package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicedesk/app/paths"
	"servicedesk/ledger/sqlstore"
)

// shown records the message boxes a run would have shown.
type shown struct{ titles, msgs []string }

// startEnv is an env whose message boxes are recorded, with the data folder
// and the temporary folder in the test's own directories.
func startEnv(t *testing.T) (env, *shown, *bytes.Buffer) {
	t.Helper()
	t.Setenv(paths.EnvOverride, filepath.Join(t.TempDir(), "data"))
	s := &shown{}
	var out, errb bytes.Buffer
	e := env{stdout: &out, stderr: &errb, tmp: t.TempDir(),
		alert: func(title, msg string, useFyne bool) {
			s.titles = append(s.titles, title)
			s.msgs = append(s.msgs, msg)
		}}
	return e, s, &errb
}

func readLog(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("startup problem not logged: %v", err)
	}
	return string(b)
}

// A refused database (written by a newer program) stops the start before
// any window: the reason and what to do are logged in the data folder and
// shown in a message box, and the database stays byte-identical.
func TestStartupRefusedDatabaseLoggedAndShown(t *testing.T) {
	e, s, stderr := startEnv(t)
	path := demoDB(t)
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.SQL().Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlstore.SchemaVersion()+1))
	db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	db.Close()
	before, _ := os.ReadFile(path)

	code := e.run([]string{"--db", path})
	if code != exitFailure {
		t.Fatalf("exit %d, want %d", code, exitFailure)
	}
	if len(s.msgs) != 1 || s.titles[0] != startupTitle {
		t.Fatalf("message boxes %q", s.titles)
	}
	logPath := filepath.Join(filepath.Dir(path), "servicedesk.log")
	msg := s.msgs[0]
	for _, want := range []string{"无法打开数据库", "请升级程序", "请这样处理：", "更新版本的服务台", logPath} {
		if !strings.Contains(msg, want) {
			t.Errorf("message box lacks %q:\n%s", want, msg)
		}
	}
	if log := readLog(t, logPath); !strings.Contains(log, "startup failed") || !strings.Contains(log, "请升级程序") {
		t.Errorf("log:\n%s", log)
	}
	if !strings.Contains(stderr.String(), "请升级程序") {
		t.Errorf("stderr: %q", stderr)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("refused database changed")
	}
}

// A data folder that cannot be made (its parent is a file): the problem is
// logged in the temporary folder, since the data folder is what failed.
func TestStartupDataFolderLoggedAndShown(t *testing.T) {
	e, s, _ := startEnv(t)
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	os.WriteFile(blocker, []byte("x"), 0o600)
	code := e.run([]string{"--db", filepath.Join(blocker, "desk", "servicedesk.db")})
	if code != exitInternal || len(s.msgs) != 1 {
		t.Fatalf("exit %d, boxes %q", code, s.msgs)
	}
	logPath := filepath.Join(e.tmp, "servicedesk-startup.log")
	if msg := s.msgs[0]; !strings.Contains(msg, "无法创建数据文件夹") || !strings.Contains(msg, "--db") || !strings.Contains(msg, logPath) {
		t.Errorf("message box:\n%s", msg)
	}
	if log := readLog(t, logPath); !strings.Contains(log, "无法创建数据文件夹") {
		t.Errorf("log:\n%s", log)
	}
}

// A bad option on the shortcut (a menu launch has no terminal): logged in the
// data folder's log and shown, exit 2.
func TestStartupBadFlagLoggedAndShown(t *testing.T) {
	e, s, _ := startEnv(t)
	code := e.run([]string{"--dbb", "x.db"})
	if code != exitUsage || len(s.msgs) != 1 {
		t.Fatalf("exit %d, boxes %q", code, s.msgs)
	}
	if msg := s.msgs[0]; !strings.Contains(msg, "启动参数有误") || !strings.Contains(msg, "-dbb") || !strings.Contains(msg, "快捷方式") {
		t.Errorf("message box:\n%s", msg)
	}
	logPath := filepath.Join(os.Getenv(paths.EnvOverride), "servicedesk.log")
	if log := readLog(t, logPath); !strings.Contains(log, "启动参数有误") {
		t.Errorf("log:\n%s", log)
	}
	// Stray words after the options are refused the same way, not ignored.
	s.msgs = nil
	if code := e.run([]string{"--demo", "verify"}); code != exitUsage || len(s.msgs) != 1 || !strings.Contains(s.msgs[0], "servicedesk-cli") {
		t.Fatalf("stray argument: exit %d, boxes %q", code, s.msgs)
	}
}

// The back-office commands never show message boxes: they have a console.
func TestCommandsShowNoMessageBox(t *testing.T) {
	e, s, _ := startEnv(t)
	if code := e.run([]string{"verify", "--db", filepath.Join(t.TempDir(), "none.db")}); code != exitInternal || len(s.msgs) != 0 {
		t.Fatalf("verify: exit %d, boxes %q", code, s.msgs)
	}
}

// servicedesk.exe (GUI subsystem) started without a console: commands and
// --version would print into nothing, so they show where servicedesk-cli.exe
// is instead; the counter itself still starts.
func TestConsolelessCommandsPointToCLI(t *testing.T) {
	e, s, _ := startEnv(t)
	e.noConsole = true
	for _, args := range [][]string{{"verify"}, {"--version"}, {"report", "--date", "2026-11-23"}, {"help"}} {
		s.msgs = nil
		if code := e.run(args); code != exitUsage || len(s.msgs) != 1 || !strings.Contains(s.msgs[0], "servicedesk-cli verify") {
			t.Errorf("%v: exit %d, boxes %q", args, code, s.msgs)
		}
	}
	// The GUI's own options are not commands.
	s.msgs = nil
	if code := e.run([]string{"--dbb"}); code != exitUsage || len(s.msgs) != 1 || strings.Contains(s.msgs[0], "servicedesk-cli verify") {
		t.Errorf("bad GUI option: exit %d, boxes %q", code, s.msgs)
	}
}
