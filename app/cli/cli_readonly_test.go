package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicedesk/ledger/sqlstore"
)

// snapshot is every file in dir with its content.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The back-office commands only look: on a database of an older schema they
// say that the app must upgrade it, write no backup and leave the file
// byte-identical (before, they migrated it silently).
func TestCLIReadOnlyOnOldDatabase(t *testing.T) {
	path := seedClosedDB(t)
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Checkpoint so the whole database is in the main file, then mark it as
	// written by the previous release.
	if _, err := db.SQL().Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlstore.SchemaVersion()-1)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dir := filepath.Dir(path)
	before := snapshot(t, dir)
	out := filepath.Join(t.TempDir(), "r")
	// verify walks the old journal (a backup is an old database too) and
	// says that the app must upgrade the file.
	code, stdout, errs := runCLI("verify", "--db", path)
	if code != exitOK || !strings.HasPrefix(stdout, "OK ") || !strings.Contains(errs, "数据库需要用本程序升级") {
		t.Errorf("verify on an old database: exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	// report and export refuse it with the same advice.
	for _, args := range [][]string{
		{"report", "--db", path, "--date", "2026-11-23", "--out", out + ".pdf"},
		{"export", "--db", path, "--from", "2026-11-01", "--to", "2026-11-30", "--out", out + ".xlsx"},
	} {
		code, stdout, errs := runCLI(args...)
		if code != exitFailure || !strings.Contains(errs, "数据库需要用本程序升级") {
			t.Errorf("%s on an old database: exit %d, stdout %q, stderr %q", args[0], code, stdout, errs)
		}
	}
	after := snapshot(t, dir)
	for p, b := range after {
		if strings.HasSuffix(p, "-shm") || strings.HasSuffix(p, "-wal") && len(b) == 0 {
			continue // SQLite's shared-memory index for a read-only WAL reader
		}
		if old, ok := before[p]; !ok {
			t.Errorf("a read-only command created %s", p)
		} else if !bytes.Equal(old, b) {
			t.Errorf("a read-only command changed %s", p)
		}
	}
	if _, err := os.Stat(out + ".pdf"); err == nil {
		t.Error("report written from a refused database")
	}
}

// A current database is read, not written: verify and report succeed and the
// database file is byte-identical afterwards.
func TestCLIReadOnlyLeavesCurrentDatabase(t *testing.T) {
	path := seedClosedDB(t)
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	if code, out, errs := runCLI("verify", "--db", path); code != exitOK {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}
	pdf := filepath.Join(t.TempDir(), "d.pdf")
	if code, out, errs := runCLI("report", "--db", path, "--date", "2026-11-23", "--out", pdf); code != exitOK {
		t.Fatalf("report: %d %q %q", code, out, errs)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("verify/report changed the database file")
	}
}
