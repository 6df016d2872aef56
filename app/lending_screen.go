package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// pageSize is the number of loans per page in the lists.
const pageSize = 12

// lendingScreen lends and takes back umbrellas or strollers. The common
// action comes first: pick or scan an item, lend, confirm. Returns start from
// the receipt's QR code (scan box), its number, or the open-loans list; once
// a loan is found its actions answer the keys 1–5 shown on them. Stock
// management has its own tab.
type lendingScreen struct {
	u    *UI
	kind ledger.ItemKind
	root fyne.CanvasObject
	tabs *container.AppTabs

	stock    *widget.Label
	reminder *widget.Label
	item     *keyEntry      // item number, typed or scanned
	picker   *widget.Select // items on hand
	phone    *keyEntry
	lend     *keyButton

	code      *keyEntry // receipt number or token for a return
	find      *widget.Button
	loanInfo  *widget.Label
	printInfo *widget.Label // the deposit card's print state
	fine      *keyButton    // 1 完好归还
	damaged   *keyButton    // 2 损坏 (umbrellas)
	lost      *keyButton    // 3 遗失
	reprint   *keyButton    // 4 补打
	void      *keyButton    // 5 冲正
	loan      *ledger.Loan  // loan being returned

	open     *widget.List
	loans    []ledger.Loan
	total    int
	offset   int
	pageInfo *widget.Label
	prev     *widget.Button
	next     *widget.Button

	addItems  *keyEntry
	add       *widget.Button
	items     []ledger.Item
	itemPick  *widget.Select
	sendHome  *widget.Button // other desks' items here go back (journaled transfer)
	markIn    *widget.Button
	markBad   *widget.Button
	retire    *widget.Button
	stockInfo *widget.Label

	confirm    *dialog.ConfirmDialog // last confirmation shown (tests tap through it)
	damagePick *choiceDialog         // the damage price list, last shown
	preview    *receiptPreview       // last receipt preview shown
}

