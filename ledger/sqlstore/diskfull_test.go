package sqlstore

import (
	"context"
	"path/filepath"
	"testing"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore/disktest"
)

// TestDiskFull fills a small tmpfs under a live database: every write is
// refused with the disk-full message (not 系统内部错误) and leaves nothing
// half-done; read-only opens still verify and report, with the writer open
// and after it closed; freeing space lets the counter carry on.
// (Fails on the old code: the error was EINTERNAL / 系统内部错误.)
func TestDiskFull(t *testing.T) {
	requireSQLite(t)
	ctx := context.Background()
	dir := disktest.SmallFS(t, 3072)
	path := filepath.Join(dir, "desk.db")
	f := newFixtureAt(t, path)
	ls := NewLendingService(f.db)
	if err := ls.AddItems(ctx, f.admin, ledger.KindUmbrella, []string{"U-001", "U-002", "U-003"}); err != nil {
		t.Fatal(err)
	}
	first, err := ls.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	before, _ := f.journal.Verify(ctx)
	free := disktest.Fill(t, dir)

	for name, op := range map[string]func() error{
		"lend": func() error {
			_, err := ls.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
			return err
		},
		"return": func() error {
			_, err := ls.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: first.ID, Outcome: ledger.ReturnFine})
			return err
		},
		"add items": func() error { return ls.AddItems(ctx, f.admin, ledger.KindStroller, []string{"S-01"}) },
	} {
		err := op()
		if ledger.ErrorCode(err) != ledger.ENOSPACE || ledger.ErrorMessage(err) != ledger.DiskFullMessage {
			t.Fatalf("%s on a full disk: code %q, message %q (%v)", name, ledger.ErrorCode(err), ledger.ErrorMessage(err), err)
		}
	}
	// Nothing half-done: the same journal, the same loan open, U-002 in stock.
	after, err := f.journal.Verify(ctx)
	if err != nil || !after.OK || after.Count != before.Count || after.LastHash != before.LastHash {
		t.Fatalf("journal changed on a full disk: %+v -> %+v (%v)", before, after, err)
	}
	if held, _ := ls.DepositsHeld(ctx); held != ledger.Yuan(50) {
		t.Fatalf("deposits held = %v", held)
	}

	// Read-only opens work on the full disk, beside the writer and alone.
	checkReadOnly := func(when string) {
		t.Helper()
		ro, err := Open(ctx, path, Options{ReadOnly: true, Now: f.clock.Now})
		if err != nil {
			t.Fatalf("read-only open %s: %v", when, err)
		}
		defer ro.Close()
		res, err := NewJournalService(ro).Verify(ctx)
		if err != nil || !res.OK || res.Count != before.Count {
			t.Fatalf("verify %s: %+v, %v", when, res, err)
		}
		days, err := NewDayCloseService(ro).Days(ctx, "", "")
		if err != nil || len(days) != 1 {
			t.Fatalf("days %s: %v, %v", when, days, err)
		}
		if _, err := NewDayCloseService(ro).Report(ctx, days[0].ID); err != nil {
			t.Fatalf("report %s: %v", when, err)
		}
		if _, err := NewLendingService(ro).Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-003"}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
			t.Fatalf("write through a read-only open %s: %v", when, err)
		}
	}
	checkReadOnly("beside the writer")
	f.db.Close()
	checkReadOnly("with the writer closed")

	free()
	db, err := Open(ctx, path, Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ls = NewLendingService(db)
	l2, err := ls.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	if err != nil {
		t.Fatalf("lend after freeing space: %v", err)
	}
	if l2.ReceiptNo != ledger.ReceiptNo(ledger.DefaultDeskCode, "2026-11-25", 2) {
		t.Fatalf("receipt after refused writes = %s, want the next number without a gap", l2.ReceiptNo)
	}
	if res, err := NewJournalService(db).Verify(ctx); err != nil || !res.OK || res.Count != before.Count+1 {
		t.Fatalf("journal after freeing space: %+v, %v", res, err)
	}
	db.Close()

	// On a read-only filesystem SQLite cannot make the -shm side file a
	// read-only WAL open needs: the open falls back to immutable.
	disktest.Remount(t, dir, true)
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open on a read-only filesystem: %v", err)
	}
	defer ro.Close()
	if res, err := NewJournalService(ro).Verify(ctx); err != nil || !res.OK || res.Count != before.Count+1 {
		t.Fatalf("verify on a read-only filesystem: %+v, %v", res, err)
	}
}
