package printing_test

import (
	"context"
	"encoding/json"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
	"servicedesk/receipts"
)

// The point-card and invoice slips, built through the services with the
// longest names and numbers the rules allow, fit 58 and 80 mm paper in
// both QR modes and lose nothing.
func TestCardSlipColumnsLongestNames(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)
	dir := t.TempDir()
	db, err := sqlstore.Open(ctx, filepath.Join(dir, "desk.db"), sqlstore.Options{
		Now: func() time.Time { return now }, Rand: rand.New(rand.NewSource(1)), KeysPath: filepath.Join(dir, "desk.keys")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	staff := sqlstore.NewStaffService(db)
	mall := longest("环球国际购物中心", ledger.FieldMallName.Max)
	counter := longest("一楼北门总服务台", ledger.FieldCounterName.Max)
	clerkName := longest("欧阳诸葛慕容", ledger.FieldStaffName.Max)
	shopName := longest("星光咖啡旗舰店", ledger.FieldShopName.Max)
	title := longest("上海某某信息科技股份有限公司", ledger.FieldInvoiceTitle.Max)
	reason := longest("顾客退货，", ledger.FieldInvoiceReason.Max)
	receiptNo := strings.Repeat("9", 32)
	if _, err := ledger.NormalizeReceiptNo(receiptNo + "9"); err == nil {
		t.Fatal("a longer receipt number is allowed")
	}
	admin, err := staff.Setup(ctx, ledger.SetupRequest{MallName: mall, CounterName: counter,
		Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: "counter2026"}})
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "clerk", Name: clerkName, Role: ledger.RoleClerk, Password: "counter2026"})
	if err != nil {
		t.Fatal(err)
	}
	members, invoices := sqlstore.NewMemberService(db), sqlstore.NewInvoiceService(db)
	shop, err := members.AddShop(ctx, admin, ledger.Shop{Name: shopName, Unit: "B1-012345678", USCC: "91310000MA1FL0000N"})
	if err != nil {
		t.Fatal(err)
	}
	rc := func(no string, amount ledger.Fen) ledger.ShopReceipt {
		return ledger.ShopReceipt{ShopID: shop.ID, No: no, Amount: amount, Date: "2026-11-25"}
	}
	m, err := members.Signup(ctx, clerk, ledger.SignupRequest{Name: longest("欧阳", ledger.MaxPersonNameRunes), Mobile: "13812345678",
		ResidentID: "11010519491231002X", CardNo: strings.Repeat("A", 20), Receipts: []ledger.ShopReceipt{rc(receiptNo, ledger.MaxReceiptAmount)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := members.ReportLoss(ctx, clerk, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := members.Reissue(ctx, clerk, m.ID, strings.Repeat("B", 20)); err != nil {
		t.Fatal(err)
	}
	inv, err := invoices.Issue(ctx, clerk, ledger.InvoiceRequest{ShopID: shop.ID, Buyer: ledger.BuyerCompany, Title: title, TaxNo: "91350100M000100Y43",
		Receipts: []ledger.ShopReceipt{rc(strings.Repeat("8", 32), ledger.MaxReceiptAmount), rc(strings.Repeat("7", 32), 1)}})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(24 * time.Hour) // the next day: a reversal (the day is still open, so close it first)
	dc := sqlstore.NewDayCloseService(db)
	sup, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "sup", Name: "王主管", Role: ledger.RoleSupervisor, Password: "counter2026"})
	if err != nil {
		t.Fatal(err)
	}
	_ = sup
	chk, err := dc.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := staff.Approve(ctx, ledger.DayCloseApproval(clerk.ID, chk.Day, chk.Expected(), chk.Expected()), "sup", "counter2026", "日结核对")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dc.CloseDay(ctx, clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: &a}); err != nil {
		t.Fatal(err)
	}
	if _, err := invoices.Reverse(ctx, clerk, inv.ID, reason, ""); err != nil {
		t.Fatal(err)
	}
	jobs, err := sqlstore.NewPrintQueue(db).Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, j := range jobs {
		var doc receipts.Document
		if err := json.Unmarshal(j.Document, &doc); err != nil {
			t.Fatal(err)
		}
		title := doc.Lines[1].Text
		seen[title] = true
		checkColumns(t, title, doc, mall, counter, clerkName)
		switch title {
		case "积分卡开卡凭证":
			checkColumns(t, title, doc, receiptNo, strings.Repeat("A", 20), "1000000.00")
		case "积分卡补办凭证":
			checkColumns(t, title, doc, strings.Repeat("B", 20), "补卡工本费（现金）￥10.00")
		case "代开发票凭证":
			checkColumns(t, title, doc, shopName, title, strings.Repeat("8", 32), strings.Repeat("7", 32), "1000000.01")
		case "红字发票（红冲）凭证":
			checkColumns(t, title, doc, reason, "-￥1000000.01")
		}
	}
	for _, want := range []string{"积分卡开卡凭证", "积分卡补办凭证", "代开发票凭证", "红字发票（红冲）凭证"} {
		if !seen[want] {
			t.Errorf("no %s printed (%v)", want, seen)
		}
	}
}
