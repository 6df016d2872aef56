package sqlstore

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"servicedesk/ledger"
)

// The crash loop (issue 19): a child process (this test binary re-executed
// as TestCrashChild) performs random desk operations through the services
// and prints each one after its commit; the parent kills it with SIGKILL
// at a random moment, reopens the database and checks that every reported
// operation is there, nothing is half-done and the books add up. Short in
// the suite; SERVICEDESK_CRASH_CYCLES=N runs N cycles and prints figures.

const (
	envCrashChild  = "SERVICEDESK_CRASH_CHILD"
	envCrashSeed   = "SERVICEDESK_CRASH_SEED"
	envCrashCycles = "SERVICEDESK_CRASH_CYCLES"
)

// crashOp is one operation the child reported committed.
type crashOp struct {
	kind   string // lend, return, damaged, lost, void, close, repair
	loanID int64
	no     string // receipt, return or close number
}

func parseCrashOp(line string) (crashOp, bool) {
	f := strings.Fields(line)
	if len(f) != 4 || f[0] != "OP" {
		return crashOp{}, false
	}
	id, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return crashOp{}, false
	}
	return crashOp{kind: f[1], loanID: id, no: f[3]}, true
}

// TestCrashLoop kills a child doing desk work at random moments, many times,
// and checks the database after every restart. Both engines.
func TestCrashLoop(t *testing.T) {
	cycles := 6
	if onPostgres() {
		cycles = 4
	}
	long := false
	if v := os.Getenv(envCrashCycles); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of cycles", envCrashCycles, v)
		}
		cycles, long = n, true
	}
	ctx := context.Background()
	addr := testAddr(t, "crash.db")
	f := newFixtureAt(t, addr)
	lend := NewLendingService(f.db)
	if err := lend.AddItems(ctx, f.admin, ledger.KindUmbrella, []string{"U-001", "U-002", "U-003", "U-004", "U-005", "U-006", "U-007", "U-008"}); err != nil {
		t.Fatal(err)
	}
	if err := lend.AddItems(ctx, f.admin, ledger.KindStroller, []string{"S-01", "S-02", "S-03"}); err != nil {
		t.Fatal(err)
	}
	f.db.Close()

	start := time.Now()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	var reported []crashOp
	killedMidOpen, killed := 0, 0
	// At least the cycles asked for, and (up to three times as many cycles on
	// a slow machine) until the children reported some work.
	cycle := 0
	for ; cycle < cycles || (len(reported) < 10*cycles/6+2 && cycle < 3*cycles); cycle++ {
		ops, midOpen, wasKilled := runCrashChild(t, addr, rng)
		reported = append(reported, ops...)
		if midOpen {
			killedMidOpen++
		}
		if wasKilled {
			killed++
		}
		checkAfterCrash(t, addr, reported)
		if t.Failed() {
			t.Fatalf("cycle %d failed (%d operations reported so far)", cycle+1, len(reported))
		}
	}
	counts := map[string]int{}
	for _, op := range reported {
		counts[op.kind]++
	}
	msg := fmt.Sprintf("crash loop (%s): %d cycles, %d SIGKILLs (%d before the child was ready), %d acknowledged operations %v, none lost, %.1f minutes",
		testEngine(), cycle, killed, killedMidOpen, len(reported), counts, time.Since(start).Minutes())
	t.Log(msg)
	if long {
		fmt.Println(msg)
	}
	if len(reported) == 0 {
		t.Fatal("the child never reported an operation: the loop tested nothing")
	}
}

// runCrashChild starts one child on addr, kills it at a random moment and
// returns what it reported committed.
func runCrashChild(t *testing.T, addr string, rng *rand.Rand) (ops []crashOp, midOpen, killed bool) {
	t.Helper()
	return runCrashChildThen(t, addr, rng, nil)
}

