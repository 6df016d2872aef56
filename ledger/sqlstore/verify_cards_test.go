package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// A journal cut short after point-card and invoice business leaves their
// rows pointing past its end: verify names the first one. Fails on the old
// code (verify did not read the point-card and invoice tables).
func TestVerifyCardsSeqs(t *testing.T) {
	f := newCardsFixture(t)
	ctx := context.Background()
	m := f.signup(t, "CARD0001", "13812345678", idA, rc(f.shopA, "A1", 250))
	if _, err := f.invoices.Issue(ctx, f.clerk, ledger.InvoiceRequest{ShopID: f.shopA.ID, Buyer: ledger.BuyerPersonal,
		Receipts: []ledger.ShopReceipt{{No: "A2", Amount: 100, Date: "2026-11-25"}}}); err != nil {
		t.Fatal(err)
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
	var signup, issue int64
	f.db.db.QueryRow("SELECT join_seq FROM members WHERE id = ?", m.ID).Scan(&signup)
	f.db.db.QueryRow("SELECT max(issue_seq) FROM invoices").Scan(&issue)
	for _, tc := range []struct {
		name, sql, where string
	}{
		{"cut at the signup", fmt.Sprintf("DELETE FROM journal WHERE seq >= %d", signup), "members id"},
		{"cut at the invoice", fmt.Sprintf("DELETE FROM journal WHERE seq >= %d", issue), "invoices id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, raw := copyDB(t, f.fixture)
			if _, err := raw.db.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			res := verifyFile(t, path)
			all := strings.Join(append([]string{res.Reason}, res.Problems...), "\n")
			if res.OK || !strings.Contains(all, tc.where) || !strings.Contains(all, "not in the journal") {
				t.Fatalf("verify = OK %v, where %q, problems %q", res.OK, res.Where, all)
			}
		})
	}
}
