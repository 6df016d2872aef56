package sqlstore

import (
	"context"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// INSERT OR REPLACE deletes the row it collides with without firing the
// delete triggers (recursive_triggers is off), and UPDATE OR REPLACE does
// the same to the row whose key it takes. Both are refused on the journal
// and on every state table with final rows, through the same statements a
// person with the sqlite3 shell would type. Fails on the old code: entry
// 50 was replaced and a closed loan reopened.
func TestReplaceCannotRewriteHistory(t *testing.T) {
	requireSQLite(t) // PostgreSQL has no OR REPLACE; its upserts fire the update triggers
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	open := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	chk, _ := NewDayCloseService(f.db).CloseCheck(ctx)
	if _, err := NewDayCloseService(f.db).CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())}); err != nil {
		t.Fatal(err)
	}
	head, _ := f.journal.Verify(ctx)
	var closedDay int64
	f.db.SQL().QueryRow("SELECT id FROM business_days WHERE close_seq > 0").Scan(&closedDay)
	var retired int64
	u3 := f.item(t, ledger.KindUmbrella, "U-003")
	if err := f.lend.SetItemStatus(ctx, f.clerk, u3.ID, ledger.ItemRetired, "报废", f.grant(t, ledger.WriteOffApproval(f.clerk.ID, u3), "wang", "无法修复")); err != nil {
		t.Fatal(err)
	}
	retired = u3.ID
	var usedApproval int64
	f.db.SQL().QueryRow("SELECT id FROM approvals WHERE used_seq > 0 LIMIT 1").Scan(&usedApproval)
	before := f.counts(t)

	for _, q := range []string{
		// the journal: replace an entry, insert past the head, break the link
		"INSERT OR REPLACE INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash) SELECT seq, at, staff_id, kind, '{}', reverses, prev_hash, 'x' FROM journal WHERE seq = 5",
		"REPLACE INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash) SELECT seq, at, staff_id, kind, data, reverses, prev_hash, hash FROM journal WHERE seq = 5",
		"INSERT INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash) SELECT max(seq) + 2, '2026-11-25T01:00:00Z', 0, 'x', '{}', 0, 'x', 'y' FROM journal",
		"INSERT INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash) SELECT max(seq) + 1, '2026-11-25T01:00:00Z', 0, 'x', '{}', 0, 'not-the-last-hash', 'y' FROM journal",
		// a closed loan reopened by replacing it
		"INSERT OR REPLACE INTO loans(id, kind, item_id, receipt_no, lent_at, lent_by, deposit, lend_seq) SELECT id, kind, item_id, receipt_no, lent_at, lent_by, deposit, lend_seq FROM loans WHERE status <> 'open'",
		// an open loan's update taking a closed loan's return number deletes it
		"UPDATE OR REPLACE loans SET return_no = (SELECT return_no FROM loans WHERE status <> 'open' LIMIT 1) WHERE status = 'open'",
		"UPDATE OR REPLACE loans SET receipt_no = (SELECT receipt_no FROM loans WHERE status <> 'open' LIMIT 1) WHERE status = 'open'",
		// a closed day reopened
		"INSERT OR REPLACE INTO business_days(id, business_date, opened_at, open_seq) SELECT id, business_date, opened_at, open_seq FROM business_days WHERE close_seq > 0",
		// a retired item back in stock, an item renumbered onto another
		"INSERT OR REPLACE INTO items(id, kind, number, status, added_seq) SELECT id, kind, number, 'in', added_seq FROM items WHERE status = 'retired'",
		"UPDATE OR REPLACE items SET number = 'U-003' WHERE number = 'U-001'",
		// a used approval made fresh again
		"INSERT OR REPLACE INTO approvals SELECT id, token_hash, action, record, amount, actor_id, approver_id, reason, granted_at, expires_at, grant_seq, 0 FROM approvals WHERE used_seq > 0",
		"UPDATE approvals SET used_seq = 0 WHERE used_seq > 0",
		"UPDATE approvals SET amount = 1 WHERE used_seq > 0",
		// a staff account replaced (new password, new role), or renamed onto another
		"INSERT OR REPLACE INTO staff(id, username, name, role, password_hash) SELECT id, username, name, 'admin', 'x' FROM staff WHERE username = 'li'",
		"UPDATE OR REPLACE staff SET username = 'admin' WHERE username = 'li'",
		// a printed receipt queued again
		"INSERT OR REPLACE INTO print_jobs(id, receipt_no, document, created_at) SELECT id, receipt_no, document, created_at FROM print_jobs LIMIT 1",
	} {
		if _, err := f.db.SQL().Exec(q); err == nil {
			t.Errorf("accepted: %s", q)
		} else if m := err.Error(); !strings.Contains(m, "refused") && !strings.Contains(m, "never change") && !strings.Contains(m, "append-only") {
			t.Errorf("%s: %v, want a trigger refusal", q, err)
		}
	}
	if after := f.counts(t); after != before {
		t.Fatalf("refused statements changed counts: %v -> %v", before, after)
	}
	got, err := f.lend.Loan(ctx, l.ID)
	if err != nil || got.Status != ledger.LoanReturned {
		t.Fatalf("closed loan after the attempts: %+v %v", got, err)
	}
	if got, _ := f.lend.Loan(ctx, open.ID); got.Status != ledger.LoanOpen || got.ReturnNo != "" {
		t.Fatalf("open loan after the attempts: %+v", got)
	}
	var closeSeq, used int64
	f.db.SQL().QueryRow("SELECT close_seq FROM business_days WHERE id = ?", closedDay).Scan(&closeSeq)
	f.db.SQL().QueryRow("SELECT used_seq FROM approvals WHERE id = ?", usedApproval).Scan(&used)
	if closeSeq == 0 || used == 0 || f.item(t, ledger.KindUmbrella, "U-003").Status != ledger.ItemRetired || retired == 0 {
		t.Fatalf("final rows changed: close_seq %d, used_seq %d", closeSeq, used)
	}
	if res, _ := f.journal.Verify(ctx); !res.OK || res.Count < head.Count {
		t.Fatalf("journal after the attempts: %+v", res)
	}
}
