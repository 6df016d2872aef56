package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// seedMedicine adds 布洛芬 with three batches: OLD expires 2026-11-30
// (5 boxes), NEW 2027-06-30 (10), and EXP that the test lets expire.
func (h *harness) seedMedicine() ledger.Medicine {
	h.t.Helper()
	ctx := context.Background()
	m, err := h.svc.Medicine.AddMedicine(ctx, h.admin, ledger.NewMedicine{Name: "布洛芬缓释胶囊", Category: ledger.MedInternal, Spec: "0.3g×20粒", Unit: "盒", ReorderLevel: 3})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range []ledger.RestockRequest{
		{MedicineID: m.ID, BatchNo: "EXP", Expiry: "2026-11-26", Quantity: 2},
		{MedicineID: m.ID, BatchNo: "NEW", Expiry: "2027-06-30", Quantity: 10},
		{MedicineID: m.ID, BatchNo: "OLD", Expiry: "2026-11-30", Quantity: 5},
	} {
		if _, err := h.svc.Medicine.Restock(ctx, h.admin, r); err != nil {
			h.t.Fatal(err)
		}
	}
	if _, err := h.svc.Medicine.AddMedicine(ctx, h.admin, ledger.NewMedicine{Name: "医用纱布", Category: ledger.MedDevice, Unit: "包"}); err != nil {
		h.t.Fatal(err)
	}
	return m
}

// medicine opens F3 and returns its screen.
func (h *harness) medicine() *medicineScreen {
	h.t.Helper()
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF3})
	s, ok := h.ui.shell.screens["medicine"].(*medicineScreen)
	if !ok || h.ui.shell.Current() != "medicine" {
		h.t.Fatal("F3 did not open the medicine screen")
	}
	return s
}

// batchOption returns the index of the batch option containing no.
func batchOption(t *testing.T, s *medicineScreen, no string) int {
	t.Helper()
	for i, o := range s.batch.Options {
		if strings.Contains(o, "批号 "+no+" ") {
			return i
		}
	}
	t.Fatalf("no batch %s in %v", no, s.batch.Options)
	return -1
}

func (h *harness) batchQty(m ledger.Medicine) map[string]int {
	h.t.Helper()
	bs, err := h.svc.Medicine.Batches(context.Background(), m.ID, true)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]int{}
	for _, b := range bs {
		out[b.BatchNo] = b.Quantity
	}
	return out
}

func TestMedicineDispenseThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	m := h.seedMedicine()
	h.clock.Add(2 * 24 * time.Hour) // 2026-11-27: EXP has expired
	sh := h.mustShell("li")
	if !strings.Contains(sh.nav[2].button.Text, "提醒") || !strings.Contains(sh.glance.alerts.Text, "药品已过期 1 批") {
		t.Fatalf("alerts: nav %q glance %q", sh.nav[2].button.Text, sh.glance.alerts.Text)
	}
	s := h.medicine()
	if !strings.Contains(s.alertText, "批号 EXP 已过期（2026-11-26）") || !strings.Contains(s.alertText, "批号 OLD 将于 2026-11-30 过期") || len(s.alerts.Objects) != 2 {
		t.Fatalf("alerts = %q", s.alertText)
	}
	// Internal medicines only: the device is kept apart.
	if len(s.medicine.Options) != 1 || !strings.Contains(s.medicine.Options[0], "可用 15盒") {
		t.Fatalf("internal medicines = %v", s.medicine.Options)
	}
	s.medicine.SetSelectedIndex(0)
	s.qty.SetText("")
	test.Type(s.qty, "6")
	// Earliest expiry first, expired never: OLD ×5 then NEW ×1, shown before confirming.
	if s.plan.Text != "发放：批号 OLD（有效期至 2026-11-30）×5盒；批号 NEW（有效期至 2027-06-30）×1盒" {
		t.Fatalf("plan = %q", s.plan.Text)
	}
	test.Type(s.recipient, "顾客（女，约30岁）")
	test.Type(s.reason, "顾客求助")
	s.reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.confirm == nil {
		t.Fatalf("no confirmation: %q", h.ui.LastError())
	}
	s.confirm.Confirm()
	if q := h.batchQty(m); q["OLD"] != 0 || q["NEW"] != 9 || q["EXP"] != 2 {
		t.Fatalf("stock after dispense %v (error %q)", q, h.ui.LastError())
	}
	if s.preview == nil || !strings.Contains(s.preview.text.Text, "应急药品领用单") || !strings.Contains(s.preview.text.Text, "批号：OLD\n  有效期至 2026-11-30 5盒") || s.preview.qr == nil {
		t.Fatalf("slip preview = %+v", s.preview)
	}
	token := s.preview.doc.QR
	h.ui.closeMessage()
	if len(s.dispenses) != 1 || !strings.Contains(s.dispenseLine(s.dispenses[0]), "顾客（女，约30岁）") {
		t.Fatalf("dispense list = %+v", s.dispenses)
	}
	// The slip's QR opens the record from the scan box, from another screen.
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	test.Type(sh.scan, token)
	sh.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if sh.Current() != "medicine" || s.selected == nil || s.selected.Quantity != 6 || !strings.Contains(s.detail.Text, "领用单") {
		t.Fatalf("scan did not open the dispense: %q %q", sh.Current(), h.ui.LastError())
	}
	if s.slip.Text != "补打领用单" {
		t.Fatalf("slip button = %q", s.slip.Text)
	}
	// A forged token (one character changed) and a token signed with
	// another desk's key open nothing and say so.
	swap := "A"
	if strings.HasSuffix(token, "A") {
		swap = "B"
	}
	forged := token[:len(token)-1] + swap
	foreign := receipts.Signer{Key: make([]byte, 32)}.Sign(receipts.KindMedicine, s.selected.ID)
	for _, code := range []string{forged, foreign} {
		h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
		sh.scan.SetText("")
		test.Type(sh.scan, code)
		sh.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if sh.Current() == "medicine" || h.ui.LastError() == "" {
			t.Fatalf("token %q opened %q (error %q)", code, sh.Current(), h.ui.LastError())
		}
		h.ui.closeMessage()
	}
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF3})

	before := len(h.journalKinds())
	// Refused: the expired batch, chosen by hand.
	s.qty.SetText("1")
	s.batch.SetSelectedIndex(batchOption(t, s, "EXP"))
	if !strings.Contains(s.batch.Selected, "已过期") || !strings.Contains(s.plan.Text, "批号 EXP 已于 2026-11-26 过期，不能发放") {
		t.Fatalf("expired batch: %q / %q", s.batch.Selected, s.plan.Text)
	}
	s.recipient.SetText("顾客")
	s.reason.SetText("头痛")
	s.confirm = nil
	test.Tap(s.dispense)
	if s.confirm != nil || !strings.Contains(h.ui.LastError(), "已于 2026-11-26 过期") {
		t.Fatalf("expired batch dispensed? confirm=%v error=%q", s.confirm != nil, h.ui.LastError())
	}
	h.ui.closeMessage()
	// Refused: more than the usable stock (the expired boxes do not count).
	s.batch.SetSelectedIndex(0)
	s.qty.SetText("10")
	test.Tap(s.dispense)
	if s.confirm != nil || !strings.Contains(h.ui.LastError(), "未过期库存只有 9盒，不够领用 10盒") {
		t.Fatalf("over stock: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.qty.SetText("-1")
	test.Tap(s.dispense)
	if s.confirm != nil || !strings.Contains(h.ui.LastError(), "领用数量须在1到100之间") {
		t.Fatalf("negative: %q", h.ui.LastError())
	}
	if after := len(h.journalKinds()); after != before {
		t.Fatalf("refusals changed the journal: %d -> %d", before, after)
	}
	if q := h.batchQty(m); q["NEW"] != 9 || q["EXP"] != 2 {
		t.Fatalf("refusals changed stock %v", q)
	}
	h.verify()
}

func TestMedicineStockWorkThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	m := h.seedMedicine()
	h.mustShell("li")
	s := h.medicine()
	s.tabs.SelectIndex(1)
	if len(s.stockMed.Options) != 2 || s.stockMed.SelectedIndex() != 0 || !strings.HasPrefix(s.stockMed.Selected, "[内服]") {
		t.Fatalf("stock picker %v / %q", s.stockMed.Options, s.stockMed.Selected)
	}
	// Restock a new batch; an expired one is refused.
	test.Type(s.rBatch, "B-2028")
	test.Type(s.rExpiry, "2026-10")
	test.Type(s.rQty, "4")
	test.Tap(s.restock)
	if !strings.Contains(h.ui.LastError(), "已过期，不能入库") {
		t.Fatalf("expired restock: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.rExpiry.SetText("2028.03")
	test.Tap(s.restock)
	if q := h.batchQty(m); q["B-2028"] != 4 || !strings.Contains(s.stockResult.Text, "有效期至 2028-03-31") {
		t.Fatalf("restock: %v %q (%q)", q, s.stockResult.Text, h.ui.LastError())
	}
	// Count: every batch, differences recorded.
	if len(s.countIn) != 4 {
		t.Fatalf("count rows = %d", len(s.countIn))
	}
	for i, b := range s.stockBatch {
		if b.BatchNo == "NEW" {
			s.countIn[i].SetText("8")
		}
	}
	test.Type(s.countNote, "月末盘点")
	test.Tap(s.count)
	if !strings.Contains(s.stockResult.Text, "NEW -2") || h.batchQty(m)["NEW"] != 8 {
		t.Fatalf("count: %q %v (%q)", s.stockResult.Text, h.batchQty(m), h.ui.LastError())
	}
	// Write-off: a supervisor other than the clerk approves.
	for i, b := range s.stockBatch {
		if b.BatchNo == "EXP" {
			s.woBatch.SetSelectedIndex(i)
		}
	}
	test.Type(s.woQty, "2")
	test.Type(s.woReason, "即将过期，包装破损")
	test.Tap(s.writeOff)
	d := h.ui.lastApproval
	if d == nil || !strings.Contains(d.what.Text, "药品报损") || !strings.Contains(d.what.Text, "批号 EXP") || !strings.Contains(d.what.Text, "×2盒") {
		t.Fatalf("approval dialog %+v", d)
	}
	test.Type(d.username, "li")
	test.Type(d.password, pw)
	test.Type(d.reason, "同意")
	test.Tap(d.approve)
	if h.batchQty(m)["EXP"] != 2 || d.message.Text == "" {
		t.Fatalf("clerk approved her own write-off: %q", d.message.Text)
	}
	d.username.SetText("")
	test.Type(d.username, "wang")
	test.Type(d.password, pw)
	test.Tap(d.approve)
	if h.batchQty(m)["EXP"] != 0 || !strings.Contains(s.stockResult.Text, "王主管批准") {
		t.Fatalf("write-off: %v %q (%q)", h.batchQty(m), s.stockResult.Text, d.message.Text)
	}
	kinds := strings.Join(h.journalKinds(), ",")
	for _, k := range []string{"medicine.restock", "medicine.count", "medicine.writeoff"} {
		if !strings.Contains(kinds, k) {
			t.Fatalf("journal lacks %s: %s", k, kinds)
		}
	}
	// Reorder level and a new catalogue entry.
	s.level.SetText("20")
	test.Tap(s.setLevel)
	test.Type(s.nName, "碘伏棉签")
	s.nCategory.SetSelectedIndex(1)
	test.Type(s.nUnit, "盒")
	test.Tap(s.add)
	ms, _ := h.svc.Medicine.Medicines(h.ui.ctx, ledger.MedExternal)
	if len(ms) != 1 || ms[0].Name != "碘伏棉签" {
		t.Fatalf("external = %+v (%q)", ms, h.ui.LastError())
	}
	as, _ := h.svc.Medicine.Alerts(h.ui.ctx)
	low := false
	for _, a := range as {
		low = low || (a.Kind == ledger.AlertLow && a.MedicineID == m.ID && a.Level == 20)
	}
	if !low {
		t.Fatalf("no low-stock alert after level 20: %+v", as)
	}
	s.tabs.SelectIndex(2)
	if s.moveTotal != 6 || !strings.Contains(s.moveLine(s.moveRows[0]), "报损") {
		t.Fatalf("ledger %d rows: %+v", s.moveTotal, s.moveRows)
	}
	h.verify()
}

func TestMedicineSlipDecodes(t *testing.T) {
	h := newHarness(t, true)
	m := h.seedMedicine()
	d, err := h.svc.Medicine.Dispense(h.ui.ctx, h.clerk, ledger.DispenseRequest{MedicineID: m.ID, Quantity: 1, Recipient: "保洁员", Reason: "擦伤", PrintSlip: true})
	if err != nil {
		t.Fatal(err)
	}
	dec := decodeJob(t, h, d.ReceiptNo)
	if !strings.Contains(strings.Join(dec.Texts(), ""), "批号：EXP  有效期至 2026-11-26") {
		t.Fatalf("slip: %v", dec.Texts())
	}
	got, err := h.svc.Medicine.DispenseByToken(h.ui.ctx, dec.QR())
	if err != nil || got.ID != d.ID {
		t.Fatalf("slip QR: %v", err)
	}
}

// decodeJob encodes the original print job of receiptNo with the
// project's ESC/POS encoder and decodes it back.
func decodeJob(t *testing.T, h *harness, receiptNo string) receipts.Decoded {
	t.Helper()
	job, err := h.svc.Print.Original(h.ui.ctx, receiptNo)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decodeDocument(job.Document)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := receipts.EncodeESCPOS(doc, receipts.ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := receipts.DecodeESCPOS(raw)
	if err != nil {
		t.Fatal(err)
	}
	return dec
}

// decodeDocument reads a print job's document.
func decodeDocument(raw []byte) (receipts.Document, error) {
	var doc receipts.Document
	err := json.Unmarshal(raw, &doc)
	return doc, err
}

func TestMedicineContactAndHealthNoteMasked(t *testing.T) {
	h := newHarness(t, true)
	h.seedMedicine()
	h.mustShell("li")
	s := h.medicine()
	s.medicine.SetSelectedIndex(0)
	test.Type(s.recipient, "顾客（男）")
	test.Type(s.reason, "顾客求助")
	test.Type(s.mobile, "13912345678")
	test.Type(s.health, "中暑，头晕")
	s.printSlip.SetChecked(false)
	test.Tap(s.dispense)
	s.confirm.Confirm()
	if len(s.dispenses) != 1 {
		t.Fatalf("not dispensed: %q", h.ui.LastError())
	}
	d := s.dispenses[0]
	if d.Printed || d.MobileMasked != "139****5678" || !d.HealthNoted || d.PersonID == "" {
		t.Fatalf("dispense %+v", d)
	}
	if !strings.Contains(s.detail.Text, "139****5678") || !strings.Contains(s.detail.Text, "健康状况：***") || strings.Contains(s.detail.Text, "中暑") {
		t.Fatalf("detail %q", s.detail.Text)
	}
	h.ui.closeMessage()
	// No slip yet: printing it later queues the original, then a copy.
	test.Tap(s.slip)
	job, err := h.svc.Print.Original(h.ui.ctx, d.ReceiptNo)
	if err != nil || job.Copy || !strings.Contains(string(job.Document), "139****5678") || strings.Contains(string(job.Document), "中暑") {
		t.Fatalf("slip %v %s", err, job.Document)
	}
	if s.slip.Text != "补打领用单" {
		t.Fatalf("slip button %q", s.slip.Text)
	}
}

func TestMedicineWarnDaysSetting(t *testing.T) {
	h := newHarness(t, true)
	h.seedMedicine()
	h.mustShell("wang")
	s := h.medicine()
	s.tabs.SelectIndex(1)
	if s.warnDays.Text != "30" {
		t.Fatalf("warn days %q", s.warnDays.Text)
	}
	s.warnDays.SetText("400")
	test.Tap(s.setWarn)
	if !strings.Contains(h.ui.LastError(), "药品临期提醒天数须在1到365之间") {
		t.Fatalf("400 days: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.warnDays.SetText("3")
	test.Tap(s.setWarn)
	as, _ := h.svc.Medicine.Alerts(h.ui.ctx)
	for _, a := range as {
		if a.Kind == ledger.AlertExpiring && a.BatchNo == "OLD" {
			t.Fatalf("OLD (2026-11-30) still flagged with a 3-day window: %+v", as)
		}
	}
	if set, _ := h.svc.Settings.Settings(h.ui.ctx); set.MedicineWarnDays != 3 {
		t.Fatalf("setting %d", set.MedicineWarnDays)
	}
}
