package app

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// feedbackScreen logs customer feedback (顾客意见, procedures 5.2.6): oral or
// written, its category, a complaint flag, what the customer said, an
// optional contact (kept in the personal-data store, shown masked), the
// supervisor it is forwarded to and the follow-up time (24 hours by
// default). The list shows open feedback first, overdue flagged; a
// supervisor records the answer. Supervisors also see the open and overdue
// counts and the customers' satisfaction average against the 4.2 target.
type feedbackScreen struct {
	u    *UI
	root fyne.CanvasObject

	channel    *widget.RadioGroup
	category   *widget.Select
	complaint  *widget.Check
	text       *widget.Entry
	name       *keyEntry
	mobile     *keyEntry
	supervisor *widget.Select
	due        *widget.Select
	submit     *widget.Button
	message    *widget.Label

	summary *widget.Label // supervisors only
	list    *fyne.Container
	rows    []*widget.Button
	items   []ledger.Feedback
	detail  *widget.Label
	answer  *widget.Entry
	reply   *widget.Button

	supIDs   map[string]int64
	selected int64
}

// feedbackDue are the follow-up times offered; the first is the default.
var feedbackDue = []time.Duration{24 * time.Hour, 4 * time.Hour, 48 * time.Hour, 72 * time.Hour}

// dueLabel names a follow-up time.
func dueLabel(d time.Duration) string { return T("%d 小时内答复", int(d/time.Hour)) }

func (u *UI) newFeedbackScreen() screen {
	if u.svc.Feedback == nil {
		return u.newPlaceholder(T("顾客意见"), true)
	}
	s := &feedbackScreen{u: u, supIDs: map[string]int64{}}
	var chans []string
	for _, c := range ledger.FeedbackChannels() {
		chans = append(chans, T(c.Label()))
	}
	s.channel = widget.NewRadioGroup(chans, nil)
	s.channel.Horizontal = true
	s.channel.Required = true
	var cats []string
	for _, c := range ledger.FeedbackCategories() {
		cats = append(cats, T(c.Label()))
	}
	s.category = widget.NewSelect(cats, nil)
	s.category.PlaceHolder = T("选择类别")
	s.complaint = widget.NewCheck(T("投诉"), nil)
	s.text = widget.NewMultiLineEntry()
	s.text.PlaceHolder = T("顾客意见内容（不要写联系方式）")
	s.text.Wrapping = fyne.TextWrapWord
	s.text.SetMinRowsVisible(3)
	s.name = u.newKeyEntry(T("顾客姓名（选填）"))
	s.mobile = u.newKeyEntry(T("手机号（选填，用于回复）"))
	s.supervisor = widget.NewSelect(nil, nil)
	s.supervisor.PlaceHolder = T("选择主管")
	var dues []string
	for _, d := range feedbackDue {
		dues = append(dues, dueLabel(d))
	}
	s.due = widget.NewSelect(dues, nil)
	s.submit = widget.NewButton(T("登记并转交主管"), s.doLog)
	s.submit.Importance = widget.HighImportance
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord

	s.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.summary.Wrapping = fyne.TextWrapWord
	s.list = container.NewVBox()
	s.detail = widget.NewLabel(T("点选一条意见查看详情"))
	s.detail.Wrapping = fyne.TextWrapWord
	s.answer = widget.NewMultiLineEntry()
	s.answer.PlaceHolder = T("处理结果（已如何答复顾客）")
	s.answer.Wrapping = fyne.TextWrapWord
	s.answer.SetMinRowsVisible(2)
	s.reply = widget.NewButton(T("记录答复"), s.doAnswer)

	form := widget.NewForm(
		widget.NewFormItem(T("来源"), s.channel),
		widget.NewFormItem(T("类别"), container.NewBorder(nil, nil, nil, s.complaint, s.category)),
		widget.NewFormItem(T("内容"), s.text),
		widget.NewFormItem(T("姓名"), s.name),
		widget.NewFormItem(T("手机号"), s.mobile),
		widget.NewFormItem(T("转交"), s.supervisor),
		widget.NewFormItem(T("期限"), s.due))
	logCard := widget.NewCard(T("登记顾客意见"), "", container.NewVBox(form,
		hint(T("联系方式存入个人信息库，这里只显示掩码。")), s.submit, s.message))
	answerBox := container.NewVBox(s.detail)
	if u.Staff().Role.CanApprove() {
		answerBox.Add(s.answer)
		answerBox.Add(s.reply)
	}
	listCard := widget.NewCard(T("意见跟进"), "", container.NewVBox(s.summary, s.list, widget.NewSeparator(), answerBox))
	if !u.Staff().Role.CanApprove() {
		s.summary.Hide()
	}
	s.root = container.NewVScroll(container.NewGridWithColumns(2, logCard, listCard))
	s.reset()
	return s
}

