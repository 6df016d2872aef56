package ledger

// ApprovalRequest describes exactly what a supervisor is asked to approve.
type ApprovalRequest struct {
	Action  string // e.g. "没收押金"
	Record  string // e.g. "雨伞 U-012，借出单 20261125-0007"
	Amount  Fen    // money at stake, 0 if none
	ActorID int64  // the clerk doing the action; may not approve it
}

// Approval is a granted approval, recorded in the journal with the action.
type Approval struct {
	ApproverID   int64  `json:"approver_id"`
	ApproverName string `json:"approver_name"`
	Reason       string `json:"reason"`
}

// CheckApprover applies the approval rules to an authenticated approver.
func CheckApprover(req ApprovalRequest, approver Staff, reason string) error {
	if approver.ID == req.ActorID {
		return Errorf(EFORBIDDEN, "不能审批自己的操作，请由另一位主管审批")
	}
	if !approver.Role.CanApprove() {
		return Errorf(EFORBIDDEN, "%s 不是主管，无权审批", approver.Name)
	}
	if len([]rune(reason)) < 2 {
		return Errorf(EINVALID, "请填写审批原因")
	}
	return nil
}
