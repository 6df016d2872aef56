package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/devices"
	"servicedesk/ledger"
)

// memberScreen is the point-card desk (积分卡, F5; procedures 5.2.5 and
// 5.2.8): look a member up by card swipe, card number or mobile; loss
// report, reissue, backfill, adjustment; signup from shopping receipts and
// an ID; the FAQ read to customers and the point-card rules. Everything is
// masked; the full name and mobile need another supervisor's approval.
type memberScreen struct {
	u    *UI
	root *container.AppTabs
	find *container.TabItem
	join *container.TabItem
	faq  *container.TabItem

	// 会员查询
	query    *keyEntry
	search   *widget.Button
	info     *widget.Label
	ledger   *widget.Label
	loss     *widget.Button
	newCard  *keyEntry
	reissue  *widget.Button
	backfill *receiptPad
	addPts   *widget.Button
	adjPts   *keyEntry
	adjNote  *keyEntry
	adjust   *widget.Button
	reveal   *widget.Button
	revealed *widget.Label
	actions  *fyne.Container
	findBody *fyne.Container
	joinBody *fyne.Container
	member   *ledger.Member

	// 办卡
	pad      *receiptPad
	name     *keyEntry
	mobile   *keyEntry
	idNo     *keyEntry
	birthday *keyEntry
	card     *keyEntry
	eligible *widget.Label
	signup   *widget.Button

	// 常见问题与设置
	faqText  *widget.Label
	rules    *widget.Label
	setForm  *fyne.Container
	minOne   *keyEntry
	minDay   *keyEntry
	perYuan  *keyEntry
	fee      *keyEntry
	window   *keyEntry
	expire   *keyEntry
	guide    *widget.Entry
	faqEdit  *widget.Entry
	saveSets *widget.Button
}

