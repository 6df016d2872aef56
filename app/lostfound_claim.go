package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// reportsTab builds the lost-report form, the open reports and their
// matches side by side.
func (s *lostFoundScreen) reportsTab() fyne.CanvasObject {
	u := s.u
	s.rCat = widget.NewSelect(nil, nil)
	s.rCat.PlaceHolder = T("类别")
	s.rKind = widget.NewRadioGroup([]string{T("寻物"), T("寻人")}, func(string) {
		if s.rKind.Selected == T("寻人") {
			s.rCat.Disable()
		} else {
			s.rCat.Enable()
		}
	})
	s.rKind.Horizontal = false
	s.rKind.SetSelected(T("寻物"))
	s.rDesc = u.newKeyEntry(T("遗失物品（或走失人员）的描述"))
	s.rPlace = u.newKeyEntry(T("遗失地点（选填）"))
	s.rFrom = u.newKeyEntry(T("遗失时间，从（如 13:00）"))
	s.rTo = u.newKeyEntry(T("到（如 14:00）"))
	s.rName = u.newKeyEntry(T("联系人姓名（寻人填走失人员姓名）"))
	s.rMobile = u.newKeyEntry(T("联系手机号"))
	s.rAdd = widget.NewButton(T("登记报失"), s.doReport)
	s.rAdd.Importance = widget.HighImportance
	s.rMobile.OnSubmitted = func(string) { s.doReport() }
	form := widget.NewCard(T("顾客报失"), "", container.NewVBox(
		container.NewBorder(nil, nil, s.rKind, nil, s.rCat),
		s.rDesc, s.rPlace,
		container.NewGridWithColumns(2, s.rFrom, s.rTo),
		container.NewGridWithColumns(2, s.rName, s.rMobile), s.rAdd))

	s.reports = widget.NewList(func() int { return len(s.open) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.reportLine(s.open[i])) })
	s.reports.OnSelected = func(i widget.ListItemID) {
		r := s.open[i]
		s.showReport(&r)
	}
	s.matchList = widget.NewList(func() int { return len(s.matches) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.matchLine(s.matches[i])) })
	s.matchList.OnSelected = func(i widget.ListItemID) {
		m := s.matches[i]
		s.match = &m
		s.reportInf.SetText(s.reportText() + "\n\n" + s.itemText(m.Item))
		s.claimIt.Enable()
	}
	s.reportInf = widget.NewLabel("")
	s.reportInf.Wrapping = fyne.TextWrapWord
	s.claimIt = widget.NewButton(T("按此失物认领"), func() {
		if s.match != nil && s.report != nil {
			it := s.match.Item
			s.startClaim(&it, s.report.ID)
		}
	})
	s.claimIt.Importance = widget.HighImportance
	s.draftRep = widget.NewButton(T("草拟广播"), s.doDraftReport)
	s.closeRep = widget.NewButton(T("结案"), s.doCloseReport)
	// Left: the form and the open reports. Right: the report chosen and
	// its possible matches side by side with their scores, and the item
	// chosen among them.
	bold := fyne.TextStyle{Bold: true}
	left := container.NewBorder(container.NewVBox(form, widget.NewLabelWithStyle(T("查找中的报失"), fyne.TextAlignLeading, bold)), nil, nil, nil, s.reports)
	detail := container.NewVScroll(s.reportInf)
	matches := container.NewBorder(widget.NewLabelWithStyle(T("可能的失物（得分）"), fyne.TextAlignLeading, bold), nil, nil, nil, s.matchList)
	right := container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(s.draftRep, s.closeRep), s.claimIt), nil, nil, nil,
		container.NewVSplit(detail, matches))
	split := container.NewHSplit(left, right)
	split.Offset = 0.5
	s.showReport(nil)
	return split
}

