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

// stockTab builds the medicine screen's stock work: the batches of one
// medicine, restock, count, write-off and the catalogue.
func (s *medicineScreen) stockTab() fyne.CanvasObject {
	u := s.u
	s.stockMed = widget.NewSelect(nil, func(string) { s.loadStockBatches() })
	s.stockMed.PlaceHolder = T("选择药品")
	s.stockInfo = widget.NewLabel("")
	s.batchList = widget.NewLabel("")
	s.batchList.Wrapping = fyne.TextWrapWord
	s.stockResult = widget.NewLabel("")
	s.stockResult.Wrapping = fyne.TextWrapWord

	s.rBatch = u.newKeyEntry(T("批号"))
	s.rExpiry = u.newKeyEntry(T("有效期至，如 2027-06-30 或 2027-06"))
	s.rQty = u.newKeyEntry(T("数量"))
	s.rSupplier = u.newKeyEntry(T("供货说明（选填）"))
	s.restock = widget.NewButton(T("入库"), s.doRestock)
	s.restock.Importance = widget.HighImportance
	s.rSupplier.OnSubmitted = func(string) { s.doRestock() }

	s.countBox = container.NewVBox()
	s.countNote = u.newKeyEntry(T("盘点说明（选填）"))
	s.count = widget.NewButton(T("保存盘点"), s.doCount)

	s.woBatch = widget.NewSelect(nil, nil)
	s.woBatch.PlaceHolder = T("报损批号")
	s.woQty = u.newKeyEntry(T("数量"))
	s.woReason = u.newKeyEntry(T("报损原因，如 已过期"))
	s.writeOff = widget.NewButton(T("报损（主管审批）"), s.askWriteOff)
	s.writeOff.Importance = widget.DangerImportance

	s.level = u.newKeyEntry(T("补货提醒数量"))
	s.setLevel = widget.NewButton(T("保存补货线"), s.doLevel)
	s.warnDays = u.newKeyEntry(T("临期提醒天数"))
	s.setWarn = widget.NewButton(T("保存临期天数"), s.doWarnDays)

	s.nName = u.newKeyEntry(T("药品名称"))
	s.nCategory = widget.NewSelect(categoryLabels(), nil)
	s.nCategory.PlaceHolder = T("分类")
	s.nSpec = u.newKeyEntry(T("规格（选填）"))
	s.nUnit = u.newKeyEntry(T("单位，如 盒"))
	s.nLevel = u.newKeyEntry(T("补货提醒数量"))
	s.add = widget.NewButton(T("新增药品"), s.doAdd)

	restock := widget.NewCard(T("入库"), "", container.NewVBox(
		container.NewGridWithColumns(2, s.rBatch, s.rExpiry),
		container.NewGridWithColumns(2, s.rQty, s.rSupplier), s.restock))
	count := widget.NewCard(T("盘点"), T("逐批填写实点数量，差异记入台账"), container.NewVBox(s.countBox, s.countNote, s.count))
	writeOff := widget.NewCard(T("报损"), "", container.NewVBox(s.woBatch, container.NewGridWithColumns(2, s.woQty, s.woReason), s.writeOff))
	settings := fyne.CanvasObject(container.NewBorder(nil, nil, nil, s.setLevel, s.level))
	if u.Staff().Role.CanApprove() {
		settings = container.NewGridWithColumns(2, settings, container.NewBorder(nil, nil, nil, s.setWarn, s.warnDays))
	}
	catalogue := widget.NewCard(T("药品目录"), T("内服、外用、器械分开存放"), container.NewVBox(
		settings,
		widget.NewSeparator(),
		container.NewGridWithColumns(2, s.nName, s.nCategory),
		container.NewGridWithColumns(3, s.nSpec, s.nUnit, s.nLevel), s.add))
	return container.NewVScroll(container.NewVBox(
		container.NewBorder(nil, nil, nil, s.stockInfo, s.stockMed),
		s.batchList, s.stockResult,
		container.NewGridWithColumns(2, restock, writeOff),
		count, catalogue))
}

