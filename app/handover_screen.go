package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// handoverScreen is the shift handover (交接班, staff rules 4.6): the
// outgoing clerk counts the cash and the items on hand against what the
// ledger expects, sees the open matters that carry over, writes a note for
// the next shift, and the incoming clerk types their own account and
// password. Confirming records the handover, prints it and puts the
// incoming clerk on duty; the outgoing clerk's session ends.
type handoverScreen struct {
	u     *UI
	root  fyne.CanvasObject
	check ledger.HandoverCheck

	shift    *widget.Label // what the shift did (the old 交班 summary)
	expected *widget.Label
	cash     *keyEntry
	cashDiff *widget.Label
	counts   []*handoverCountRow
	open     *widget.Label
	previous *widget.Label
	note     *keyEntry
	username *keyEntry
	password *keyEntry
	confirm  *widget.Button
	logout   *widget.Button // 仅退出登录: no one takes over (closing time)
	cancel   *widget.Button
	message  *widget.Label
}

// handoverCountRow is one counted stock: expected, the entry, the difference.
type handoverCountRow struct {
	count ledger.HandoverCount
	entry *keyEntry
	diff  *widget.Label
}

// startHandover opens the handover screen (交班). Without a handover
// service it is the shift summary and a plain logout.
func (u *UI) startHandover() {
	if u.svc.Handover == nil {
		u.askHandover()
		return
	}
	c, err := u.svc.Handover.HandoverCheck(u.ctx, u.Staff())
	if err != nil {
		u.showError(err)
		return
	}
	s := u.newHandoverScreen(c)
	u.handoverForm = s
	u.win.SetContent(s.root)
	u.win.Canvas().Focus(s.cash)
}

func (u *UI) newHandoverScreen(c ledger.HandoverCheck) *handoverScreen {
	s := &handoverScreen{u: u, check: c}
	bold := fyne.TextStyle{Bold: true}
	title := widget.NewLabelWithStyle(T("交接班：%s 交班", c.From.Name), fyne.TextAlignLeading, bold)
	s.shift = widget.NewLabel(u.shiftText())
	s.shift.Wrapping = fyne.TextWrapWord
	s.expected = widget.NewLabelWithStyle(T("应有现金 %s", c.CashExpected), fyne.TextAlignLeading, bold)
	s.cash = u.newKeyEntry(T("实点现金（元）"))
	s.cash.OnChanged = func(string) { s.showDiffs() }
	s.cashDiff = widget.NewLabelWithStyle("", fyne.TextAlignLeading, bold)
	form := widget.NewForm(widget.NewFormItem(T("实点现金"), s.cash))
	rows := container.NewVBox(s.expected, form, s.cashDiff)
	for _, k := range c.Counts {
		r := &handoverCountRow{count: k, entry: u.newKeyEntry(T("实点数量")), diff: widget.NewLabel("")}
		r.entry.OnChanged = func(string) { s.showDiffs() }
		s.counts = append(s.counts, r)
		rows.Add(container.NewBorder(nil, nil, widget.NewLabel(T("%s：应有 %d", T(k.Label), k.Expected)), r.diff, r.entry))
	}
	s.open = widget.NewLabel(s.openText())
	s.open.Wrapping = fyne.TextWrapWord
	s.previous = widget.NewLabel("")
	s.previous.Wrapping = fyne.TextWrapWord
	if c.PreviousNote != "" {
		s.previous.SetText(T("上一班留言：%s", c.PreviousNote))
	}
	s.note = u.newKeyEntry(T("交接事项（选填，留给下一班）"))
	s.username = u.newKeyEntry(T("接班人账户"))
	s.password = u.newPasswordEntry(T("接班人密码"))
	s.username.OnSubmitted = func(string) { u.win.Canvas().Focus(s.password) }
	s.password.OnSubmitted = func(string) { s.submit() }
	s.confirm = widget.NewButton(T("确认交接（接班人登录）"), s.submit)
	s.confirm.Importance = widget.HighImportance
	s.logout = widget.NewButton(T("无人接班，仅退出登录"), func() { u.touch(); u.askHandover() })
	s.cancel = widget.NewButton(T("返回（Esc）"), s.back)
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance

	countCard := widget.NewCard(T("清点"), "", rows)
	openCard := widget.NewCard(T("移交未结事项"), "", container.NewVBox(s.open, s.previous,
		widget.NewForm(widget.NewFormItem(T("交接事项"), s.note))))
	inCard := widget.NewCard(T("接班人确认"), T("接班人用自己的账户和密码确认"), container.NewVBox(
		widget.NewForm(widget.NewFormItem(T("账户"), s.username), widget.NewFormItem(T("密码"), s.password)),
		s.message, s.confirm, container.NewGridWithColumns(2, s.logout, s.cancel)))
	s.root = container.NewBorder(container.NewVBox(title, s.shift, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, container.NewVBox(countCard, openCard), inCard)))
	s.showDiffs()
	return s
}

// shiftText is the summary of what the staff member on duty did.
func (u *UI) shiftText() string {
	if u.svc.DayClose == nil {
		return ""
	}
	sum, err := u.svc.DayClose.Shift(u.ctx, u.Staff().ID)
	if err != nil {
		return ""
	}
	since := "—"
	if !sum.Since.IsZero() {
		since = sum.Since.In(u.settings.Location()).Format("01-02 15:04")
	}
	return T("本班自 %s 起：操作 %d 笔，借出 %d 件，归还/冲正 %d 件", since, sum.Actions, sum.Lent, sum.Closed) + "  " +
		T("收押金 %s，退押金 %s，补收 %s", sum.Taken.String(), sum.Refunded.String(), sum.Collected.String())
}

