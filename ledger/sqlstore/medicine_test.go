package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// medFixture is a fixture with a medicine and two batches: B-OLD expiring
// 2026-12-10 (4 boxes) and B-NEW expiring 2027-06-30 (10 boxes).
type medFixture struct {
	*fixture
	med        *MedicineService
	m          ledger.Medicine
	old, fresh ledger.MedicineBatch
}

func newMedFixture(t *testing.T) *medFixture {
	t.Helper()
	ctx := context.Background()
	f := &medFixture{fixture: newFixture(t)}
	f.med = NewMedicineService(f.db)
	var err error
	f.m, err = f.med.AddMedicine(ctx, f.clerk, ledger.NewMedicine{Name: "布洛芬缓释胶囊", Category: ledger.MedInternal, Spec: "0.3g×20粒", Unit: "盒", ReorderLevel: 5})
	if err != nil {
		t.Fatal(err)
	}
	if f.fresh, err = f.med.Restock(ctx, f.clerk, ledger.RestockRequest{MedicineID: f.m.ID, BatchNo: "B-NEW", Expiry: "2027-06-30", Quantity: 10, Supplier: "某医药公司"}); err != nil {
		t.Fatal(err)
	}
	if f.old, err = f.med.Restock(ctx, f.clerk, ledger.RestockRequest{MedicineID: f.m.ID, BatchNo: "B-OLD", Expiry: "2026-12-10", Quantity: 4}); err != nil {
		t.Fatal(err)
	}
	return f
}