// loadStock fills the stock tab's medicine picker (all categories).
func (s *medicineScreen) loadStock() {
	ms, err := s.u.svc.Medicine.Medicines(s.u.ctx, "")
	if err != nil {
		s.u.showError(err)
		return
	}
	keep := int64(0)
	if m, ok := s.stockChosen(); ok {
		keep = m.ID
	}
	s.allMeds = ms
	var opts []string
	sel := -1
	for i, m := range ms {
		opts = append(opts, "["+T(m.Category.Label())+"] "+medLabel(m))
		if m.ID == keep {
			sel = i
		}
	}
	s.stockMed.Options = opts
	if sel < 0 && len(ms) > 0 {
		sel = 0
	}
	if sel >= 0 {
		s.stockMed.SetSelectedIndex(sel)
	}
	s.stockMed.Refresh()
	s.loadStockBatches()
}

// stockChosen returns the medicine chosen in the stock tab.
func (s *medicineScreen) stockChosen() (ledger.Medicine, bool) {
	i := s.stockMed.SelectedIndex()
	if i < 0 || i >= len(s.allMeds) {
		return ledger.Medicine{}, false
	}
	return s.allMeds[i], true
}

// loadStockBatches shows the chosen medicine's batches and rebuilds the
// count rows and the write-off picker.
func (s *medicineScreen) loadStockBatches() {
	m, ok := s.stockChosen()
	s.stockBatch = nil
	s.countIn = nil
	s.countBox.Objects = nil
	if !ok {
		s.batchList.SetText(T("尚无药品，请先在下方新增"))
		s.stockInfo.SetText("")
		s.woBatch.Options = nil
		s.woBatch.Refresh()
		s.countBox.Refresh()
		return
	}
	bs, err := s.u.svc.Medicine.Batches(s.u.ctx, m.ID, false)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.stockBatch = bs
	s.stockInfo.SetText(T("库存 %d%s · 可用 %d · 补货线 %d", m.Stock, m.Unit, m.Usable, m.ReorderLevel))
	s.level.SetText(strconv.Itoa(m.ReorderLevel))
	s.warnDays.SetText(strconv.Itoa(s.u.settings.MedicineWarn()))
	var lines, opts []string
	for _, b := range bs {
		label := s.batchLabel(b, m.Unit)
		lines = append(lines, label)
		opts = append(opts, label)
		in := s.u.newKeyEntry(T("实点数量"))
		in.SetText(strconv.Itoa(b.Quantity))
		s.countIn = append(s.countIn, in)
		s.countBox.Add(container.NewGridWithColumns(2, widget.NewLabel(T("批号 %s（%d%s）", b.BatchNo, b.Quantity, m.Unit)), in))
	}
	if len(lines) == 0 {
		lines = []string{T("无库存")}
	}
	s.batchList.SetText(strings.Join(lines, "\n"))
	s.woBatch.Options = opts
	s.woBatch.ClearSelected()
	s.woBatch.Refresh()
	s.countBox.Refresh()
}

// doRestock adds a batch (or more of one) to the chosen medicine.
func (s *medicineScreen) doRestock() {
	m, ok := s.stockChosen()
	if !ok {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请选择药品"))
		return
	}
	qty, err := quantity(s.rQty)
	if err != nil {
		s.u.showError(err)
		return
	}
	b, err := s.u.svc.Medicine.Restock(s.u.ctx, s.u.Staff(), ledger.RestockRequest{MedicineID: m.ID, BatchNo: s.rBatch.Text,
		Expiry: s.rExpiry.Text, Quantity: qty, Supplier: s.rSupplier.Text})
	if err != nil {
		s.u.showError(err)
		return
	}
	for _, e := range []*keyEntry{s.rBatch, s.rExpiry, s.rQty, s.rSupplier} {
		e.SetText("")
	}
	s.stockResult.SetText(T("已入库：%s 批号 %s（有效期至 %s）%d%s", m.Name, b.BatchNo, b.Expiry, qty, m.Unit))
	s.u.afterChange()
}