// doReport registers a lost report.
func (s *lostFoundScreen) doReport() {
	u := s.u
	from, err := u.parseWhen(s.rFrom.Text)
	if err != nil {
		u.showError(err)
		return
	}
	to := from
	if strings.TrimSpace(s.rTo.Text) != "" {
		if to, err = u.parseWhen(s.rTo.Text); err != nil {
			u.showError(err)
			return
		}
	}
	req := ledger.LostReportRequest{Kind: ledger.LostItem, Category: s.rCat.Selected, Description: s.rDesc.Text, Place: s.rPlace.Text,
		From: from, To: to, Name: s.rName.Text, Mobile: s.rMobile.Text}
	if s.rKind.Selected == T("寻人") {
		req.Kind = ledger.LostPerson
	}
	r, err := u.svc.LostFound.Report(u.ctx, u.Staff(), req)
	if err != nil {
		u.showError(err)
		return
	}
	for _, e := range []*keyEntry{s.rDesc, s.rPlace, s.rFrom, s.rTo, s.rName, s.rMobile} {
		e.SetText("")
	}
	u.afterChange()
	s.showReport(&r)
}

// loadReports loads the open lost reports.
func (s *lostFoundScreen) loadReports() {
	rs, _, err := s.u.svc.LostFound.OpenReports(s.u.ctx, 0, 100)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.open = rs
	s.reports.UnselectAll()
	s.reports.Refresh()
	if s.report != nil {
		for _, r := range rs {
			if r.ID == s.report.ID {
				return
			}
		}
		s.showReport(nil)
	}
}

// reportLine is one row of the open reports.
func (s *lostFoundScreen) reportLine(r ledger.LostReport) string {
	what := r.Category
	if r.Kind == ledger.LostPerson {
		what = T("寻人")
	}
	return fmt.Sprintf("%s  %s  %s  %s", r.No, r.From.In(s.u.settings.Location()).Format("01-02 15:04"), what, clipText(r.Description, 20))
}

// reportText describes the report shown.
func (s *lostFoundScreen) reportText() string {
	r := s.report
	if r == nil {
		return ""
	}
	loc := s.u.settings.Location()
	text := T("报失 %s · %s · %s", r.No, T(r.Kind.Label()), r.Category) + "\n" + r.Description + "\n" +
		T("遗失：%s 至 %s · %s", r.From.In(loc).Format(whenLayout), r.To.In(loc).Format("15:04"), r.Place)
	if r.NameMasked != "" || r.PhoneMasked != "" {
		text += "\n" + T("联系人：%s %s", r.NameMasked, r.PhoneMasked)
	}
	return text
}

// showReport shows a report and its matches (nil clears them).
func (s *lostFoundScreen) showReport(r *ledger.LostReport) {
	s.report, s.match, s.matches = r, nil, nil
	s.claimIt.Disable()
	if r == nil {
		s.reportInf.SetText(T("选择一条报失，查看可能匹配的失物"))
		s.draftRep.Disable()
		s.closeRep.Disable()
		s.matchList.Refresh()
		return
	}
	ms, err := s.u.svc.LostFound.Matches(s.u.ctx, r.ID, 10)
	if err != nil {
		s.u.showError(err)
	}
	s.matches = ms
	s.matchList.UnselectAll()
	s.matchList.Refresh()
	text := s.reportText()
	if len(ms) == 0 && r.Kind == ledger.LostItem {
		text += "\n" + T("暂无可能匹配的失物")
	}
	s.reportInf.SetText(text)
	s.draftRep.Enable()
	s.closeRep.Enable()
}

// matchLine is one row of the matches: score, item and why.
func (s *lostFoundScreen) matchLine(m ledger.Match) string {
	return fmt.Sprintf("%d%s  %s  %s  %s", m.Score, T("分"), m.Item.No, clipText(m.Item.Description, 16), strings.Join(m.Reasons, "，"))
}

// doDraftReport drafts the announcement for the shown report.
func (s *lostFoundScreen) doDraftReport() {
	if s.report == nil {
		return
	}
	d, err := s.u.svc.LostFound.DraftFromReport(s.u.ctx, s.u.Staff(), s.report.ID)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.u.afterChange()
	s.u.info(T("广播稿"), d.Text)
}

// doCloseReport closes the shown report without a claim.
func (s *lostFoundScreen) doCloseReport() {
	if s.report == nil {
		return
	}
	r := *s.report
	s.confirm = s.u.ask(T("确认结案"), T("报失 %s 结案（已找到或顾客撤销）", r.No), func() {
		if err := s.u.svc.LostFound.CloseReport(s.u.ctx, s.u.Staff(), r.ID, "已找到或撤销"); err != nil {
			s.u.showError(err)
			return
		}
		s.showReport(nil)
		s.u.afterChange()
	})
}

