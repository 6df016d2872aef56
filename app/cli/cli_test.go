package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"servicedesk/app/instance"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// demoDB seeds a demo database file and returns its path.
func demoDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := openDB(context.Background(), path, "", nil)
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

// TestDemoCommandRelativePath: `servicedesk demo --db desk.db` in the
// current folder works (it failed on the old code: the demo PA's music
// folder was stored as "." and refused as not a full path, after the
// database had been written).
func TestDemoCommandRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, errs := runCLI("demo", "--db", "desk.db")
	if code != exitOK {
		t.Fatalf("demo --db desk.db: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCLI("verify", "--db", "desk.db"); code != exitOK {
		t.Fatalf("verify: %d %q", code, out)
	}
	db, err := sqlstore.Open(context.Background(), filepath.Join(dir, "desk.db"), sqlstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	set, _ := sqlstore.NewSettingsService(db).Settings(context.Background())
	if want := "file:" + filepath.Join(dir, "desk-receipts.bin"); set.Devices.Printer.Name != want {
		t.Fatalf("demo printer = %q, want %q", set.Devices.Printer.Name, want)
	}
}

func TestDemoCommandWritesDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "training", "desk.db")
	code, out, errs := runCLI("demo", "--db", path)
	if code != exitOK || !strings.Contains(out, "demo1234") {
		t.Fatalf("demo: %d %q %q", code, out, errs)
	}
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	staff, err := sqlstore.NewStaffService(db).ListStaff(context.Background())
	if err != nil || len(staff) != 3 {
		t.Fatalf("demo staff = %v, %v", staff, err)
	}
	open, n, err := sqlstore.NewLendingService(db).OpenLoans(context.Background(), "", 0, 100)
	if err != nil || n == 0 || len(open) != n {
		t.Fatalf("demo open loans = %d, %v", n, err)
	}
	set, _ := sqlstore.NewSettingsService(db).Settings(context.Background())
	if !strings.HasSuffix(set.Devices.Printer.Name, "desk-receipts.bin") {
		t.Fatalf("demo printer = %q", set.Devices.Printer.Name)
	}
	db.Close()
	// The personal-data keys are in their own 0600 file beside the
	// database, and the demo people open with them, masked by default.
	keys := filepath.Join(filepath.Dir(path), "desk.keys")
	if st, err := os.Stat(keys); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("demo keys file: %v %v", st, err)
	}
	db, err = sqlstore.Open(context.Background(), path, sqlstore.Options{KeysPath: keys})
	if err != nil {
		t.Fatal(err)
	}
	pd := sqlstore.NewPersonalService(db)
	people, n, err := pd.Records(context.Background(), 0, 10)
	// Four demo people plus the two point-card members (demo_cards.go).
	if !pd.KeyStatus(context.Background()).Ready || err != nil || n != 6 || people[len(people)-1].Masked("name") != "张*" {
		t.Fatalf("demo people: %v %d %v %+v", people, n, err, pd.KeyStatus(context.Background()))
	}
	db.Close()
	if code, out, _ := runCLI("verify", "--db", path); code != exitOK {
		t.Fatalf("verify demo: %d %q", code, out)
	}
	// Never overwrites a file.
	before, _ := os.ReadFile(path)
	if code, _, errs := runCLI("demo", "--db", path); code != exitFailure || !strings.Contains(errs, "已存在") {
		t.Fatalf("demo over an existing file: %d %q", code, errs)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("existing file changed")
	}
	if code, _, _ := runCLI("demo"); code != exitUsage {
		t.Fatalf("demo without --db: %d", code)
	}
}

// TestMainEmbedsTimeZoneData: the servicedesk binary links time/tzdata, so
// the counter's zone loads on a PC with no zone database (Windows without Go).
func TestMainEmbedsTimeZoneData(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	cmd := exec.Command(goTool, "list", "-deps", ".")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps .: %v", err)
	}
	if !strings.Contains("\n"+string(out), "\ntime/tzdata\n") {
		t.Fatalf("go list -deps . does not include time/tzdata")
	}
}

// TestNoToolkitNoiseOnPOSIXLocale runs this test binary again as the
// command line (help and verify) under C.UTF-8 and an empty locale, and
// checks that stderr carries nothing from the GUI toolkit's start-up.
func TestNoToolkitNoiseOnPOSIXLocale(t *testing.T) {
	if args := os.Getenv("SD_CLI_CHILD"); args != "" {
		os.Exit(Run(strings.Fields(args), os.Stdout, os.Stderr))
	}
	path := demoDB(t)
	for _, locale := range [][]string{{"LANG=C.UTF-8"}, {"LC_ALL=C.UTF-8"}, {"LANG=C"}, {}} {
		for _, args := range []string{"help", "verify --db " + path} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestNoToolkitNoiseOnPOSIXLocale$")
			env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "SD_CLI_CHILD=" + args}
			cmd.Env = append(env, locale...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v %s: %v\n%s", locale, args, err, stderr.String())
			}
			if stderr.Len() != 0 || strings.Contains(stdout.String(), "Fyne") {
				t.Errorf("%v %s printed noise:\n%s%s", locale, args, stderr.String(), stdout.String())
			}
			if stdout.Len() == 0 {
				t.Errorf("%v %s printed nothing", locale, args)
			}
		}
	}
}

