package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"servicedesk/ledger/sqlstore"
)

// seedClosedDBWithKeys is seedClosedDB with the personal-data keys file
// beside the database, as the counter keeps it.
func seedClosedDBWithKeys(t *testing.T) string {
	t.Helper()
	path := seedClosedDB(t)
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{KeysPath: keysPathFor(path)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.EnsurePersonalKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keysPathFor(path)); err != nil {
		t.Fatalf("no keys file: %v", err)
	}
	return path
}

// TestBackupRestoreSameReports backs a counter up with `servicedesk backup`,
// restores the copy onto a fresh path with `servicedesk restore`, and
// requires the restored copy to verify, to carry the keys file byte for
// byte and to give the same day PDF and export byte for byte.
func TestBackupRestoreSameReports(t *testing.T) {
	path := seedClosedDBWithKeys(t)
	dir := filepath.Join(t.TempDir(), "backups")
	code, out, errs := runCLI("backup", "--db", path, "--dir", dir)
	if code != exitOK {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	files, err := sqlstore.BackupFiles(dir)
	if err != nil || len(files) != 1 {
		t.Fatalf("backup files %v %v", files, err)
	}
	if !strings.Contains(out, files[0]) {
		t.Fatalf("backup output does not name %s:\n%s", files[0], out)
	}
	keysCopy := strings.TrimSuffix(files[0], ".db") + ".keys"
	if want, got := mustRead(t, keysPathFor(path)), mustRead(t, keysCopy); !bytes.Equal(want, got) {
		t.Fatal("keys copy differs from the keys file")
	}
	if fi, _ := os.Stat(keysCopy); fi.Mode().Perm() != 0o600 {
		t.Fatalf("keys copy mode %v", fi.Mode())
	}

	restored := filepath.Join(t.TempDir(), "restored", "servicedesk.db")
	code, out, errs = runCLI("restore", "--from", files[0], "--db", restored)
	if code != exitOK || !strings.Contains(out, "校验通过") {
		t.Fatalf("restore: %d %s %s", code, out, errs)
	}
	if !bytes.Equal(mustRead(t, keysPathFor(restored)), mustRead(t, keysPathFor(path))) {
		t.Fatal("restored keys differ")
	}
	// A restore never overwrites.
	if code, _, errs := runCLI("restore", "--from", files[0], "--db", restored); code == exitOK || !strings.Contains(errs, "目标已存在") {
		t.Fatalf("restore over an existing file: %d %s", code, errs)
	}
	if code, out, errs := runCLI("verify", "--db", restored); code != exitOK {
		t.Fatalf("verify restored: %d %s %s", code, out, errs)
	}
	outDir := t.TempDir()
	for _, db := range []string{path, restored} {
		name := filepath.Base(filepath.Dir(db))
		if code, out, errs := runCLI("report", "--db", db, "--date", "2026-11-23", "--out", filepath.Join(outDir, name+".pdf")); code != exitOK {
			t.Fatalf("report %s: %d %s %s", db, code, out, errs)
		}
		if code, out, errs := runCLI("export", "--db", db, "--from", "2026-11-01", "--to", "2026-11-30", "--out", filepath.Join(outDir, name+".xlsx")); code != exitOK {
			t.Fatalf("export %s: %d %s %s", db, code, out, errs)
		}
	}
	orig := filepath.Base(filepath.Dir(path))
	a, b := mustRead(t, filepath.Join(outDir, orig+".pdf")), mustRead(t, filepath.Join(outDir, "restored.pdf"))
	if len(a) < 1000 || !bytes.Equal(a, b) {
		t.Fatalf("day PDF of the restored copy differs (%d vs %d bytes)", len(a), len(b))
	}
	// The workbook's parts are the same byte for byte; only excelize's
	// creation time (docProps/core.xml) and the zip's timestamps differ
	// between any two runs.
	xa, xb := xlsxParts(t, filepath.Join(outDir, orig+".xlsx")), xlsxParts(t, filepath.Join(outDir, "restored.xlsx"))
	if len(xa) < 5 || len(xa) != len(xb) {
		t.Fatalf("workbook parts %d vs %d", len(xa), len(xb))
	}
	for name, data := range xa {
		if name != "docProps/core.xml" && !bytes.Equal(data, xb[name]) {
			t.Fatalf("workbook part %s of the restored copy differs", name)
		}
	}
}

// xlsxParts reads every part of a workbook.
func xlsxParts(t *testing.T, p string) map[string][]byte {
	t.Helper()
	z, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	parts := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], err = io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return parts
}

// TestBackupRotates keeps the newest N backups and their keys.
func TestBackupRotates(t *testing.T) {
	path := seedClosedDBWithKeys(t)
	dir := filepath.Join(t.TempDir(), "b")
	for i := 0; i < 4; i++ {
		if code, out, errs := runCLI("backup", "--db", path, "--dir", dir, "--keep", "2"); code != exitOK {
			t.Fatalf("backup %d: %d %s %s", i, code, out, errs)
		}
		time.Sleep(5 * time.Millisecond) // names carry milliseconds
	}
	files, _ := sqlstore.BackupFiles(dir)
	keys, _ := filepath.Glob(filepath.Join(dir, "*.keys"))
	if len(files) != 2 || len(keys) != 2 {
		t.Fatalf("after 4 backups with --keep 2: %v %v", files, keys)
	}
	if code, _, errs := runCLI("backup", "--db", "postgres://x@localhost/db"); code != exitUsage || !strings.Contains(errs, "pg_dump") {
		t.Fatalf("backup of PostgreSQL: %d %s", code, errs)
	}
}

// TestBackupKilledKeepsPreviousGood runs `servicedesk backup` in a child
// process and SIGKILLs it at random moments: every backup file under its
// final name must pass integrity_check and verify, the first good one is
// always still there, and no temporary file ever bears a final name.
func TestBackupKilledKeepsPreviousGood(t *testing.T) {
	path := seedClosedDBWithKeys(t)
	dir := filepath.Join(t.TempDir(), "b")
	if code, out, errs := runCLI("backup", "--db", path, "--dir", dir, "--keep", "1"); code != exitOK {
		t.Fatalf("first backup: %d %s %s", code, out, errs)
	}
	first, _ := sqlstore.BackupFiles(dir)
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	kills := 0
	for i := 0; i < 8; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SD_GUI_CHILD=backup --db "+path+" --dir "+dir+" --keep 1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Intn(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			kills++
		} else if err != nil {
			t.Fatalf("backup child: %v", err)
		}
		files, _ := sqlstore.BackupFiles(dir)
		if len(files) == 0 {
			t.Fatalf("kill %d left no backup", i)
		}
		for _, f := range files {
			checkBackupFile(t, f)
		}
	}
	if kills == 0 {
		t.Fatal("no child was killed: the test proved nothing")
	}
	t.Logf("%d of 8 backup runs killed mid-way; the good backup %s survived each", kills, filepath.Base(first[0]))
}

// checkBackupFile requires f to be a whole database whose journal verifies.
func checkBackupFile(t *testing.T, f string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+f+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var res string
	err = raw.QueryRow("PRAGMA integrity_check").Scan(&res)
	raw.Close()
	if err != nil || res != "ok" {
		t.Fatalf("backup %s: integrity_check %q %v", f, res, err)
	}
	if code, out, errs := runCLI("verify", "--db", f); code != exitOK {
		t.Fatalf("backup %s does not verify: %s %s", f, out, errs)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
