package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/ledger"
)

// onePending lends an umbrella and returns its print job.
func onePending(t *testing.T, f *lendFixture) ledger.PrintJob {
	t.Helper()
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	jobs, err := f.queue.Pending(context.Background())
	if err != nil || len(jobs) != 1 {
		t.Fatalf("pending %v %v", jobs, err)
	}
	if jobs[0].State != ledger.PrintQueued || jobs[0].CutShort {
		t.Fatalf("new job %+v", jobs[0])
	}
	return jobs[0]
}

func TestPrintQueueBeginClaimsOnce(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	job := onePending(t, f)
	before := f.counts(t)
	got, err := f.queue.Begin(ctx, job.ID)
	if err != nil || got.State != ledger.PrintSending || got.ID != job.ID {
		t.Fatalf("begin: %+v %v", got, err)
	}
	if after := f.counts(t); after != before {
		t.Fatalf("Begin journaled: %v -> %v", before, after)
	}
	// A second claim of a job being sent is refused.
	_, err = f.queue.Begin(ctx, job.ID)
	wantCode(t, err, ledger.ECONFLICT)
	if p, _ := f.queue.Pending(ctx); len(p) != 1 || p[0].State != ledger.PrintSending {
		t.Fatalf("pending %+v", p)
	}
	if err := f.queue.MarkPrinted(ctx, job.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.queue.Begin(ctx, job.ID)
	wantCode(t, err, ledger.ECONFLICT)
	_, err = f.queue.Begin(ctx, 999)
	wantCode(t, err, ledger.ENOTFOUND)
	j, _ := f.queue.Job(ctx, job.ID)
	if j.State != ledger.PrintPrinted || j.PrintedAt.IsZero() {
		t.Fatalf("job %+v", j)
	}
}

// Two workers (two connections to one file) race for the same jobs: each
// job is claimed by exactly one.
func TestPrintQueueBeginRace(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	f.mustLend(t, ledger.KindStroller, "S-01", "")
	jobs, _ := f.queue.Pending(ctx)
	other, err := Open(ctx, f.path, Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	queues := []*PrintQueue{f.queue, NewPrintQueue(other)}
	var mu sync.Mutex
	claims := map[int64]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(q *PrintQueue) {
			defer wg.Done()
			for _, j := range jobs {
				_, err := q.Begin(ctx, j.ID)
				if err == nil {
					mu.Lock()
					claims[j.ID]++
					mu.Unlock()
				} else if ledger.ErrorCode(err) != ledger.ECONFLICT {
					t.Errorf("begin %d: %v", j.ID, err)
				}
			}
		}(queues[w%2])
	}
	wg.Wait()
	for _, j := range jobs {
		if claims[j.ID] != 1 {
			t.Fatalf("job %d claimed %d times", j.ID, claims[j.ID])
		}
	}
}

func TestPrintQueueAttemptHistory(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	job := onePending(t, f)

	// 1: refused (nothing sent): counted, not journaled, no mark later.
	f.queue.Begin(ctx, job.ID)
	f.clock.Add(time.Second)
	before := f.counts(t)
	if err := f.queue.MarkFailed(ctx, job.ID, ledger.PrintFailure{Reason: "缺纸", Total: 355}); err != nil {
		t.Fatal(err)
	}
	if after := f.counts(t); after != before {
		t.Fatalf("a refused attempt was journaled: %v -> %v", before, after)
	}
	j, _ := f.queue.Job(ctx, job.ID)
	if j.State != ledger.PrintFailed || j.CutShort || j.Attempts != 1 || j.LastError != "缺纸" {
		t.Fatalf("after refusal %+v", j)
	}

	// 2: cut short after 200 bytes (cable pulled): journaled, the job is
	// marked cut short.
	if j, err := f.queue.Begin(ctx, job.ID); err != nil || j.CutShort {
		t.Fatalf("second begin %+v %v", j, err)
	}
	f.clock.Add(2 * time.Second)
	if err := f.queue.MarkFailed(ctx, job.ID, ledger.PrintFailure{Reason: "未连接", Sent: 200, Total: 355}); err != nil {
		t.Fatal(err)
	}
	e := f.lastEntry(t)
	if e.Kind != "print.incomplete" || !strings.Contains(string(e.Data), `"sent":200`) || !strings.Contains(string(e.Data), `"attempt":2`) ||
		!strings.Contains(string(e.Data), `"receipt_no":"`+job.ReceiptNo+`"`) {
		t.Fatalf("entry %s %s", e.Kind, e.Data)
	}

	// 3: the resend is claimed with CutShort (the worker marks the copy)
	// and printed.
	j, err := f.queue.Begin(ctx, job.ID)
	if err != nil || !j.CutShort {
		t.Fatalf("third begin %+v %v", j, err)
	}
	f.clock.Add(time.Second)
	if err := f.queue.MarkPrinted(ctx, job.ID); err != nil {
		t.Fatal(err)
	}
	e = f.lastEntry(t)
	if e.Kind != "print.printed" || !strings.Contains(string(e.Data), `"marked":true`) || !strings.Contains(string(e.Data), `"attempt":3`) {
		t.Fatalf("entry %s %s", e.Kind, e.Data)
	}
	hist, err := f.queue.Attempts(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range hist {
		got = append(got, fmt.Sprintf("%d %s %q %d/%d %v %v", a.N, a.Outcome, a.Reason, a.Sent, a.Total, a.Marked, a.EndedAt.Sub(a.StartedAt)))
	}
	want := []string{`1 refused "缺纸" 0/355 false 1s`, `2 incomplete "未连接" 200/355 false 2s`, `3 printed "" 0/0 true 1s`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The history is append-only.
	if _, err := f.db.SQL().Exec("UPDATE print_attempts SET outcome = 'printed' WHERE attempt = 2"); err == nil {
		t.Fatal("an attempt was changed")
	}
	if _, err := f.db.SQL().Exec("DELETE FROM print_attempts"); err == nil {
		t.Fatal("attempts were deleted")
	}
	_, err = f.queue.Attempts(ctx, 999)
	wantCode(t, err, ledger.ENOTFOUND)
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("journal: %+v %v", res, err)
	}
}

// A program killed while sending leaves the job "sending"; the next
// worker's Recover ends that attempt as interrupted, and the job's next
// copy is marked.
func TestPrintQueueRecoverInterrupted(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	job := onePending(t, f)
	if _, err := f.queue.Begin(ctx, job.ID); err != nil {
		t.Fatal(err)
	}
	f.db.Close() // killed mid-send
	db, err := Open(ctx, f.path, Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	q := NewPrintQueue(db)
	if j, _ := q.Job(ctx, job.ID); j.State != ledger.PrintSending {
		t.Fatalf("after the kill %+v", j)
	}
	n, err := q.Recover(ctx)
	if err != nil || n != 1 {
		t.Fatalf("recover %d %v", n, err)
	}
	if n, _ := q.Recover(ctx); n != 0 {
		t.Fatalf("second recover %d", n)
	}
	j, err := q.Begin(ctx, job.ID)
	if err != nil || !j.CutShort || j.Attempts != 1 || j.LastError != ReasonInterrupted {
		t.Fatalf("resend %+v %v", j, err)
	}
	hist, _ := q.Attempts(ctx, job.ID)
	if len(hist) != 1 || hist[0].Outcome != ledger.OutcomeInterrupted || !hist[0].Outcome.CutShort() {
		t.Fatalf("history %+v", hist)
	}
	var kind, data string
	db.SQL().QueryRow("SELECT kind, data FROM journal ORDER BY seq DESC LIMIT 1").Scan(&kind, &data)
	var d map[string]any
	json.Unmarshal([]byte(data), &d)
	if kind != "print.incomplete" || d["interrupted"] != true {
		t.Fatalf("entry %s %s", kind, data)
	}
}

// Opening a version-3 database with jobs in it gives them their states.
func TestPrintQueueMigrationStates(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	f.mustLend(t, ledger.KindUmbrella, "U-003", "")
	path := testAddr(t, "v3.db")
	// A fresh database at schema 3 with the same three jobs, one printed
	// and one failed.
	old, err := openAtVersion(ctx, path, 3, f.clock)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct{ printed, errText string }{{"2026-11-25T01:00:00Z", ""}, {"", "缺纸"}, {"", ""}} {
		attempts := 0
		if row.errText != "" {
			attempts = 2
		}
		if _, err := old.db.Exec("INSERT INTO print_jobs(receipt_no, document, created_at, printed_at, attempts, last_error) VALUES ('r', '{}', '2026-11-25T01:00:00Z', ?, ?, ?)",
			row.printed, attempts, row.errText); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.db.Query("SELECT state FROM print_jobs ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		states = append(states, s)
	}
	rows.Close()
	if strings.Join(states, ",") != "printed,failed,queued" {
		t.Fatalf("states %v", states)
	}
}