func (s *feedbackScreen) content() fyne.CanvasObject { return s.root }
func (s *feedbackScreen) focus()                     { s.u.win.Canvas().Focus(s.text) }

// reset empties the form for the next customer.
func (s *feedbackScreen) reset() {
	s.channel.SetSelected(T(ledger.FeedbackOral.Label()))
	s.category.ClearSelected()
	s.complaint.SetChecked(false)
	s.text.SetText("")
	s.name.SetText("")
	s.mobile.SetText("")
	s.due.SetSelectedIndex(0)
}

// refresh reloads the supervisors, the list and the summary.
func (s *feedbackScreen) refresh() {
	u := s.u
	sups, err := u.svc.Feedback.Supervisors(u.ctx)
	if err != nil {
		u.showError(err)
		return
	}
	var names []string
	s.supIDs = map[string]int64{}
	for _, st := range sups {
		label := fmt.Sprintf("%s（%s）", st.Name, T(st.Role.Label()))
		names = append(names, label)
		s.supIDs[label] = st.ID
	}
	s.supervisor.SetOptions(names)
	if s.supervisor.Selected == "" && len(names) > 0 {
		// A supervisor on duty takes their own; otherwise the first.
		s.supervisor.SetSelectedIndex(0)
		for i, st := range sups {
			if st.ID == u.Staff().ID {
				s.supervisor.SetSelectedIndex(i)
			}
		}
	}
	if u.Staff().Role.CanApprove() {
		sum, err := u.svc.Feedback.FeedbackSummary(u.ctx)
		if err != nil {
			u.showError(err)
			return
		}
		s.summary.SetText(satisfactionText(sum))
		if sum.Overdue > 0 || (sum.RecentRatings > 0 && !sum.MeetsTarget()) {
			s.summary.Importance = widget.DangerImportance
		} else {
			s.summary.Importance = widget.MediumImportance
		}
		s.summary.Refresh()
	}
	items, err := u.svc.Feedback.Feedbacks(u.ctx, ledger.FeedbackFilter{Limit: 30})
	if err != nil {
		u.showError(err)
		return
	}
	s.items = items
	s.list.RemoveAll()
	s.rows = nil
	now := u.cfg.Now()
	for _, f := range items {
		f := f
		b := widget.NewButton(s.line(f, now), func() { u.touch(); s.show(f.ID) })
		b.Alignment = widget.ButtonAlignLeading
		if f.Overdue(now) {
			b.Importance = widget.DangerImportance
		}
		s.rows = append(s.rows, b)
		s.list.Add(b)
	}
	if len(items) == 0 {
		s.list.Add(widget.NewLabel(T("暂无意见")))
	}
	s.show(s.selected)
}

// satisfactionText is the supervisors' line: open, overdue, the average.
func satisfactionText(sum ledger.FeedbackSummary) string {
	text := T("待答复 %d 条，已逾期 %d 条", sum.Open, sum.Overdue)
	if sum.RecentRatings == 0 {
		return text + "\n" + T("近 30 天暂无顾客评分（目标 %.1f 分）", ledger.SatisfactionTarget)
	}
	verdict := T("未达标")
	if sum.MeetsTarget() {
		verdict = T("达标")
	}
	return text + "\n" + T("满意度 %.2f 分（近 30 天 %d 次评分，目标 %.1f 分，%s）", sum.RecentAverage(), sum.RecentRatings,
		ledger.SatisfactionTarget, verdict)
}

