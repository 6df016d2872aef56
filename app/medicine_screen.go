package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// medicineScreen runs the emergency medicine ledger (F3, procedures
// 5.2.12). The common action, dispensing, comes first: pick the medicine,
// the quantity and the person, see which batch is taken (earliest expiry
// first), confirm. Stock work (restock, count, write-off with a
// supervisor's approval, the catalogue) and the movement ledger are the
// other tabs. Alerts show on top of every tab.
type medicineScreen struct {
	u    *UI
	root *fyne.Container
	tabs *container.AppTabs

	alerts    *fyne.Container // one truncated line per alert
	alertText string          // the alerts shown, joined (tests, logs)

	// dispense tab
	category  *widget.Select
	medicine  *widget.Select
	qty       *keyEntry
	batch     *widget.Select
	plan      *widget.Label
	recipient *keyEntry
	reason    *keyEntry
	mobile    *keyEntry
	health    *keyEntry
	printSlip *widget.Check
	dispense  *widget.Button
	meds      []ledger.Medicine // of the chosen category
	batches   []ledger.MedicineBatch

	recent     *widget.List
	dispenses  []ledger.Dispense
	total      int
	offset     int
	pageInfo   *widget.Label
	listHead   *fyne.Container
	prev, next *widget.Button
	detail     *widget.Label
	slip       *widget.Button
	selected   *ledger.Dispense

	// stock tab
	stockMed    *widget.Select
	allMeds     []ledger.Medicine
	stockInfo   *widget.Label
	stockBatch  []ledger.MedicineBatch
	batchList   *widget.Label
	rBatch      *keyEntry
	rExpiry     *keyEntry
	rQty        *keyEntry
	rSupplier   *keyEntry
	restock     *widget.Button
	countBox    *fyne.Container
	countIn     []*keyEntry
	countNote   *keyEntry
	count       *widget.Button
	woBatch     *widget.Select
	woQty       *keyEntry
	woReason    *keyEntry
	writeOff    *widget.Button
	level       *keyEntry
	setLevel    *widget.Button
	warnDays    *keyEntry
	setWarn     *widget.Button
	nName       *keyEntry
	nCategory   *widget.Select
	nSpec       *keyEntry
	nUnit       *keyEntry
	nLevel      *keyEntry
	add         *widget.Button
	stockResult *widget.Label

	// ledger tab
	moves     *widget.List
	moveRows  []ledger.MedicineMove
	moveTotal int
	moveOff   int
	movePage  *widget.Label
	movePrev  *widget.Button
	moveHead  *fyne.Container
	moveNext  *widget.Button

	confirm *dialog.ConfirmDialog
	preview *receiptPreview
}

// categoryLabels are the category choices in display order.
func categoryLabels() []string {
	var out []string
	for _, c := range ledger.MedicineCategories() {
		out = append(out, T(c.Label()))
	}
	return out
}

func (u *UI) newMedicineScreen() screen {
	if u.svc.Medicine == nil {
		return u.newPlaceholder(T("应急药品"), true)
	}
	s := &medicineScreen{u: u}
	s.alerts = container.NewVBox()
	s.tabs = container.NewAppTabs(
		container.NewTabItem(T("领用"), s.dispenseTab()),
		container.NewTabItem(T("库存"), s.stockTab()),
		container.NewTabItem(T("台账"), s.ledgerTab()))
	s.tabs.OnSelected = func(*container.TabItem) { s.refresh() }
	s.root = container.NewBorder(s.alerts, nil, nil, nil, s.tabs)
	return s
}

