package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// lostFoundScreen runs the lost-and-found ledger (F4, procedures 5.1.2.1):
// register a found item and print its bag label, search the store room,
// take lost reports and match them, hand an item to its owner once,
// dispose of unclaimed items with two supervisors, and draft 寻人/寻物
// announcements for the broadcast console.
type lostFoundScreen struct {
	u    *UI
	root fyne.CanvasObject
	tabs *container.AppTabs

	summary *widget.Label

	// register
	regCat     *widget.Select
	regDesc    *keyEntry
	regWhen    *keyEntry
	regPlace   *keyEntry
	regFinder  *keyEntry
	regFName   *keyEntry
	regFMobile *keyEntry
	regOwner   *keyEntry
	regStorage *keyEntry
	regPhoto   *keyEntry
	pickPhoto  *widget.Button
	register   *widget.Button

	// search
	qCat       *widget.Select
	qFrom      *keyEntry
	qTo        *keyEntry
	qWords     *keyEntry
	qStorage   *keyEntry
	qStatus    *widget.Select
	search     *widget.Button
	results    *widget.List
	items      []ledger.FoundItem
	total      int
	offset     int
	pageInfo   *widget.Label
	pageRow    *fyne.Container
	prev, next *widget.Button

	// the item shown (search, scan, match)
	item      *ledger.FoundItem
	itemInfo  *widget.Label
	photo     *canvas.Image
	toClaim   *widget.Button
	reprint   *widget.Button
	draftItem *widget.Button

	// lost reports
	rKind     *widget.RadioGroup
	rCat      *widget.Select
	rDesc     *keyEntry
	rPlace    *keyEntry
	rFrom     *keyEntry
	rTo       *keyEntry
	rName     *keyEntry
	rMobile   *keyEntry
	rAdd      *widget.Button
	reports   *widget.List
	open      []ledger.LostReport
	report    *ledger.LostReport
	matchList *widget.List
	matches   []ledger.Match
	match     *ledger.Match
	reportInf *widget.Label
	claimIt   *widget.Button
	draftRep  *widget.Button
	closeRep  *widget.Button

	// claim
	cCode     *keyEntry
	cFind     *widget.Button
	cItem     *widget.Label
	cDesc     *keyEntry
	cMatches  *widget.Check
	cName     *keyEntry
	cMobile   *keyEntry
	cID       *keyEntry
	cReport   int64
	claim     *widget.Button
	claimItem *ledger.FoundItem

	// disposal
	due       *widget.List
	dueItems  []ledger.FoundItem
	dueTotal  int
	dueInfo   *widget.Label
	dueItem   *ledger.FoundItem
	dMethod   *widget.Select
	dTo       *keyEntry
	dispose   *widget.Button
	approvals []ledger.Approval

	// drafts
	drafts    *widget.List
	draftRows []ledger.AnnouncementDraft
	draft     *ledger.AnnouncementDraft
	draftText *widget.Label
	queue     *widget.Button

	// categories (supervisors)
	catText *widget.Entry
	catSave *widget.Button

	confirm *dialog.ConfirmDialog
	preview *receiptPreview
}

// whenLayout is how times are typed on this screen.
const whenLayout = "2006-01-02 15:04"