// line is one row of the list.
func (s *feedbackScreen) line(f ledger.Feedback, now time.Time) string {
	text := f.Text
	if utf8.RuneCountInString(text) > 14 {
		text = string([]rune(text)[:14]) + "…"
	}
	kind := T(f.Category.Label())
	if f.Complaint {
		kind = T("投诉") + "·" + kind
	}
	return fmt.Sprintf("#%d 【%s】 %s %s ＞ %s", f.ID, T(f.StatusLabel(now)), kind, text, f.SupervisorName)
}

// show puts one feedback's details beside the list.
func (s *feedbackScreen) show(id int64) {
	s.selected = id
	var f *ledger.Feedback
	for i := range s.items {
		if s.items[i].ID == id {
			f = &s.items[i]
		}
	}
	if f == nil {
		s.detail.SetText(T("点选一条意见查看详情"))
		s.reply.Disable()
		return
	}
	loc := s.u.settings.Location()
	lines := []string{
		T("意见 #%d · %s · %s", f.ID, T(f.Channel.Label()), T(f.Category.Label())),
		f.Text,
		T("登记：%s %s", f.ReceivedByName, f.ReceivedAt.In(loc).Format("01-02 15:04")),
		T("转交：%s，须于 %s 前答复", f.SupervisorName, f.DueAt.In(loc).Format("01-02 15:04")),
	}
	if f.Complaint {
		lines[0] += " · " + T("投诉")
	}
	if f.ContactMasked != "" {
		lines = append(lines, T("联系人：%s", f.ContactMasked))
	}
	if f.Answered() {
		lines = append(lines, T("答复：%s（%s %s）", f.Answer, f.AnsweredByName, f.AnsweredAt.In(loc).Format("01-02 15:04")))
		s.reply.Disable()
	} else {
		lines = append(lines, T(f.StatusLabel(s.u.cfg.Now())))
		s.reply.Enable()
	}
	s.detail.SetText(strings.Join(lines, "\n"))
}

// doLog logs the form's feedback and forwards it.
func (s *feedbackScreen) doLog() {
	u := s.u
	u.touch()
	req := ledger.FeedbackRequest{Complaint: s.complaint.Checked, Text: s.text.Text,
		ContactName: s.name.Text, ContactMobile: s.mobile.Text, SupervisorID: s.supIDs[s.supervisor.Selected]}
	for _, c := range ledger.FeedbackChannels() {
		if T(c.Label()) == s.channel.Selected {
			req.Channel = c
		}
	}
	for _, c := range ledger.FeedbackCategories() {
		if T(c.Label()) == s.category.Selected {
			req.Category = c
		}
	}
	if i := s.due.SelectedIndex(); i >= 0 {
		req.Due = feedbackDue[i]
	}
	f, err := u.svc.Feedback.LogFeedback(u.ctx, u.Staff(), req)
	if err != nil {
		s.message.SetText(errText(err))
		u.showError(err)
		return
	}
	s.message.SetText(T("意见 #%d 已登记，转交 %s，须于 %s 前答复。", f.ID, f.SupervisorName,
		f.DueAt.In(u.settings.Location()).Format("01-02 15:04")))
	s.reset()
	s.selected = f.ID
	s.refresh()
	if u.shell != nil {
		u.shell.refreshNav()
	}
	s.focus()
}

// doAnswer records the supervisor's answer to the selected feedback.
func (s *feedbackScreen) doAnswer() {
	u := s.u
	u.touch()
	f, err := u.svc.Feedback.AnswerFeedback(u.ctx, u.Staff(), s.selected, s.answer.Text)
	if err != nil {
		u.showError(err)
		return
	}
	s.answer.SetText("")
	s.message.SetText(T("意见 #%d 的答复已记录。", f.ID))
	s.refresh()
	if u.shell != nil {
		u.shell.refreshNav()
	}
}

// feedbackCount is the nav's live count: open feedback, overdue first.
func (u *UI) feedbackCount() string {
	if u.svc.Feedback == nil {
		return ""
	}
	sum, err := u.svc.Feedback.FeedbackSummary(u.ctx)
	if err != nil || sum.Open == 0 {
		return ""
	}
	if sum.Overdue > 0 {
		return T("%d 逾期", sum.Overdue)
	}
	return T("%d 待复", sum.Open)
}
