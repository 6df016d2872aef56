package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// invoiceScreen is the invoice desk (代开发票, F6; procedures 5.2.9):
// issue an invoice on a shop's behalf from its shopping receipts (each
// receipt invoiced once), void it the same business day with a
// supervisor's approval or reverse it later with a red-letter invoice, the
// register with totals per shop and day, and the shops.
type invoiceScreen struct {
	u     *UI
	root  *container.AppTabs
	issue *container.TabItem
	reg   *container.TabItem
	shopT *container.TabItem
	shops []ledger.Shop

	// 开票
	shop      *widget.Select
	buyer     *widget.RadioGroup
	title     *keyEntry
	taxNo     *keyEntry
	mobile    *keyEntry
	pad       *receiptPad
	invoiceNo *keyEntry
	submit    *widget.Button

	// 登记簿
	from     *keyEntry
	to       *keyEntry
	load     *widget.Button
	list     *widget.List
	invoices []ledger.Invoice
	selected *ledger.Invoice
	detail   *widget.Label
	void     *widget.Button
	reason   *keyEntry
	redNo    *keyEntry
	reverse  *widget.Button
	totals   *widget.Label
	regTop   *fyne.Container

	// 商户
	shopList *widget.Label
	shopName *keyEntry
	shopUnit *keyEntry
	shopCode *keyEntry
	addShop  *widget.Button
}

// buyer choices in the radio group, in order.
var buyerTypes = []ledger.BuyerType{ledger.BuyerCompany, ledger.BuyerPersonal}

func (u *UI) newInvoiceScreen() screen {
	if u.svc.Invoices == nil || u.svc.Members == nil {
		return u.newPlaceholder(T("代开发票"), true)
	}
	s := &invoiceScreen{u: u}
	bold := func(t string) *widget.Label {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}

	s.pad = u.newReceiptPad(false)
	s.shop = widget.NewSelect(nil, func(string) { s.pad.fixed = s.shopID(); s.pad.shops = s.shops })
	s.shop.PlaceHolder = T("选择开票商户")
	labels := make([]string, len(buyerTypes))
	for i, b := range buyerTypes {
		labels[i] = T(b.Label())
	}
	s.title = u.newKeyEntry(T("发票抬头（企业名称；个人可填姓名）"))
	s.taxNo = u.newKeyEntry(T("税号（统一社会信用代码）"))
	s.mobile = u.newKeyEntry(T("手机号（选填）"))
	s.buyer = widget.NewRadioGroup(labels, func(string) { s.buyerChanged() })
	s.buyer.Horizontal = true
	s.buyer.SetSelected(labels[0])
	s.invoiceNo = u.newKeyEntry(T("发票号码（留空自动编号）"))
	s.submit = widget.NewButton(T("开具发票"), s.askIssue)
	s.submit.Importance = widget.HighImportance
	issueForm := widget.NewForm(
		widget.NewFormItem(T("开票商户"), s.shop),
		widget.NewFormItem(T("购买方"), s.buyer),
		widget.NewFormItem(T("抬头"), s.title),
		widget.NewFormItem(T("税号"), s.taxNo),
		widget.NewFormItem(T("手机"), s.mobile),
		widget.NewFormItem(T("发票号码"), s.invoiceNo))
	issuePage := container.NewVScroll(container.NewVBox(issueForm, bold(T("购物小票（同一商户）")), s.pad.root,
		hint(T("每张小票只能开一次发票（所有服务台通用）；作废或红冲后才能重新开票。")), s.submit))

	s.from, s.to = u.newKeyEntry(T("起始营业日")), u.newKeyEntry(T("截止营业日"))
	s.load = widget.NewButton(T("查询"), s.refreshRegister)
	s.list = widget.NewList(func() int { return len(s.invoices) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.line(s.invoices[i])) })
	s.list.OnSelected = func(i widget.ListItemID) {
		inv, err := s.u.svc.Invoices.Invoice(s.u.ctx, s.invoices[i].ID) // with its receipts
		if err != nil {
			s.u.showError(err)
			return
		}
		s.showInvoice(&inv)
	}
	s.detail = widget.NewLabel("")
	s.detail.Wrapping = fyne.TextWrapWord
	s.void = widget.NewButton(T("作废（当日，主管审批）"), s.askVoid)
	s.void.Importance = widget.DangerImportance
	s.reason = u.newKeyEntry(T("红冲原因"))
	s.redNo = u.newKeyEntry(T("红字发票号码（留空自动编号）"))
	s.reverse = widget.NewButton(T("红冲"), s.askReverse)
	s.totals = widget.NewLabel("")
	s.totals.Wrapping = fyne.TextWrapWord
	s.regTop = container.NewVBox(
		container.NewBorder(nil, nil, nil, s.load, container.NewGridWithColumns(2, s.from, s.to)),
		s.detail,
		container.NewHBox(s.void),
		container.NewGridWithColumns(2, s.reason, s.redNo), container.NewHBox(s.reverse),
		s.totals)
	split := container.NewVSplit(container.NewVScroll(s.regTop), s.list)
	split.Offset = 0.6
	regPage := split

	s.shopList = widget.NewLabel("")
	s.shopList.Wrapping = fyne.TextWrapWord
	s.shopName = u.newKeyEntry(T("商户名称"))
	s.shopUnit = u.newKeyEntry(T("铺位号，如 B1-012"))
	s.shopCode = u.newKeyEntry(T("统一社会信用代码（18位）"))
	s.shopCode.OnSubmitted = func(string) { s.doAddShop() }
	s.addShop = widget.NewButton(T("登记商户（主管）"), s.doAddShop)
	shopPage := container.NewVScroll(container.NewVBox(
		widget.NewForm(widget.NewFormItem(T("名称"), s.shopName), widget.NewFormItem(T("铺位号"), s.shopUnit),
			widget.NewFormItem(T("信用代码"), s.shopCode)), s.addShop, widget.NewSeparator(), s.shopList))

	s.issue = container.NewTabItem(T("开票"), issuePage)
	s.reg = container.NewTabItem(T("发票登记簿"), regPage)
	s.shopT = container.NewTabItem(T("商户"), shopPage)
	s.root = container.NewAppTabs(s.issue, s.reg, s.shopT)
	s.root.OnSelected = func(*container.TabItem) { s.focus() }
	s.showInvoice(nil)
	return s
}

