package sqlstore

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// seedMedLostDay runs a day of medicine and lost-and-found work and closes
// it; it returns the day's id.
func seedMedLostDay(t *testing.T) (*lfFixture, *MedicineService, int64) {
	t.Helper()
	ctx := context.Background()
	f := newLFFixture(t)
	med := NewMedicineService(f.db)
	m, err := med.AddMedicine(ctx, f.clerk, ledger.NewMedicine{Name: "创可贴", Category: ledger.MedExternal, Unit: "片", ReorderLevel: 20})
	if err != nil {
		t.Fatal(err)
	}
	b, err := med.Restock(ctx, f.clerk, ledger.RestockRequest{MedicineID: m.ID, BatchNo: "CK-01", Expiry: "2026-12-05", Quantity: 30, Supplier: "药房"})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	if _, err := med.Dispense(ctx, f.clerk, ledger.DispenseRequest{MedicineID: m.ID, Quantity: 2, Recipient: "顾客（男）", Reason: "擦伤", PrintSlip: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := med.Count(ctx, f.clerk, ledger.CountRequest{MedicineID: m.ID, Lines: []ledger.CountLine{{BatchID: b.ID, Counted: 27}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := med.WriteOff(ctx, f.clerk, ledger.WriteOffRequest{BatchID: b.ID, Quantity: 5, Reason: "包装破损",
		Approval: f.grant(t, ledger.MedicineWriteOffApproval(f.clerk.ID, m, b, 5), "wang", "同意报损")}); err != nil {
		t.Fatal(err)
	}
	old, err := f.lf.Register(ctx, f.clerk, ledger.RegisterFoundRequest{Category: "衣物", Description: "灰色围巾", FoundAt: f.clock.Now().AddDate(0, 0, -40),
		FoundPlace: "二楼", Finder: "保洁员", Storage: "B架"})
	if err != nil {
		t.Fatal(err)
	}
	f.register(t, "钱包", "黑色钱包", "三楼美食广场", "A柜-3")
	r, err := f.lf.Report(ctx, f.clerk, ledger.LostReportRequest{Kind: ledger.LostItem, Category: "钥匙", Description: "车钥匙", Place: "停车场"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.lf.DraftFromReport(ctx, f.clerk, r.ID); err != nil {
		t.Fatal(err)
	}
	a := func(user string) *ledger.Approval {
		return f.grant(t, ledger.DisposalApproval(f.clerk.ID, old, ledger.DisposeDonate), user, "期满")
	}
	if _, err := f.lf.Dispose(ctx, f.clerk, ledger.DisposeRequest{ItemID: old.ID, Method: ledger.DisposeDonate, DisposedTo: "某慈善会",
		Approvals: []*ledger.Approval{a("wang"), a("zhao")}}); err != nil {
		t.Fatal(err)
	}
	svc := NewDayCloseService(f.db)
	f.clock.Add(8 * time.Hour)
	chk, err := svc.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.grant(t, ledger.DayCloseApproval(f.clerk.ID, chk.Day, chk.Expected(), chk.Expected()), "wang", "复点")})
	if err != nil {
		t.Fatal(err)
	}
	return f, med, c.Day.ID
}

// section returns the report's section titled title.
func section(t *testing.T, r receipts.DayReport, title string) receipts.Section {
	t.Helper()
	for _, s := range r.Sections {
		if s.Title == title {
			return s
		}
	}
	t.Fatalf("no section %q", title)
	return receipts.Section{}
}

func TestDayReportMedicineAndLostFound(t *testing.T) {
	f, med, dayID := seedMedLostDay(t)
	ctx := context.Background()
	svc := NewDayCloseService(f.db)
	rep, err := svc.Report(ctx, dayID)
	if err != nil {
		t.Fatal(err)
	}
	ms := section(t, rep, "应急药品台账")
	var what []string
	for _, row := range ms.Rows {
		what = append(what, row[1])
	}
	if strings.Join(what, ",") != "新增药品,入库,领用,盘点,报损" {
		t.Fatalf("medicine rows %v", what)
	}
	if ms.Rows[2][5] != "CK-01（2026-12-05）×2" || ms.Rows[3][5] != "CK-01 -1" || ms.Rows[4][11] != "王主管" {
		t.Fatalf("rows %v", ms.Rows)
	}
	if !strings.Contains(strings.Join(ms.Totals, "|"), "领用 1 次|||2 件|入库 1，报损 1，盘点 1") {
		t.Fatalf("totals %v", ms.Totals)
	}
	al := section(t, rep, "应急药品提醒（日结时）")
	// 30 − 2 − 1 − 5 = 22 ≥ 20, expiring 2026-12-05 within 30 days.
	if len(al.Rows) != 1 || al.Rows[0][0] != "临近过期" || al.Rows[0][4] != "22片" {
		t.Fatalf("alerts %v", al.Rows)
	}
	lf := section(t, rep, "失物招领台账")
	what = nil
	for _, row := range lf.Rows {
		what = append(what, row[1])
	}
	if strings.Join(what, ",") != "登记,登记,报失（寻物）,广播稿（寻物）,处置" {
		t.Fatalf("lost-and-found rows %v", what)
	}
	if lf.Rows[4][8] != "王主管、赵主管" || lf.Totals[6] != "日结时保管 1 件，到期 0 件" {
		t.Fatalf("dispose row %v totals %v", lf.Rows[4], lf.Totals)
	}
	var acts []string
	for _, a := range rep.Approvals {
		acts = append(acts, a.Action+":"+a.Approver)
	}
	if got := strings.Join(acts, ","); got != "药品报损:王主管,失物处置（捐赠）:王主管,失物处置（捐赠）:赵主管,日结:王主管" {
		t.Fatalf("approvals %s", got)
	}
	// A closed day's report does not change with later work.
	var pdf1 bytes.Buffer
	if err := receipts.RenderDayPDF(&pdf1, rep, testFont(t)); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(48 * time.Hour)
	ms2, _ := med.Medicines(ctx, "")
	if _, err := med.Restock(ctx, f.clerk, ledger.RestockRequest{MedicineID: ms2[0].ID, BatchNo: "CK-02", Expiry: "2028-01", Quantity: 50}); err != nil {
		t.Fatal(err)
	}
	if err := med.SetReorderLevel(ctx, f.clerk, ms2[0].ID, 100); err != nil {
		t.Fatal(err)
	}
	again, err := svc.Report(ctx, dayID)
	if err != nil {
		t.Fatal(err)
	}
	var pdf2 bytes.Buffer
	if err := receipts.RenderDayPDF(&pdf2, again, testFont(t)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf1.Bytes(), pdf2.Bytes()) {
		t.Fatal("the closed day's PDF changed after later restocks")
	}
}