func (u *UI) newLostFoundScreen() screen {
	if u.svc.LostFound == nil {
		return u.newPlaceholder(T("失物登记认领"), true)
	}
	s := &lostFoundScreen{u: u}
	s.summary = widget.NewLabel("")
	s.summary.Truncation = fyne.TextTruncateEllipsis
	s.itemInfo = widget.NewLabel("")
	s.itemInfo.Wrapping = fyne.TextWrapWord
	s.photo = canvas.NewImageFromImage(nil)
	s.photo.FillMode = canvas.ImageFillContain
	s.photo.SetMinSize(fyne.NewSize(120, 120))
	s.toClaim = widget.NewButton(T("认领"), func() { s.startClaim(s.item, 0) })
	s.toClaim.Importance = widget.HighImportance
	s.reprint = widget.NewButton(T("补打标签"), s.doReprint)
	s.draftItem = widget.NewButton(T("草拟招领广播"), s.doDraftItem)
	tabs := []*container.TabItem{
		container.NewTabItem(T("登记"), s.registerTab()),
		container.NewTabItem(T("查询"), s.searchTab()),
		container.NewTabItem(T("报失与匹配"), s.reportsTab()),
		container.NewTabItem(T("认领"), s.claimTab()),
		container.NewTabItem(T("到期处置"), s.disposalTab()),
		container.NewTabItem(T("广播稿"), s.draftsTab()),
	}
	if u.Staff().Role.CanApprove() {
		tabs = append(tabs, container.NewTabItem(T("类别设置"), s.categoriesTab()))
	}
	s.tabs = container.NewAppTabs(tabs...)
	s.tabs.OnSelected = func(*container.TabItem) { s.refresh() }
	s.root = container.NewBorder(s.summary, nil, nil, nil, s.tabs)
	s.showItem(nil)
	return s
}

func (s *lostFoundScreen) content() fyne.CanvasObject { return s.root }

// focus puts the cursor in the open tab's first field.
func (s *lostFoundScreen) focus() {
	switch s.tabs.SelectedIndex() {
	case 0:
		s.u.win.Canvas().Focus(s.regDesc)
	case 1:
		s.u.win.Canvas().Focus(s.qWords)
	case 2:
		s.u.win.Canvas().Focus(s.rDesc)
	case 3:
		s.u.win.Canvas().Focus(s.cCode)
	}
}

// back clears the shown item and the claim (Esc).
func (s *lostFoundScreen) back() {
	s.showItem(nil)
	s.setClaimItem(nil, 0)
}

// categoryNames lists the configured category names.
func (s *lostFoundScreen) categoryNames() []string {
	var out []string
	for _, c := range s.u.settings.Categories() {
		out = append(out, c.Name)
	}
	return out
}

// refresh reloads the summary and the lists.
func (s *lostFoundScreen) refresh() {
	u := s.u
	sum, err := u.svc.LostFound.Summary(u.ctx)
	if err != nil {
		s.summary.SetText(T("读取失败"))
	} else {
		text := T("保管中 %d 件 · 到期待处置 %d 件 · 查找中的报失 %d 条 · 待播广播稿 %d 条", sum.Held, sum.Due, sum.Open, sum.Drafts)
		s.summary.Importance = widget.MediumImportance
		if sum.Due > 0 {
			s.summary.Importance = widget.WarningImportance
		}
		s.summary.SetText(text)
	}
	cats := s.categoryNames()
	s.regCat.Options = cats
	s.regCat.Refresh()
	s.rCat.Options = cats
	s.rCat.Refresh()
	s.qCat.Options = append([]string{T("全部类别")}, cats...)
	s.qCat.Refresh()
	s.loadResults()
	s.loadReports()
	s.loadDue()
	s.loadDrafts()
	if s.catText != nil {
		s.catText.SetText(ledger.FormatCategories(u.settings.Categories()))
	}
}

