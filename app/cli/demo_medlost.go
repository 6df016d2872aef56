package cli

import (
	"context"
	"fmt"
	"time"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// seedDemoMedLost stocks the demo medicine box (internal, external and
// devices kept apart; one batch close to expiry, one item below its
// reorder level) and the lost-and-found store room (a few found items,
// one past its retention time, and an open lost report).
func seedDemoMedLost(ctx context.Context, db *sqlstore.DB, admin, clerk ledger.Staff, now func() time.Time) error {
	med := sqlstore.NewMedicineService(db)
	t := now()
	for _, d := range []struct {
		m       ledger.NewMedicine
		batches []ledger.RestockRequest
	}{
		{ledger.NewMedicine{Name: "布洛芬缓释胶囊", Category: ledger.MedInternal, Spec: "0.3g×20粒", Unit: "盒", ReorderLevel: 3},
			[]ledger.RestockRequest{{BatchNo: "BL2601", Expiry: t.AddDate(0, 0, 20).Format("2006-01-02"), Quantity: 2}, {BatchNo: "BL2611", Expiry: t.AddDate(1, 6, 0).Format("2006-01"), Quantity: 6}}},
		{ledger.NewMedicine{Name: "藿香正气水", Category: ledger.MedInternal, Spec: "10ml×10支", Unit: "盒", ReorderLevel: 2},
			[]ledger.RestockRequest{{BatchNo: "HX2605", Expiry: t.AddDate(1, 0, 0).Format("2006-01"), Quantity: 4}}},
		{ledger.NewMedicine{Name: "创可贴", Category: ledger.MedExternal, Spec: "7.2cm×1.9cm", Unit: "片", ReorderLevel: 30},
			[]ledger.RestockRequest{{BatchNo: "CK2609", Expiry: t.AddDate(2, 0, 0).Format("2006-01"), Quantity: 20}}},
		{ledger.NewMedicine{Name: "碘伏棉签", Category: ledger.MedExternal, Unit: "盒", ReorderLevel: 2},
			[]ledger.RestockRequest{{BatchNo: "DF2603", Expiry: t.AddDate(1, 3, 0).Format("2006-01"), Quantity: 5}}},
		{ledger.NewMedicine{Name: "电子体温计", Category: ledger.MedDevice, Unit: "支", ReorderLevel: 1},
			[]ledger.RestockRequest{{BatchNo: "TW2501", Expiry: t.AddDate(3, 0, 0).Format("2006-01"), Quantity: 2}}},
	} {
		m, err := med.AddMedicine(ctx, admin, d.m)
		if err != nil {
			return fmt.Errorf("demo medicine: %w", err)
		}
		for _, b := range d.batches {
			b.MedicineID, b.Supplier = m.ID, "商场医务室"
			if _, err := med.Restock(ctx, admin, b); err != nil {
				return fmt.Errorf("demo restock: %w", err)
			}
		}
		if m.Category == ledger.MedExternal && m.Name == "创可贴" {
			if _, err := med.Dispense(ctx, clerk, ledger.DispenseRequest{MedicineID: m.ID, Quantity: 2, Recipient: "顾客（儿童）", Reason: "手指擦伤"}); err != nil {
				return fmt.Errorf("demo dispense: %w", err)
			}
		}
	}
	lf := sqlstore.NewLostFoundService(db)
	for _, r := range []ledger.RegisterFoundRequest{
		{Category: "钱包", Description: "黑色皮钱包，内有银行卡两张", FoundAt: t.Add(-2 * time.Hour), FoundPlace: "三楼美食广场", Finder: "保洁员", Storage: "A柜-3"},
		{Category: "证件", Description: "身份证一张", FoundAt: t.Add(-5 * time.Hour), FoundPlace: "二楼电梯口", Finder: "顾客", OwnerName: "王五", Storage: "A柜-1"},
		{Category: "儿童用品", Description: "蓝色儿童水杯", FoundAt: t.AddDate(0, 0, -3), FoundPlace: "四楼儿童乐园", Finder: "保安", Storage: "B架-2"},
		{Category: "衣物", Description: "灰色羊毛围巾", FoundAt: t.AddDate(0, 0, -40), FoundPlace: "一楼大厅", Finder: "保洁员", Storage: "B架-1"},
	} {
		if _, err := lf.Register(ctx, clerk, r); err != nil {
			return fmt.Errorf("demo found item: %w", err)
		}
	}
	if _, err := lf.Report(ctx, clerk, ledger.LostReportRequest{Kind: ledger.LostItem, Category: "钱包", Description: "黑色钱包，有银行卡",
		Place: "美食广场", From: t.Add(-3 * time.Hour), To: t.Add(-2 * time.Hour)}); err != nil {
		return fmt.Errorf("demo lost report: %w", err)
	}
	return nil
}
