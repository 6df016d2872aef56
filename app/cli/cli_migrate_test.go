package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"servicedesk/app/paths"
	"servicedesk/ledger/sqlstore"
	"servicedesk/ledger/sqlstore/pgtest"
)

// seedKeyedDB writes the demo counter (with personal data: its keys file
// is beside the database, as the app keeps it) and returns its path.
func seedKeyedDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "servicedesk.db")
	now := func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }
	db, err := sqlstore.Open(ctx, path, sqlstore.Options{Now: now, KeysPath: keysPathFor(path)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := seedDemo(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	if !sqlstore.NewPersonalService(db).KeyStatus(ctx).Ready {
		t.Fatal("demo database without personal-data keys")
	}
	return path
}

var verifyOK = regexp.MustCompile(`OK (\d+) entries, last hash ([0-9a-f]{64})`)

// migrate copies a desk's SQLite file into an empty PostgreSQL database:
// verify passes on both sides with the same head (nothing re-chained), the
// keys file comes along so personal data stays readable, and a second run,
// a keys file that differs or a wrong address change nothing.
func TestMigrateToPostgres(t *testing.T) {
	role, password := pgtest.NewRole(t)
	addr := pgtest.NewDatabase(t)
	data := filepath.Join(t.TempDir(), "data")
	t.Setenv(paths.EnvOverride, data)
	path := seedKeyedDB(t)

	code, out, errs := runCLI("verify", "--db", path)
	m := verifyOK.FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("verify source: %d %q %q", code, out, errs)
	}
	if code, _, errs := runCLI("migrate", "--from", addr, "--to", path); code != exitUsage || !strings.Contains(errs, "用法") {
		t.Fatalf("swapped addresses: %d %q", code, errs)
	}
	if code, _, _ := runCLI("migrate", "--from", path); code != exitUsage {
		t.Fatalf("no --to: %d", code)
	}

	// The owner prepares the database and the desks' role first.
	if code, out, errs := runCLI("migrate", "--to", addr, "--grant", "postgres"); code != exitFailure || !strings.Contains(errs, "超级用户") {
		t.Fatalf("superuser as the desks' role: %d %q %q", code, out, errs)
	}
	if code, out, errs := runCLI("migrate", "--to", addr, "--grant", role); code != exitOK ||
		!strings.Contains(out, "schema up to date") || !strings.Contains(out, `REVOKE UPDATE ON "journal" FROM `+role) {
		t.Fatalf("prepare: %d %q %q", code, out, errs)
	}

	code, out, errs = runCLI("migrate", "--from", path, "--to", addr)
	if code != exitOK || strings.Count(out, "verify OK "+m[1]+" entries, last hash "+m[2]) != 2 ||
		!strings.Contains(out, "--desk A") || !strings.Contains(out, "个人信息密钥文件已复制") {
		t.Fatalf("migrate: %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out+errs, "password") {
		t.Fatalf("migrate printed a password: %q", out+errs)
	}
	code, out2, errs := runCLI("verify", "--db", addr)
	if code != exitOK || !strings.Contains(out2, "OK "+m[1]+" entries, last hash "+m[2]) {
		t.Fatalf("verify target: %d %q %q", code, out2, errs)
	}
	// A desk connecting as the role reads the copied history (its rights
	// were granted before the rows came).
	asDesk := pgtest.WithUser(t, addr, role, password)
	if code, out, errs := runCLI("verify", "--db", asDesk); code != exitOK || !strings.Contains(out, "OK "+m[1]+" entries") || strings.Contains(out+errs, password) {
		t.Fatalf("verify as the desks' role: %d %q %q", code, out, errs)
	}
	want, _ := os.ReadFile(keysPathFor(path))
	got, err := os.ReadFile(filepath.Join(data, "servicedesk.keys"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("keys file on the shared side: %v", err)
	}
	ctx := context.Background()
	dst, err := sqlstore.Open(ctx, addr, sqlstore.Options{KeysPath: keysPathFor(addr)})
	if err != nil {
		t.Fatal(err)
	}
	people, err := sqlstore.NewPersonalService(dst).KeyStatus(ctx), error(nil)
	dst.Close()
	if !people.Ready || err != nil {
		t.Fatalf("personal data on the shared database: %+v", people)
	}

	// Again: the target has a chain of its own now.
	code, _, errs = runCLI("migrate", "--from", path, "--to", addr)
	if code != exitFailure || !strings.Contains(errs, "不是空的") {
		t.Fatalf("second migrate: %d %q", code, errs)
	}
	if _, out3, _ := runCLI("verify", "--db", addr); out3 != out2 {
		t.Fatalf("refused migrate changed the target:\n%s\n%s", out2, out3)
	}

	// A different keys file where the shared database's goes: refused
	// before anything is copied.
	other := pgtest.NewDatabase(t)
	wrong := filepath.Join(t.TempDir(), "other.keys")
	if err := os.WriteFile(wrong, []byte("not these keys\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI("migrate", "--from", path, "--to", other, "--keys-to", wrong)
	if code != exitFailure || !strings.Contains(errs, "另一个个人信息密钥文件") {
		t.Fatalf("conflicting keys: %d %q", code, errs)
	}
	if code, _, errs := runCLI("verify", "--db", other); code != exitFailure || !strings.Contains(errs, "数据库为空") {
		t.Fatalf("refused migrate wrote to the target: %d %q", code, errs)
	}
}