func (u *UI) newLendingScreen(kind ledger.ItemKind) screen {
	if u.svc.Lending == nil {
		return u.newPlaceholder(T(kind.Label()), false)
	}
	s := &lendingScreen{u: u, kind: kind}
	s.stock = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.stock.Truncation = fyne.TextTruncateEllipsis
	s.reminder = widget.NewLabel("")
	s.reminder.Wrapping = fyne.TextWrapWord
	s.reminder.Importance = widget.WarningImportance
	s.item = u.newKeyEntry(T("编号，如 %s", examplePrefix(kind)+"-001"))
	s.item.OnSubmitted = func(string) { s.askLend() }
	s.picker = widget.NewSelect(nil, func(v string) {
		if v != "" {
			s.item.SetText(v)
			s.u.win.Canvas().Focus(s.phone)
		}
	})
	s.picker.PlaceHolder = T("选择在库编号")
	s.phone = u.newKeyEntry(T("手机号（选填，用于提醒）"))
	s.phone.OnSubmitted = func(string) { s.askLend() }
	s.lend = u.newKeyButton(T("借出（Enter）"), s.askLend)
	s.lend.Importance = widget.HighImportance

	s.code = u.newKeyEntry(T("扫描押金卡二维码或输入单号"))
	s.code.OnSubmitted = func(string) { s.findLoan() }
	s.find = widget.NewButton(T("查找"), s.findLoan)
	s.loanInfo = widget.NewLabel(T("请扫描或选择要归还的借用记录"))
	s.loanInfo.Wrapping = fyne.TextWrapWord
	s.printInfo = widget.NewLabel("")
	s.printInfo.Truncation = fyne.TextTruncateEllipsis
	s.fine = u.newKeyButton(T("1 完好归还"), func() { s.askReturn(ledger.ReturnFine) })
	s.fine.Importance = widget.HighImportance
	s.damaged = u.newKeyButton(T("2 损坏"), s.askDamage)
	s.damaged.Importance = widget.WarningImportance
	s.lost = u.newKeyButton(T("3 遗失（主管审批）"), func() { s.askReturn(ledger.ReturnLost) })
	s.lost.Importance = widget.DangerImportance
	s.reprint = u.newKeyButton(T("4 补打凭证"), s.doReprint)
	s.void = u.newKeyButton(T("5 冲正（主管审批）"), s.askVoid)
	for _, b := range s.returnButtons() {
		b.onRune = s.returnKey
	}

	s.open = widget.NewList(func() int { return len(s.loans) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.loanLine(s.loans[i])) })
	s.open.OnSelected = func(i widget.ListItemID) {
		l := s.loans[i]
		s.showLoan(&l)
	}
	s.pageInfo = widget.NewLabel("")
	s.prev = widget.NewButton(T("上一页"), func() { s.offset = max(0, s.offset-pageSize); s.loadOpen() })
	s.next = widget.NewButton(T("下一页"), func() { s.offset += pageSize; s.loadOpen() })

	s.addItems = u.newKeyEntry(T("如 %s-021,%s-022 或 %s-001~%s-030", examplePrefix(kind), examplePrefix(kind), examplePrefix(kind), examplePrefix(kind)))
	s.addItems.OnSubmitted = func(string) { s.previewAddItems() }
	s.add = widget.NewButton(T("预览并入库"), s.previewAddItems)
	s.add.Importance = widget.HighImportance
	s.itemPick = widget.NewSelect(nil, nil)
	s.itemPick.PlaceHolder = T("选择编号")
	s.markIn = widget.NewButton(T("修好入库"), func() { s.setItem(ledger.ItemIn) })
	s.markBad = widget.NewButton(T("标记损坏/维修"), func() { s.setItem(ledger.ItemDamaged) })
	s.retire = widget.NewButton(T("报废（主管审批）"), func() { s.setItem(ledger.ItemRetired) })
	s.sendHome = widget.NewButton(T("送回所属服务台"), s.sendItemsHome)
	s.stockInfo = widget.NewLabel("")
	s.stockInfo.Wrapping = fyne.TextWrapWord

	// Tab order follows the work: item → phone → lend, then the picker.
	lendBox := widget.NewCard(T("借出"), "", container.NewVBox(
		s.reminder, s.item, s.phone,
		container.NewGridWithColumns(2, s.lend, narrow(s.picker))))
	var returnButtons fyne.CanvasObject = container.NewVBox(
		container.NewGridWithColumns(2, s.fine, s.damaged),
		container.NewGridWithColumns(2, s.lost, s.reprint),
		s.void)
	if kind == ledger.KindStroller {
		s.damaged.Hide()
		returnButtons = container.NewVBox(
			container.NewGridWithColumns(2, s.fine, s.lost),
			container.NewGridWithColumns(2, s.reprint, s.void))
	}
	returnBox := widget.NewCard(T("归还"), "", container.NewVBox(
		container.NewBorder(nil, nil, nil, s.find, s.code),
		s.loanInfo, s.printInfo, returnButtons))
	listHead := container.NewBorder(nil, nil,
		widget.NewLabelWithStyle(T("借出中"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(s.prev, s.next), s.pageInfo)
	s.pageInfo.Alignment = fyne.TextAlignTrailing
	s.pageInfo.Truncation = fyne.TextTruncateEllipsis
	top := container.NewVBox(s.stock, container.NewGridWithColumns(2, lendBox, returnBox), listHead)
	work := container.NewBorder(top, nil, nil, nil, s.open)

	intake := widget.NewCard(T("入库"), T("可输入编号范围，保存前列出将要入库的编号"), container.NewVBox(
		container.NewBorder(nil, nil, nil, s.add, s.addItems)))
	status := widget.NewCard(T("物品状态"), "", container.NewVBox(
		s.itemPick, container.NewGridWithColumns(3, s.markIn, s.markBad, s.retire), s.sendHome))
	stockTab := container.NewVScroll(container.NewVBox(intake, status, s.stockInfo))
	s.tabs = container.NewAppTabs(
		container.NewTabItem(T("借还"), work),
		container.NewTabItem(T("库存管理"), stockTab))
	s.tabs.OnSelected = func(*container.TabItem) { s.focus() }
	s.root = s.tabs
	s.showLoan(nil)
	return s
}

// returnButtons are the actions on a found loan, in key order.
func (s *lendingScreen) returnButtons() []*keyButton {
	return []*keyButton{s.fine, s.damaged, s.lost, s.reprint, s.void}
}

// returnKey runs the return action whose key (1–5) was typed while one of
// the actions has the focus; anything else (a scanner typing a code) goes
// to the scan box.
func (s *lendingScreen) returnKey(r rune) bool {
	if r >= '1' && r <= '5' {
		b := s.returnButtons()[r-'1']
		if b.Visible() && !b.Disabled() {
			b.OnTapped()
		}
		return true
	}
	s.u.strayRune(r)
	return true
}

// examplePrefix is the item-number prefix shown in hints.
func examplePrefix(kind ledger.ItemKind) string {
	if kind == ledger.KindStroller {
		return "C"
	}
	return "U"
}

func (s *lendingScreen) content() fyne.CanvasObject { return s.root }

// focus puts the cursor in the first field of the open tab: the item
// number, or the intake numbers on the stock tab.
func (s *lendingScreen) focus() {
	if s.tabs.SelectedIndex() == 1 {
		s.u.win.Canvas().Focus(s.addItems)
		return
	}
	s.u.win.Canvas().Focus(s.item)
}

// back clears the return panel and the lend form (Esc).
func (s *lendingScreen) back() {
	s.showLoan(nil)
	s.item.SetText("")
	s.phone.SetText("")
	s.code.SetText("")
}

// refresh reloads stock, the item picker, the price list and the loans.
func (s *lendingScreen) refresh() {
	u := s.u
	set := u.settings
	if s.kind == ledger.KindUmbrella {
		s.reminder.SetText(T("请提示顾客：“您好，我们的爱心雨伞服务需要先交纳%s押金，在您归还雨伞时，押金会全额返还给您。”", set.UmbrellaDeposit.String()))
	} else {
		s.reminder.SetText(T("请提示顾客：“您好，此爱心童车仅限在广场内使用，您要离开广场时，请先到总服务台办理归还童车手续。”"))
	}
	st, err := u.svc.Lending.Stock(u.ctx, s.kind)
	if err != nil {
		u.showError(err)
		return
	}
	s.stock.SetText(s.stockLine(st))
	items, err := u.svc.Lending.Items(u.ctx, s.kind)
	if err != nil {
		u.showError(err)
		return
	}
	s.items = items
	var onHand, all []string
	here := u.deskCode()
	for _, it := range items {
		if it.Status == ledger.ItemIn && (here == "" || it.Desk == here) {
			onHand = append(onHand, it.Number)
		}
		line := it.Number + " · " + T(it.Status.Label())
		if it.Away() {
			line += " · " + T("在 %s（属 %s）", it.Desk, it.HomeDesk)
		}
		all = append(all, line)
	}
	s.picker.Options = onHand
	s.picker.ClearSelected()
	s.picker.Refresh()
	s.itemPick.Options = all
	s.itemPick.Refresh()
	s.loadOpen()
}

// quietRefresh reloads the stock line, and the open loans when no loan is
// being returned: what another desk's lend or return changed.
func (s *lendingScreen) quietRefresh() {
	if st, err := s.u.svc.Lending.Stock(s.u.ctx, s.kind); err == nil {
		s.stock.SetText(s.stockLine(st))
	}
	if s.loan == nil {
		s.loadOpen()
	}
}

// stockLine describes the stock at this desk and the items away from home.
func (s *lendingScreen) stockLine(st ledger.Stock) string {
	line := T("%s：在库 %d · 借出 %d · 损坏/维修 %d · 报废 %d · 遗失 %d", T(s.kind.Label()), st.OnHand, st.Out, st.Damaged, st.Retired, st.Lost)
	if st.Away > 0 || st.Visiting > 0 {
		line += " · " + T("在其他服务台 %d · 其他服务台的 %d", st.Away, st.Visiting)
	}
	return line
}

// loadOpen loads the current page of open loans.
func (s *lendingScreen) loadOpen() {
	loans, total, err := s.u.svc.Lending.OpenLoans(s.u.ctx, s.kind, s.offset, pageSize)
	if err != nil {
		s.u.showError(err)
		return
	}
	if s.offset > 0 && s.offset >= total {
		s.offset = max(0, total-pageSize)
		loans, total, _ = s.u.svc.Lending.OpenLoans(s.u.ctx, s.kind, s.offset, pageSize)
	}
	s.loans, s.total = loans, total
	s.open.UnselectAll()
	s.open.Refresh()
	pages := max(1, (total+pageSize-1)/pageSize)
	s.pageInfo.SetText(T("共 %d 条 · 第 %d/%d 页", total, s.offset/pageSize+1, pages))
	setEnabled(s.prev, s.offset > 0)
	setEnabled(s.next, s.offset+pageSize < total)
}

// setEnabled enables or disables a button.
func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// loanLine is one row of the open-loans list.
func (s *lendingScreen) loanLine(l ledger.Loan) string {
	line := fmt.Sprintf("%s  %s  %s", l.ReceiptNo, l.ItemNumber, l.LentAt.In(s.u.settings.Location()).Format("01-02 15:04"))
	if l.Deposit > 0 {
		line += "  " + T("押金") + " " + l.Deposit.String()
	}
	if l.PhoneMasked != "" {
		line += "  " + l.PhoneMasked
	}
	if l.Overdue(s.u.cfg.Now(), s.u.settings.OverdueDays) {
		line += "  ！" + T("逾期")
	}
	return line
}

// askLend confirms the amount and the item before money moves.
func (s *lendingScreen) askLend() {
	number := strings.ToUpper(strings.TrimSpace(s.item.Text))
	if number == "" {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请先选择或输入%s编号", s.kind.Label()))
		return
	}
	phone := strings.TrimSpace(s.phone.Text)
	if phone != "" {
		if _, err := ledger.NormalizeMobile(phone); err != nil {
			s.u.showError(err)
			return
		}
	}
	msg := T("借出 %s %s", T(s.kind.Label()), number)
	var m money
	if s.kind == ledger.KindUmbrella {
		msg += "\n" + T("收取押金 %s", s.u.settings.UmbrellaDeposit.String())
		m = money{collect: s.u.settings.UmbrellaDeposit, shown: true}
	} else {
		msg += "\n" + T("免费，仅限广场内使用")
	}
	s.confirm = s.u.askMoney(T("确认借出"), msg, m, func() { s.doLend(number, phone) })
}

// doLend registers the loan; the receipt is queued by the service.
func (s *lendingScreen) doLend(number, phone string) {
	u := s.u
	l, err := u.svc.Lending.Lend(u.ctx, u.Staff(), ledger.LendRequest{Kind: s.kind, ItemNumber: number, Phone: phone})
	if err != nil {
		u.showError(err)
		return
	}
	s.item.SetText("")
	s.phone.SetText("")
	u.afterChange()
	s.preview = u.showReceipt(l.ReceiptNo)
}

// findLoan looks up a loan by receipt number or scanned token.
func (s *lendingScreen) findLoan() {
	code := strings.TrimSpace(s.code.Text)
	if code == "" {
		return
	}
	l, err := s.u.lookupLoan(code)
	if err != nil {
		s.u.showError(err)
		return
	}
	if l.Kind != s.kind {
		s.u.openLoan(l)
		return
	}
	s.showLoan(&l)
}

// showLoan fills the return panel with a loan (nil clears it).
func (s *lendingScreen) showLoan(l *ledger.Loan) {
	s.loan = l
	if l == nil {
		s.loanInfo.SetText(T("请扫描或选择要归还的借用记录"))
		s.printInfo.SetText("")
		for _, b := range s.returnButtons() {
			b.Disable()
		}
		return
	}
	loc := s.u.settings.Location()
	text := T("单号 %s · %s %s", l.ReceiptNo, T(l.Kind.Label()), l.ItemNumber) + "\n" +
		T("借出 %s · 押金 %s · %s", l.LentAt.In(loc).Format("2006-01-02 15:04"), l.Deposit.String(), T(l.Status.Label()))
	if l.PhoneMasked != "" {
		text += " · " + l.PhoneMasked
	}
	if l.Overdue(s.u.cfg.Now(), s.u.settings.OverdueDays) {
		text += "\n！" + T("已逾期（超过 %d 天）", s.u.settings.OverdueDays)
	}
	if l.Status != ledger.LoanOpen {
		text += "\n" + T("已于 %s 办结，不能再次归还", l.ClosedAt.In(loc).Format("2006-01-02 15:04"))
	}
	s.loanInfo.SetText(text)
	for _, b := range []*keyButton{s.fine, s.damaged, s.lost, s.void} {
		setEnabled(&b.Button, l.Status == ledger.LoanOpen)
	}
	s.reprint.Enable()
	s.refreshPrintState()
	// The keys 1–5 work from here: the first action takes the focus.
	s.tabs.SelectIndex(0)
	if l.Status == ledger.LoanOpen {
		s.u.win.Canvas().Focus(s.fine)
	} else {
		s.u.win.Canvas().Focus(s.reprint)
	}
}

// refreshPrintState shows the print state of the loaded loan's deposit card.
func (s *lendingScreen) refreshPrintState() {
	if s.loan == nil {
		s.printInfo.SetText("")
		return
	}
	text, imp := s.u.receiptState(s.loan.ReceiptNo)
	s.printInfo.Importance = imp
	s.printInfo.SetText(T("押金卡 %s：%s", s.loan.ReceiptNo, text))
}

// askDamage lists the damage price list (keys 1–9 pick an entry), then
// confirms the money of the chosen damage.
func (s *lendingScreen) askDamage() {
	if s.loan == nil {
		return
	}
	prices := s.u.settings.DamagePrices
	if len(prices) == 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请先在设置中填写雨伞损坏赔偿价目"))
		return
	}
	var labels []string
	for _, p := range prices {
		labels = append(labels, p.Name+"  "+p.Price.String())
	}
	s.damagePick = s.u.choose(T("选择损坏项目"), labels, func(i int) { s.askDamaged(prices[i]) })
}

