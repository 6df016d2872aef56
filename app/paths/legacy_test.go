package paths

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLegacyDataDir(t *testing.T) {
	roaming := map[string]string{"APPDATA": `C:\Users\wang\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\wang\AppData\Local`}
	if got := legacyDataDir("windows", env(roaming)); got != `C:\Users\wang\AppData\Roaming\ServiceDesk` {
		t.Errorf("windows legacy = %q", got)
	}
	if got, _ := dataDir("windows", env(roaming), noHome); got == legacyDataDir("windows", env(roaming)) {
		t.Errorf("new and old data folders are the same: %q", got)
	}
	roaming[EnvOverride] = `E:\desk`
	if got := legacyDataDir("windows", env(roaming)); got != "" {
		t.Errorf("legacy with override = %q, want none", got)
	}
	if got := legacyDataDir("linux", env(map[string]string{"APPDATA": "/x"})); got != "" {
		t.Errorf("linux legacy = %q, want none", got)
	}
}

// oldCounter writes a data folder as version 0.1 left it.
func oldCounter(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{
		DBName:                               "SQLite format 3\x00 database pages",
		DBName + "-wal":                      "wal frames",
		"servicedesk.log":                    "time=… msg=starting",
		"backups/servicedesk.db.v2-2026.bak": "backup pages",
		"reports/2026-11-23.pdf":             "%PDF-1.4",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func checkFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(b) != body {
			t.Errorf("%s/%s = %q, %v; want %q", dir, name, b, err, body)
		}
	}
}

func testMover() mover {
	return mover{rename: os.Rename, crossDevice: isCrossDevice, now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }}
}

func TestMoveLegacyOnce(t *testing.T) {
	root := t.TempDir()
	from, to := filepath.Join(root, "Roaming", "ServiceDesk"), filepath.Join(root, "Local", "ServiceDesk")
	files := oldCounter(t, from)
	res, err := MoveLegacy(from, to)
	if err != nil || !res.Moved || res.Copied {
		t.Fatalf("move: %+v, %v", res, err)
	}
	checkFiles(t, to, files)
	left, _ := os.ReadDir(from)
	if len(left) != 1 || left[0].Name() != MovedNote {
		t.Fatalf("old folder holds %v, want only the note", left)
	}
	note, _ := os.ReadFile(filepath.Join(from, MovedNote))
	if !strings.Contains(string(note), to) {
		t.Errorf("note %q does not name %s", note, to)
	}
	// Once: a second start finds no database in the old place.
	res, err = MoveLegacy(from, to)
	if err != nil || res.Moved || res.Skipped != "" {
		t.Fatalf("second move: %+v, %v", res, err)
	}
	checkFiles(t, to, files)
}

func TestMoveLegacyIntoFolderLeftByFailedStart(t *testing.T) {
	root := t.TempDir()
	from, to := filepath.Join(root, "old"), filepath.Join(root, "new")
	files := oldCounter(t, from)
	os.MkdirAll(to, 0o700)
	os.WriteFile(filepath.Join(to, "servicedesk.log"), []byte("startup failed"), 0o600)
	res, err := testMover().move(from, to)
	if err != nil || !res.Moved {
		t.Fatalf("move: %+v, %v", res, err)
	}
	checkFiles(t, to, files)
	aside, _ := filepath.Glob(to + ".before-move-*")
	if len(aside) != 1 {
		t.Fatalf("the folder in the way was not set aside: %v", aside)
	}
	checkFiles(t, aside[0], map[string]string{"servicedesk.log": "startup failed"})
}

func TestMoveLegacyKeepsBothWhenNewHasDatabase(t *testing.T) {
	root := t.TempDir()
	from, to := filepath.Join(root, "old"), filepath.Join(root, "new")
	files := oldCounter(t, from)
	newer := map[string]string{DBName: "the database in use now"}
	oldCounter(t, to)
	os.WriteFile(filepath.Join(to, DBName), []byte(newer[DBName]), 0o600)
	res, err := MoveLegacy(from, to)
	if err != nil || res.Moved || res.Skipped == "" {
		t.Fatalf("move: %+v, %v", res, err)
	}
	checkFiles(t, from, files)
	checkFiles(t, to, newer)
}

func TestMoveLegacyAcrossDrivesCopies(t *testing.T) {
	root := t.TempDir()
	from, to := filepath.Join(root, "share", "ServiceDesk"), filepath.Join(root, "Local", "ServiceDesk")
	files := oldCounter(t, from)
	m := testMover()
	m.rename = func(a, b string) error {
		if a == from && b == to {
			return &os.LinkError{Op: "rename", Old: a, New: b, Err: syscall.EXDEV}
		}
		return os.Rename(a, b)
	}
	res, err := m.move(from, to)
	if err != nil || !res.Moved || !res.Copied {
		t.Fatalf("move: %+v, %v", res, err)
	}
	checkFiles(t, to, files)
	checkFiles(t, from+".old", files)
	if _, err := os.Stat(filepath.Join(from, MovedNote)); err != nil {
		t.Errorf("no note in the old place: %v", err)
	}
	if _, err := os.Stat(to + ".moving"); !os.IsNotExist(err) {
		t.Errorf("temporary copy left behind: %v", err)
	}
}

// A database held open by a still-running old program cannot be renamed on
// Windows: nothing is copied, the data stays where it is, the error says so.
func TestMoveLegacyInUseLeavesDataAlone(t *testing.T) {
	root := t.TempDir()
	from, to := filepath.Join(root, "old"), filepath.Join(root, "new")
	files := oldCounter(t, from)
	m := testMover()
	m.rename = func(a, b string) error {
		return &os.LinkError{Op: "rename", Old: a, New: b, Err: errors.New("The process cannot access the file because it is being used by another process.")}
	}
	res, err := m.move(from, to)
	if err == nil || res.Moved || !strings.Contains(err.Error(), "still running") {
		t.Fatalf("move: %+v, %v", res, err)
	}
	checkFiles(t, from, files)
	if _, err := os.Stat(to); !os.IsNotExist(err) {
		t.Errorf("new folder created: %v", err)
	}
}