// openText lists the open matters, or says there are none.
func (s *handoverScreen) openText() string {
	if len(s.check.Open) == 0 {
		return T("无未结事项")
	}
	var lines []string
	for _, m := range s.check.Open {
		lines = append(lines, "· "+trMatter(m))
	}
	return strings.Join(lines, "\n")
}

// trMatter translates an open matter's line by its kind.
func trMatter(m ledger.OpenMatter) string {
	switch {
	case strings.HasPrefix(m.Kind, ledger.MatterLoansOut+"_"):
		kind := ledger.ItemKind(strings.TrimPrefix(m.Kind, ledger.MatterLoansOut+"_"))
		return T("%s未归还 %d 件", T(kind.Label()), m.Count)
	case m.Kind == ledger.MatterOverdue:
		return T("其中逾期 %d 件", m.Count)
	case m.Kind == ledger.MatterUnprinted:
		return T("小票未打印 %d 张", m.Count)
	case m.Kind == ledger.MatterBroadcasts:
		return T("广播待播 %d 条", m.Count)
	case m.Kind == ledger.MatterFeedback:
		return T("顾客意见待答复 %d 条", m.Count)
	case m.Kind == ledger.MatterFeedbackOverdue:
		return T("其中已逾期 %d 条", m.Count)
	case m.Kind == ledger.MatterLostReports:
		return T("寻物寻人登记未结 %d 条", m.Count)
	case m.Kind == ledger.MatterFoundDue:
		return T("失物保管到期待处置 %d 件", m.Count)
	case m.Kind == ledger.MatterMedicineExpired:
		return T("过期药品待报损 %d 批", m.Count)
	}
	return m.Text
}

// showDiffs shows counted − expected for the cash and each count.
func (s *handoverScreen) showDiffs() {
	counted, err := ledger.ParseYuan(strings.TrimSpace(s.cash.Text))
	switch {
	case strings.TrimSpace(s.cash.Text) == "" || err != nil:
		s.cashDiff.SetText(T("差额：请先清点现金"))
		s.cashDiff.Importance = widget.MediumImportance
	default:
		d := counted - s.check.CashExpected
		s.cashDiff.SetText(T("差额 %s（%s）", d, T(ledger.CashDifferenceLabel(d))))
		s.cashDiff.Importance = diffImportance(int64(d))
	}
	s.cashDiff.Refresh()
	for _, r := range s.counts {
		n, err := strconv.Atoi(strings.TrimSpace(r.entry.Text))
		if err != nil {
			r.diff.SetText(T("未清点"))
			r.diff.Importance = widget.MediumImportance
		} else {
			d := n - r.count.Expected
			r.diff.SetText(T("差异 %s", fmt.Sprintf("%+d", d)))
			r.diff.Importance = diffImportance(int64(d))
		}
		r.diff.Refresh()
	}
}

// diffImportance colours a difference: zero fine, short red, over amber.
func diffImportance(d int64) widget.Importance {
	switch {
	case d < 0:
		return widget.DangerImportance
	case d > 0:
		return widget.WarningImportance
	}
	return widget.SuccessImportance
}

// submit records the handover and puts the incoming clerk on duty.
func (s *handoverScreen) submit() {
	u := s.u
	u.touch()
	req := ledger.HandoverRequest{Counted: map[string]int{}, Note: s.note.Text, Username: s.username.Text, Password: s.password.Text}
	s.password.SetText("")
	fail := func(err error) {
		s.message.SetText(errText(err))
		if ledger.ErrorCode(err) == ledger.EINTERNAL {
			u.cfg.Logger.Error("handover failed", "err", err)
		}
	}
	var err error
	if strings.TrimSpace(s.cash.Text) == "" {
		fail(ledger.Errorf(ledger.EINVALID, "请输入实点现金金额"))
		u.win.Canvas().Focus(s.cash)
		return
	}
	if req.CashCounted, err = ledger.ParseYuan(strings.TrimSpace(s.cash.Text)); err != nil {
		fail(err)
		u.win.Canvas().Focus(s.cash)
		return
	}
	for _, r := range s.counts {
		n, err := strconv.Atoi(strings.TrimSpace(r.entry.Text))
		if err != nil || n < 0 {
			fail(ledger.Errorf(ledger.EINVALID, "请清点%s", r.count.Label))
			u.win.Canvas().Focus(r.entry)
			return
		}
		req.Counted[r.count.What] = n
	}
	h, in, err := u.svc.Handover.Handover(u.ctx, u.Staff(), req)
	if err != nil {
		fail(err)
		u.win.Canvas().Focus(s.password)
		return
	}
	u.cfg.Logger.Info("shift handed over", "from", h.FromID, "to", h.ToID, "no", h.No)
	if u.cfg.Changed != nil {
		u.cfg.Changed() // the handover slip is queued
	}
	u.handoverForm = nil
	u.shell = nil // the incoming clerk starts with fresh screens
	u.startShift(in)
	u.info(T("交接完成"), T("交接单 %s 已打印。%s 已接班。", h.No, h.ToName))
}

// back returns to the counter without handing over.
func (s *handoverScreen) back() {
	s.u.touch()
	s.u.handoverForm = nil
	s.u.showShell()
}

// HandoverShown reports whether the handover screen is open.
func (u *UI) HandoverShown() bool {
	return u.handoverForm != nil && u.win.Content() == u.handoverForm.root
}
