package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// fileSum is the sha256 of the file at path.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// rawDB opens path with go-sqlite3 and no pragmas at all.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", fileDSN(path, url.Values{}))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// oldDatabase writes a database at path that has only the first n migrations
// (a file made by an older release).
func oldDatabase(t *testing.T, path string, n int) {
	t.Helper()
	ms, err := loadMigrations(sqliteDialect{}.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	if n >= len(ms) {
		t.Fatalf("only %d migrations", len(ms))
	}
	d := &DB{db: sqlDB{DB: rawDB(t, path), d: sqliteDialect{}}, dialect: sqliteDialect{}, addr: path, path: path,
		now: (&clock{}).Now, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := d.migrateWith(context.Background(), ms[:n]); err != nil {
		t.Fatal(err)
	}
	d.db.Close()
}

func TestReadOnlyOpensOlderDatabaseUntouched(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	oldDatabase(t, path, 1)
	before := fileSum(t, path)
	ro, err := Open(ctx, path, Options{ReadOnly: true, BackupDir: filepath.Join(dir, "backups")})
	if err != nil {
		t.Fatalf("read-only open of an old database: %v", err)
	}
	if ro.Schema() != 1 {
		t.Errorf("Schema() = %d, want 1 (not migrated)", ro.Schema())
	}
	ro.Close()
	if fileSum(t, path) != before {
		t.Error("read-only open changed the old database")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "backups", "*")); len(m) != 0 {
		t.Errorf("read-only open wrote backups %v", m)
	}
}

func TestReadOnlyReadsAndNeverWrites(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// On SQLite the file must stay byte-identical; on PostgreSQL (READ ONLY
	// transactions) the journal must.
	sum := func() any {
		if f.db.Engine() == "sqlite" {
			return fileSum(t, f.path)
		}
		res, err := f.journal.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(res.OK, res.Count, res.LastHash)
	}
	if f.db.Engine() == "sqlite" {
		f.db.Close()
	}
	before := sum()
	ro, err := Open(ctx, f.path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	res, err := NewJournalService(ro).Verify(ctx)
	if err != nil || !res.OK || res.Count == 0 {
		t.Fatalf("verify read-only: %+v %v", res, err)
	}
	_, err = NewStaffService(ro).AddStaff(ctx, f.admin, ledger.NewStaff{Username: "zhao", Name: "赵柜员", Role: ledger.RoleClerk, Password: testPassword})
	if err == nil {
		t.Fatal("a write through a read-only database succeeded")
	}
	if ro.Engine() == "postgres" {
		if _, err := ro.SQL().Exec("INSERT INTO meta(key, value) VALUES ('probe', '\\x00')"); err == nil {
			t.Fatal("a raw write through a read-only PostgreSQL pool succeeded")
		}
	}
	ro.Close()
	if sum() != before {
		t.Error("read-only use changed the database")
	}
}

// A newer database in rollback-journal mode (not WAL) is refused byte for
// byte untouched: journal_mode=WAL would rewrite its header (bytes 18-19)
// if the version were checked after the pragmas.
func TestNewerNonWALDatabaseByteIdentical(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "future.db")
		db := rawDB(t, path)
		for _, q := range []string{"PRAGMA journal_mode=DELETE", "CREATE TABLE t(x)", "INSERT INTO t VALUES (1)", "PRAGMA user_version = 999"} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		before, _ := os.ReadFile(path)
		if before[18] != 1 || before[19] != 1 {
			t.Fatalf("fixture is not in rollback mode: header %v", before[18:20])
		}
		_, err := Open(context.Background(), path, Options{ReadOnly: readOnly})
		if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "请升级程序") {
			t.Fatalf("readOnly=%v: open newer db: %v", readOnly, err)
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(before, after) {
			t.Errorf("readOnly=%v: refused database was modified (header bytes 18-19 %v → %v)", readOnly, before[18:20], after[18:20])
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			t.Errorf("readOnly=%v: refused database got a -wal file", readOnly)
		}
	}
}
