package cli

import (
	"context"
	"fmt"
	"time"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// demoPassword is the password of every demo account (demo databases are
// throw-away temp files).
const demoPassword = "demo1234"

// seedDemo fills a fresh database with sample staff, stock and loans so a
// newcomer sees a living counter at once.
func seedDemo(ctx context.Context, db *sqlstore.DB, now func() time.Time) error {
	staff := sqlstore.NewStaffService(db)
	admin, err := staff.Setup(ctx, ledger.SetupRequest{MallName: "天华购物广场", CounterName: "一楼总服务台",
		Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: demoPassword}})
	if err != nil {
		return fmt.Errorf("demo setup: %w", err)
	}
	if _, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "wang", Name: "王主管", Role: ledger.RoleSupervisor, Password: demoPassword}); err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	clerk, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "li", Name: "李小红", Role: ledger.RoleClerk, Password: demoPassword})
	if err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	lending := sqlstore.NewLendingService(db)
	var umbrellas, strollers []string
	for i := 1; i <= 30; i++ {
		umbrellas = append(umbrellas, fmt.Sprintf("U-%03d", i))
	}
	for i := 1; i <= 8; i++ {
		strollers = append(strollers, fmt.Sprintf("C-%02d", i))
	}
	if err := lending.AddItems(ctx, admin, ledger.KindUmbrella, umbrellas); err != nil {
		return fmt.Errorf("demo umbrellas: %w", err)
	}
	if err := lending.AddItems(ctx, admin, ledger.KindStroller, strollers); err != nil {
		return fmt.Errorf("demo strollers: %w", err)
	}
	for i, n := range []string{"U-003", "U-007", "U-011", "U-012", "U-020"} {
		phone := ""
		if i%2 == 0 {
			phone = fmt.Sprintf("1381234%04d", 1000+i)
		}
		if _, err := lending.Lend(ctx, clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: n, Phone: phone}); err != nil {
			return fmt.Errorf("demo loan: %w", err)
		}
	}
	for _, n := range []string{"C-02", "C-05"} {
		if _, err := lending.Lend(ctx, clerk, ledger.LendRequest{Kind: ledger.KindStroller, ItemNumber: n, Phone: "13900001111"}); err != nil {
			return fmt.Errorf("demo stroller loan: %w", err)
		}
	}
	l, err := lending.LoanByReceipt(ctx, ledger.ReceiptNo(now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"), 1))
	if err == nil {
		_, err = lending.Return(ctx, clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
	}
	if err != nil {
		return fmt.Errorf("demo return: %w", err)
	}
	return seedDemoPeople(ctx, db, clerk)
}

// seedDemoPeople fills the personal-data store with a few made-up people
// (the ID number is the GB 11643 example, not a real person's), when the
// database has its keys.
func seedDemoPeople(ctx context.Context, db *sqlstore.DB, clerk ledger.Staff) error {
	pd := sqlstore.NewPersonalService(db)
	if !pd.KeyStatus(ctx).Ready {
		return nil // a database opened without a keys file gets no people
	}
	for _, req := range []ledger.CollectRequest{
		{Purpose: ledger.PurposeMember, UniqueResidentID: true, Values: map[ledger.DataKind]string{
			ledger.DataName: "张三", ledger.DataMobile: "13812341000", ledger.DataResidentID: "11010519491231002X"}},
		{Purpose: ledger.PurposeFeedback, Values: map[ledger.DataKind]string{
			ledger.DataName: "张三", ledger.DataMobile: "13812341000", ledger.DataNote: "建议童车增加遮阳篷"}},
		{Purpose: ledger.PurposeClaimant, Values: map[ledger.DataKind]string{
			ledger.DataName: "欧阳娜娜", ledger.DataMobile: "13900001111"}},
		{Purpose: ledger.PurposeMedicine, Values: map[ledger.DataKind]string{
			ledger.DataName: "李四", ledger.DataHealth: "青霉素过敏"}},
	} {
		if _, err := pd.Collect(ctx, clerk, req); err != nil {
			return fmt.Errorf("demo personal data: %w", err)
		}
	}
	return nil
}

// demoPrinter points the demo counter's printer at a capture file, so the
// print queue drains and the status bar shows a working printer.
func demoPrinter(ctx context.Context, db *sqlstore.DB, path string) error {
	svc := sqlstore.NewSettingsService(db)
	set, err := svc.Settings(ctx)
	if err != nil {
		return err
	}
	set.Devices.Printer.Name = "file:" + path
	staff, err := sqlstore.NewStaffService(db).ListStaff(ctx)
	if err != nil {
		return err
	}
	for _, st := range staff {
		if st.Role == ledger.RoleAdmin {
			return svc.UpdateSettings(ctx, st, set)
		}
	}
	return fmt.Errorf("demo printer: no admin")
}
