package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// The two engines' migrations have the same numbers and names.
func TestMigrationListsMatch(t *testing.T) {
	names := func(fsys fs.FS) []string {
		ms, err := loadMigrations(fsys)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	lite, pg := names(sqliteDialect{}.Migrations()), names(postgresDialect{}.Migrations())
	if strings.Join(lite, ",") != strings.Join(pg, ",") {
		t.Fatalf("migration lists differ:\nsqlite   %v\npostgres %v", lite, pg)
	}
	if len(lite) != SchemaVersion() || len(lite) < 4 {
		t.Fatalf("SchemaVersion %d, files %d", SchemaVersion(), len(lite))
	}
}

// tableColumns lists table -> columns of a migrated database.
func tableColumns(t *testing.T, db *DB) map[string]string {
	t.Helper()
	q := `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`
	if db.Engine() == "sqlite" {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`
	}
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := map[string][]string{}
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		cols[tbl] = append(cols[tbl], col)
	}
	out := map[string]string{}
	for k, v := range cols {
		sort.Strings(v)
		out[k] = strings.Join(v, ",")
	}
	return out
}

// Both engines end with the same tables and columns.
func TestSchemasMatch(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	pg, err := Open(ctx, testAddr(t, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	lite, err := Open(ctx, t.TempDir()+"/lite.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	a, b := tableColumns(t, lite), tableColumns(t, pg)
	if len(a) < 8 {
		t.Fatalf("only %d tables: %v", len(a), a)
	}
	for tbl, cols := range a {
		if b[tbl] != cols {
			t.Errorf("table %s:\nsqlite   %s\npostgres %s", tbl, cols, b[tbl])
		}
	}
	for tbl := range b {
		if _, ok := a[tbl]; !ok {
			t.Errorf("table %s only on postgres", tbl)
		}
	}
}

// Driver errors are classified by code on both engines.
func TestClassify(t *testing.T) {
	f := newLendFixture(t)
	d := f.db
	// (A duplicate staff row is refused by the no-replace trigger first on
	// SQLite: immutable. meta has no such trigger.)
	_, err := d.db.Exec("INSERT INTO meta(key, value) VALUES ('token_key', ?)", []byte{0})
	if c := d.Classify(err); c != ErrConflict {
		t.Errorf("duplicate key: %v is %v, want conflict", err, c)
	}
	_, err = d.db.Exec("INSERT INTO loans(kind, item_id, receipt_no, lent_at, lent_by, deposit, lend_seq) VALUES ('umbrella', 999, 'x', 'x', 1, 0, 1)")
	if c := d.Classify(err); c != ErrForeignKey {
		t.Errorf("unknown item: %v is %v, want foreign-key", err, c)
	}
	for _, q := range []string{"UPDATE journal SET kind = 'x' WHERE seq = 1", "DELETE FROM journal WHERE seq = 1", "DELETE FROM journal_head"} {
		_, err = d.db.Exec(q)
		if c := d.Classify(err); c != ErrImmutable {
			t.Errorf("%s: %v is %v, want immutable", q, err, c)
		}
	}
	if c := d.Classify(errors.New("plain")); c != ErrOther {
		t.Errorf("plain error is %v", c)
	}
	if c := d.Classify(nil); c != ErrOther {
		t.Errorf("nil is %v", c)
	}
	if err := retryErr(t, d); d.Classify(err) != ErrRetry {
		t.Errorf("lock wait: %v is %v, want retry", err, d.Classify(err))
	}
}

// retryErr returns a real Retry-class error from the engine: a second
// writer that may not wait while another connection holds the write lock
// (SQLite: BEGIN IMMEDIATE with no busy timeout; PostgreSQL: the journal
// head row with lock_timeout).
func retryErr(t *testing.T, d *DB) error {
	t.Helper()
	ctx := context.Background()
	holder, err := d.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if d.Engine() == "sqlite" {
		if _, err := holder.Exec("UPDATE journal_head SET last_seq = last_seq WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		other, err := sql.Open("sqlite3", "file:"+url.PathEscape(d.path)+"?_txlock=immediate&_busy_timeout=0")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		_, err = other.BeginTx(ctx, nil)
		return err
	}
	if _, err := holder.Exec("SELECT 1 FROM journal_head WHERE id = 1 FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	other, err := d.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if _, err := other.Exec("SET LOCAL lock_timeout = '50ms'"); err != nil {
		t.Fatal(err)
	}
	_, err = other.Exec("SELECT 1 FROM journal_head WHERE id = 1 FOR UPDATE")
	return err
}

// A Retry-class failure reruns the whole transaction (bounded); other
// errors do not.
func TestInTxRetries(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	busy := retryErr(t, f.db)
	if f.db.Classify(busy) != ErrRetry {
		t.Fatalf("not a retry error: %v", busy)
	}
	before, _ := f.journal.Verify(ctx)
	attempts := 0
	err := f.db.inTx(ctx, func(tx *tx) error {
		attempts++
		if _, err := tx.append(f.clerk.ID, "test.note", attempts, 0); err != nil {
			return err
		}
		if attempts < 3 {
			return internal("step", busy)
		}
		return nil
	})
	if err != nil || attempts != 3 {
		t.Fatalf("retried: %d attempts, %v", attempts, err)
	}
	after, _ := f.journal.Verify(ctx)
	if !after.OK || after.Count != before.Count+1 {
		t.Fatalf("after retries: %+v (before %+v): want exactly one new entry", after, before)
	}
	attempts = 0
	err = f.db.inTx(ctx, func(*tx) error { attempts++; return internal("step", busy) })
	if attempts != maxTxAttempts || ledger.ErrorCode(err) != ledger.ECONFLICT || !errors.Is(err, busy) {
		t.Fatalf("persistent busy: %d attempts, %v", attempts, err)
	}
	attempts = 0
	_ = f.db.inTx(ctx, func(*tx) error { attempts++; return ledger.Errorf(ledger.EINVALID, "bad") })
	if attempts != 1 {
		t.Fatalf("domain error retried %d times", attempts)
	}
}

func TestRedactAddr(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/sd/servicedesk.db":                                  "/var/lib/sd/servicedesk.db",
		"postgres://desk:s3cret@db.mall:5432/ledger":                  "postgres://desk@db.mall:5432/ledger",
		"postgresql://desk@db/ledger?password=s3cret&sslmode=require": "postgresql://desk@db/ledger?password=xxxxx&sslmode=require",
		"postgres://db/ledger?sslkey=/k&sslmode=verify-full":          "postgres://db/ledger?sslkey=xxxxx&sslmode=verify-full",
	} {
		if got := RedactAddr(in); got != want {
			t.Errorf("RedactAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// The password reaches pgx from a .pgpass file; a password given in the
// address never reaches the log, the error or Addr.
func TestPostgresPasswordNeverLogged(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	addr := testAddr(t, "")
	// The harness's DSN has no password: Open works only through PGPASSFILE.
	if strings.Contains(addr, ":"+"@") || mustURL(t, addr).User.String() != "postgres" {
		t.Fatalf("test DSN carries a password: %s", RedactAddr(addr))
	}
	raw, err := os.ReadFile(os.Getenv("PGPASSFILE"))
	if err != nil {
		t.Skipf("no PGPASSFILE to read the password from: %v", err)
	}
	fields := strings.Split(strings.TrimSpace(string(raw)), ":")
	password := fields[len(fields)-1]
	u := mustURL(t, addr)
	u.User = url.UserPassword("postgres", password)
	var log bytes.Buffer
	db, err := Open(ctx, u.String(), Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(db.Addr(), password) || strings.Contains(log.String(), password) || !strings.Contains(log.String(), "engine=postgres") {
		t.Fatalf("password leaked or nothing logged: addr %s log %s", db.Addr(), log.String())
	}
	db.Close()
	u.User = url.UserPassword("postgres", "wrong-"+password)
	_, err = Open(ctx, u.String(), Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err == nil || strings.Contains(err.Error(), password) || strings.Contains(log.String(), password) {
		t.Fatalf("wrong password: %v", err)
	}
}