// doCount saves the counted quantity of every batch.
func (s *medicineScreen) doCount() {
	m, ok := s.stockChosen()
	if !ok || len(s.stockBatch) == 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "该药品没有需要盘点的库存"))
		return
	}
	req := ledger.CountRequest{MedicineID: m.ID, Note: s.countNote.Text}
	for i, b := range s.stockBatch {
		n, err := quantity(s.countIn[i])
		if err != nil {
			s.u.showError(err)
			return
		}
		req.Lines = append(req.Lines, ledger.CountLine{BatchID: b.ID, Counted: n})
	}
	diffs, err := s.u.svc.Medicine.Count(s.u.ctx, s.u.Staff(), req)
	if err != nil {
		s.u.showError(err)
		return
	}
	var parts []string
	for _, d := range diffs {
		if d.Diff != 0 {
			parts = append(parts, fmt.Sprintf("%s %+d", d.BatchNo, d.Diff))
		}
	}
	if len(parts) == 0 {
		s.stockResult.SetText(T("盘点完成：%s 账实相符", m.Name))
	} else {
		s.stockResult.SetText(T("盘点完成：%s 差异 %s（已记入台账）", m.Name, strings.Join(parts, "；")))
	}
	s.countNote.SetText("")
	s.u.afterChange()
}

// askWriteOff asks a supervisor to approve writing off a batch quantity.
func (s *medicineScreen) askWriteOff() {
	m, ok := s.stockChosen()
	i := s.woBatch.SelectedIndex()
	if !ok || i < 0 || i >= len(s.stockBatch) {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请选择报损批号"))
		return
	}
	b := s.stockBatch[i]
	qty, err := quantity(s.woQty)
	if err != nil {
		s.u.showError(err)
		return
	}
	reason, err := ledger.FieldWriteOffWhy.Clean(s.woReason.Text)
	if err != nil {
		s.u.showError(err)
		return
	}
	if qty <= 0 || qty > b.Quantity {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "报损数量须在1到%d之间（批号 %s 现有 %d%s）", max(b.Quantity, 1), b.BatchNo, b.Quantity, m.Unit))
		return
	}
	s.u.requestApproval(ledger.MedicineWriteOffApproval(s.u.Staff().ID, m, b, qty), "", func(a ledger.Approval) {
		_, err := s.u.svc.Medicine.WriteOff(s.u.ctx, s.u.Staff(), ledger.WriteOffRequest{BatchID: b.ID, Quantity: qty, Reason: reason, Approval: &a})
		if err != nil {
			s.u.showError(err)
			return
		}
		s.woQty.SetText("")
		s.woReason.SetText("")
		s.stockResult.SetText(T("已报损：%s 批号 %s %d%s，%s批准", m.Name, b.BatchNo, qty, m.Unit, a.ApproverName))
		s.u.afterChange()
	})
}

// doLevel saves the chosen medicine's reorder level.
func (s *medicineScreen) doLevel() {
	m, ok := s.stockChosen()
	if !ok {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请选择药品"))
		return
	}
	n, err := quantity(s.level)
	if err != nil {
		s.u.showError(err)
		return
	}
	if err := s.u.svc.Medicine.SetReorderLevel(s.u.ctx, s.u.Staff(), m.ID, n); err != nil {
		s.u.showError(err)
		return
	}
	s.stockResult.SetText(T("%s 补货线已改为 %d%s", m.Name, n, m.Unit))
	s.u.afterChange()
}