func (s *invoiceScreen) content() fyne.CanvasObject { return s.root }

func (s *invoiceScreen) focus() {
	switch s.root.Selected() {
	case s.issue:
		s.u.win.Canvas().Focus(s.pad.no)
	case s.reg:
		s.u.win.Canvas().Focus(s.from)
	case s.shopT:
		s.u.win.Canvas().Focus(s.shopName)
	}
}

func (s *invoiceScreen) refresh() {
	shops, err := s.u.svc.Members.Shops(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.shops = shops
	s.pad.setShops(shops)
	labels := make([]string, len(shops))
	lines := make([]string, len(shops))
	for i, sh := range shops {
		labels[i] = sh.Label()
		lines[i] = sh.Label() + " · " + sh.USCC
	}
	s.shop.Options = labels
	s.shop.Refresh()
	s.shopList.SetText(strings.Join(lines, "\n"))
	if s.u.Staff().Role.CanApprove() {
		s.addShop.Enable()
	} else {
		s.addShop.Disable()
	}
	if s.from.Text == "" && s.to.Text == "" {
		today := s.u.now().Format("2006-01-02")
		s.from.SetText(today)
		s.to.SetText(today)
	}
	s.refreshRegister()
}

// shopID is the picked shop's id, 0 for none.
func (s *invoiceScreen) shopID() int64 {
	if i := s.shop.SelectedIndex(); i >= 0 && i < len(s.shops) {
		return s.shops[i].ID
	}
	return 0
}

// buyerType is the picked buyer type.
func (s *invoiceScreen) buyerType() ledger.BuyerType {
	for i, l := range s.buyer.Options {
		if l == s.buyer.Selected {
			return buyerTypes[i]
		}
	}
	return ""
}

// buyerChanged enables the tax number only for a company.
func (s *invoiceScreen) buyerChanged() {
	if s.buyerType() == ledger.BuyerCompany {
		s.taxNo.Enable()
	} else {
		s.taxNo.SetText("")
		s.taxNo.Disable()
	}
}

// line is one row of the register.
func (s *invoiceScreen) line(inv ledger.Invoice) string {
	return strings.Join([]string{inv.BusinessDate, inv.No, inv.ShopName, inv.Title, inv.Amount.String(), T(inv.Status.Label())}, " · ")
}

// askIssue confirms the invoice and its amount, then issues it.
func (s *invoiceScreen) askIssue() {
	req := ledger.InvoiceRequest{ShopID: s.shopID(), Buyer: s.buyerType(), Title: s.title.Text, TaxNo: s.taxNo.Text, Mobile: s.mobile.Text,
		Receipts: s.pad.items, InvoiceNo: s.invoiceNo.Text}
	if req.ShopID == 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请选择开票商户"))
		return
	}
	if _, _, err := req.CleanBuyer(); err != nil {
		s.u.showError(err)
		return
	}
	if len(req.Receipts) == 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请至少录入一张购物小票"))
		return
	}
	total := ledger.SumReceipts(req.Receipts)
	s.u.ask(T("开具发票"), T("为 %s 开具发票，%d 张小票，金额 %s？", s.shop.Selected, len(req.Receipts), total.String()), func() {
		inv, err := s.u.svc.Invoices.Issue(s.u.ctx, s.u.Staff(), req)
		if err != nil {
			s.u.showError(err)
			return
		}
		for _, e := range []*keyEntry{s.title, s.taxNo, s.mobile, s.invoiceNo} {
			e.SetText("")
		}
		s.pad.reset()
		s.root.Select(s.reg)
		s.refreshRegister()
		s.showInvoice(&inv)
		s.u.showReceipt(inv.SlipNo)
		s.u.afterChange()
	})
}

