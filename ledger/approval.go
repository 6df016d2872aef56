package ledger

import (
	"fmt"
	"time"
)

// ApprovalAction is the kind of supervised action an approval allows.
type ApprovalAction string

// The supervised actions (design: voids, deposit forfeits, disposals and
// stock write-offs need a supervisor other than the clerk; so does the day
// close).
const (
	ActionVoid     ApprovalAction = "loan.void"         // 冲正：撤销借出，退还押金
	ActionForfeit  ApprovalAction = "loan.forfeit"      // 遗失登记，没收押金
	ActionWriteOff ApprovalAction = "item.retire"       // 物品报废
	ActionDayClose ApprovalAction = "day.close"         // 日结
	ActionDisposal ApprovalAction = "lostfound.dispose" // 失物处置（两人签字）
	ActionMedicine ApprovalAction = "medicine.writeoff" // 药品报损
	ActionReveal   ApprovalAction = "personal.reveal"   // 查看完整个人信息
	ActionExport   ApprovalAction = "personal.export"   // 导出个人信息副本
	ActionErase    ApprovalAction = "personal.erase"    // 应本人要求删除个人信息
	// ActionPointsAdjust changes a member's points by hand (积分调整).
	ActionPointsAdjust ApprovalAction = "member.adjust"
	// ActionInvoiceVoid voids an invoice on its own business day (发票作废).
	ActionInvoiceVoid ApprovalAction = "invoice.void"
)

// Label is the Chinese name of the action.
func (a ApprovalAction) Label() string {
	switch a {
	case ActionVoid:
		return "冲正（撤销借出），退还押金"
	case ActionForfeit:
		return "遗失登记，没收押金"
	case ActionWriteOff:
		return "报废"
	case ActionDayClose:
		return "日结"
	case ActionDisposal:
		return "失物处置"
	case ActionMedicine:
		return "药品报损"
	case ActionReveal:
		return "查看完整个人信息"
	case ActionExport:
		return "导出个人信息副本"
	case ActionErase:
		return "应本人要求删除个人信息"
	case ActionPointsAdjust:
		return "积分调整"
	case ActionInvoiceVoid:
		return "发票作废"
	}
	return string(a)
}

// Approvers is how many distinct supervisors the action needs: two for a
// disposal (procedures: two staff sign), one otherwise.
func (a ApprovalAction) Approvers() int {
	if a == ActionDisposal {
		return 2
	}
	return 1
}

// Valid reports whether a is a known action.
func (a ApprovalAction) Valid() bool {
	switch a {
	case ActionVoid, ActionForfeit, ActionWriteOff, ActionDayClose, ActionDisposal, ActionMedicine, ActionReveal, ActionExport, ActionErase,
		ActionPointsAdjust, ActionInvoiceVoid:
		return true
	}
	return false
}

// ApprovalTTL is how long a granted approval may wait for its action.
const ApprovalTTL = 5 * time.Minute

// ApprovalRequest describes exactly what a supervisor is asked to approve:
// one action on one record for one amount, done by one staff member. The
// approval granted for it is bound to all four.
type ApprovalRequest struct {
	Action  ApprovalAction
	Record  string // the record, e.g. "loan:12" (see the *Approval constructors)
	Amount  Fen    // money at stake, 0 if none
	ActorID int64  // the staff member doing the action; may not approve it
	Detail  string // what the approver reads, e.g. "雨伞 U-012，借出单 20261125-0007"
}

// Approval is a granted approval: a single-use record in the store, made
// by StaffService.Approve from the supervisor's own credentials, and
// consumed inside the transaction of the action it was granted for. Only
// ID and Token identify it to the store; the rest is for display. A value
// built by a caller is refused.
type Approval struct {
	ID           int64     `json:"approval_id,omitempty"`
	Token        string    `json:"-"` // secret handed to the caller; only its hash is stored
	ApproverID   int64     `json:"approver_id"`
	ApproverName string    `json:"approver_name"`
	Reason       string    `json:"reason"`
	ExpiresAt    time.Time `json:"-"`
}

// VoidApproval is the request to void (冲正) loan l.
func VoidApproval(actorID int64, l Loan) ApprovalRequest {
	return ApprovalRequest{Action: ActionVoid, Record: fmt.Sprintf("loan:%d", l.ID), Amount: l.Deposit, ActorID: actorID,
		Detail: fmt.Sprintf("%s %s，借出单 %s", l.Kind.Label(), l.ItemNumber, l.ReceiptNo)}
}

// ForfeitApproval is the request to register loan l as lost (its deposit,
// if any, forfeited).
func ForfeitApproval(actorID int64, l Loan) ApprovalRequest {
	return ApprovalRequest{Action: ActionForfeit, Record: fmt.Sprintf("loan:%d", l.ID), Amount: l.Deposit, ActorID: actorID,
		Detail: fmt.Sprintf("%s %s，借出单 %s", l.Kind.Label(), l.ItemNumber, l.ReceiptNo)}
}

// WriteOffApproval is the request to write item it off (报废).
func WriteOffApproval(actorID int64, it Item) ApprovalRequest {
	return ApprovalRequest{Action: ActionWriteOff, Record: fmt.Sprintf("item:%d", it.ID), ActorID: actorID,
		Detail: fmt.Sprintf("%s %s", it.Kind.Label(), it.Number)}
}

// DayCloseApproval is the request to close business day d with counted
// cash against expected: the approval is bound to both amounts.
func DayCloseApproval(actorID int64, d BusinessDay, expected, counted Fen) ApprovalRequest {
	return ApprovalRequest{Action: ActionDayClose, Record: fmt.Sprintf("day:%d;expected:%d", d.ID, int64(expected)), Amount: counted, ActorID: actorID,
		Detail: fmt.Sprintf("营业日 %s，应有现金 %s，实点 %s，差额 %s", d.Date, expected, counted, counted-expected)}
}

// Validate checks a request before credentials are asked for.
func (r ApprovalRequest) Validate() error {
	if !r.Action.Valid() || r.Record == "" || len(r.Record) > 4000 || r.Amount < 0 || r.ActorID <= 0 {
		return Errorf(EINVALID, "审批请求无效")
	}
	return nil
}

// CheckApprover applies the approval rules to an approver's account as it
// is now: another staff member than the actor, a supervisor or admin,
// active, not locked, and not waiting to replace an admin-issued temporary
// password. It returns the reason, cleaned by the text rule.
func CheckApprover(req ApprovalRequest, approver Staff, reason string, now time.Time) (string, error) {
	if approver.ID == req.ActorID {
		return "", Errorf(EFORBIDDEN, "不能审批自己的操作，请由另一位主管审批")
	}
	if !approver.Role.CanApprove() {
		return "", Errorf(EFORBIDDEN, "%s 不是主管，无权审批", approver.Name)
	}
	if approver.Disabled {
		return "", Errorf(EFORBIDDEN, "审批人 %s 的账户已停用", approver.Name)
	}
	if now.Before(approver.LockedUntil) {
		return "", Errorf(EFORBIDDEN, "审批人 %s 的账户已锁定", approver.Name)
	}
	if approver.MustChange {
		return "", Errorf(EFORBIDDEN, "审批人 %s 须先修改管理员发放的临时密码，才能审批", approver.Name)
	}
	return FieldReason.Clean(reason)
}