// doWarnDays saves how many days before expiry a batch is flagged
// (supervisors; a settings change, journaled).
func (s *medicineScreen) doWarnDays() {
	u := s.u
	n, err := quantity(s.warnDays)
	if err != nil {
		u.showError(err)
		return
	}
	set, err := u.svc.Settings.Settings(u.ctx)
	if err != nil {
		u.showError(err)
		return
	}
	set.MedicineWarnDays = n
	if n <= 0 {
		u.showError(ledger.Errorf(ledger.EINVALID, "药品临期提醒天数须在1到%d之间", ledger.MaxExpiryWarnDays))
		return
	}
	if err := u.svc.Settings.UpdateSettings(u.ctx, u.Staff(), set); err != nil {
		u.showError(err)
		return
	}
	u.reloadSettings()
	s.stockResult.SetText(T("临期提醒改为 %d 天", n))
	u.afterChange()
}

// doAdd adds a catalogue entry.
func (s *medicineScreen) doAdd() {
	i := s.nCategory.SelectedIndex()
	if i < 0 {
		s.u.showError(ledger.Errorf(ledger.EINVALID, "请选择药品分类（内服、外用或器械）"))
		return
	}
	level := 0
	if strings.TrimSpace(s.nLevel.Text) != "" {
		n, err := quantity(s.nLevel)
		if err != nil {
			s.u.showError(err)
			return
		}
		level = n
	}
	m, err := s.u.svc.Medicine.AddMedicine(s.u.ctx, s.u.Staff(), ledger.NewMedicine{Name: s.nName.Text, Category: ledger.MedicineCategories()[i],
		Spec: s.nSpec.Text, Unit: s.nUnit.Text, ReorderLevel: level})
	if err != nil {
		s.u.showError(err)
		return
	}
	for _, e := range []*keyEntry{s.nName, s.nSpec, s.nUnit, s.nLevel} {
		e.SetText("")
	}
	s.stockResult.SetText(T("已新增药品：%s（%s）", m.Name, T(m.Category.Label())))
	s.u.afterChange()
}

// ledgerTab lists every stock movement, newest first.
func (s *medicineScreen) ledgerTab() fyne.CanvasObject {
	s.moves = widget.NewList(func() int { return len(s.moveRows) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.moveLine(s.moveRows[i])) })
	s.movePage = widget.NewLabel("")
	s.movePrev = widget.NewButton(T("上一页"), func() { s.moveOff = max(0, s.moveOff-pageSize); s.loadMoves() })
	s.moveNext = widget.NewButton(T("下一页"), func() { s.moveOff += pageSize; s.loadMoves() })
	head := container.NewHBox(widget.NewLabelWithStyle(T("出入库台账"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		spacer(), s.movePage, s.movePrev, s.moveNext)
	s.moveHead = head
	return container.NewBorder(head, nil, nil, nil, s.moves)
}

// loadMoves loads the current page of movements.
func (s *medicineScreen) loadMoves() {
	mv, total, err := s.u.svc.Medicine.Moves(s.u.ctx, 0, s.moveOff, pageSize)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.moveRows, s.moveTotal = mv, total
	s.moves.Refresh()
	pages := max(1, (total+pageSize-1)/pageSize)
	s.movePage.SetText(T("共 %d 条 · 第 %d/%d 页", total, s.moveOff/pageSize+1, pages))
	setEnabled(s.movePrev, s.moveOff > 0)
	setEnabled(s.moveNext, s.moveOff+pageSize < total)
	s.moveHead.Refresh()
}

// moveLine is one row of the movement ledger.
func (s *medicineScreen) moveLine(v ledger.MedicineMove) string {
	line := fmt.Sprintf("%s  %s  %s  %s  %+d", v.At.In(s.u.settings.Location()).Format("01-02 15:04"), T(v.Kind.Label()),
		v.MedicineName, v.BatchNo, v.Delta)
	if v.Note != "" {
		line += "  " + v.Note
	}
	return line
}

// medicineCount is the F3 entry's live alert count.
func (u *UI) medicineCount() string {
	if u.svc.Medicine == nil {
		return ""
	}
	as, err := u.svc.Medicine.Alerts(u.ctx)
	if err != nil || len(as) == 0 {
		return ""
	}
	return T("%d 提醒", len(as))
}