// refreshRegister loads the register for the dates typed.
func (s *invoiceScreen) refreshRegister() {
	reg, err := s.u.svc.Invoices.Register(s.u.ctx, strings.TrimSpace(s.from.Text), strings.TrimSpace(s.to.Text))
	if err != nil {
		s.u.showError(err)
		return
	}
	s.invoices = reg.Invoices
	s.list.UnselectAll()
	s.list.Refresh()
	var lines []string
	var net ledger.Fen
	for _, r := range reg.Totals {
		lines = append(lines, T("%s %s：开具 %d 张 %s，作废 %d 张 %s，红冲 %d 张 %s，净额 %s", r.Date, r.ShopName, r.Issued, r.IssuedAmount.String(),
			r.Voided, r.VoidedAmount.String(), r.Reversed, r.RedAmount.String(), r.NetAmount.String()))
		net += r.NetAmount
	}
	lines = append(lines, T("合计净额 %s", net.String()))
	s.totals.SetText(strings.Join(lines, "\n"))
	s.regTop.Refresh()
	if s.selected != nil {
		if inv, err := s.u.svc.Invoices.Invoice(s.u.ctx, s.selected.ID); err == nil {
			s.showInvoice(&inv)
		}
	}
}

// open shows an invoice (from a scanned slip).
func (s *invoiceScreen) open(inv ledger.Invoice) {
	s.root.Select(s.reg)
	s.showInvoice(&inv)
}

// showInvoice shows one invoice and what can be done with it.
func (s *invoiceScreen) showInvoice(inv *ledger.Invoice) {
	s.selected = inv
	s.void.Disable()
	s.reverse.Disable()
	// The detail and totals wrap: lay the page out again after a change.
	defer s.regTop.Refresh()
	if inv == nil {
		s.detail.SetText(T("选择一张发票查看、作废或红冲。"))
		return
	}
	var rs []string
	for _, r := range inv.Receipts {
		rs = append(rs, r.No+" "+r.Amount.String())
	}
	text := T("发票 %s · %s · %s %s %s · %s · %s", inv.No, inv.ShopName, T(inv.Buyer.Label()), inv.Title, inv.TaxNo, inv.Amount.String(), T(inv.Status.Label())) +
		"\n" + T("营业日 %s · 小票 %s", inv.BusinessDate, strings.Join(rs, "，"))
	if inv.Reason != "" {
		text += "\n" + T("原因：%s", inv.Reason)
	}
	if inv.ApproverName != "" {
		text += "\n" + T("审批：%s", inv.ApproverName)
	}
	s.detail.SetText(text)
	if inv.Status == ledger.InvoiceIssued {
		s.void.Enable()
		s.reverse.Enable()
	}
}

// askVoid voids the selected invoice with a supervisor's approval.
func (s *invoiceScreen) askVoid() {
	inv := s.selected
	if inv == nil {
		return
	}
	s.u.requestApproval(ledger.VoidInvoiceApproval(s.u.Staff().ID, *inv), "", func(a ledger.Approval) {
		got, err := s.u.svc.Invoices.Void(s.u.ctx, s.u.Staff(), inv.ID, &a)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.showInvoice(&got)
		s.refreshRegister()
		s.u.afterChange()
	})
}

// askReverse issues the red-letter invoice for the selected one.
func (s *invoiceScreen) askReverse() {
	inv := s.selected
	if inv == nil {
		return
	}
	if _, err := ledger.FieldInvoiceReason.Clean(s.reason.Text); err != nil {
		s.u.showError(err)
		return
	}
	s.u.ask(T("红冲"), T("为发票 %s 开具红字发票 %s？", inv.No, (-inv.Amount).String()), func() {
		red, err := s.u.svc.Invoices.Reverse(s.u.ctx, s.u.Staff(), inv.ID, s.reason.Text, s.redNo.Text)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.reason.SetText("")
		s.redNo.SetText("")
		s.refreshRegister()
		s.showInvoice(&red)
		s.u.showReceipt(red.SlipNo)
		s.u.afterChange()
	})
}

// doAddShop registers a shop.
func (s *invoiceScreen) doAddShop() {
	sh, err := s.u.svc.Members.AddShop(s.u.ctx, s.u.Staff(), ledger.Shop{Name: s.shopName.Text, Unit: s.shopUnit.Text, USCC: s.shopCode.Text})
	if err != nil {
		s.u.showError(err)
		return
	}
	for _, e := range []*keyEntry{s.shopName, s.shopUnit, s.shopCode} {
		e.SetText("")
	}
	s.refresh()
	s.u.info(T("商户"), T("已登记商户 %s。", sh.Label()))
}