// runCrashChildThen is runCrashChild calling atKill right after the
// SIGKILL is sent (the power-loss test takes its disk image there).
func runCrashChildThen(t *testing.T, addr string, rng *rand.Rand, atKill func()) (ops []crashOp, midOpen, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashChild+"="+addr, envCrashSeed+"="+strconv.FormatInt(rng.Int63(), 10))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ready := make(chan struct{})
	done := make(chan struct{})
	var childErr string
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			if op, ok := parseCrashOp(line); ok {
				ops = append(ops, op)
			} else if strings.HasPrefix(line, "ERR ") {
				childErr = line
			}
			mu.Unlock()
			if line == "READY" {
				once.Do(func() { close(ready) })
			}
		}
	}()
	// One cycle in five is killed while it opens the database; the others
	// after a random stretch of work.
	if rng.Intn(5) == 0 {
		midOpen = true
		time.Sleep(time.Duration(rng.Intn(300)) * time.Millisecond)
	} else {
		select {
		case <-ready:
		case <-done:
		case <-time.After(2 * time.Minute):
			t.Errorf("child never became ready")
		}
		time.Sleep(time.Duration(100+rng.Intn(2000)) * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
		killed = true
	}
	if atKill != nil {
		atKill()
	}
	<-done
	werr := cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	if childErr != "" {
		t.Errorf("child failed: %s\n%s", childErr, stderr.String())
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && !(ws.Signaled() && ws.Signal() == syscall.SIGKILL) && werr != nil {
		t.Errorf("child ended by itself: %v\n%s", werr, stderr.String())
	}
	return ops, midOpen, killed
}

// TestCrashChild is the child of TestCrashLoop (skipped on its own).
func TestCrashChild(t *testing.T) {
	addr := os.Getenv(envCrashChild)
	if addr == "" {
		t.Skip("helper process of TestCrashLoop")
	}
	seed, _ := strconv.ParseInt(os.Getenv(envCrashSeed), 10, 64)
	if err := crashChild(addr, seed); err != nil {
		fmt.Printf("ERR %v\n", err)
		os.Exit(3)
	}
}

// childClock is the child's clock: one second further at every reading,
// starting after the last journal entry, so runs never go back in time.
type childClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *childClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// nextDay moves the clock to 09:00 (Asia/Shanghai) of the next date.
func (c *childClock) nextDay() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Truncate(24 * time.Hour).Add(25 * time.Hour)
}

// crashChild works on addr until it is killed (or for a minute).
func crashChild(addr string, seed int64) error {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(seed))
	clk := &childClock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
	db, err := Open(ctx, addr, Options{Now: clk.Now})
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer db.Close()
	head, err := journalHead(ctx, db.db)
	if err != nil {
		return err
	}
	last, err := NewJournalService(db).Entries(ctx, head-1, 1)
	if err != nil || len(last) != 1 {
		return fmt.Errorf("last entry: %v", err)
	}
	clk.mu.Lock()
	clk.t = last[0].At
	clk.mu.Unlock()
	staffSvc, lend, days := NewStaffService(db), NewLendingService(db), NewDayCloseService(db)
	all, err := staffSvc.ListStaff(ctx)
	if err != nil {
		return err
	}
	var clerk ledger.Staff
	for _, s := range all {
		if s.Username == "li" {
			clerk = s
		}
	}
	set, err := NewSettingsService(db).Settings(ctx)
	if err != nil {
		return err
	}
	fmt.Println("READY")
	report := func(kind string, id int64, no string) { fmt.Printf("OP %s %d %s\n", kind, id, no) }
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		open, _, err := lend.OpenLoans(ctx, "", 0, maxPage)
		if err != nil {
			return fmt.Errorf("open loans: %w", err)
		}
		pickOpen := func() (ledger.Loan, bool) {
			if len(open) == 0 {
				return ledger.Loan{}, false
			}
			return open[rng.Intn(len(open))], true
		}
		switch r := rng.Intn(100); {
		case r < 40: // lend whatever is in
			kind := ledger.KindUmbrella
			if rng.Intn(4) == 0 {
				kind = ledger.KindStroller
			}
			items, err := lend.Items(ctx, kind)
			if err != nil {
				return err
			}
			var in []ledger.Item
			for _, it := range items {
				if it.Status == ledger.ItemIn {
					in = append(in, it)
				}
			}
			if len(in) == 0 {
				continue
			}
			l, err := lend.Lend(ctx, clerk, ledger.LendRequest{Kind: kind, ItemNumber: in[rng.Intn(len(in))].Number})
			if err != nil {
				return fmt.Errorf("lend: %w", err)
			}
			report("lend", l.ID, l.ReceiptNo)
		case r < 60:
			if l, ok := pickOpen(); ok {
				l, err := lend.Return(ctx, clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
				if err != nil {
					return fmt.Errorf("return: %w", err)
				}
				report("return", l.ID, l.ReturnNo)
			}
		case r < 70:
			if l, ok := pickOpen(); ok {
				p := set.DamagePrices[rng.Intn(len(set.DamagePrices))]
				l, err := lend.Return(ctx, clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnDamaged, Damage: p.Name})
				if err != nil {
					return fmt.Errorf("damaged: %w", err)
				}
				report("damaged", l.ID, l.ReturnNo)
			}
		case r < 77:
			if l, ok := pickOpen(); ok {
				a, err := staffSvc.Approve(ctx, ledger.ForfeitApproval(clerk.ID, l), "wang", testPassword, "顾客未归还")
				if err != nil {
					return fmt.Errorf("approve forfeit: %w", err)
				}
				l, err := lend.Return(ctx, clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnLost, Approval: &a})
				if err != nil {
					return fmt.Errorf("lost: %w", err)
				}
				report("lost", l.ID, l.ReturnNo)
			}
		case r < 84:
			if l, ok := pickOpen(); ok {
				a, err := staffSvc.Approve(ctx, ledger.VoidApproval(clerk.ID, l), "wang", testPassword, "借错")
				if err != nil {
					return fmt.Errorf("approve void: %w", err)
				}
				l, err := lend.Void(ctx, clerk, l.ID, &a)
				if err != nil {
					return fmt.Errorf("void: %w", err)
				}
				report("void", l.ID, l.ReturnNo)
			}
		case r < 95: // repair damaged and found lost items
			for _, kind := range []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller} {
				items, err := lend.Items(ctx, kind)
				if err != nil {
					return err
				}
				for _, it := range items {
					if it.Status == ledger.ItemDamaged || it.Status == ledger.ItemLost {
						if err := lend.SetItemStatus(ctx, clerk, it.ID, ledger.ItemIn, "修好/找回", nil); err != nil {
							return fmt.Errorf("repair: %w", err)
						}
						report("repair", it.ID, it.Number)
						break
					}
				}
			}
		default: // close the day, then work on the next date
			chk, err := days.CloseCheck(ctx)
			if err != nil {
				return fmt.Errorf("close check: %w", err)
			}
			if chk.Day.ID == 0 {
				continue
			}
			a, err := staffSvc.Approve(ctx, ledger.DayCloseApproval(clerk.ID, chk.Day, chk.Expected(), chk.Expected()), "wang", testPassword, "日结")
			if err != nil {
				return fmt.Errorf("approve close: %w", err)
			}
			c, err := days.CloseDay(ctx, clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: &a})
			if err != nil {
				return fmt.Errorf("close: %w", err)
			}
			report("close", c.Day.ID, c.No)
			clk.nextDay()
		}
	}
	return nil
}

