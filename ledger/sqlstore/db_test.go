package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicedesk/ledger"
)

func TestMigrateFromEmpty(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := db.SQL().QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() || v < 1 {
		t.Fatalf("user_version = %d, %v; want %d", v, err, SchemaVersion())
	}
	var mode string
	db.SQL().QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk int
	db.SQL().QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if fk != 1 {
		t.Errorf("foreign_keys = %d, want 1", fk)
	}
	need, err := NewStaffService(db).NeedsSetup(ctx)
	if err != nil || !need {
		t.Fatalf("NeedsSetup = %v, %v; want true", need, err)
	}
	db.Close()
	// Re-opening an up-to-date database changes nothing and writes no backup.
	db, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if m, _ := filepath.Glob(path + ".*.bak"); len(m) != 0 {
		t.Errorf("unexpected backups %v", m)
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "future.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	_, err = Open(ctx, path, Options{})
	if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "请升级程序") {
		t.Fatalf("open newer db: %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("refused database was modified")
	}
}

func TestMigrationTakesBackup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	next := migration{version: len(ms) + 1, name: "next_test.sql", sql: "CREATE TABLE upgrade_probe(x INTEGER);"}
	if err := f.db.migrateWith(ctx, append(ms, next)); err != nil {
		t.Fatal(err)
	}
	backups, _ := filepath.Glob(f.path + ".v*.bak")
	if len(backups) != 1 {
		t.Fatalf("backups = %v, want one", backups)
	}
	// The backup is a complete database at the old version with all staff.
	old, err := Open(ctx, backups[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	list, err := NewStaffService(old).ListStaff(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("backup staff = %d, %v", len(list), err)
	}
	if _, err := f.db.SQL().Exec("INSERT INTO upgrade_probe VALUES (1)"); err != nil {
		t.Fatalf("new migration not applied: %v", err)
	}
}
