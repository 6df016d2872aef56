package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// countKind counts journal entries of one kind.
func countKind(t *testing.T, f *lendFixture, kind string) int {
	t.Helper()
	var n int
	if err := f.db.db.QueryRow("SELECT count(*) FROM journal WHERE kind = ?", kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPrintQueueMarkPrintedIdempotent(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	jobs, _ := f.queue.Pending(ctx)
	if len(jobs) != 1 {
		t.Fatalf("pending %d", len(jobs))
	}
	id := jobs[0].ID
	f.clock.Add(3 * time.Second)
	for i := 0; i < 3; i++ {
		if err := f.queue.MarkPrinted(ctx, id); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Second)
	}
	if n := countKind(t, f, "print.printed"); n != 1 {
		t.Fatalf("print.printed entries = %d, want 1", n)
	}
	j, err := f.queue.Job(ctx, id)
	if err != nil || j.ReceiptNo != l.ReceiptNo || !j.PrintedAt.Equal(f.fixture.clock.Now().Add(-3*time.Second)) {
		t.Fatalf("job %+v %v", j, err)
	}
	if p, _ := f.queue.Pending(ctx); len(p) != 0 {
		t.Fatalf("still pending %+v", p)
	}
	if n, _ := f.queue.PendingCount(ctx); n != 0 {
		t.Fatalf("pending count %d", n)
	}
	e := f.lastEntry(t)
	if e.Kind != "print.printed" || !strings.Contains(string(e.Data), `"receipt_no":"`+l.ReceiptNo+`"`) {
		t.Fatalf("entry %s %s", e.Kind, e.Data)
	}
	wantCode(t, f.queue.MarkPrinted(ctx, 999), ledger.ENOTFOUND)
	_, err = f.queue.Job(ctx, 999)
	wantCode(t, err, ledger.ENOTFOUND)
}

func TestPrintQueueMarkFailedNotJournaled(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	jobs, _ := f.queue.Pending(ctx)
	before := f.counts(t)
	if err := f.queue.MarkFailed(ctx, jobs[0].ID, ledger.PrintFailure{Reason: "缺纸"}); err != nil {
		t.Fatal(err)
	}
	if err := f.queue.MarkFailed(ctx, jobs[0].ID, ledger.PrintFailure{Reason: "  打印机离线 " + strings.Repeat("x", 500)}); err != nil {
		t.Fatal(err)
	}
	if after := f.counts(t); after != before {
		t.Fatalf("MarkFailed journaled: %v -> %v", before, after)
	}
	j, _ := f.queue.Job(ctx, jobs[0].ID)
	if j.Attempts != 2 || !strings.HasPrefix(j.LastError, "打印机离线 x") || len([]rune(j.LastError)) != maxErrorRunes || !j.PrintedAt.IsZero() {
		t.Fatalf("job %+v", j)
	}
	p, _ := f.queue.Pending(ctx)
	if len(p) != 2 || p[0].ID != jobs[0].ID || p[1].ID != jobs[1].ID {
		t.Fatalf("pending order %+v", p)
	}
	// A printed job keeps its record.
	if err := f.queue.MarkPrinted(ctx, jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.queue.MarkFailed(ctx, jobs[0].ID, ledger.PrintFailure{Reason: "late"}); err != nil {
		t.Fatal(err)
	}
	if j, _ := f.queue.Job(ctx, jobs[0].ID); j.Attempts != 2 {
		t.Fatalf("attempts after print %d", j.Attempts)
	}
	wantCode(t, f.queue.MarkFailed(ctx, 999, ledger.PrintFailure{Reason: "x"}), ledger.ENOTFOUND)
}

func TestPrintQueueReprint(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	orig, _ := f.queue.Pending(ctx)
	f.queue.MarkPrinted(ctx, orig[0].ID)
	job, err := f.queue.Reprint(ctx, f.clerk, " "+l.ReceiptNo+" ")
	if err != nil {
		t.Fatal(err)
	}
	if !job.Copy || job.ReceiptNo != l.ReceiptNo {
		t.Fatalf("reprint %+v", job)
	}
	var a, b receipts.Document
	json.Unmarshal(orig[0].Document, &a)
	stored, _ := f.queue.Job(ctx, job.ID)
	json.Unmarshal(stored.Document, &b)
	if a.Copy || !b.Copy || !stored.Copy || b.QR != a.QR || len(b.Lines) != len(a.Lines) {
		t.Fatalf("copy document %+v vs %+v", b, a)
	}
	if !strings.Contains(strings.Join(b.Text(), "\n"), "补打") {
		t.Fatalf("copy text %v", b.Text())
	}
	// A reprint of a reprint still copies the original.
	if _, err := f.queue.Reprint(ctx, f.clerk, l.ReceiptNo); err != nil {
		t.Fatal(err)
	}
	if n := countKind(t, f, "print.reprint"); n != 2 {
		t.Fatalf("print.reprint entries %d", n)
	}
	e := f.lastEntry(t)
	if !strings.Contains(string(e.Data), `"original_job_id":`+itoa(orig[0].ID)) || e.StaffID != f.clerk.ID {
		t.Fatalf("entry %s", e.Data)
	}
	if p, _ := f.queue.Pending(ctx); len(p) != 2 || !p[0].Copy {
		t.Fatalf("pending %+v", p)
	}
	before := f.counts(t)
	_, err = f.queue.Reprint(ctx, f.clerk, "20261125-0099")
	wantCode(t, err, ledger.ENOTFOUND)
	_, err = f.queue.Reprint(ctx, f.clerk, "  ")
	wantCode(t, err, ledger.EINVALID)
	if after := f.counts(t); after != before {
		t.Fatalf("refused reprint changed state: %v -> %v", before, after)
	}
}