// registerTab builds the found-item registration form.
func (s *lostFoundScreen) registerTab() fyne.CanvasObject {
	u := s.u
	s.regCat = widget.NewSelect(nil, nil)
	s.regCat.PlaceHolder = T("类别")
	s.regDesc = u.newKeyEntry(T("物品描述：颜色、品牌、特征、内有何物"))
	s.regWhen = u.newKeyEntry(T("拾获时间，如 %s", "2026-11-25 14:30"))
	s.regPlace = u.newKeyEntry(T("拾获地点"))
	s.regFinder = u.newKeyEntry(T("送交人，如 保洁员、顾客"))
	s.regFName = u.newKeyEntry(T("送交人姓名（选填）"))
	s.regFMobile = u.newKeyEntry(T("送交人手机号（选填）"))
	s.regOwner = u.newKeyEntry(T("证件上的姓名（证件类选填，只保存打码姓名）"))
	s.regStorage = u.newKeyEntry(T("存放位置，如 A柜-3"))
	s.regPhoto = u.newKeyEntry(T("照片文件（选填）"))
	s.pickPhoto = widget.NewButton(T("选择照片…"), s.choosePhoto)
	s.register = widget.NewButton(T("登记并打印标签"), s.askRegister)
	s.register.Importance = widget.HighImportance
	s.regStorage.OnSubmitted = func(string) { s.askRegister() }
	form := container.NewVBox(
		container.NewGridWithColumns(2, s.regCat, s.regWhen),
		s.regDesc,
		container.NewGridWithColumns(2, s.regPlace, s.regStorage),
		container.NewGridWithColumns(3, s.regFinder, s.regFName, s.regFMobile),
		s.regOwner,
		container.NewBorder(nil, nil, nil, s.pickPhoto, s.regPhoto),
		s.register)
	return container.NewVScroll(widget.NewCard(T("失物登记"), T("登记后打印标签贴在失物袋上"), form))
}

// choosePhoto opens a file chooser for the photo.
func (s *lostFoundScreen) choosePhoto() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		s.regPhoto.SetText(r.URI().Path())
	}, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".gif", ".JPG", ".JPEG", ".PNG"}))
	d.Show()
}

// parseWhen reads a typed time in the counter's zone: "2026-11-25 14:30",
// or "14:30" for today; empty means now.
func (u *UI) parseWhen(text string) (time.Time, error) {
	text = strings.TrimSpace(text)
	loc := u.settings.Location()
	now := u.cfg.Now().In(loc)
	if text == "" {
		return now, nil
	}
	if t, err := time.ParseInLocation(whenLayout, text, loc); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("15:04", text, loc); err == nil {
		return time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, loc), nil
	}
	if d, err := ledger.ParseDate(text); err == nil {
		t, _ := time.ParseInLocation("2006-01-02", d, loc)
		return t, nil
	}
	return time.Time{}, ledger.Errorf(ledger.EINVALID, "时间格式不正确：%s（例：2026-11-25 14:30 或 14:30）", ledger.Quote(text))
}

// askRegister checks the form and confirms the registration.
func (s *lostFoundScreen) askRegister() {
	u := s.u
	when, err := u.parseWhen(s.regWhen.Text)
	if err != nil {
		u.showError(err)
		return
	}
	req := ledger.RegisterFoundRequest{Category: s.regCat.Selected, Description: s.regDesc.Text, FoundAt: when,
		FoundPlace: s.regPlace.Text, Finder: s.regFinder.Text, FinderName: s.regFName.Text, FinderMobile: s.regFMobile.Text,
		OwnerName: s.regOwner.Text, Storage: s.regStorage.Text}
	if p := strings.TrimSpace(s.regPhoto.Text); p != "" {
		if req.Photo, err = loadPhoto(p); err != nil {
			u.showError(err)
			return
		}
	}
	if _, err := req.Normalize(u.settings.Categories(), u.cfg.Now()); err != nil {
		u.showError(err)
		return
	}
	msg := T("登记失物：%s", req.Category) + "\n" + strings.TrimSpace(req.Description) + "\n" + T("存放：%s", strings.TrimSpace(req.Storage))
	s.confirm = u.ask(T("确认登记"), msg, func() { s.doRegister(req) })
}

// doRegister records the item and previews its label.
func (s *lostFoundScreen) doRegister(req ledger.RegisterFoundRequest) {
	u := s.u
	f, err := u.svc.LostFound.Register(u.ctx, u.Staff(), req)
	if err != nil {
		u.showError(err)
		return
	}
	for _, e := range []*keyEntry{s.regDesc, s.regWhen, s.regPlace, s.regFinder, s.regFName, s.regFMobile, s.regOwner, s.regStorage, s.regPhoto} {
		e.SetText("")
	}
	s.showItem(&f)
	u.afterChange()
	s.preview = u.showReceipt(f.No)
}