// quantities returns batch number -> quantity.
func (f *medFixture) quantities(t *testing.T) map[string]int {
	t.Helper()
	bs, err := f.med.Batches(context.Background(), f.m.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, b := range bs {
		out[b.BatchNo] = b.Quantity
	}
	return out
}

func (f *fixture) journalLen(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.db.db.QueryRow("SELECT count(*) FROM journal").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMedicineDispenseEarliestExpiryFirst(t *testing.T) {
	f := newMedFixture(t)
	ctx := context.Background()
	plan, err := f.med.PlanDispense(ctx, f.m.ID, 6, 0)
	if err != nil || len(plan) != 2 || plan[0].BatchNo != "B-OLD" || plan[0].Quantity != 4 || plan[1].Quantity != 2 {
		t.Fatalf("plan %+v %v", plan, err)
	}
	d, err := f.med.Dispense(ctx, f.clerk, ledger.DispenseRequest{MedicineID: f.m.ID, Quantity: 6, Recipient: "顾客（女，约30岁）", Reason: "顾客求助", PrintSlip: true})
	if err != nil {
		t.Fatal(err)
	}
	if q := f.quantities(t); q["B-OLD"] != 0 || q["B-NEW"] != 8 {
		t.Fatalf("quantities %v", q)
	}
	if d.ReceiptNo != "A-20261125-0001" || !d.Printed || len(d.Takes) != 2 {
		t.Fatalf("dispense %+v", d)
	}
	// The slip is queued in the same transaction, with a QR that opens it.
	job, err := NewPrintQueue(f.db).Original(ctx, d.ReceiptNo)
	if err != nil {
		t.Fatal(err)
	}
	var doc receipts.Document
	if err := json.Unmarshal(job.Document, &doc); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(doc.Text(), "\n")
	for _, want := range []string{"应急药品领用单", "布洛芬缓释胶囊 0.3g×20粒", "分类：内服", "批号：B-OLD  有效期至 2026-12-10 4盒", "批号：B-NEW", "顾客（女，约30岁）", "李柜员"} {
		if !strings.Contains(strings.ReplaceAll(text, "\n", ""), want) {
			t.Errorf("slip lacks %q:\n%s", want, text)
		}
	}
	got, err := f.med.DispenseByToken(ctx, doc.QR)
	if err != nil || got.ID != d.ID || got.Quantity != 6 {
		t.Fatalf("by token: %+v %v", got, err)
	}
	forged := doc.QR[:len(doc.QR)-1] + "A"
	if forged == doc.QR {
		forged = doc.QR[:len(doc.QR)-1] + "B"
	}
	if _, err := f.med.DispenseByToken(ctx, forged); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("forged token: %v", err)
	}
	// The journal entry names the batches and no health detail.
	es, _ := f.journal.Entries(ctx, 0, 1000)
	last := es[len(es)-1]
	if last.Kind != "medicine.dispense" || !strings.Contains(string(last.Data), `"batch":"B-OLD"`) {
		t.Fatalf("last entry %s %s", last.Kind, last.Data)
	}
	if res, _ := f.journal.Verify(ctx); !res.OK {
		t.Fatalf("verify %+v", res)
	}
}

func TestMedicineRefusals(t *testing.T) {
	f := newMedFixture(t)
	ctx := context.Background()
	before := f.journalLen(t)
	req := ledger.DispenseRequest{MedicineID: f.m.ID, Quantity: 15, Recipient: "顾客", Reason: "头痛"}
	if _, err := f.med.Dispense(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "未过期库存只有 14盒") {
		t.Fatalf("over stock: %v", err)
	}
	// After B-OLD expires it cannot be dispensed, even when chosen.
	f.clock.Add(20 * 24 * time.Hour) // 2026-12-15
	req.Quantity, req.BatchID = 1, f.old.ID
	if _, err := f.med.Dispense(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "已于 2026-12-10 过期") {
		t.Fatalf("expired batch: %v", err)
	}
	req.BatchID, req.Quantity = 0, 11
	if _, err := f.med.Dispense(ctx, f.clerk, req); !strings.Contains(ledger.ErrorMessage(err), "未过期库存只有 10盒") {
		t.Fatalf("expired stock counted: %v", err)
	}
	// Bad input changes nothing.
	for _, bad := range []ledger.DispenseRequest{
		{MedicineID: f.m.ID, Quantity: 0, Recipient: "顾客", Reason: "头痛"},
		{MedicineID: f.m.ID, Quantity: -3, Recipient: "顾客", Reason: "头痛"},
		{MedicineID: f.m.ID, Quantity: 1, Recipient: "", Reason: "头痛"},
		{MedicineID: f.m.ID, Quantity: 1, Recipient: "顾客\x1b", Reason: "头痛"},
		{MedicineID: 999, Quantity: 1, Recipient: "顾客", Reason: "头痛"},
	} {
		if _, err := f.med.Dispense(ctx, f.clerk, bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	if _, err := f.med.Restock(ctx, f.clerk, ledger.RestockRequest{MedicineID: f.m.ID, BatchNo: "B-NEW", Expiry: "2027-07-31", Quantity: 1}); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("restock with another expiry: %v", err)
	}
	if _, err := f.med.Restock(ctx, f.clerk, ledger.RestockRequest{MedicineID: f.m.ID, BatchNo: "X", Expiry: "2026-12-01", Quantity: 1}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("restock of expired stock: %v", err)
	}
	if n := f.journalLen(t); n != before {
		t.Fatalf("journal grew from %d to %d on refusals", before, n)
	}
	if q := f.quantities(t); q["B-OLD"] != 4 || q["B-NEW"] != 10 {
		t.Fatalf("quantities %v", q)
	}
}

func TestMedicineCountAndWriteOff(t *testing.T) {
	f := newMedFixture(t)
	ctx := context.Background()
	// A count must cover every batch with stock.
	if _, err := f.med.Count(ctx, f.clerk, ledger.CountRequest{MedicineID: f.m.ID, Lines: []ledger.CountLine{{BatchID: f.fresh.ID, Counted: 9}}}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("partial count: %v", err)
	}
	diffs, err := f.med.Count(ctx, f.clerk, ledger.CountRequest{MedicineID: f.m.ID, Note: "月末盘点",
		Lines: []ledger.CountLine{{BatchID: f.fresh.ID, Counted: 9}, {BatchID: f.old.ID, Counted: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, d := range diffs {
		got[d.BatchNo] = d.Diff
	}
	if got["B-NEW"] != -1 || got["B-OLD"] != 1 {
		t.Fatalf("diffs %+v", diffs)
	}
	if q := f.quantities(t); q["B-OLD"] != 5 || q["B-NEW"] != 9 {
		t.Fatalf("after count %v", q)
	}
	// Write-off needs a supervisor other than the clerk.
	wreq := ledger.WriteOffRequest{BatchID: f.old.ID, Quantity: 5, Reason: "临近过期，包装破损"}
	if _, err := f.med.WriteOff(ctx, f.clerk, wreq); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("write-off without approval: %v", err)
	}
	b, m := f.old, f.m
	req := ledger.MedicineWriteOffApproval(f.sup.ID, m, b, 5)
	if _, err := f.staff.Approve(ctx, req, "wang", testPassword, "自己批"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("self approval: %v", err)
	}
	if _, err := f.staff.Approve(ctx, ledger.MedicineWriteOffApproval(f.admin.ID, m, b, 5), "li", testPassword, "柜员批"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk approval: %v", err)
	}
	a, err := f.staff.Approve(ctx, ledger.MedicineWriteOffApproval(f.clerk.ID, m, b, 5), "wang", testPassword, "同意报损")
	if err != nil {
		t.Fatal(err)
	}
	wreq.Approval = &a
	wreq.Quantity = 6
	if _, err := f.med.WriteOff(ctx, f.clerk, wreq); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("write-off above stock: %v", err)
	}
	wreq.Quantity = 5
	mv, err := f.med.WriteOff(ctx, f.clerk, wreq)
	if err != nil || mv.Delta != -5 {
		t.Fatalf("write-off %+v %v", mv, err)
	}
	if q := f.quantities(t); q["B-OLD"] != 0 {
		t.Fatalf("after write-off %v", q)
	}
	moves, total, err := f.med.Moves(ctx, f.m.ID, 0, 50)
	if err != nil || total != 5 || moves[0].Kind != ledger.MoveWriteOff || moves[1].Kind != ledger.MoveCount {
		t.Fatalf("moves %d %+v %v", total, moves, err)
	}
	es, _ := f.journal.Entries(ctx, 0, 1000)
	if last := es[len(es)-1]; last.Kind != "medicine.writeoff" || !strings.Contains(string(last.Data), `"approver_name":"王主管"`) {
		t.Fatalf("last %s %s", last.Kind, last.Data)
	}
}

func TestMedicineStockNeverNegativeInDatabase(t *testing.T) {
	f := newMedFixture(t)
	// The database itself refuses a quantity that is not the sum of the
	// movements, a negative one, and changed or deleted movements.
	for _, q := range []string{
		"UPDATE medicine_batches SET quantity = 99 WHERE batch_no = 'B-NEW'",
		"UPDATE medicine_batches SET quantity = -1 WHERE batch_no = 'B-NEW'",
		"UPDATE medicine_moves SET delta = 100",
		"DELETE FROM medicine_moves",
		"DELETE FROM medicine_batches",
		"DELETE FROM medicines",
		"UPDATE medicine_batches SET expiry = '2030-01-01'",
	} {
		if _, err := f.db.db.Exec(q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
}

func TestMedicineAlertsStore(t *testing.T) {
	f := newMedFixture(t)
	ctx := context.Background()
	as, err := f.med.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// B-OLD expires 2026-12-10: within the default 30 days of 2026-11-25.
	if len(as) != 1 || as[0].Kind != ledger.AlertExpiring || as[0].BatchNo != "B-OLD" {
		t.Fatalf("alerts %+v", as)
	}
	f.clock.Add(16 * 24 * time.Hour) // 2026-12-11: B-OLD expired, usable 10
	if err := f.med.SetReorderLevel(ctx, f.clerk, f.m.ID, 12); err != nil {
		t.Fatal(err)
	}
	as, _ = f.med.Alerts(ctx)
	if len(as) != 2 || as[0].Kind != ledger.AlertExpired || as[1].Kind != ledger.AlertLow || as[1].Quantity != 10 {
		t.Fatalf("alerts %+v", as)
	}
	ms, err := f.med.Medicines(ctx, ledger.MedInternal)
	if err != nil || len(ms) != 1 || ms[0].Stock != 14 || ms[0].Usable != 10 || ms[0].ReorderLevel != 12 {
		t.Fatalf("medicines %+v %v", ms, err)
	}
	if ms, _ := f.med.Medicines(ctx, ledger.MedExternal); len(ms) != 0 {
		t.Fatalf("external %+v", ms)
	}
}

func TestMedicinePrintSlipLater(t *testing.T) {
	f := newMedFixture(t)
	ctx := context.Background()
	d, err := f.med.Dispense(ctx, f.clerk, ledger.DispenseRequest{MedicineID: f.m.ID, Quantity: 1, Recipient: "保洁员", Reason: "擦伤"})
	if err != nil || d.Printed {
		t.Fatalf("%+v %v", d, err)
	}
	job, err := f.med.PrintSlip(ctx, f.clerk, d.ID)
	if err != nil || job.Copy {
		t.Fatalf("first slip %+v %v", job, err)
	}
	job2, err := f.med.PrintSlip(ctx, f.clerk, d.ID)
	if err != nil || !job2.Copy {
		t.Fatalf("second slip %+v %v", job2, err)
	}
	got, _ := f.med.DispenseByReceipt(ctx, " "+d.ReceiptNo+" ")
	if got.ID != d.ID || !got.Printed {
		t.Fatalf("%+v", got)
	}
}
