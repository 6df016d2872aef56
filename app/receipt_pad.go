package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// receiptPad takes the shopping receipts (购物小票) a customer shows: shop,
// receipt number, amount and date, one after the other, listed with their
// total. Signup, backfill and invoicing use it; the store checks each
// receipt again (and that it was never used before) when the action runs.
type receiptPad struct {
	u      *UI
	shops  []ledger.Shop
	shop   *widget.Select // hidden when the shop is fixed (an invoice's shop)
	fixed  int64
	no     *keyEntry
	amount *keyEntry
	date   *keyEntry
	add    *widget.Button
	clear  *widget.Button
	list   *widget.Label
	items  []ledger.ShopReceipt
	root   *fyne.Container
	// changed runs after the list changed (the total, the eligibility).
	changed func()
}

func (u *UI) newReceiptPad(withShop bool) *receiptPad {
	p := &receiptPad{u: u}
	p.shop = widget.NewSelect(nil, nil)
	p.shop.PlaceHolder = T("选择商户")
	p.no = u.newKeyEntry(T("小票号"))
	p.amount = u.newKeyEntry(T("金额（元）"))
	p.date = u.newKeyEntry(T("购物日期 2026-11-25"))
	p.add = widget.NewButton(T("添加小票"), p.doAdd)
	p.clear = widget.NewButton(T("清空"), func() { p.items = nil; p.show() })
	for _, e := range []*keyEntry{p.no, p.amount, p.date} {
		e.OnSubmitted = func(string) { p.doAdd() }
	}
	p.list = widget.NewLabel("")
	p.list.Wrapping = fyne.TextWrapWord
	fields := container.NewGridWithColumns(3, p.no, p.amount, p.date)
	row := []fyne.CanvasObject{}
	if withShop {
		row = append(row, p.shop)
	}
	row = append(row, fields, container.NewHBox(p.add, p.clear), p.list)
	p.root = container.NewVBox(row...)
	p.show()
	return p
}

// setShops fills the shop picker.
func (p *receiptPad) setShops(shops []ledger.Shop) {
	p.shops = shops
	labels := make([]string, len(shops))
	for i, s := range shops {
		labels[i] = s.Label()
	}
	p.shop.Options = labels
	p.shop.Refresh()
}

// shopID is the picked shop's id (or the fixed one), 0 for none.
func (p *receiptPad) shopID() int64 {
	if p.fixed != 0 {
		return p.fixed
	}
	if i := p.shop.SelectedIndex(); i >= 0 && i < len(p.shops) {
		return p.shops[i].ID
	}
	return 0
}

// shopName names a shop id from the picker's list.
func (p *receiptPad) shopName(id int64) string {
	for _, s := range p.shops {
		if s.ID == id {
			return s.Name
		}
	}
	return ""
}

// doAdd checks the typed receipt and adds it to the list.
func (p *receiptPad) doAdd() {
	id := p.shopID()
	if id == 0 {
		p.u.showError(ledger.Errorf(ledger.EINVALID, "请为小票选择商户"))
		return
	}
	amount, err := ledger.ParseYuan(p.amount.Text)
	if err != nil {
		p.u.showError(err)
		return
	}
	date := strings.TrimSpace(p.date.Text)
	if date == "" {
		date = p.u.now().Format("2006-01-02")
	}
	r := ledger.ShopReceipt{ShopID: id, ShopName: p.shopName(id), No: p.no.Text, Amount: amount, Date: date}
	all := append(append([]ledger.ShopReceipt(nil), p.items...), r)
	clean, err := ledger.CleanReceipts(all, p.u.now().Format("2006-01-02"), 0)
	if err != nil {
		p.u.showError(err)
		return
	}
	for i := range clean {
		clean[i].ShopName = p.shopName(clean[i].ShopID)
	}
	p.items = clean
	p.no.SetText("")
	p.amount.SetText("")
	p.show()
	p.u.win.Canvas().Focus(p.no)
}

// reset empties the pad.
func (p *receiptPad) reset() {
	p.items = nil
	p.no.SetText("")
	p.amount.SetText("")
	p.date.SetText("")
	p.show()
}

// show lists the receipts with their total.
func (p *receiptPad) show() {
	if len(p.items) == 0 {
		p.list.SetText(T("尚未添加小票"))
	} else {
		lines := make([]string, 0, len(p.items)+1)
		for i, r := range p.items {
			lines = append(lines, T("%d. %s 小票 %s，%s，%s", i+1, r.ShopName, r.No, r.Date, r.Amount.String()))
		}
		lines = append(lines, T("共 %d 张，合计 %s", len(p.items), ledger.SumReceipts(p.items).String()))
		p.list.SetText(strings.Join(lines, "\n"))
	}
	p.root.Refresh()
	if p.changed != nil {
		p.changed()
	}
}