// checkAfterCrash opens addr as the restarted program would and checks the
// engine's own consistency, the journal, every reported operation and the
// money.
func checkAfterCrash(t *testing.T, addr string, reported []crashOp) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, addr, Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer db.Close()
	checkEngineIntegrity(t, db)
	if res, err := NewJournalService(db).Verify(ctx); err != nil || !res.OK {
		t.Fatalf("journal after kill: %+v %v", res, err)
	}
	lend, days := NewLendingService(db), NewDayCloseService(db)
	for _, op := range reported {
		switch op.kind {
		case "lend":
			l, err := lend.LoanByReceipt(ctx, op.no)
			if err != nil || l.ID != op.loanID {
				t.Errorf("reported lend %d %s lost: %+v %v", op.loanID, op.no, l, err)
			}
		case "return", "damaged", "lost", "void":
			l, err := lend.Loan(ctx, op.loanID)
			want := map[string]ledger.LoanStatus{"return": ledger.LoanReturned, "damaged": ledger.LoanDamaged, "lost": ledger.LoanLost, "void": ledger.LoanVoided}[op.kind]
			if err != nil || l.Status != want || l.ReturnNo != op.no {
				t.Errorf("reported %s of loan %d (%s) lost: %+v %v", op.kind, op.loanID, op.no, l, err)
			}
		case "close":
			c, err := days.Close(ctx, op.loanID)
			if err != nil || c.No != op.no {
				t.Errorf("reported close %s lost: %+v %v", op.no, c, err)
			}
		}
	}
	checkBooks(t, db)
}

// checkEngineIntegrity runs the engine's own checks: PRAGMA integrity_check
// and foreign_key_check on SQLite; on PostgreSQL amcheck over every B-tree
// index (when the server has the extension) and heap-vs-index counts.
func checkEngineIntegrity(t *testing.T, db *DB) {
	t.Helper()
	if db.Engine() != "postgres" {
		var res string
		if err := db.SQL().QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
			t.Fatalf("integrity_check: %q %v", res, err)
		}
		rows, err := db.SQL().Query("PRAGMA foreign_key_check")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if rows.Next() {
			t.Fatal("foreign_key_check found rows")
		}
		return
	}
	if _, err := db.SQL().Exec("CREATE EXTENSION IF NOT EXISTS amcheck"); err != nil {
		t.Logf("amcheck unavailable (%v): counting rows through indexes instead", err)
	} else {
		rows, err := db.SQL().Query(`SELECT c.relname, bt_index_check(c.oid, true) IS NULL FROM pg_index i
			JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE a.amname = 'btree' AND n.nspname = current_schema()`)
		if err != nil {
			t.Fatalf("amcheck: %v", err)
		}
		n := 0
		for rows.Next() {
			var name string
			var ok bool
			if err := rows.Scan(&name, &ok); err != nil {
				t.Fatalf("amcheck %s: %v", name, err)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("amcheck: %v", err)
		}
		rows.Close()
		if n == 0 {
			t.Fatal("amcheck checked no index")
		}
	}
	// The same rows through the primary key index and a sequential scan.
	for _, tbl := range []string{"loans", "items", "print_jobs", "business_days"} {
		var viaIndex, viaHeap int64
		tx, err := db.SQL().Begin()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = tx.Exec("SET LOCAL enable_seqscan = off")
		if err := tx.QueryRow("SELECT count(*) FROM " + tbl + " WHERE id > -1").Scan(&viaIndex); err != nil {
			t.Fatalf("%s via index: %v", tbl, err)
		}
		_, _ = tx.Exec("SET LOCAL enable_seqscan = on")
		_, _ = tx.Exec("SET LOCAL enable_indexscan = off")
		_, _ = tx.Exec("SET LOCAL enable_bitmapscan = off")
		if err := tx.QueryRow("SELECT count(*) FROM " + tbl).Scan(&viaHeap); err != nil {
			t.Fatalf("%s via heap: %v", tbl, err)
		}
		tx.Rollback()
		if viaIndex != viaHeap {
			t.Fatalf("%s: %d rows through the index, %d in the heap", tbl, viaIndex, viaHeap)
		}
	}
}