// askDamaged confirms the money of a damaged return before it moves.
func (s *lendingScreen) askDamaged(p ledger.PriceItem) {
	if s.loan == nil {
		return
	}
	l := *s.loan
	req := ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnDamaged, Damage: p.Name}
	refund := max(0, l.Deposit-p.Price)
	msg := T("%s %s 损坏：%s", T(l.Kind.Label()), l.ItemNumber, p.Name) + "\n" +
		T("赔偿 %s，从押金 %s 中扣除", p.Price.String(), l.Deposit.String())
	m := money{refund: refund, shown: true}
	if p.Price > l.Deposit {
		m = money{collect: p.Price - l.Deposit, shown: true}
		msg += "\n" + T("押金不足，另收 %s", (p.Price-l.Deposit).String())
	}
	s.confirm = s.u.askMoney(T("确认归还"), msg, m, func() { s.doReturn(req) })
}

// askReturn confirms the money of a return outcome before it moves.
func (s *lendingScreen) askReturn(outcome ledger.ReturnOutcome) {
	if s.loan == nil {
		return
	}
	l := *s.loan
	req := ledger.ReturnRequest{LoanID: l.ID, Outcome: outcome}
	var msg string
	var m money
	switch outcome {
	case ledger.ReturnFine:
		msg = T("%s %s 完好归还", T(l.Kind.Label()), l.ItemNumber)
		if l.Deposit > 0 {
			msg += "\n" + T("退还押金 %s", l.Deposit.String())
			m = money{refund: l.Deposit, shown: true}
		}
	case ledger.ReturnDamaged:
		s.askDamage()
		return
	case ledger.ReturnLost:
		action := T("遗失未还，没收押金")
		if l.Overdue(s.u.cfg.Now(), s.u.settings.OverdueDays) {
			action = T("逾期未还，没收押金")
		}
		d := s.u.requestApproval(ledger.ForfeitApproval(s.u.Staff().ID, l), action, func(a ledger.Approval) {
			req.Approval = &a
			s.doReturn(req)
		})
		if l.Deposit > 0 {
			d.showMoney(money{refund: 0, shown: true}, T("押金 %s 不退还", l.Deposit.String()))
		}
		return
	}
	s.confirm = s.u.askMoney(T("确认归还"), msg, m, func() { s.doReturn(req) })
}