// claimTab builds the claim form.
func (s *lostFoundScreen) claimTab() fyne.CanvasObject {
	u := s.u
	s.cCode = u.newKeyEntry(T("扫描失物标签或输入编号"))
	s.cCode.OnSubmitted = func(string) { s.findClaimItem() }
	s.cFind = widget.NewButton(T("查找"), s.findClaimItem)
	s.cItem = widget.NewLabel("")
	s.cItem.Wrapping = fyne.TextWrapWord
	s.cDesc = u.newKeyEntry(T("认领人对物品的描述（先让认领人描述，再核对记录）"))
	s.cMatches = widget.NewCheck(T("认领人描述与登记记录相符"), nil)
	s.cName = u.newKeyEntry(T("认领人姓名"))
	s.cMobile = u.newKeyEntry(T("认领人手机号"))
	s.cID = u.newKeyEntry(T("认领人身份证号（只保存打码和校验值）"))
	s.claim = widget.NewButton(T("确认认领并打印交接单"), s.askClaim)
	s.claim.Importance = widget.HighImportance
	s.cID.OnSubmitted = func(string) { s.askClaim() }
	s.setClaimItem(nil, 0)
	return container.NewVScroll(container.NewVBox(
		container.NewBorder(nil, nil, nil, s.cFind, s.cCode),
		s.cItem,
		widget.NewCard(T("核对与登记"), T("交接单打印后由认领人签字"), container.NewVBox(
			s.cDesc, s.cMatches,
			container.NewGridWithColumns(2, s.cName, s.cMobile), s.cID, s.claim))))
}

// findClaimItem loads the item named in the claim tab's code box.
func (s *lostFoundScreen) findClaimItem() {
	code := strings.TrimSpace(s.cCode.Text)
	if code == "" {
		return
	}
	var f ledger.FoundItem
	var err error
	if tokenKind(code) != "" {
		f, err = s.u.svc.LostFound.ItemByToken(s.u.ctx, code)
	} else {
		f, err = s.u.svc.LostFound.ItemByNo(s.u.ctx, code)
	}
	if err != nil {
		s.u.showError(err)
		return
	}
	s.cCode.SetText("")
	s.setClaimItem(&f, 0)
}

// startClaim opens the claim tab with an item (and the report it answers).
func (s *lostFoundScreen) startClaim(f *ledger.FoundItem, reportID int64) {
	if f == nil {
		return
	}
	s.tabs.SelectIndex(3)
	s.setClaimItem(f, reportID)
	s.u.win.Canvas().Focus(s.cDesc)
}

// setClaimItem shows the item being claimed (nil clears the form).
func (s *lostFoundScreen) setClaimItem(f *ledger.FoundItem, reportID int64) {
	s.claimItem, s.cReport = f, reportID
	if f == nil {
		s.cItem.SetText(T("请先扫描或查找要认领的失物"))
		s.claim.Disable()
		for _, e := range []*keyEntry{s.cDesc, s.cName, s.cMobile, s.cID} {
			e.SetText("")
		}
		s.cMatches.SetChecked(false)
		return
	}
	text := s.itemText(*f)
	if f.Status != ledger.FoundHeld {
		text += "\n" + T("该失物已不在保管中，不能认领")
	}
	s.cItem.SetText(text)
	setEnabled(s.claim, f.Status == ledger.FoundHeld)
}

// askClaim confirms the handover.
func (s *lostFoundScreen) askClaim() {
	if s.claimItem == nil {
		return
	}
	f := *s.claimItem
	req := ledger.ClaimRequest{ItemID: f.ID, Description: s.cDesc.Text, Matches: s.cMatches.Checked, Name: s.cName.Text,
		Mobile: s.cMobile.Text, ResidentID: s.cID.Text, ReportID: s.cReport}
	if _, err := req.Normalize(); err != nil {
		s.u.showError(err)
		return
	}
	mobile, _ := ledger.NormalizeMobile(req.Mobile)
	msg := T("将失物 %s（%s）交给认领人", f.No, f.Category) + "\n" + clipText(f.Description, 40) + "\n" +
		T("认领人：%s %s", receipts.MaskName(req.Name), ledger.MaskMobile(mobile))
	s.confirm = s.u.ask(T("确认认领"), msg, func() { s.doClaim(req) })
}

