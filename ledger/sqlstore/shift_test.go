package sqlstore

import (
	"context"
	"testing"

	"servicedesk/ledger"
)

// TestShiftSummary: the hand-over summary counts only what the staff
// member did since their last login, and the cash those actions moved.
func TestShiftSummary(t *testing.T) {
	f := newLendFixture(t)
	ctx := context.Background()
	svc := NewDayCloseService(f.db)
	// Before any login: everything li ever did counts (the stock intake).
	sum, err := svc.Shift(ctx, f.clerk.ID)
	if err != nil || !sum.Since.IsZero() || sum.Actions != 2 {
		t.Fatalf("before login: %+v, %v", sum, err)
	}
	// An earlier shift of li's, then a new login: only the new shift counts.
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.clock.Add(3600e9)
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatal(err)
	}
	login := f.clock.Now()
	a := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	f.mustLend(t, ledger.KindStroller, "S-01", "")
	// Someone else's work in between does not count for li.
	if _, err := f.lend.Lend(ctx, f.sup, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-003"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: a.ID, Outcome: ledger.ReturnDamaged, Damage: "伞骨折断"}); err != nil {
		t.Fatal(err)
	}
	sum, err = svc.Shift(ctx, f.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := ledger.ShiftSummary{Since: login, Actions: 3, Lent: 2, Closed: 1,
		Taken: ledger.Yuan(50), Refunded: ledger.Yuan(30)}
	if !sum.Since.Equal(want.Since) || sum.Actions != want.Actions || sum.Lent != 2 || sum.Closed != 1 ||
		sum.Taken != want.Taken || sum.Refunded != want.Refunded || sum.Collected != 0 || sum.NetCash() != ledger.Yuan(20) {
		t.Fatalf("shift = %+v, want %+v", sum, want)
	}
}