// doReturn closes the loan and shows the return slip.
func (s *lendingScreen) doReturn(req ledger.ReturnRequest) {
	u := s.u
	l, err := u.svc.Lending.Return(u.ctx, u.Staff(), req)
	if err != nil {
		u.showError(err)
		return
	}
	s.code.SetText("")
	s.showLoan(nil)
	u.afterChange()
	s.preview = u.showReceipt(l.ReturnNo)
}

// doReprint queues a 补打 copy of the loan's deposit card.
func (s *lendingScreen) doReprint() {
	if s.loan == nil || s.u.svc.Print == nil {
		return
	}
	if _, err := s.u.svc.Print.Reprint(s.u.ctx, s.u.Staff(), s.loan.ReceiptNo); err != nil {
		s.u.showError(err)
		return
	}
	s.u.afterChange()
	s.u.info(T("补打"), T("已加入打印队列：%s（补打）", s.loan.ReceiptNo))
}

// previewAddItems expands the typed numbers and ranges and lists what
// will be added; the clerk confirms (Enter) before anything is saved.
func (s *lendingScreen) previewAddItems() {
	numbers, err := ledger.ExpandItemNumbers(s.addItems.Text, maxItemsPerIntake)
	if err != nil {
		s.u.showError(err)
		return
	}
	msg := T("将入库%s %d 件：", T(s.kind.Label()), len(numbers)) + "\n" + strings.Join(numbers, "、")
	s.confirm = s.u.askList(T("确认入库"), msg, func() { s.doAddItems(numbers) })
}

