package app

import (
	"testing"

	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// A two-person action (lost-and-found disposal) asks two supervisors in
// turn through the approval dialog; the same supervisor twice is refused
// and asked again; the approvals given are two distinct records.
func TestTwoApproversThroughTheDialog(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	req := ledger.ApprovalRequest{Action: ledger.ActionDisposal, Record: "found:7", ActorID: h.clerk.ID, Detail: "失物 7：黑色雨伞"}
	var got []ledger.Approval
	h.ui.requestApprovals(req, "", func(as []ledger.Approval) { got = as })
	first := h.ui.lastApproval
	h.approveAs("wang", "超过保管期限")
	second := h.ui.lastApproval
	if second == first || got != nil || !second.pop.Visible() {
		t.Fatalf("no second dialog after the first approval (got %v)", got)
	}
	if title := second.box.Objects[0].(*widget.Label).Text; title != T("第二位主管审批（须与第一位不同）") {
		t.Fatalf("second dialog title %q", title)
	}
	h.approveAs("wang", "超过保管期限")
	again := h.ui.lastApproval
	if got != nil || again == second || again.message.Text != T("须由两位不同的主管审批") {
		t.Fatalf("same supervisor twice accepted: got %v, message %q", got, again.message.Text)
	}
	h.approveAs("li", "超过保管期限") // the clerk cannot approve
	if got != nil || again.message.Text == "" {
		t.Fatalf("clerk accepted as approver: %v", got)
	}
	h.approveAs("zhao", "超过保管期限")
	if len(got) != 2 || got[0].ApproverID == got[1].ApproverID || got[0].ID == got[1].ID || got[0].Token == "" || got[1].Token == "" {
		t.Fatalf("approvals = %+v", got)
	}
	if again.pop.Visible() {
		t.Fatal("dialog still open")
	}
}