// dispenseTab builds the dispense form and the recent dispenses.
func (s *medicineScreen) dispenseTab() fyne.CanvasObject {
	u := s.u
	s.category = widget.NewSelect(categoryLabels(), func(string) { s.loadMeds() })
	s.category.PlaceHolder = T("分类")
	s.medicine = widget.NewSelect(nil, func(string) { s.loadBatches() })
	s.medicine.PlaceHolder = T("选择药品")
	s.qty = u.newKeyEntry(T("数量"))
	s.qty.SetText("1")
	s.qty.OnChanged = func(string) { s.showPlan() }
	s.batch = widget.NewSelect(nil, func(string) { s.showPlan() })
	s.plan = widget.NewLabel("")
	s.plan.Wrapping = fyne.TextWrapWord
	s.recipient = u.newKeyEntry(T("领用人，如 顾客（女，约30岁）"))
	s.reason = u.newKeyEntry(T("原因，如 顾客求助"))
	s.mobile = u.newKeyEntry(T("手机号（选填）"))
	s.health = u.newKeyEntry(T("健康状况（选填，敏感信息，报表中隐藏）"))
	s.printSlip = widget.NewCheck(T("打印领用单"), nil)
	s.printSlip.SetChecked(true)
	s.dispense = widget.NewButton(T("领用（Enter）"), s.askDispense)
	s.dispense.Importance = widget.HighImportance
	for _, e := range []*keyEntry{s.qty, s.recipient, s.reason, s.mobile, s.health} {
		e.OnSubmitted = func(string) { s.askDispense() }
	}
	form := container.NewVBox(
		container.NewGridWithColumns(2, s.category, s.medicine),
		container.NewGridWithColumns(2, s.qty, s.batch),
		s.plan,
		container.NewGridWithColumns(2, s.recipient, s.reason),
		container.NewGridWithColumns(2, s.mobile, s.health),
		container.NewBorder(nil, nil, s.printSlip, nil, s.dispense))

	s.recent = widget.NewList(func() int { return len(s.dispenses) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(s.dispenseLine(s.dispenses[i]))
		})
	s.recent.OnSelected = func(i widget.ListItemID) {
		d := s.dispenses[i]
		s.show(&d)
	}
	s.pageInfo = widget.NewLabel("")
	s.prev = widget.NewButton(T("上一页"), func() { s.offset = max(0, s.offset-pageSize); s.loadRecent() })
	s.next = widget.NewButton(T("下一页"), func() { s.offset += pageSize; s.loadRecent() })
	s.detail = widget.NewLabel("")
	s.detail.Wrapping = fyne.TextWrapWord
	s.slip = widget.NewButton(T("打印领用单"), s.doSlip)
	// The form scrolls on a short screen; the chosen record and the
	// records take the rest.
	top := container.NewVScroll(container.NewPadded(form))
	detail := container.NewVScroll(s.detail)
	detail.SetMinSize(fyne.NewSize(0, 72))
	listHead := container.NewHBox(widget.NewLabelWithStyle(T("领用记录"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), spacer(), s.pageInfo, s.prev, s.next)
	s.listHead = listHead
	bottom := container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, s.slip, detail), listHead), nil, nil, nil, s.recent)
	split := container.NewVSplit(top, bottom)
	split.Offset = 0.6
	s.show(nil)
	return split
}

func (s *medicineScreen) content() fyne.CanvasObject { return s.root }
func (s *medicineScreen) focus()                     { s.u.win.Canvas().Focus(s.qty) }

// back clears the dispense form (Esc).
func (s *medicineScreen) back() {
	s.clearForm()
	s.show(nil)
}

// clearForm empties the person fields and sets the quantity back to 1.
func (s *medicineScreen) clearForm() {
	s.qty.SetText("1")
	for _, e := range []*keyEntry{s.recipient, s.reason, s.mobile, s.health} {
		e.SetText("")
	}
}

// refresh reloads the alerts and the open tab.
func (s *medicineScreen) refresh() {
	s.loadAlerts()
	if s.category.SelectedIndex() < 0 {
		s.category.SetSelectedIndex(0) // loads the medicines
	} else {
		s.loadMeds()
	}
	s.loadRecent()
	s.loadStock()
	s.loadMoves()
}

// loadAlerts shows expired, expiring and low stock on top, one line each:
// the most urgent, then the second or how many there are in all.
func (s *medicineScreen) loadAlerts() {
	var lines []string
	if as, err := s.u.svc.Medicine.Alerts(s.u.ctx); err != nil {
		lines = []string{T("读取失败")}
	} else {
		for i, a := range as {
			if i == 1 && len(as) > 2 {
				lines = append(lines, T("……共 %d 条提醒", len(as)))
				break
			}
			lines = append(lines, "！"+alertText(a))
		}
	}
	s.alertText = strings.Join(lines, "\n")
	s.alerts.Objects = nil
	for _, l := range lines {
		w := widget.NewLabel(l)
		w.Truncation = fyne.TextTruncateEllipsis
		w.Importance = widget.WarningImportance
		s.alerts.Add(w)
	}
	s.alerts.Refresh()
	if s.root != nil {
		s.root.Refresh()
	}
}

// alertText is a medicine alert in the UI language.
func alertText(a ledger.MedicineAlert) string {
	switch a.Kind {
	case ledger.AlertExpired:
		return T("%s 批号 %s 已过期（%s），%d%s待报损", a.Name, a.BatchNo, a.Expiry, a.Quantity, a.Unit)
	case ledger.AlertExpiring:
		return T("%s 批号 %s 将于 %s 过期，剩 %d%s", a.Name, a.BatchNo, a.Expiry, a.Quantity, a.Unit)
	}
	return T("%s 库存 %d%s，低于补货线 %d%s", a.Name, a.Quantity, a.Unit, a.Level, a.Unit)
}