// TestSecondCounterOnOneDatabaseRefused: while one counter holds the
// database, starting the GUI on it again is refused before anything is
// opened, with the holder's host and PID, on stderr and in a window.
// (Fails on the old code: the second instance started and printed every
// receipt a second time.)
func TestSecondCounterOnOneDatabaseRefused(t *testing.T) {
	path := demoDB(t)
	held, err := instance.Acquire(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	var out, errb bytes.Buffer
	var alerted string
	e := env{stdout: &out, stderr: &errb, alert: func(_, msg string, _ bool) { alerted = msg }}
	code := e.gui([]string{"--db", path})
	want := fmt.Sprintf("进程号 %d", os.Getpid())
	if code != exitFailure || !strings.Contains(errb.String(), want) || !strings.Contains(alerted, want) || !strings.Contains(alerted, "只能打开一个服务台窗口") {
		t.Fatalf("second instance: code %d, stderr %q, window %q", code, errb.String(), alerted)
	}
}

// TestVerifyAnchorFromDayClosePDF: the day-close PDF prints the journal
// head beside the signatures; verify --anchor with it passes on the same
// database and fails (exit 1) on one whose chain was rebuilt or cut short
// after the paper was printed; a malformed anchor is a usage error.
// Fails on the old code (no anchor printed, no --anchor flag).
func TestVerifyAnchorFromDayClosePDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	db := seedClosedDB(t)
	pdf := filepath.Join(t.TempDir(), "day.pdf")
	if code, _, errs := runCLI("report", "--date", "2026-11-23", "--out", pdf, "--db", db); code != exitOK {
		t.Fatalf("report: %d %q", code, errs)
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`流水账链头：\s*(\d+:[0-9a-f]{16})`).FindSubmatch(text)
	if m == nil {
		t.Fatalf("no journal head on the PDF:\n%s", text)
	}
	anchor := string(m[1])
	// The head is the day.close entry.
	d, err := sqlstore.Open(context.Background(), db, sqlstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	es, _ := sqlstore.NewJournalService(d).Entries(context.Background(), 0, 10000)
	d.Close()
	var closeEntry string
	for _, e := range es {
		if e.Kind == "day.close" {
			closeEntry = fmt.Sprintf("%d:%s", e.Seq, e.Hash[:16])
			break
		}
	}
	if anchor != closeEntry {
		t.Fatalf("anchor %s, day.close entry %s", anchor, closeEntry)
	}
	code, out, _ := runCLI("verify", "--db", db, "--anchor", anchor)
	if code != exitOK || !strings.Contains(out, "ANCHOR OK "+anchor) {
		t.Fatalf("verify --anchor on the same database: %d %q", code, out)
	}
	seq, _, _ := strings.Cut(anchor, ":")
	for name, a := range map[string]string{
		"other hash":       seq + ":0123456789abcdef",
		"beyond the end":   "99999:" + strings.Repeat("a", 16),
		"uppercase, short": strings.ToUpper(anchor[:len(seq)+9]),
	} {
		code, out, _ := runCLI("verify", "--db", db, "--anchor", a)
		want := exitFailure
		if name == "uppercase, short" {
			want = exitOK
		}
		if code != want {
			t.Fatalf("%s (%s): %d %q", name, a, code, out)
		}
	}
	for _, bad := range []string{"12", "x:0123456789abcdef", "12:0123", "12:zzzzzzzzzzzzzzzz"} {
		if code, _, errs := runCLI("verify", "--db", db, "--anchor", bad); code != exitUsage || !strings.Contains(errs, "链头格式不正确") {
			t.Fatalf("malformed anchor %q: %d %q", bad, code, errs)
		}
	}
	// Someone with write access rebuilds the whole chain after the close
	// (every hash recomputed, so the chain alone verifies): only the paper
	// anchor shows it.
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	rebuildChain(t, raw)
	raw.Close()
	if code, out, _ := runCLI("verify", "--db", db); code != exitOK {
		t.Fatalf("rebuilt chain without anchor: %d %q", code, out)
	}
	if code, out, _ := runCLI("verify", "--db", db, "--anchor", anchor); code != exitFailure || !strings.Contains(out, "ANCHOR MISMATCH") {
		t.Fatalf("rebuilt chain with the paper anchor: %d %q", code, out)
	}
}

// rebuildChain rewrites who logged in first (an entry no state row
// derives from) and recomputes every later hash and the chain head, as a
// forger with write access would.
func rebuildChain(t *testing.T, raw *sql.DB) {
	t.Helper()
	var triggers []string
	rows, _ := raw.Query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND (tbl_name = 'journal' OR tbl_name = 'journal_head')")
	for rows.Next() {
		var n string
		rows.Scan(&n)
		triggers = append(triggers, n)
	}
	rows.Close()
	for _, n := range triggers {
		if _, err := raw.Exec("DROP TRIGGER " + n); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := raw.Query("SELECT seq, at, staff_id, kind, data, reverses FROM journal ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	var es []ledger.Entry
	var ats []string
	for rows.Next() {
		var e ledger.Entry
		var at, data string
		rows.Scan(&e.Seq, &at, &e.StaffID, &e.Kind, &data, &e.Reverses)
		e.Data = []byte(data)
		es = append(es, e)
		ats = append(ats, at)
	}
	rows.Close()
	prev, forged := ledger.GenesisHash, false
	for i, e := range es {
		e.At, _ = time.Parse(time.RFC3339Nano, ats[i])
		if e.Kind == "auth.login" && !forged {
			e.Data, e.StaffID, forged = []byte(`{"staff_id":2}`), 2, true
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		if _, err := raw.Exec("UPDATE journal SET staff_id = ?, data = ?, prev_hash = ?, hash = ? WHERE seq = ?", e.StaffID, string(e.Data), e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	if !forged {
		t.Fatal("no login entry to forge")
	}
	raw.Exec("UPDATE journal_head SET last_hash = ? WHERE id = 1", prev)
}