func (u *UI) newMemberScreen() screen {
	s := &memberScreen{u: u}
	if u.svc.Members == nil {
		return u.newPlaceholder(T("积分卡"), true)
	}
	// Lookup.
	s.query = u.newKeyEntry(T("刷卡，或输入卡号 / 手机号"))
	s.query.OnSubmitted = func(string) { s.doSearch() }
	s.search = widget.NewButton(T("查找"), s.doSearch)
	s.search.Importance = widget.HighImportance
	s.info = widget.NewLabel("")
	s.info.Wrapping = fyne.TextWrapWord
	s.ledger = widget.NewLabel("")
	s.ledger.Wrapping = fyne.TextWrapWord
	s.loss = widget.NewButton(T("挂失（立即冻结）"), s.askLoss)
	s.loss.Importance = widget.DangerImportance
	s.newCard = u.newKeyEntry(T("新卡号（刷新卡）"))
	s.newCard.OnSubmitted = func(string) { s.askReissue() }
	s.reissue = widget.NewButton(T("补办新卡"), s.askReissue)
	s.backfill = u.newReceiptPad(true)
	s.addPts = widget.NewButton(T("补录积分"), s.doBackfill)
	s.adjPts = u.newKeyEntry(T("积分（负数为扣减）"))
	s.adjNote = u.newKeyEntry(T("调整说明"))
	s.adjust = widget.NewButton(T("积分调整（主管审批）"), s.askAdjust)
	s.reveal = widget.NewButton(T("查看完整信息（主管审批）"), s.askReveal)
	s.revealed = widget.NewLabel("")
	s.revealed.Wrapping = fyne.TextWrapWord
	bold := func(t string) *widget.Label {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.actions = container.NewVBox(
		container.NewHBox(s.loss, s.reveal),
		s.revealed,
		widget.NewSeparator(), bold(T("补办")),
		container.NewBorder(nil, nil, nil, s.reissue, narrow(s.newCard)),
		hint(T("补办收取工本费（现金），积分转入新卡，原卡作废。")),
		widget.NewSeparator(), bold(T("补录积分")),
		s.backfill.root, s.addPts,
		widget.NewSeparator(), bold(T("积分调整")),
		container.NewGridWithColumns(2, s.adjPts, s.adjNote), s.adjust,
		widget.NewSeparator(), bold(T("积分明细")), s.ledger)
	s.actions.Hide()
	findTop := container.NewBorder(nil, nil, nil, s.search, s.query)
	s.findBody = container.NewVBox(s.info, s.actions)
	findPage := container.NewBorder(findTop, nil, nil, nil, container.NewVScroll(s.findBody))

	// Signup.
	s.pad = u.newReceiptPad(true)
	s.pad.changed = s.showEligibility
	s.name = u.newKeyEntry(T("姓名"))
	s.mobile = u.newKeyEntry(T("手机号"))
	s.idNo = u.newKeyEntry(T("身份证号"))
	s.birthday = u.newKeyEntry(T("生日（选填，如 03-15）"))
	s.card = u.newKeyEntry(T("卡号（刷卡、扫码或输入）"))
	s.card.OnSubmitted = func(string) { s.askSignup() }
	s.eligible = widget.NewLabel("")
	s.eligible.Wrapping = fyne.TextWrapWord
	s.signup = widget.NewButton(T("办卡"), s.askSignup)
	s.signup.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(T("姓名"), s.name),
		widget.NewFormItem(T("手机号"), s.mobile),
		widget.NewFormItem(T("身份证号"), s.idNo),
		widget.NewFormItem(T("生日"), s.birthday),
		widget.NewFormItem(T("卡号"), s.card))
	s.joinBody = container.NewVBox(
		bold(T("1. 购物小票")), s.pad.root, s.eligible,
		bold(T("2. 申请表")), form,
		hint(T("身份证号只保存脱敏号码和校验用的密钥哈希；每个身份证号只能办一张卡。")),
		s.signup)
	joinPage := container.NewVScroll(s.joinBody)

	// FAQ and rules.
	s.faqText = widget.NewLabel("")
	s.faqText.Wrapping = fyne.TextWrapWord
	s.rules = widget.NewLabel("")
	s.rules.Wrapping = fyne.TextWrapWord
	s.minOne, s.minDay = u.newKeyEntry("200"), u.newKeyEntry("500")
	s.perYuan, s.fee = u.newKeyEntry("1"), u.newKeyEntry("10")
	s.window, s.expire = u.newKeyEntry("30"), u.newKeyEntry("730")
	s.guide = widget.NewMultiLineEntry()
	s.guide.Wrapping = fyne.TextWrapWord
	s.faqEdit = widget.NewMultiLineEntry()
	s.faqEdit.Wrapping = fyne.TextWrapWord
	s.faqEdit.SetMinRowsVisible(6)
	s.saveSets = widget.NewButton(T("保存积分卡设置"), s.doSaveSettings)
	s.setForm = container.NewVBox(widget.NewSeparator(), bold(T("积分卡设置（主管）")),
		widget.NewForm(
			widget.NewFormItem(T("单张小票满（元）"), s.minOne),
			widget.NewFormItem(T("当日累计满（元）"), s.minDay),
			widget.NewFormItem(T("每元积分"), s.perYuan),
			widget.NewFormItem(T("补卡工本费（元）"), s.fee),
			widget.NewFormItem(T("补录期限（天）"), s.window),
			widget.NewFormItem(T("积分有效期（天，0为不过期）"), s.expire),
			widget.NewFormItem(T("使用指南"), s.guide),
			widget.NewFormItem(T("常见问题"), s.faqEdit)),
		s.saveSets)
	faqPage := container.NewVScroll(container.NewVBox(bold(T("常见问题（可读给顾客听）")), s.faqText, s.rules, s.setForm))

	s.find = container.NewTabItem(T("会员查询"), findPage)
	s.join = container.NewTabItem(T("办卡"), joinPage)
	s.faq = container.NewTabItem(T("常见问题与设置"), faqPage)
	s.root = container.NewAppTabs(s.find, s.join, s.faq)
	s.root.OnSelected = func(*container.TabItem) { s.focus() }
	return s
}