// chosenCategory returns the category chosen in the dispense tab.
func (s *medicineScreen) chosenCategory() ledger.MedicineCategory {
	i := s.category.SelectedIndex()
	if i < 0 {
		return ledger.MedInternal
	}
	return ledger.MedicineCategories()[i]
}

// medLabel is a medicine in a picker: name, spec and usable stock.
func medLabel(m ledger.Medicine) string {
	label := m.Name
	if m.Spec != "" {
		label += " " + m.Spec
	}
	return label + " · " + T("可用 %d%s", m.Usable, m.Unit)
}

// loadMeds fills the medicine picker with the chosen category.
func (s *medicineScreen) loadMeds() {
	ms, err := s.u.svc.Medicine.Medicines(s.u.ctx, s.chosenCategory())
	if err != nil {
		s.u.showError(err)
		return
	}
	keep := int64(0)
	if i := s.medicine.SelectedIndex(); i >= 0 && i < len(s.meds) {
		keep = s.meds[i].ID
	}
	s.meds = ms
	var opts []string
	sel := -1
	for i, m := range ms {
		opts = append(opts, medLabel(m))
		if m.ID == keep {
			sel = i
		}
	}
	s.medicine.Options = opts
	if sel >= 0 {
		s.medicine.SetSelectedIndex(sel)
	} else {
		s.medicine.ClearSelected()
	}
	s.medicine.Refresh()
	s.loadBatches()
}

// chosenMed returns the medicine chosen in the dispense tab.
func (s *medicineScreen) chosenMed() (ledger.Medicine, bool) {
	i := s.medicine.SelectedIndex()
	if i < 0 || i >= len(s.meds) {
		return ledger.Medicine{}, false
	}
	return s.meds[i], true
}

// batchLabel is a batch in a picker, with its state today.
func (s *medicineScreen) batchLabel(b ledger.MedicineBatch, unit string) string {
	label := T("批号 %s · 有效期至 %s · %d%s", b.BatchNo, b.Expiry, b.Quantity, unit)
	if b.Expired(ledger.DateOf(s.u.cfg.Now(), s.u.settings.Location())) {
		label += " · " + T("已过期")
	}
	return label
}

// loadBatches fills the batch picker: automatic (earliest expiry first)
// and each batch with stock, expired ones marked.
func (s *medicineScreen) loadBatches() {
	m, ok := s.chosenMed()
	s.batches = nil
	opts := []string{T("自动：先到期先用")}
	if ok {
		bs, err := s.u.svc.Medicine.Batches(s.u.ctx, m.ID, false)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.batches = bs
		for _, b := range bs {
			opts = append(opts, s.batchLabel(b, m.Unit))
		}
	}
	s.batch.Options = opts
	s.batch.SetSelectedIndex(0)
	s.batch.Refresh()
	s.showPlan()
}

// chosenBatch returns the batch id chosen (0 for automatic).
func (s *medicineScreen) chosenBatch() int64 {
	i := s.batch.SelectedIndex()
	if i <= 0 || i > len(s.batches) {
		return 0
	}
	return s.batches[i-1].ID
}

// quantity parses the quantity entry.
func quantity(e *keyEntry) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(e.Text))
	if err != nil {
		return 0, ledger.Errorf(ledger.EINVALID, "请输入数量（整数）")
	}
	return n, nil
}

// showPlan shows which batches the dispense would take, or why not.
func (s *medicineScreen) showPlan() {
	m, ok := s.chosenMed()
	if !ok {
		s.plan.SetText(T("请选择药品"))
		return
	}
	qty, err := quantity(s.qty)
	if err == nil {
		var plan []ledger.BatchTake
		if plan, err = s.u.svc.Medicine.PlanDispense(s.u.ctx, m.ID, qty, s.chosenBatch()); err == nil {
			s.plan.Importance = widget.MediumImportance
			s.plan.SetText(T("发放：%s", ledger.TakesText(plan, m.Unit)))
			return
		}
	}
	s.plan.Importance = widget.DangerImportance
	s.plan.SetText(errText(err))
}