// searchTab builds the search form, the result list and the item card.
func (s *lostFoundScreen) searchTab() fyne.CanvasObject {
	u := s.u
	s.qCat = widget.NewSelect(nil, nil)
	s.qCat.PlaceHolder = T("全部类别")
	s.qFrom = u.newKeyEntry(T("从 2026-11-01"))
	s.qTo = u.newKeyEntry(T("到 2026-11-30"))
	s.qWords = u.newKeyEntry(T("描述中的字词，空格分隔"))
	s.qStorage = u.newKeyEntry(T("存放位置"))
	s.qStatus = widget.NewSelect([]string{T("全部状态"), T(ledger.FoundHeld.Label()), T(ledger.FoundClaimed.Label()), T(ledger.FoundDisposed.Label())}, nil)
	s.qStatus.SetSelectedIndex(1)
	s.search = widget.NewButton(T("查询"), func() { s.offset = 0; s.loadResults() })
	s.search.Importance = widget.HighImportance
	for _, e := range []*keyEntry{s.qFrom, s.qTo, s.qWords, s.qStorage} {
		e.OnSubmitted = func(string) { s.offset = 0; s.loadResults() }
	}
	s.results = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.itemLine(s.items[i])) })
	s.results.OnSelected = func(i widget.ListItemID) {
		f := s.items[i]
		s.showItem(&f)
	}
	s.pageInfo = widget.NewLabel("")
	s.prev = widget.NewButton(T("上一页"), func() { s.offset = max(0, s.offset-pageSize); s.loadResults() })
	s.next = widget.NewButton(T("下一页"), func() { s.offset += pageSize; s.loadResults() })
	s.pageRow = container.NewHBox(s.search, spacer(), s.pageInfo, s.prev, s.next)
	form := container.NewVBox(
		container.NewGridWithColumns(3, s.qCat, s.qStatus, s.qStorage),
		container.NewGridWithColumns(3, s.qFrom, s.qTo, s.qWords),
		s.pageRow)
	info := container.NewVScroll(s.itemInfo)
	info.SetMinSize(fyne.NewSize(0, 124))
	card := container.NewBorder(nil, nil, s.photo, container.NewVBox(s.toClaim, s.reprint, s.draftItem), info)
	return container.NewBorder(container.NewVBox(form, card, widget.NewSeparator()), nil, nil, nil, s.results)
}

// statusFilter returns the status chosen in the search form.
func (s *lostFoundScreen) statusFilter() ledger.FoundStatus {
	switch s.qStatus.SelectedIndex() {
	case 1:
		return ledger.FoundHeld
	case 2:
		return ledger.FoundClaimed
	case 3:
		return ledger.FoundDisposed
	}
	return ""
}

// loadResults runs the search for the current page.
func (s *lostFoundScreen) loadResults() {
	q := ledger.FoundSearch{From: s.qFrom.Text, To: s.qTo.Text, Words: s.qWords.Text, Storage: s.qStorage.Text,
		Status: s.statusFilter(), Offset: s.offset, Limit: pageSize}
	if i := s.qCat.SelectedIndex(); i > 0 {
		q.Category = s.qCat.Selected
	}
	items, total, err := s.u.svc.LostFound.Search(s.u.ctx, q)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.items, s.total = items, total
	s.results.UnselectAll()
	s.results.Refresh()
	pages := max(1, (total+pageSize-1)/pageSize)
	s.pageInfo.SetText(T("共 %d 条 · 第 %d/%d 页", total, s.offset/pageSize+1, pages))
	setEnabled(s.prev, s.offset > 0)
	setEnabled(s.next, s.offset+pageSize < total)
	s.pageRow.Refresh()
}

