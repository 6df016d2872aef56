package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"servicedesk/ledger"
)

// copySource is a single desk's SQLite file (whatever engine this run is
// on) with two business days on one calendar date, returns of every kind,
// approvals, personal data, print jobs and a void.
func copySource(t *testing.T) *lendFixture {
	t.Helper()
	dir := t.TempDir()
	f := withLending(t, newFixtureWith(t, filepath.Join(dir, "desk.db"), func(o *Options) { o.KeysPath = filepath.Join(dir, "desk.keys") }))
	if err := f.db.EnsurePersonalKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	svc := NewDayCloseService(f.db)
	f.mustLend(t, ledger.KindUmbrella, "U-003", "13912345678")
	f.clock.Add(2 * time.Hour)
	chk, err := svc.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())}); err != nil {
		t.Fatal(err)
	}
	// A second business day on the same date continues its numbering.
	u1 := f.mustLend(t, ledger.KindUmbrella, "U-001", "13812345678")
	u2 := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	if u2.ReceiptNo != "A-20261125-0003" {
		t.Fatalf("second day's receipt %s", u2.ReceiptNo)
	}
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: u1.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	s1 := f.mustLend(t, ledger.KindStroller, "S-01", "")
	if _, err := f.lend.Void(ctx, f.clerk, s1.ID, f.grant(t, ledger.VoidApproval(f.clerk.ID, s1), "wang", "编号登记错误")); err != nil {
		t.Fatal(err)
	}
	lf := NewLostFoundService(f.db)
	if _, err := lf.Register(ctx, f.clerk, ledger.RegisterFoundRequest{Category: "证件", Description: "身份证一张",
		FoundAt: f.clock.Now().Add(-30 * time.Minute), FoundPlace: "二楼电梯口", Finder: "保洁员", OwnerName: "李四", Storage: "A柜-1"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// copiedTables lists every table of the schema but the chain head (the
// PostgreSQL version table is not in it).
func copiedTables(t *testing.T) []string {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "schema.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := stringList(context.Background(), db.db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'journal_head' ORDER BY name")
	if err != nil || len(names) < 15 {
		t.Fatalf("tables %v %v", names, err)
	}
	return names
}

// tableCounts counts the rows of every table Copy copies.
func tableCounts(t *testing.T, db *DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tb := range copiedTables(t) {
		var n int64
		if err := db.SQL().QueryRow("SELECT count(*) FROM " + tb).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

// mustVerify runs verify and fails unless the chain and the state agree.
func mustVerify(t *testing.T, db *DB) ledger.VerifyResult {
	t.Helper()
	res, err := NewJournalService(db).Verify(context.Background())
	if err != nil || !res.OK {
		t.Fatalf("verify %s: %+v %v", db.Addr(), res, err)
	}
	return res
}

// A desk's SQLite history moves to an empty PostgreSQL database entry for
// entry: the same seqs and hashes (nothing re-chained), verify passes on
// both sides, every table has the same rows, QR cards and receipt numbers
// keep working and numbering continues, new rows get fresh ids.
func TestCopySQLiteToPostgres(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	src := copySource(t)
	before := mustVerify(t, src.db)
	want := tableCounts(t, src.db)

	dstAddr := testAddr(t, "")
	dst, err := Open(ctx, dstAddr, Options{Now: src.clock.Now, KeysPath: src.db.keys.path})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	rep, err := Copy(ctx, src.db, dst)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != int64(before.Count) || rep.LastHash != before.LastHash || rep.Rows["journal"] != want["journal"] {
		t.Fatalf("report %+v, source %d entries ending %s", rep, before.Count, before.LastHash)
	}
	after := mustVerify(t, dst)
	if after.Count != before.Count || after.LastHash != before.LastHash {
		t.Fatalf("target chain %d/%s, source %d/%s", after.Count, after.LastHash, before.Count, before.LastHash)
	}
	mustVerify(t, src.db)
	if got := tableCounts(t, dst); !equalCounts(got, want) {
		t.Fatalf("target rows %v, source %v", got, want)
	}
	srcEntries, _ := src.journal.Entries(ctx, 0, 1000)
	dstEntries, _ := NewJournalService(dst).Entries(ctx, 0, 1000)
	if len(dstEntries) != len(srcEntries) {
		t.Fatalf("target has %d entries, source %d", len(dstEntries), len(srcEntries))
	}
	for i, e := range srcEntries {
		d := dstEntries[i]
		if e.Seq != d.Seq || !e.At.Equal(d.At) || e.StaffID != d.StaffID || e.Kind != d.Kind || string(e.Data) != string(d.Data) ||
			e.Reverses != d.Reverses || e.PrevHash != d.PrevHash || e.Hash != d.Hash {
			t.Fatalf("entry %d differs:\n%+v\n%+v", i+1, srcEntries[i], dstEntries[i])
		}
	}

	// The desk carries on on the shared database.
	lend := NewLendingService(dst)
	open, err := src.lend.LoanByReceipt(ctx, "A-20261125-0003")
	if err != nil {
		t.Fatal(err)
	}
	got, err := lend.LoanByToken(ctx, open.Token)
	if err != nil || got.ID != open.ID || got.ReceiptNo != open.ReceiptNo {
		t.Fatalf("QR card of the SQLite desk on the shared database: %+v %v", got, err)
	}
	pd := NewPersonalService(dst)
	if st := pd.KeyStatus(ctx); !st.Ready {
		t.Fatalf("personal-data keys on the target: %+v", st)
	}
	// The same next step on both sides gives the same receipt number and
	// ids: numbering and identity sequences came along.
	var next [2]ledger.Loan
	for i, l := range []*LendingService{src.lend, lend} {
		if err := l.AddItems(ctx, src.clerk, ledger.KindUmbrella, []string{"U-900"}); err != nil {
			t.Fatalf("new item after the copy (identity sequence): %v", err)
		}
		if next[i], err = l.Lend(ctx, src.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-900"}); err != nil {
			t.Fatal(err)
		}
	}
	if next[1].ReceiptNo != next[0].ReceiptNo || next[1].ID != next[0].ID || next[1].ItemID != next[0].ItemID || next[1].ID <= open.ID {
		t.Fatalf("first loan on the shared database %+v, on the SQLite file %+v", next[1], next[0])
	}
	if _, err := lend.Return(ctx, src.clerk, ledger.ReturnRequest{LoanID: open.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, dst)
	var enabled string
	if err := dst.SQL().QueryRow("SELECT tgenabled FROM pg_trigger WHERE tgname = 'business_days_continue_receipts'").Scan(&enabled); err != nil || enabled != "O" {
		t.Fatalf("receipt trigger after the copy: %q %v", enabled, err)
	}

	// Copying again is refused: the target has its own chain now.
	headBefore := headOf(t, dst)
	_, err = Copy(ctx, src.db, dst)
	wantCode(t, err, ledger.ECONFLICT)
	if h := headOf(t, dst); h != headBefore {
		t.Fatalf("refused copy moved the head %v -> %v", headBefore, h)
	}
}

// headOf reads the chain head row.
func headOf(t *testing.T, db *DB) [2]string {
	t.Helper()
	var seq, hash string
	if err := db.SQL().QueryRow("SELECT CAST(last_seq AS TEXT), last_hash FROM journal_head WHERE id = 1").Scan(&seq, &hash); err != nil {
		t.Fatal(err)
	}
	return [2]string{seq, hash}
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A target that was set up (even with no loans) is refused; a failure in
// the middle of the copy leaves the target as empty as it was; a source
// whose journal does not verify is refused; SQLite as a target and
// PostgreSQL as a source are refused.
func TestCopyRefusals(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	src := copySource(t)

	setUp := newFixture(t) // a PostgreSQL database someone already set up
	_, err := Copy(ctx, src.db, setUp.db)
	wantCode(t, err, ledger.ECONFLICT)
	_, err = Copy(ctx, setUp.db, src.db)
	wantCode(t, err, ledger.EINVALID)

	// Fails on the last loan row: nothing stays behind.
	dst, err := Open(ctx, testAddr(t, ""), Options{Now: src.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	failTrigger(t, dst, "fail_loan_copy", "loans", "NEW.receipt_no = 'A-20261125-0005'")
	if _, err := Copy(ctx, src.db, dst); err == nil {
		t.Fatal("copy with a failing insert succeeded")
	}
	for tb, n := range tableCounts(t, dst) {
		if n != 0 {
			t.Fatalf("failed copy left %d rows in %s", n, tb)
		}
	}
	if h := headOf(t, dst); h[0] != "0" {
		t.Fatalf("failed copy moved the head to %v", h)
	}
	var enabled string
	if err := dst.SQL().QueryRow("SELECT tgenabled FROM pg_trigger WHERE tgname = 'business_days_continue_receipts'").Scan(&enabled); err != nil || enabled != "O" {
		t.Fatalf("receipt trigger after a failed copy: %q %v", enabled, err)
	}
	if _, err := dst.SQL().Exec("DROP TRIGGER fail_loan_copy ON loans"); err != nil {
		t.Fatal(err)
	}

	// A tampered source is refused; the target stays empty.
	dropTrigger(t, src.db, "journal_no_update", "journal")
	if _, err := src.db.SQL().Exec("UPDATE journal SET data = data || ' ' WHERE seq = 3"); err != nil {
		t.Fatal(err)
	}
	_, err = Copy(ctx, src.db, dst)
	wantCode(t, err, ledger.ECONFLICT)
	if n := tableCounts(t, dst)["journal"]; n != 0 {
		t.Fatalf("tampered source copied %d entries", n)
	}
}