// askDispense confirms the medicine, the quantity and the batches.
func (s *medicineScreen) askDispense() {
	m, ok := s.chosenMed()
	if !ok {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请选择药品"))
		return
	}
	qty, err := quantity(s.qty)
	if err != nil {
		s.u.showError(err)
		return
	}
	req := ledger.DispenseRequest{MedicineID: m.ID, Quantity: qty, BatchID: s.chosenBatch(), Recipient: s.recipient.Text,
		Reason: s.reason.Text, Mobile: s.mobile.Text, HealthNote: s.health.Text, PrintSlip: s.printSlip.Checked}
	if _, err := req.Normalize(); err != nil {
		s.u.showError(err)
		return
	}
	plan, err := s.u.svc.Medicine.PlanDispense(s.u.ctx, m.ID, qty, req.BatchID)
	if err != nil {
		s.u.showError(err)
		return
	}
	msg := T("发放 %s %d%s（%s）", m.Name, qty, m.Unit, T(m.Category.Label())) + "\n" + ledger.TakesText(plan, m.Unit) + "\n" +
		T("领用人：%s", strings.TrimSpace(req.Recipient))
	s.confirm = s.u.ask(T("确认领用"), msg, func() { s.doDispense(req) })
}

// doDispense records the dispense and previews the slip.
func (s *medicineScreen) doDispense(req ledger.DispenseRequest) {
	u := s.u
	d, err := u.svc.Medicine.Dispense(u.ctx, u.Staff(), req)
	if err != nil {
		u.showError(err)
		return
	}
	s.clearForm()
	u.afterChange()
	s.show(&d)
	if d.Printed {
		s.preview = u.showReceipt(d.ReceiptNo)
	} else {
		u.info(T("已登记"), T("领用已登记：%s", d.ReceiptNo))
	}
}

// loadRecent loads the current page of dispenses.
func (s *medicineScreen) loadRecent() {
	ds, total, err := s.u.svc.Medicine.RecentDispenses(s.u.ctx, s.offset, pageSize)
	if err != nil {
		s.u.showError(err)
		return
	}
	if s.offset > 0 && s.offset >= total {
		s.offset = max(0, total-pageSize)
		ds, total, _ = s.u.svc.Medicine.RecentDispenses(s.u.ctx, s.offset, pageSize)
	}
	s.dispenses, s.total = ds, total
	s.recent.UnselectAll()
	s.recent.Refresh()
	pages := max(1, (total+pageSize-1)/pageSize)
	s.pageInfo.SetText(T("共 %d 条 · 第 %d/%d 页", total, s.offset/pageSize+1, pages))
	setEnabled(s.prev, s.offset > 0)
	setEnabled(s.next, s.offset+pageSize < total)
	s.listHead.Refresh() // the page label's width changed
}

// dispenseLine is one row of the dispense list.
func (s *medicineScreen) dispenseLine(d ledger.Dispense) string {
	line := fmt.Sprintf("%s  %s  %s ×%d%s  %s", d.ReceiptNo, d.At.In(s.u.settings.Location()).Format("01-02 15:04"),
		d.MedicineName, d.Quantity, d.Unit, d.Recipient)
	if d.MobileMasked != "" {
		line += "  " + d.MobileMasked
	}
	return line
}

// show fills the detail line with a dispense (nil clears it).
func (s *medicineScreen) show(d *ledger.Dispense) {
	s.selected = d
	if d == nil {
		s.detail.SetText(T("扫描领用单二维码，或在下方选择记录"))
		s.slip.Disable()
		return
	}
	text := T("领用单 %s · %s ×%d%s（%s）", d.ReceiptNo, d.MedicineName, d.Quantity, d.Unit, T(d.Category.Label())) + "\n" +
		ledger.TakesText(d.Takes, d.Unit) + "\n" + T("领用人：%s · 原因：%s", d.Recipient, d.Reason)
	if d.MobileMasked != "" {
		text += " · " + d.MobileMasked
	}
	if d.HealthNoted {
		text += " · " + T("健康状况：%s", ledger.HiddenText)
	}
	s.detail.SetText(text)
	if d.Printed {
		s.slip.SetText(T("补打领用单"))
	} else {
		s.slip.SetText(T("打印领用单"))
	}
	s.slip.Enable()
}

// doSlip prints the selected dispense's slip (a copy when printed before).
func (s *medicineScreen) doSlip() {
	if s.selected == nil {
		return
	}
	d := *s.selected
	if _, err := s.u.svc.Medicine.PrintSlip(s.u.ctx, s.u.Staff(), d.ID); err != nil {
		s.u.showError(err)
		return
	}
	s.u.afterChange()
	if got, err := s.u.svc.Medicine.Dispensed(s.u.ctx, d.ID); err == nil {
		s.show(&got)
	}
	s.u.info(T("打印"), T("已加入打印队列：%s", d.ReceiptNo))
}

// openDispense shows a dispense found by the scan box.
func (s *medicineScreen) openDispense(d ledger.Dispense) {
	s.tabs.SelectIndex(0)
	s.show(&d)
}