// doClaim records the claim and previews the handover receipt.
func (s *lostFoundScreen) doClaim(req ledger.ClaimRequest) {
	u := s.u
	f, err := u.svc.LostFound.Claim(u.ctx, u.Staff(), req)
	if err != nil {
		u.showError(err)
		return
	}
	s.setClaimItem(nil, 0)
	s.showItem(&f)
	u.afterChange()
	s.preview = u.showReceipt(f.ClaimNo)
}

// disposalTab lists the items past retention and disposes of them.
func (s *lostFoundScreen) disposalTab() fyne.CanvasObject {
	u := s.u
	s.due = widget.NewList(func() int { return len(s.dueItems) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.dueLine(s.dueItems[i])) })
	s.due.OnSelected = func(i widget.ListItemID) {
		f := s.dueItems[i]
		s.dueItem = &f
		s.dueInfo.SetText(s.itemText(f))
		if f.Police {
			s.dMethod.SetSelectedIndex(0)
		}
		s.dispose.Enable()
	}
	s.dueInfo = widget.NewLabel("")
	s.dueInfo.Wrapping = fyne.TextWrapWord
	var methods []string
	for _, m := range ledger.DisposalMethods() {
		methods = append(methods, T(m.Label()))
	}
	s.dMethod = widget.NewSelect(methods, nil)
	s.dMethod.PlaceHolder = T("处置方式")
	s.dTo = u.newKeyEntry(T("去向，如 某某派出所（民警 王*）、某慈善会"))
	s.dispose = widget.NewButton(T("处置（两位主管审批）"), s.askDispose)
	s.dispose.Importance = widget.DangerImportance
	s.dispose.Disable()
	head := container.NewVBox(
		widget.NewLabelWithStyle(T("保管期满的失物"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.dueInfo,
		container.NewGridWithColumns(2, s.dMethod, s.dTo), s.dispose, widget.NewSeparator())
	return container.NewBorder(head, nil, nil, nil, s.due)
}

// loadDue loads the items past retention.
func (s *lostFoundScreen) loadDue() {
	items, total, err := s.u.svc.LostFound.Due(s.u.ctx, 0, 200)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.dueItems, s.dueTotal = items, total
	s.due.UnselectAll()
	s.due.Refresh()
	s.dueItem = nil
	s.dispose.Disable()
	if total == 0 {
		s.dueInfo.SetText(T("没有到期的失物"))
	} else {
		s.dueInfo.SetText(T("到期 %d 件，请选择一件处置", total))
	}
}

// dueLine is one row of the due list.
func (s *lostFoundScreen) dueLine(f ledger.FoundItem) string {
	line := fmt.Sprintf("%s  %s  %s  %s  %s", T("到期 %s", f.DueDate), f.No, f.Category, clipText(f.Description, 20), f.Storage)
	if f.Police {
		line += "  " + T("移交公安")
	}
	return line
}

// askDispose asks two supervisors, one after the other, to approve.
func (s *lostFoundScreen) askDispose() {
	if s.dueItem == nil {
		return
	}
	f := *s.dueItem
	i := s.dMethod.SelectedIndex()
	if i < 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请选择处置方式"))
		return
	}
	method := ledger.DisposalMethods()[i]
	to, err := ledger.FieldDisposedTo.Clean(s.dTo.Text)
	if err != nil {
		s.u.showError(err)
		return
	}
	if f.Police && method != ledger.DisposePolice {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "%s类失物须移交公安机关", f.Category))
		return
	}
	req := ledger.DisposalApproval(s.u.Staff().ID, f, method)
	s.approvals = nil
	label := T("失物处置（%s）", T(method.Label()))
	s.u.requestApprovals(req, label, func(as []ledger.Approval) {
		s.approvals = as
		s.doDispose(f, method, to)
	})
}

// doDispose records the disposal with the two approvals.
func (s *lostFoundScreen) doDispose(f ledger.FoundItem, method ledger.DisposalMethod, to string) {
	u := s.u
	var as []*ledger.Approval
	for i := range s.approvals {
		as = append(as, &s.approvals[i])
	}
	got, err := u.svc.LostFound.Dispose(u.ctx, u.Staff(), ledger.DisposeRequest{ItemID: f.ID, Method: method, DisposedTo: to, Approvals: as})
	s.approvals = nil
	if err != nil {
		u.showError(err)
		return
	}
	s.dTo.SetText("")
	u.afterChange()
	u.info(T("已处置"), T("失物 %s 已%s：%s（%s）", got.No, T(got.Disposal.Label()), got.DisposedTo, strings.Join(got.Approvers, "、")))
}