func (s *memberScreen) content() fyne.CanvasObject { return s.root }

func (s *memberScreen) focus() {
	switch s.root.Selected() {
	case s.join:
		s.u.win.Canvas().Focus(s.pad.no)
	case s.find:
		s.u.win.Canvas().Focus(s.query)
	}
}

func (s *memberScreen) refresh() {
	shops, err := s.u.svc.Members.Shops(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.pad.setShops(shops)
	s.backfill.setShops(shops)
	set := s.u.settings.Members
	var faq []string
	for _, it := range set.FAQItems() {
		faq = append(faq, T("问：%s", it.Q)+"\n"+T("答：%s", it.A))
	}
	s.faqText.SetText(strings.Join(faq, "\n\n"))
	s.rules.SetText(T("办卡条件：单张小票满%s，或同一天累计满%s；每消费1元积%d分；补录期限%d天；补卡工本费%s。",
		set.MinSingle.String(), set.MinDayTotal.String(), set.PointsPerYuan, set.BackfillDays, set.ReissueFee.String()))
	s.minOne.SetText(set.MinSingle.Plain())
	s.minDay.SetText(set.MinDayTotal.Plain())
	s.perYuan.SetText(strconv.Itoa(set.PointsPerYuan))
	s.fee.SetText(set.ReissueFee.Plain())
	s.window.SetText(strconv.Itoa(set.BackfillDays))
	s.expire.SetText(strconv.Itoa(set.ExpireDays))
	s.guide.SetText(set.Guide)
	s.faqEdit.SetText(set.FAQ)
	if s.u.Staff().Role.CanApprove() {
		s.setForm.Show()
	} else {
		s.setForm.Hide()
	}
	s.showEligibility()
	if s.member != nil {
		if m, err := s.u.svc.Members.Member(s.u.ctx, s.member.ID); err == nil {
			s.show(&m)
		}
	}
}

// ClaimCard takes a card read from the serial reader: on the signup tab it
// is the new card's number; on the lookup tab it is the new card of a
// reissue when the shown card is frozen, else the card to look up.
func (s *memberScreen) ClaimCard(c devices.Card) bool {
	if c.ID == "" {
		return false
	}
	switch {
	case s.root.Selected() == s.join:
		s.card.SetText(c.ID)
		s.u.win.Canvas().Focus(s.card)
	case s.member != nil && s.member.CardStatus == ledger.CardLost:
		s.newCard.SetText(c.ID)
		s.u.win.Canvas().Focus(s.newCard)
	default:
		s.root.Select(s.find)
		s.query.SetText(c.ID)
		s.doSearch()
	}
	return true
}

// showEligibility says whether the receipts entered so far qualify.
func (s *memberScreen) showEligibility() {
	if s.eligible == nil {
		return
	}
	// The receipt list and this line wrap: lay the form out again once
	// their texts changed, so they never overlap.
	defer func() {
		if s.joinBody != nil {
			s.joinBody.Refresh()
		}
	}()
	if len(s.pad.items) == 0 {
		s.eligible.Importance = widget.MediumImportance
		s.eligible.SetText(T("办卡条件：单张小票满%s，或同一天累计满%s。", s.u.settings.Members.MinSingle.String(), s.u.settings.Members.MinDayTotal.String()))
		return
	}
	if err := s.u.settings.Members.Eligible(s.pad.items); err != nil {
		s.eligible.Importance = widget.DangerImportance
		s.eligible.SetText(errText(err))
		return
	}
	s.eligible.Importance = widget.SuccessImportance
	var pts int64
	for _, r := range s.pad.items {
		pts += s.u.settings.Members.Points(r.Amount)
	}
	s.eligible.SetText(T("符合办卡条件，可积 %d 分。", pts))
}

// doSearch finds a member by card or mobile.
func (s *memberScreen) doSearch() {
	m, err := s.u.svc.Members.Find(s.u.ctx, s.u.Staff(), s.query.Text)
	if err != nil {
		s.show(nil)
		s.u.showError(err)
		return
	}
	s.query.SetText("")
	s.show(&m)
}

// open shows a member (from a scanned slip).
func (s *memberScreen) open(m ledger.Member) {
	s.root.Select(s.find)
	s.show(&m)
}

// show fills the lookup tab with a member, nil for none.
func (s *memberScreen) show(m *ledger.Member) {
	s.member = m
	s.revealed.SetText("")
	if m == nil {
		s.info.SetText("")
		s.actions.Hide()
		s.findBody.Refresh()
		return
	}
	loc := s.u.settings.Location()
	lines := []string{
		T("会员 %s · 卡号 %s · %s", m.No, m.CardNo, T(m.CardStatus.Label())),
		T("姓名 %s · 手机 %s · 身份证 %s", m.NameMasked, m.MobileMasked, m.IDMasked),
		T("积分 %d · 入会 %s", m.Points, m.JoinedAt.In(loc).Format("2006-01-02")),
	}
	if m.Birthday != "" {
		lines = append(lines, T("生日 %s", m.Birthday))
	}
	s.info.Importance = widget.MediumImportance
	if m.CardStatus == ledger.CardLost {
		s.info.Importance = widget.DangerImportance
		lines = append(lines, T("此卡已挂失冻结：不能积分，请办理补卡。"))
	}
	s.info.SetText(strings.Join(lines, "\n"))
	entries, err := s.u.svc.Members.PointEntries(s.u.ctx, m.ID)
	if err != nil {
		s.u.showError(err)
		return
	}
	var out []string
	for i, e := range entries {
		if i == 50 {
			out = append(out, T("…… 共 %d 条", len(entries)))
			break
		}
		line := fmt.Sprintf("%s  %s  %+d  %s", e.At.In(loc).Format("2006-01-02 15:04"), T(e.Kind.Label()), e.Points, e.CardNo)
		if e.Receipt != "" {
			line += "  " + e.Receipt
		}
		if e.Note != "" {
			line += "  " + e.Note
		}
		out = append(out, line)
	}
	s.ledger.SetText(strings.Join(out, "\n"))
	if m.CardStatus == ledger.CardLost {
		s.loss.Disable()
		s.addPts.Disable()
		s.adjust.Disable()
	} else {
		s.loss.Enable()
		s.addPts.Enable()
		s.adjust.Enable()
	}
	s.actions.Show()
	// Lay the page out again: the actions appeared, and wrapped labels
	// know their height only once they have a width.
	s.findBody.Refresh()
	s.root.Refresh()
}

// done shows the updated member, the slip if one printed, and refreshes.
func (s *memberScreen) done(m ledger.Member) {
	s.show(&m)
	if m.SlipNo != "" {
		s.u.showReceipt(m.SlipNo)
	}
	s.u.afterChange()
}

func (s *memberScreen) askLoss() {
	m := s.member
	if m == nil {
		return
	}
	s.u.ask(T("挂失"), T("挂失卡号 %s（会员 %s）？挂失后所有服务台立即冻结此卡。", m.CardNo, m.No), func() {
		got, err := s.u.svc.Members.ReportLoss(s.u.ctx, s.u.Staff(), m.ID)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.done(got)
	})
}

func (s *memberScreen) askReissue() {
	m := s.member
	if m == nil {
		return
	}
	card, err := ledger.NormalizeCardNo(s.newCard.Text)
	if err != nil {
		s.u.showError(err)
		return
	}
	fee := s.u.settings.Members.ReissueFee
	s.u.askMoney(T("补办新卡"), T("原卡 %s 作废，%d 积分转入新卡 %s。收取补卡工本费：", m.CardNo, m.Points, card), money{collect: fee, shown: true}, func() {
		got, err := s.u.svc.Members.Reissue(s.u.ctx, s.u.Staff(), m.ID, card)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.newCard.SetText("")
		s.done(got)
	})
}

func (s *memberScreen) doBackfill() {
	m := s.member
	if m == nil {
		return
	}
	got, err := s.u.svc.Members.Backfill(s.u.ctx, s.u.Staff(), m.ID, s.backfill.items)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.backfill.reset()
	s.done(got)
}

func (s *memberScreen) askAdjust() {
	m := s.member
	if m == nil {
		return
	}
	delta, err := strconv.ParseInt(strings.TrimSpace(s.adjPts.Text), 10, 64)
	if err != nil || delta == 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "调整积分须为非零整数（不超过1000000）"))
		return
	}
	if _, err := ledger.FieldPointsNote.Clean(s.adjNote.Text); err != nil {
		s.u.showError(err)
		return
	}
	s.u.requestApproval(ledger.AdjustApproval(s.u.Staff().ID, *m, delta), "", func(a ledger.Approval) {
		got, err := s.u.svc.Members.Adjust(s.u.ctx, s.u.Staff(), m.ID, delta, s.adjNote.Text, &a)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.adjPts.SetText("")
		s.adjNote.SetText("")
		s.done(got)
	})
}

