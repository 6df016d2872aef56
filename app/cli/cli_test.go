package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger/sqlstore"
)

// demoDB seeds a demo database file and returns its path.
func demoDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := openDB(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(context.Background(), db, time.Now); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return path
}

func TestVerifyCommand(t *testing.T) {
	path := demoDB(t)
	code, out, errs := runCLI("verify", "--db", path)
	if code != exitOK || !strings.HasPrefix(out, "OK ") || !strings.Contains(out, "last hash") {
		t.Fatalf("verify clean db: %d %q %q", code, out, errs)
	}
	// Flip one byte of entry 7 with the guard triggers dropped.
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("DROP TRIGGER journal_no_update"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("UPDATE journal SET data = replace(data, '\"', '''') WHERE seq = 7"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, _ = runCLI("verify", "--db", path)
	if code != exitFailure || !strings.Contains(out, "BROKEN at seq 7:") {
		t.Fatalf("verify tampered db: %d %q", code, out)
	}
}

func TestCLIUsageAndHelp(t *testing.T) {
	if code, out, _ := runCLI("help"); code != exitOK || !strings.Contains(out, "servicedesk verify") {
		t.Fatalf("help: %d %q", code, out)
	}
	if code, _, errs := runCLI("frobnicate"); code != exitUsage || !strings.Contains(errs, "frobnicate") {
		t.Fatalf("unknown command: %d %q", code, errs)
	}
	if code, _, _ := runCLI("verify", "--nope"); code != exitUsage {
		t.Fatalf("bad flag: %d", code)
	}
	if code, _, errs := runCLI("verify", "--db", filepath.Join(t.TempDir(), "missing.db")); code != exitInternal || !strings.Contains(errs, "数据库不存在") {
		t.Fatalf("missing db: %d %q", code, errs)
	}
	if code, out, _ := runCLI("--version"); code != exitOK || !strings.HasPrefix(out, "servicedesk ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestNewerDatabaseRefusedByCLI(t *testing.T) {
	path := demoDB(t)
	db, _ := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	db.SQL().Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlstore.SchemaVersion()+1))
	db.Close()
	code, _, errs := runCLI("verify", "--db", path)
	if code != exitFailure || !strings.Contains(errs, "请升级程序") {
		t.Fatalf("newer db: %d %q", code, errs)
	}
}