// draftsTab lists the announcement drafts; a chosen draft goes to the
// broadcast console's queue.
func (s *lostFoundScreen) draftsTab() fyne.CanvasObject {
	s.drafts = widget.NewList(func() int { return len(s.draftRows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.draftLine(s.draftRows[i])) })
	s.drafts.OnSelected = func(i widget.ListItemID) {
		d := s.draftRows[i]
		s.draft = &d
		s.draftText.SetText(d.Text)
		setEnabled(s.queue, d.Status == ledger.DraftOpen)
	}
	s.draftText = widget.NewLabel(T("选中一条广播稿，送广播台（F7）排队播出。稿中的姓名已打码。"))
	s.draftText.Wrapping = fyne.TextWrapWord
	text := container.NewVScroll(s.draftText)
	text.SetMinSize(fyne.NewSize(0, 96))
	s.queue = widget.NewButton(T("送广播台排队"), s.doQueue)
	s.queue.Importance = widget.HighImportance
	s.queue.Disable()
	return container.NewBorder(container.NewBorder(nil, nil, nil, s.queue, text), nil, nil, nil, s.drafts)
}

// draftLine is one row of the drafts list.
func (s *lostFoundScreen) draftLine(d ledger.AnnouncementDraft) string {
	state := T("待播")
	if d.Status == ledger.DraftQueued {
		state = T("已送广播台")
	}
	return fmt.Sprintf("[%s] %s %s  %s", T(d.Template.Label()), d.CreatedAt.In(s.u.settings.Location()).Format("01-02 15:04"), state, d.Text)
}

// doQueue hands the chosen draft to the broadcast console.
func (s *lostFoundScreen) doQueue() {
	if s.draft == nil {
		return
	}
	d, err := s.u.svc.LostFound.QueueDraft(s.u.ctx, s.u.Staff(), s.draft.ID)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.draft = nil
	s.queue.Disable()
	s.u.afterChange()
	s.u.info(T("广播稿"), T("已送广播台排队（第 %d 号广播）", d.BroadcastID))
}

// loadDrafts loads the newest drafts.
func (s *lostFoundScreen) loadDrafts() {
	ds, err := s.u.svc.LostFound.Drafts(s.u.ctx, 50)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.draftRows = ds
	s.drafts.UnselectAll()
	s.drafts.Refresh()
}

// categoriesTab edits the category list and retention (supervisors).
func (s *lostFoundScreen) categoriesTab() fyne.CanvasObject {
	s.catText = widget.NewMultiLineEntry()
	s.catText.SetMinRowsVisible(10)
	s.catSave = widget.NewButton(T("保存类别设置"), s.saveCategories)
	help := widget.NewLabel(T("每行一个类别：名称 保管天数 [公安]，如“证件 15 公安”。标“公安”的类别到期须移交公安机关。"))
	help.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(container.NewVBox(help, s.catText, s.catSave))
}

// saveCategories stores the edited category list in the settings.
func (s *lostFoundScreen) saveCategories() {
	u := s.u
	cats, err := ledger.ParseCategories(s.catText.Text)
	if err != nil {
		u.showError(err)
		return
	}
	set, err := u.svc.Settings.Settings(u.ctx)
	if err != nil {
		u.showError(err)
		return
	}
	set.LostFoundCategories = cats
	if err := u.svc.Settings.UpdateSettings(u.ctx, u.Staff(), set); err != nil {
		u.showError(err)
		return
	}
	u.reloadSettings()
	u.info(T("已保存"), T("失物类别已保存（%d 个）", len(cats)))
	s.refresh()
}

// lostFoundCount is the F4 entry's live count: items held, and due.
func (u *UI) lostFoundCount() string {
	if u.svc.LostFound == nil {
		return ""
	}
	sum, err := u.svc.LostFound.Summary(u.ctx)
	if err != nil || sum.Held == 0 {
		return ""
	}
	if sum.Due > 0 {
		return T("%d 到期", sum.Due)
	}
	return T("%d 件", sum.Held)
}