func (s *memberScreen) askReveal() {
	m := s.member
	if m == nil || s.u.svc.Personal == nil {
		return
	}
	rec := ledger.PersonRecord{ID: m.PersonID, Purpose: ledger.PurposeMember}
	s.u.requestApproval(ledger.RevealApproval(s.u.Staff(), rec), "", func(a ledger.Approval) {
		vals, err := s.u.svc.Personal.Reveal(s.u.ctx, s.u.Staff(), m.PersonID, &a)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.revealed.SetText(T("完整信息（已记入流水账）：姓名 %s，手机 %s", vals[ledger.DataName], vals[ledger.DataMobile]))
	})
}

func (s *memberScreen) askSignup() {
	req := ledger.SignupRequest{Name: s.name.Text, Mobile: s.mobile.Text, ResidentID: s.idNo.Text, Birthday: s.birthday.Text,
		CardNo: s.card.Text, Receipts: s.pad.items}
	if err := s.u.settings.Members.Eligible(req.Receipts); err != nil || len(req.Receipts) == 0 {
		if err == nil {
			err = ledger.Errorf(ledger.EINVALID, "请至少录入一张购物小票")
		}
		s.u.showError(err)
		return
	}
	m, err := s.u.svc.Members.Signup(s.u.ctx, s.u.Staff(), req)
	if err != nil {
		s.u.showError(err)
		return
	}
	for _, e := range []*keyEntry{s.name, s.mobile, s.idNo, s.birthday, s.card} {
		e.SetText("")
	}
	s.pad.reset()
	s.root.Select(s.find)
	s.done(m)
}

