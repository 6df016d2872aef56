package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// busyDay runs a day of every kind of entry: stock, lends, returns (fine,
// damaged, lost), a void, a write-off, staff changes, settings, a close,
// and a next day with loans still out. It returns the fixture.
func busyDay(t *testing.T) *lendFixture {
	t.Helper()
	ctx := context.Background()
	f := newLendFixture(t)
	a := f.mustLend(t, ledger.KindUmbrella, "U-001", "13812345678")
	b := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	c := f.mustLend(t, ledger.KindUmbrella, "U-003", "")
	s := f.mustLend(t, ledger.KindStroller, "S-01", "")
	ret := func(req ledger.ReturnRequest) {
		t.Helper()
		if _, err := f.lend.Return(ctx, f.clerk, req); err != nil {
			t.Fatal(err)
		}
	}
	ret(ledger.ReturnRequest{LoanID: a.ID, Outcome: ledger.ReturnFine})
	ret(ledger.ReturnRequest{LoanID: b.ID, Outcome: ledger.ReturnDamaged, Damage: "伞面破损"})
	ret(ledger.ReturnRequest{LoanID: c.ID, Outcome: ledger.ReturnLost, Approval: f.forfeit(t, c)})
	if _, err := f.lend.Void(ctx, f.clerk, s.ID, f.grant(t, ledger.VoidApproval(f.clerk.ID, s), "wang", "登记错误")); err != nil {
		t.Fatal(err)
	}
	u2 := f.item(t, ledger.KindUmbrella, "U-002")
	if err := f.lend.SetItemStatus(ctx, f.clerk, u2.ID, ledger.ItemRetired, "无法修复", f.grant(t, ledger.WriteOffApproval(f.clerk.ID, u2), "wang", "无法修复")); err != nil {
		t.Fatal(err)
	}
	zhao, err := f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "zhao", Name: "赵", Role: ledger.RoleClerk, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	f.staff.ResetPassword(ctx, f.admin, zhao.ID, "temp12345")
	f.staff.SetDisabled(ctx, f.admin, zhao.ID, true)
	set, _ := f.settings.Settings(ctx)
	set.OverdueDays = 5
	if err := f.settings.UpdateSettings(ctx, f.sup, set); err != nil {
		t.Fatal(err)
	}
	chk, _ := NewDayCloseService(f.db).CloseCheck(ctx)
	if _, err := NewDayCloseService(f.db).CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(24 * 60 * 60 * 1e9)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.mustLend(t, ledger.KindStroller, "S-02", "")
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestVerifyReplaysTheState(t *testing.T) {
	ctx := context.Background()
	f := busyDay(t)
	res, err := f.journal.Verify(ctx)
	if err != nil || !res.OK || res.State == nil {
		t.Fatalf("verify: %+v %v", res, err)
	}
	held, _ := f.lend.DepositsHeld(ctx)
	_, open, _ := f.lend.OpenLoans(ctx, "", 0, 100)
	if res.State.DepositsHeld != held || res.State.OpenLoans != open || open != 2 || res.State.ClosedDays != 1 || res.State.Items != 5 || res.State.Approvals != 4 {
		t.Fatalf("state %+v, held %v, open %d", *res.State, held, open)
	}
}

// copyDB copies f's database to a fresh one with every guard trigger
// dropped, as someone with write access to the file (or the owner's role
// on PostgreSQL) can, and returns its address and a handle on it.
func copyDB(t *testing.T, f *fixture) (string, *DB) {
	t.Helper()
	addr, _ := cloneDB(t, f.db, "copy.db")
	db, err := Open(context.Background(), addr, Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	q := "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
	if db.Engine() == "postgres" {
		q = "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
	}
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var names, tables []string
	for rows.Next() {
		var n, tbl string
		rows.Scan(&n, &tbl)
		names, tables = append(names, n), append(tables, tbl)
	}
	rows.Close()
	for i, n := range names {
		dropTrigger(t, db, n, tables[i])
	}
	return addr, db
}

// verifyFile verifies the database at addr (read-only on SQLite).
func verifyFile(t *testing.T, addr string) ledger.VerifyResult {
	t.Helper()
	db, err := Open(context.Background(), addr, Options{ReadOnly: !onPostgres()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := NewJournalService(db).Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A state row changed without a journal entry is reported with the first
// bad place, for every state table. Fails on the old code, whose verify
// only walked the hash chain and said OK.
func TestVerifyNamesStateChangedWithoutEntry(t *testing.T) {
	f := busyDay(t)
	var open, closed, retired, day, approval int64
	f.db.db.QueryRow("SELECT id FROM loans WHERE status = 'open' ORDER BY id LIMIT 1").Scan(&open)
	f.db.db.QueryRow("SELECT id FROM loans WHERE status = 'damaged' ORDER BY id LIMIT 1").Scan(&closed)
	f.db.db.QueryRow("SELECT id FROM items WHERE status = 'retired'").Scan(&retired)
	f.db.db.QueryRow("SELECT id FROM business_days WHERE close_seq > 0").Scan(&day)
	f.db.db.QueryRow("SELECT id FROM approvals WHERE used_seq > 0 ORDER BY id LIMIT 1").Scan(&approval)
	for _, tc := range []struct {
		name, sql, where, says string
	}{
		{"open loan marked returned", fmt.Sprintf("UPDATE loans SET status = 'returned', closed_at = '2026-11-26T02:00:00Z', closed_by = 3, refund = deposit, return_no = 'X', return_seq = 3 WHERE id = %d", open), fmt.Sprintf("loans id %d", open), "status is returned, the journal says open"},
		{"closed loan reopened", fmt.Sprintf("UPDATE loans SET status = 'open', closed_at = '', closed_by = 0, refund = 0, charge = 0, collected = 0, forfeit = 0, damage = '', return_no = '', return_seq = 0 WHERE id = %d", closed), fmt.Sprintf("loans id %d", closed), "status is open, the journal says damaged"},
		{"deposit lowered", fmt.Sprintf("UPDATE loans SET deposit = 100 WHERE id = %d", open), fmt.Sprintf("loans id %d", open), "deposit is 100"},
		{"loan added without an entry", "INSERT INTO loans(kind, item_id, receipt_no, lent_at, lent_by, deposit, lend_seq) VALUES ('umbrella', 3, 'FAKE-1', '2026-11-26T01:00:00Z', 3, 5000, 2)", "loans id", "no journal entry lent this loan"},
		{"retired item back in stock", fmt.Sprintf("UPDATE items SET status = 'in' WHERE id = %d", retired), fmt.Sprintf("items id %d", retired), "status is in, the journal says retired"},
		{"closed day renumbered", fmt.Sprintf("UPDATE business_days SET close_no = '20261125-09' WHERE id = %d", day), fmt.Sprintf("business_days id %d", day), "close_no is 20261125-09"},
		{"clerk promoted to admin", "UPDATE staff SET role = 'admin' WHERE username = 'li'", "staff id 3 (li)", "role is admin, the journal says clerk"},
		{"disabled account enabled", "UPDATE staff SET disabled = FALSE WHERE username = 'zhao'", "staff id 4 (zhao)", "disabled is false"},
		{"used approval made fresh", fmt.Sprintf("UPDATE approvals SET used_seq = 0 WHERE id = %d", approval), fmt.Sprintf("approvals id %d", approval), "used_seq is 0"},
		{"deposit setting changed", "UPDATE settings SET value = replace(value, '\"UmbrellaDeposit\":5000', '\"UmbrellaDeposit\":1')", "settings", "differ from the last settings.update"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, raw := copyDB(t, f.fixture)
			if res, err := raw.db.Exec(tc.sql); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n == 0 {
				t.Fatalf("changed nothing: %s", tc.sql)
			}
			raw.Close()
			res := verifyFile(t, path)
			if res.OK || !strings.HasPrefix(res.Where, tc.where) || !strings.Contains(res.Reason, tc.says) || res.BadSeq != 0 {
				t.Fatalf("verify = OK %v, where %q, reason %q; want %q / %q", res.OK, res.Where, res.Reason, tc.where, tc.says)
			}
		})
	}
}

// Entries cut off the end of the journal: the chain that is left is
// whole, but the state rows and the chain head point past its end.
// Fails on the old code (verify said OK for any prefix of the chain).
func TestVerifyDetectsTruncation(t *testing.T) {
	f := busyDay(t)
	var last int64
	f.db.db.QueryRow("SELECT max(seq) FROM journal").Scan(&last)
	for _, n := range []int64{1, 20} {
		t.Run(fmt.Sprintf("last %d", n), func(t *testing.T) {
			path, raw := copyDB(t, f.fixture)
			if _, err := raw.db.Exec("DELETE FROM journal WHERE seq > ?", last-n); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			res := verifyFile(t, path)
			if res.OK || res.Count != last-n {
				t.Fatalf("truncated by %d: %+v", n, res)
			}
			t.Logf("first bad place: %s", res.Reason)
		})
	}
}

// With the guard triggers dropped (write access to the file), INSERT OR
// REPLACE rewrites an entry or reopens a closed loan; verify reports both
// with the first bad place. Fails on the old code (verify said OK after
// the loan was reopened).
func TestVerifyReportsReplacedRows(t *testing.T) {
	f := busyDay(t)
	var lend int64
	f.db.db.QueryRow("SELECT min(seq) FROM journal WHERE kind = 'umbrella.lend'").Scan(&lend)
	path, raw := copyDB(t, f.fixture)
	replaceEntry := `INSERT OR REPLACE INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash)
		SELECT seq, at, staff_id, kind, replace(data, '"deposit":5000', '"deposit":500'), reverses, prev_hash, hash FROM journal WHERE seq = ?`
	if onPostgres() {
		replaceEntry = `INSERT INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash)
			SELECT seq, at, staff_id, kind, replace(data, '"deposit":5000', '"deposit":500'), reverses, prev_hash, hash FROM journal WHERE seq = ?
			ON CONFLICT (seq) DO UPDATE SET data = EXCLUDED.data`
	}
	if _, err := raw.db.Exec(replaceEntry, lend); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if res := verifyFile(t, path); res.OK || res.BadSeq != lend || res.Reason != "hash mismatch" {
		t.Fatalf("replaced entry %d: %+v", lend, res)
	}
	var lost int64
	f.db.db.QueryRow("SELECT id FROM loans WHERE status = 'lost'").Scan(&lost)
	path, raw = copyDB(t, f.fixture)
	reopen := `INSERT OR REPLACE INTO loans(id, kind, item_id, receipt_no, token, lent_at, lent_by, phone_masked, deposit, lend_seq)
		SELECT id, kind, item_id, receipt_no, token, lent_at, lent_by, phone_masked, deposit, lend_seq FROM loans WHERE id = ?`
	if onPostgres() {
		reopen = `UPDATE loans SET status = 'open', closed_at = '', closed_by = 0, refund = 0, charge = 0, collected = 0,
			forfeit = 0, damage = '', approver_id = 0, return_no = '', return_seq = 0 WHERE id = ?`
	}
	if _, err := raw.db.Exec(reopen, lost); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	res := verifyFile(t, path)
	if res.OK || res.BadSeq != 0 || !strings.HasPrefix(res.Where, fmt.Sprintf("loans id %d", lost)) || !strings.Contains(res.Reason, "status is open, the journal says lost") {
		t.Fatalf("reopened lost loan %d: %+v", lost, res)
	}
}