// checkBooks checks, from the state and the journal, that nothing is
// half-done: deposits held = open loans' deposits = the journal's sum; items
// out exactly when an open loan holds them; every receipt number of a date
// 1..n without gap or repeat, each with its print job.
func checkBooks(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	lend := NewLendingService(db)
	held, err := lend.DepositsHeld(ctx)
	if err != nil {
		t.Fatal(err)
	}
	open, total, err := lend.OpenLoans(ctx, "", 0, maxPage)
	if err != nil || total != len(open) {
		t.Fatalf("open loans %d/%d: %v", len(open), total, err)
	}
	var tableHeld ledger.Fen
	openByItem := map[int64]int{}
	for _, l := range open {
		tableHeld += l.Deposit
		openByItem[l.ItemID]++
	}
	entries, err := NewJournalService(db).Entries(ctx, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var journalHeld ledger.Fen
	numbers := map[string]int{}
	for _, e := range entries {
		var d struct {
			ReceiptNo string     `json:"receipt_no"`
			ReturnNo  string     `json:"return_no"`
			Deposit   ledger.Fen `json:"deposit"`
			Refund    ledger.Fen `json:"refund"`
			Charge    ledger.Fen `json:"charge"`
			Collected ledger.Fen `json:"collected"`
			Forfeit   ledger.Fen `json:"forfeit"`
		}
		_, verb, _ := strings.Cut(e.Kind, ".")
		if !strings.HasPrefix(e.Kind, "umbrella.") && !strings.HasPrefix(e.Kind, "stroller.") {
			continue
		}
		switch verb {
		case "lend":
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			journalHeld += d.Deposit
			numbers[d.ReceiptNo]++
		case "return", "void":
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			journalHeld -= d.Refund + d.Forfeit + (d.Charge - d.Collected)
			numbers[d.ReturnNo]++
		}
	}
	if held != tableHeld || journalHeld != tableHeld {
		t.Fatalf("deposits held: service %v, open loans %v, journal %v", held, tableHeld, journalHeld)
	}
	// Gapless per desk and date, and every receipt queued for the printer.
	maxByDate := map[string]int{}
	for no, n := range numbers {
		if n != 1 {
			t.Errorf("receipt number %s used %d times", no, n)
		}
		cut := strings.LastIndex(no, "-") // desk and date, then the number
		date, seq := no[:max(cut, 0)], no[cut+1:]
		k, err := strconv.Atoi(seq)
		if cut < 0 || err != nil {
			t.Fatalf("receipt number %q", no)
		}
		maxByDate[date] = max(maxByDate[date], k)
	}
	for date, m := range maxByDate {
		for i := 1; i <= m; i++ {
			if numbers[fmt.Sprintf("%s-%04d", date, i)] == 0 {
				t.Errorf("receipt number %s-%04d missing (the date goes to %d)", date, i, m)
			}
		}
	}
	jobs := map[string]bool{}
	rows, err := db.SQL().Query("SELECT receipt_no FROM print_jobs")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			t.Fatal(err)
		}
		jobs[no] = true
	}
	rows.Close()
	for no := range numbers {
		if !jobs[no] {
			t.Errorf("receipt %s has no print job", no)
		}
	}
	for _, kind := range []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller} {
		items, err := lend.Items(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if (it.Status == ledger.ItemOut) != (openByItem[it.ID] == 1) || openByItem[it.ID] > 1 {
				t.Errorf("item %s is %s with %d open loans", it.Number, it.Status, openByItem[it.ID])
			}
		}
	}
}
