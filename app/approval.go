package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// approvalDialog asks a supervisor other than the acting clerk to approve an
// action. It shows exactly what is approved: action, record and amount.
type approvalDialog struct {
	u        *UI
	pop      *widget.PopUp
	req      ledger.ApprovalRequest
	what     *widget.Label
	username *keyEntry
	password *keyEntry
	reason   *keyEntry
	approve  *widget.Button
	cancel   *widget.Button
	message  *widget.Label
	box      *fyne.Container
	done     func(ledger.Approval)
}

// showMoney adds the money of the approved action, large (应退 green,
// 应收 red), with a note such as "押金 ￥50.00 不退还".
func (d *approvalDialog) showMoney(m money, note string) {
	u := d.u
	objs := []fyne.CanvasObject{u.moneyText(m)}
	if note != "" {
		objs = append(objs, widget.NewLabelWithStyle(note, fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
	}
	d.box.Objects = append(d.box.Objects[:2], append(objs, d.box.Objects[2:]...)...)
	d.box.Refresh()
}

// submit approves when every field is filled, else moves to the first
// empty one (Enter in any field).
func (d *approvalDialog) submit() {
	for _, e := range []*keyEntry{d.username, d.password, d.reason} {
		if e.Text == "" {
			d.u.win.Canvas().Focus(e)
			return
		}
	}
	d.u.doApprove(d)
}

// hide closes the dialog and gives the focus back to the screen.
func (d *approvalDialog) hide() {
	d.pop.Hide()
	d.u.refocus()
}

// requestApproval opens the approval dialog for req; label names the
// action for the approver ("" for the action's own label). done runs only
// once a supervisor has approved: it gets the single-use approval the
// store recorded, to pass to the action at once.
func (u *UI) requestApproval(req ledger.ApprovalRequest, label string, done func(ledger.Approval)) *approvalDialog {
	d := &approvalDialog{u: u, req: req, done: done}
	if label == "" {
		label = T(req.Action.Label())
	}
	text := T("审批事项：%s", label) + "\n" + T("记录：%s", req.Detail)
	if req.Amount != 0 {
		text += "\n" + T("金额：%s", req.Amount.String())
	}
	d.what = widget.NewLabel(text)
	d.what.Wrapping = fyne.TextWrapWord
	d.username = u.newKeyEntry(T("主管用户名"))
	d.password = u.newPasswordEntry(T("主管密码"))
	d.reason = u.newKeyEntry(T("原因"))
	d.message = widget.NewLabel("")
	d.message.Importance = widget.DangerImportance
	d.message.Wrapping = fyne.TextWrapWord
	d.approve = widget.NewButton(T("主管批准"), func() { u.doApprove(d) })
	d.approve.Importance = widget.HighImportance
	d.cancel = widget.NewButton(T("取消（Esc）"), d.hide)
	for _, e := range []*keyEntry{d.username, d.password, d.reason} {
		e.OnSubmitted = func(string) { d.submit() }
	}
	d.box = container.NewVBox(
		widget.NewLabelWithStyle(T("需要主管审批"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		d.what,
		widget.NewForm(
			widget.NewFormItem(T("主管"), d.username),
			widget.NewFormItem(T("密码"), d.password),
			widget.NewFormItem(T("原因"), d.reason)),
		container.NewGridWithColumns(2, d.cancel, d.approve),
		d.message)
	d.pop = widget.NewModalPopUp(container.NewGridWrap(fyne.NewSize(460, 420), container.NewVScroll(d.box)), u.win.Canvas())
	d.pop.Show()
	u.win.Canvas().Focus(d.username)
	u.lastApproval = d
	return d
}

// requestApprovals collects the approvals req.Action needs: one dialog per
// approver, one after the other. For a two-person action (a disposal) the
// second dialog asks for a second supervisor and refuses the first one
// again. done runs once all are given, with the approvals in order.
func (u *UI) requestApprovals(req ledger.ApprovalRequest, label string, done func([]ledger.Approval)) *approvalDialog {
	need := req.Action.Approvers()
	var got []ledger.Approval
	var next func(ledger.Approval)
	next = func(a ledger.Approval) {
		for _, g := range got {
			if g.ApproverID == a.ApproverID {
				d := u.requestApproval(req, label, next)
				d.setTitle(T("第二位主管审批（须与第一位不同）"))
				d.message.SetText(T("须由两位不同的主管审批"))
				return
			}
		}
		got = append(got, a)
		if len(got) == need {
			done(got)
			return
		}
		d := u.requestApproval(req, label, next)
		d.setTitle(T("第二位主管审批（须与第一位不同）"))
	}
	return u.requestApproval(req, label, next)
}

// setTitle replaces the dialog's heading.
func (d *approvalDialog) setTitle(title string) {
	if l, ok := d.box.Objects[0].(*widget.Label); ok {
		l.SetText(title)
	}
}

// doApprove checks the supervisor's credentials and the approval rules.
func (u *UI) doApprove(d *approvalDialog) {
	a, err := u.svc.Staff.Approve(u.ctx, d.req, d.username.Text, d.password.Text, d.reason.Text)
	d.password.SetText("")
	if err != nil {
		d.message.SetText(errText(err))
		return
	}
	d.pop.Hide()
	d.done(a)
	d.u.refocus()
}
