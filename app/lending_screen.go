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
// the receipt's QR code (scan box), its number, or the open-loans list.
type lendingScreen struct {
	u    *UI
	kind ledger.ItemKind
	root fyne.CanvasObject

	stock    *widget.Label
	reminder *widget.Label
	item     *keyEntry      // item number, typed or scanned
	picker   *widget.Select // items on hand
	phone    *keyEntry
	lend     *widget.Button

	code     *keyEntry // receipt number or token for a return
	find     *widget.Button
	loanInfo *widget.Label
	fine     *widget.Button
	damage   *widget.Select
	damaged  *widget.Button
	lost     *widget.Button
	reprint  *widget.Button
	void     *widget.Button
	loan     *ledger.Loan // loan being returned

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
	markIn    *widget.Button
	markBad   *widget.Button
	retire    *widget.Button
	stockInfo *widget.Label

	confirm *dialog.ConfirmDialog // last confirmation shown (tests tap through it)
	preview *receiptPreview       // last receipt preview shown
}

func (u *UI) newLendingScreen(kind ledger.ItemKind) screen {
	if u.svc.Lending == nil {
		return u.newPlaceholder(T(kind.Label()))
	}
	s := &lendingScreen{u: u, kind: kind}
	s.stock = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.reminder = widget.NewLabel("")
	s.reminder.Wrapping = fyne.TextWrapWord
	s.reminder.Importance = widget.WarningImportance
	s.item = u.newKeyEntry(T("编号，如 %s", examplePrefix(kind)+"-001"))
	s.item.OnSubmitted = func(string) { s.askLend() }
	s.picker = widget.NewSelect(nil, func(v string) { s.item.SetText(v) })
	s.picker.PlaceHolder = T("选择在库编号")
	s.phone = u.newKeyEntry(T("手机号（选填，用于提醒）"))
	s.phone.OnSubmitted = func(string) { s.askLend() }
	s.lend = widget.NewButton(T("借出（Enter）"), s.askLend)
	s.lend.Importance = widget.HighImportance

	s.code = u.newKeyEntry(T("扫描押金卡二维码或输入单号"))
	s.code.OnSubmitted = func(string) { s.findLoan() }
	s.find = widget.NewButton(T("查找"), s.findLoan)
	s.loanInfo = widget.NewLabel(T("请扫描或选择要归还的借用记录"))
	s.loanInfo.Wrapping = fyne.TextWrapWord
	s.fine = widget.NewButton(T("完好归还"), func() { s.askReturn(ledger.ReturnFine) })
	s.fine.Importance = widget.HighImportance
	s.damage = widget.NewSelect(nil, nil)
	s.damage.PlaceHolder = T("损坏项目")
	s.damaged = widget.NewButton(T("损坏赔偿"), func() { s.askReturn(ledger.ReturnDamaged) })
	s.damaged.Importance = widget.WarningImportance
	s.lost = widget.NewButton(T("遗失（主管审批）"), func() { s.askReturn(ledger.ReturnLost) })
	s.lost.Importance = widget.DangerImportance
	s.reprint = widget.NewButton(T("补打凭证"), s.doReprint)
	s.void = widget.NewButton(T("冲正（主管审批）"), s.askVoid)

	s.open = widget.NewList(func() int { return len(s.loans) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.loanLine(s.loans[i])) })
	s.open.OnSelected = func(i widget.ListItemID) {
		l := s.loans[i]
		s.showLoan(&l)
	}
	s.pageInfo = widget.NewLabel("")
	s.prev = widget.NewButton(T("上一页"), func() { s.offset = max(0, s.offset-pageSize); s.loadOpen() })
	s.next = widget.NewButton(T("下一页"), func() { s.offset += pageSize; s.loadOpen() })

	s.addItems = u.newKeyEntry(T("新增编号，逗号分隔，如 %s-021,%s-022", examplePrefix(kind), examplePrefix(kind)))
	s.add = widget.NewButton(T("入库"), s.doAddItems)
	s.itemPick = widget.NewSelect(nil, nil)
	s.itemPick.PlaceHolder = T("选择编号")
	s.markIn = widget.NewButton(T("修好入库"), func() { s.setItem(ledger.ItemIn) })
	s.markBad = widget.NewButton(T("标记损坏/维修"), func() { s.setItem(ledger.ItemDamaged) })
	s.retire = widget.NewButton(T("报废（主管审批）"), func() { s.setItem(ledger.ItemRetired) })
	s.stockInfo = widget.NewLabel("")

	lendTitle := T("借出")
	returnTitle := T("归还")
	lendBox := widget.NewCard(lendTitle, "", container.NewVBox(
		s.reminder,
		container.NewGridWithColumns(2, s.item, s.picker),
		s.phone, s.lend))
	var returnButtons fyne.CanvasObject = container.NewVBox(
		container.NewGridWithColumns(2, s.fine, s.lost),
		container.NewBorder(nil, nil, nil, s.damaged, s.damage))
	if kind == ledger.KindStroller {
		returnButtons = container.NewGridWithColumns(2, s.fine, s.lost)
	}
	returnBox := widget.NewCard(returnTitle, "", container.NewVBox(
		container.NewBorder(nil, nil, nil, s.find, s.code),
		s.loanInfo, returnButtons, container.NewGridWithColumns(2, s.reprint, s.void)))
	stockBox := widget.NewAccordion(widget.NewAccordionItem(T("库存管理"), container.NewVBox(
		container.NewBorder(nil, nil, nil, s.add, s.addItems),
		s.itemPick,
		container.NewHBox(s.markIn, s.markBad, s.retire),
		s.stockInfo)))
	listHead := container.NewHBox(widget.NewLabelWithStyle(T("借出中"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		spacer(), s.pageInfo, s.prev, s.next)
	top := container.NewVBox(s.stock, container.NewGridWithColumns(2, lendBox, returnBox), stockBox, listHead)
	s.root = container.NewBorder(top, nil, nil, nil, s.open)
	s.showLoan(nil)
	return s
}

// examplePrefix is the item-number prefix shown in hints.
func examplePrefix(kind ledger.ItemKind) string {
	if kind == ledger.KindStroller {
		return "C"
	}
	return "U"
}

func (s *lendingScreen) content() fyne.CanvasObject { return s.root }
func (s *lendingScreen) focus()                     { s.u.win.Canvas().Focus(s.item) }

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
		var names []string
		for _, p := range set.DamagePrices {
			names = append(names, p.Name+" "+p.Price.String())
		}
		s.damage.Options = names
		s.damage.Refresh()
	} else {
		s.reminder.SetText(T("请提示顾客：“您好，此爱心童车仅限在广场内使用，您要离开广场时，请先到总服务台办理归还童车手续。”"))
	}
	st, err := u.svc.Lending.Stock(u.ctx, s.kind)
	if err != nil {
		u.showError(err)
		return
	}
	s.stock.SetText(T("%s：在库 %d · 借出 %d · 损坏/维修 %d · 报废 %d · 遗失 %d", T(s.kind.Label()), st.OnHand, st.Out, st.Damaged, st.Retired, st.Lost))
	items, err := u.svc.Lending.Items(u.ctx, s.kind)
	if err != nil {
		u.showError(err)
		return
	}
	s.items = items
	var onHand, all []string
	for _, it := range items {
		if it.Status == ledger.ItemIn {
			onHand = append(onHand, it.Number)
		}
		all = append(all, it.Number+" · "+T(it.Status.Label()))
	}
	s.picker.Options = onHand
	s.picker.ClearSelected()
	s.picker.Refresh()
	s.itemPick.Options = all
	s.itemPick.Refresh()
	s.loadOpen()
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
	if s.kind == ledger.KindUmbrella {
		msg += "\n" + T("收取押金 %s", s.u.settings.UmbrellaDeposit.String())
	} else {
		msg += "\n" + T("免费，仅限广场内使用")
	}
	s.confirm = s.u.ask(T("确认借出"), msg, func() { s.doLend(number, phone) })
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
	buttons := []*widget.Button{s.fine, s.damaged, s.lost, s.void, s.reprint}
	if l == nil {
		s.loanInfo.SetText(T("请扫描或选择要归还的借用记录"))
		for _, b := range buttons {
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
	for _, b := range buttons[:4] {
		setEnabled(b, l.Status == ledger.LoanOpen)
	}
	s.reprint.Enable()
}

// damageItem returns the selected price-list item.
func (s *lendingScreen) damageItem() (ledger.PriceItem, bool) {
	i := s.damage.SelectedIndex()
	if i < 0 || i >= len(s.u.settings.DamagePrices) {
		return ledger.PriceItem{}, false
	}
	return s.u.settings.DamagePrices[i], true
}

// askReturn confirms the money of a return outcome before it moves.
func (s *lendingScreen) askReturn(outcome ledger.ReturnOutcome) {
	if s.loan == nil {
		return
	}
	l := *s.loan
	req := ledger.ReturnRequest{LoanID: l.ID, Outcome: outcome}
	var msg string
	switch outcome {
	case ledger.ReturnFine:
		msg = T("%s %s 完好归还", T(l.Kind.Label()), l.ItemNumber)
		if l.Deposit > 0 {
			msg += "\n" + T("退还押金 %s", l.Deposit.String())
		}
	case ledger.ReturnDamaged:
		p, ok := s.damageItem()
		if !ok {
			s.u.showError(ledger.Errorf(ledger.EINVALID, "请先选择损坏项目"))
			return
		}
		req.Damage = p.Name
		refund := max(0, l.Deposit-p.Price)
		msg = T("%s %s 损坏：%s", T(l.Kind.Label()), l.ItemNumber, p.Name) + "\n" +
			T("赔偿 %s，从押金 %s 中扣除", p.Price.String(), l.Deposit.String()) + "\n" + T("退还 %s", refund.String())
		if p.Price > l.Deposit {
			msg += "\n" + T("另收 %s", (p.Price-l.Deposit).String())
		}
	case ledger.ReturnLost:
		action := T("遗失未还，没收押金")
		if l.Overdue(s.u.cfg.Now(), s.u.settings.OverdueDays) {
			action = T("逾期未还，没收押金")
		}
		s.u.requestApproval(ledger.ApprovalRequest{
			Action: action, Record: fmt.Sprintf("%s %s，单号 %s", l.Kind.Label(), l.ItemNumber, l.ReceiptNo),
			Amount: l.Deposit, ActorID: s.u.Staff().ID,
		}, func(a ledger.Approval) {
			req.Approval = &a
			s.doReturn(req)
		})
		return
	}
	s.confirm = s.u.ask(T("确认归还"), msg, func() { s.doReturn(req) })
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

// doAddItems adds numbered items to stock.
func (s *lendingScreen) doAddItems() {
	var numbers []string
	for _, f := range strings.FieldsFunc(s.addItems.Text, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		numbers = append(numbers, strings.ToUpper(f))
	}
	if len(numbers) == 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请输入要入库的编号"))
		return
	}
	if err := s.u.svc.Lending.AddItems(s.u.ctx, s.u.Staff(), s.kind, numbers); err != nil {
		s.u.showError(err)
		return
	}
	s.addItems.SetText("")
	s.stockInfo.SetText(T("已入库 %d 件", len(numbers)))
	s.u.afterChange()
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
	s.u.requestApproval(ledger.ApprovalRequest{Action: T("报废"), Record: fmt.Sprintf("%s %s", it.Kind.Label(), it.Number), ActorID: s.u.Staff().ID},
		func(a ledger.Approval) { apply(&a) })
}

// askVoid reverses a loan registered by mistake, with a supervisor's approval.
func (s *lendingScreen) askVoid() {
	if s.loan == nil {
		return
	}
	l := *s.loan
	s.u.requestApproval(ledger.ApprovalRequest{
		Action: T("冲正（撤销借出），退还押金"), Record: fmt.Sprintf("%s %s，单号 %s", l.Kind.Label(), l.ItemNumber, l.ReceiptNo),
		Amount: l.Deposit, ActorID: s.u.Staff().ID,
	}, func(a ledger.Approval) {
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
}