// maxItemsPerIntake is how many numbers one intake may list (the service
// refuses more than 500 at once).
const maxItemsPerIntake = 500

// doAddItems adds the previewed numbers to stock.
func (s *lendingScreen) doAddItems(numbers []string) {
	if err := s.u.svc.Lending.AddItems(s.u.ctx, s.u.Staff(), s.kind, numbers); err != nil {
		s.u.showError(err)
		return
	}
	s.addItems.SetText("")
	s.stockInfo.SetText(T("已入库 %d 件", len(numbers)))
	s.u.afterChange()
	s.focus()
}

// setItem changes an item's stock status; retiring needs a supervisor.
func (s *lendingScreen) setItem(status ledger.ItemStatus) {
	i := s.itemPick.SelectedIndex()
	if i < 0 || i >= len(s.items) {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请先选择编号"))
		return
	}
	it := s.items[i]
	apply := func(a *ledger.Approval) {
		if err := s.u.svc.Lending.SetItemStatus(s.u.ctx, s.u.Staff(), it.ID, status, "", a); err != nil {
			s.u.showError(err)
			return
		}
		s.stockInfo.SetText(T("%s 已改为：%s", it.Number, T(status.Label())))
		s.u.afterChange()
	}
	if status != ledger.ItemRetired {
		apply(nil)
		return
	}
	s.u.requestApproval(ledger.WriteOffApproval(s.u.Staff().ID, it), "", func(a ledger.Approval) { apply(&a) })
}

