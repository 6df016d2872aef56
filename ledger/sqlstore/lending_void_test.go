package sqlstore

import (
	"context"
	"encoding/json"
	"testing"

	"servicedesk/ledger"
)

func TestVoidReversesTheLendEntry(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ls := NewLendingService(f.db)
	if err := ls.AddItems(ctx, f.admin, ledger.KindUmbrella, []string{"U-001", "U-002"}); err != nil {
		t.Fatal(err)
	}
	loan, err := ls.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"})
	if err != nil {
		t.Fatal(err)
	}
	// No approval, a caller-built value, the supervisor's own approval:
	// refused, nothing changes.
	if _, err := ls.Void(ctx, f.clerk, loan.ID, nil); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("void without approval: %v", err)
	}
	forged := &ledger.Approval{ApproverID: f.sup.ID, Reason: "编号登记错误"}
	if _, err := ls.Void(ctx, f.clerk, loan.ID, forged); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("void with a forged approval: %v", err)
	}
	if _, err := f.staff.Approve(ctx, ledger.VoidApproval(f.sup.ID, loan), "wang", testPassword, "编号登记错误"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("self-approved void: %v", err)
	}
	if held, _ := ls.DepositsHeld(ctx); held != ledger.Yuan(50) {
		t.Fatalf("held after refused voids = %v", held)
	}
	self := f.grant(t, ledger.VoidApproval(f.clerk.ID, loan), "wang", "编号登记错误")
	v, err := ls.Void(ctx, f.clerk, loan.ID, self)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != ledger.LoanVoided || v.Refund != ledger.Yuan(50) || v.ApproverID != f.sup.ID {
		t.Fatalf("voided loan = %+v", v)
	}
	if held, _ := ls.DepositsHeld(ctx); held != 0 {
		t.Fatalf("held after void = %v", held)
	}
	st, _ := ls.Stock(ctx, ledger.KindUmbrella)
	if st.OnHand != 2 || st.Out != 0 {
		t.Fatalf("stock after void = %+v", st)
	}
	// The reversing entry names the original lend entry.
	entries, _ := f.journal.Entries(ctx, 0, 1000)
	var lend, void ledger.Entry
	for _, e := range entries {
		switch e.Kind {
		case "umbrella.lend":
			lend = e
		case "umbrella.void":
			void = e
		}
	}
	if void.Seq == 0 || void.Reverses != lend.Seq {
		t.Fatalf("void entry reverses %d, lend is %d", void.Reverses, lend.Seq)
	}
	var data struct {
		Refund   ledger.Fen `json:"refund"`
		Approval struct {
			ApproverID int64 `json:"approver_id"`
		} `json:"approval"`
	}
	if err := json.Unmarshal(void.Data, &data); err != nil || data.Refund != ledger.Yuan(50) || data.Approval.ApproverID != f.sup.ID {
		t.Fatalf("void data %s: %v", void.Data, err)
	}
	// A voided loan can be neither returned nor voided again.
	if _, err := ls.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: loan.ID, Outcome: ledger.ReturnFine}); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("return after void: %v", err)
	}
	if _, err := ls.Void(ctx, f.clerk, loan.ID, self); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second void: %v", err)
	}
	if res, _ := f.journal.Verify(ctx); !res.OK {
		t.Fatalf("journal: %+v", res)
	}
}