// itemLine is one row of an item list.
func (s *lostFoundScreen) itemLine(f ledger.FoundItem) string {
	line := fmt.Sprintf("%s  %s  %s  %s  %s", f.No, f.FoundAt.In(s.u.settings.Location()).Format("01-02 15:04"), f.Category,
		clipText(f.Description, 24), f.Storage)
	if f.Status != ledger.FoundHeld {
		line += "  " + T(f.Status.Label())
	} else if f.Due(ledger.DateOf(s.u.cfg.Now(), s.u.settings.Location())) {
		line += "  ！" + T("到期")
	}
	return line
}

// clipText shortens s to n characters for a list line.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// itemText describes an item in full (masked personal data only).
func (s *lostFoundScreen) itemText(f ledger.FoundItem) string {
	loc := s.u.settings.Location()
	lines := []string{
		T("失物 %s · %s · %s", f.No, f.Category, T(f.Status.Label())),
		f.Description,
		T("拾获：%s · %s · 送交人：%s", f.FoundAt.In(loc).Format(whenLayout), f.FoundPlace, f.Finder),
		T("存放：%s · 保管至 %s", f.Storage, f.DueDate),
	}
	if f.FinderMasked != "" {
		lines[2] += " " + f.FinderMasked
	}
	if f.Police {
		lines[3] += " · " + T("逾期移交公安")
	}
	if f.OwnerMasked != "" {
		lines = append(lines, T("证件姓名：%s", f.OwnerMasked))
	}
	switch f.Status {
	case ledger.FoundClaimed:
		lines = append(lines, T("已于 %s 认领 · 交接单 %s · %s %s %s", f.ClaimedAt.In(loc).Format(whenLayout), f.ClaimNo,
			f.ClaimantName, f.ClaimantPhone, f.ClaimantID))
	case ledger.FoundDisposed:
		lines = append(lines, T("已于 %s 处置：%s，去向 %s（%s）", f.DisposedAt.In(loc).Format(whenLayout), T(f.Disposal.Label()),
			f.DisposedTo, strings.Join(f.Approvers, "、")))
	}
	return strings.Join(lines, "\n")
}

// showItem fills the item card (nil clears it).
func (s *lostFoundScreen) showItem(f *ledger.FoundItem) {
	s.item = f
	s.photo.Image = nil
	s.photo.Resource = nil
	if f == nil {
		s.itemInfo.SetText(T("扫描失物标签二维码，或在下方选择记录"))
		s.toClaim.Disable()
		s.reprint.Disable()
		s.draftItem.Disable()
		s.photo.Hide()
		return
	}
	s.itemInfo.SetText(s.itemText(*f))
	setEnabled(s.toClaim, f.Status == ledger.FoundHeld)
	setEnabled(s.draftItem, f.Status == ledger.FoundHeld)
	s.reprint.Enable()
	s.photo.Hide()
	if f.HasPhoto {
		if b, err := s.u.svc.LostFound.Photo(s.u.ctx, f.ID); err == nil && len(b) > 0 {
			s.photo.Resource = fyne.NewStaticResource(fmt.Sprintf("photo-%d.jpg", f.ID), b)
			s.photo.Show()
		}
	}
	s.photo.Refresh()
}

// openItem shows an item found by the scan box.
func (s *lostFoundScreen) openItem(f ledger.FoundItem) {
	s.tabs.SelectIndex(1)
	s.showItem(&f)
}

// doReprint queues a 补打 copy of the item's label.
func (s *lostFoundScreen) doReprint() {
	if s.item == nil {
		return
	}
	if _, err := s.u.svc.LostFound.ReprintLabel(s.u.ctx, s.u.Staff(), s.item.ID); err != nil {
		s.u.showError(err)
		return
	}
	s.u.afterChange()
	s.u.info(T("补打"), T("已加入打印队列：%s（补打）", s.item.No))
}

// doDraftItem drafts a 招领 announcement for the shown item.
func (s *lostFoundScreen) doDraftItem() {
	if s.item == nil {
		return
	}
	d, err := s.u.svc.LostFound.DraftFromItem(s.u.ctx, s.u.Staff(), s.item.ID)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.u.afterChange()
	s.u.info(T("广播稿"), d.Text)
}