func (s *memberScreen) doSaveSettings() {
	set := s.u.settings
	var err error
	parse := func(e *keyEntry, dst *ledger.Fen) {
		if err == nil {
			*dst, err = ledger.ParseYuan(e.Text)
		}
	}
	atoi := func(e *keyEntry, dst *int) {
		if err == nil {
			var n int
			n, err = strconv.Atoi(strings.TrimSpace(e.Text))
			if err != nil {
				err = ledger.Errorf(ledger.EINVALID, "请输入整数：%s", ledger.Quote(e.Text))
			}
			*dst = n
		}
	}
	parse(s.minOne, &set.Members.MinSingle)
	parse(s.minDay, &set.Members.MinDayTotal)
	parse(s.fee, &set.Members.ReissueFee)
	atoi(s.perYuan, &set.Members.PointsPerYuan)
	atoi(s.window, &set.Members.BackfillDays)
	atoi(s.expire, &set.Members.ExpireDays)
	set.Members.Guide, set.Members.FAQ = s.guide.Text, strings.TrimSpace(s.faqEdit.Text)
	if err == nil {
		err = s.u.svc.Settings.UpdateSettings(s.u.ctx, s.u.Staff(), set)
	}
	if err != nil {
		s.u.showError(err)
		return
	}
	s.u.reloadSettings()
	s.refresh()
	s.u.info(T("积分卡设置"), T("已保存。"))
}