// sendItemsHome sends the selected item, or with none selected every other
// desk's item in stock here, back to the desk it belongs to (item.transfer).
func (s *lendingScreen) sendItemsHome() {
	here := s.u.deskCode()
	byHome := map[string][]int64{}
	var names []string
	if i := s.itemPick.SelectedIndex(); i >= 0 && i < len(s.items) {
		it := s.items[i]
		if !it.Away() || it.Desk != here {
			s.u.showError(ledger.Errorf(ledger.EINVALID, "%s 不是其他服务台的物品，无需送回", it.Number))
			return
		}
		byHome[it.HomeDesk] = append(byHome[it.HomeDesk], it.ID)
		names = append(names, it.Number)
	} else {
		for _, it := range s.items {
			if it.Away() && it.Desk == here && (it.Status == ledger.ItemIn || it.Status == ledger.ItemDamaged) {
				byHome[it.HomeDesk] = append(byHome[it.HomeDesk], it.ID)
				names = append(names, it.Number)
			}
		}
	}
	if len(names) == 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "本服务台没有其他服务台的物品"))
		return
	}
	for home, ids := range byHome {
		if err := s.u.svc.Lending.TransferItems(s.u.ctx, s.u.Staff(), ids, home); err != nil {
			s.u.showError(err)
			return
		}
	}
	s.stockInfo.SetText(T("已送回所属服务台：%s", strings.Join(names, "、")))
	s.u.afterChange()
}

// askVoid reverses a loan registered by mistake, with a supervisor's approval.
func (s *lendingScreen) askVoid() {
	if s.loan == nil {
		return
	}
	l := *s.loan
	d := s.u.requestApproval(ledger.VoidApproval(s.u.Staff().ID, l), "", func(a ledger.Approval) {
		v, err := s.u.svc.Lending.Void(s.u.ctx, s.u.Staff(), l.ID, &a)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.code.SetText("")
		s.showLoan(nil)
		s.u.afterChange()
		s.preview = s.u.showReceipt(v.ReturnNo)
	})
	if l.Deposit > 0 {
		d.showMoney(money{refund: l.Deposit, shown: true}, "")
	}
}
