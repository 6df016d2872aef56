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
	path := testAddr(t, "new.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.dialect.schemaVersion(ctx, db.db)
	if err != nil || v != SchemaVersion() || v < 4 {
		t.Fatalf("schema version = %d, %v; want %d", v, err, SchemaVersion())
	}
	if db.Engine() == "sqlite" {
		var mode string
		db.SQL().QueryRow("PRAGMA journal_mode").Scan(&mode)
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
		var fk, sync int
		db.SQL().QueryRow("PRAGMA foreign_keys").Scan(&fk)
		if fk != 1 {
			t.Errorf("foreign_keys = %d, want 1", fk)
		}
		db.SQL().QueryRow("PRAGMA synchronous").Scan(&sync)
		if sync != 2 {
			t.Errorf("synchronous = %d, want 2 (FULL)", sync)
		}
	}
	var head int64
	var hash string
	if err := db.db.QueryRow("SELECT last_seq, last_hash FROM journal_head").Scan(&head, &hash); err != nil || head != 0 || hash != ledger.GenesisHash {
		t.Fatalf("empty journal head = %d %s, %v", head, hash, err)
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

// setSchemaVersionRaw stamps a version on the database behind the
// program's back, as a newer program would have.
func setSchemaVersionRaw(t *testing.T, db *DB, v int) {
	t.Helper()
	q := "INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, '0999_future.sql', '')"
	if db.Engine() == "sqlite" {
		q = "PRAGMA user_version = 999"
	}
	if _, err := db.SQL().Exec(q); err != nil {
		t.Fatal(err)
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	path := testAddr(t, "future.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	setSchemaVersionRaw(t, db, 999)
	snapshot := func() string {
		if db.Engine() == "sqlite" {
			b, _ := os.ReadFile(path)
			return string(b)
		}
		var s string
		if err := db.SQL().QueryRow(`SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables
			WHERE table_schema = 'public'`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		var n int
		db.SQL().QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n)
		return s + "/" + strings.Repeat("v", n)
	}
	if db.Engine() == "sqlite" {
		db.Close()
	}
	before := snapshot()
	_, err = Open(ctx, path, Options{})
	if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "请升级程序") {
		t.Fatalf("open newer db: %v", err)
	}
	if after := snapshot(); before != after {
		t.Error("refused database was modified")
	}
	if db.Engine() == "postgres" {
		db.Close()
	}
}

func TestMigrationTakesBackup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ms, err := f.db.migrations()
	if err != nil {
		t.Fatal(err)
	}
	next := migration{version: len(ms) + 1, name: "next_test.sql", sql: "CREATE TABLE upgrade_probe(x BIGINT);"}
	if err := f.db.migrateWith(ctx, append(ms, next)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.db.Exec("INSERT INTO upgrade_probe VALUES (1)"); err != nil {
		t.Fatalf("new migration not applied: %v", err)
	}
	if v, err := f.db.dialect.schemaVersion(ctx, f.db.db); err != nil || v != len(ms)+1 {
		t.Fatalf("version after migration = %d, %v", v, err)
	}
	// Applying the same list again is a no-op (the step re-checks the version).
	if err := f.db.migrateWith(ctx, append(ms, next)); err != nil {
		t.Fatal(err)
	}
	if f.db.Engine() != "sqlite" {
		return // PostgreSQL is backed up with pg_dump by its administrator
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
}
