package cli

import (
	"context"
	"fmt"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// seedDemoCards adds the demo's shops, two point-card members (made-up
// people; the ID numbers carry valid check digits but are examples) and
// two invoices, when the database has its personal-data keys.
func seedDemoCards(ctx context.Context, db *sqlstore.DB, admin, clerk ledger.Staff) error {
	if !sqlstore.NewPersonalService(db).KeyStatus(ctx).Ready {
		return nil
	}
	members, invoices := sqlstore.NewMemberService(db), sqlstore.NewInvoiceService(db)
	var shops []ledger.Shop
	for _, s := range []ledger.Shop{
		{Name: "星光咖啡", Unit: "B1-012", USCC: "91310000MA1FL0000N"},
		{Name: "童趣玩具", Unit: "3F-201", USCC: "91110108551385082Q"},
		{Name: "悦读书店", Unit: "2F-118", USCC: "91440300MA5FUNNY03"},
	} {
		sh, err := members.AddShop(ctx, admin, s)
		if err != nil {
			return fmt.Errorf("demo shop: %w", err)
		}
		shops = append(shops, sh)
	}
	today := db.Now().In(ledger.DefaultSettings().Location()).Format("2006-01-02")
	r := func(shop int, no string, yuan int64) ledger.ShopReceipt {
		return ledger.ShopReceipt{ShopID: shops[shop].ID, No: no, Amount: ledger.Yuan(yuan), Date: today}
	}
	m, err := members.Signup(ctx, clerk, ledger.SignupRequest{Name: "王芳", Mobile: "13611112222", ResidentID: "440304199001011233",
		Birthday: "06-18", CardNo: "0A00C3F5E1", Receipts: []ledger.ShopReceipt{r(0, "A20261125001", 268)}})
	if err != nil {
		return fmt.Errorf("demo member: %w", err)
	}
	if _, err := members.Backfill(ctx, clerk, m.ID, []ledger.ShopReceipt{r(2, "S-88031", 59)}); err != nil {
		return fmt.Errorf("demo backfill: %w", err)
	}
	if _, err := members.Signup(ctx, clerk, ledger.SignupRequest{Name: "赵磊", Mobile: "13733334444", ResidentID: "310101198512154566",
		CardNo: "0012842466", Receipts: []ledger.ShopReceipt{r(1, "T-1001", 320), r(1, "T-1002", 210)}}); err != nil {
		return fmt.Errorf("demo member: %w", err)
	}
	if _, err := invoices.Issue(ctx, clerk, ledger.InvoiceRequest{ShopID: shops[0].ID, Buyer: ledger.BuyerCompany, Title: "上海某某科技有限公司",
		TaxNo: "91350100M000100Y43", Receipts: []ledger.ShopReceipt{r(0, "A20261125007", 156), r(0, "A20261125009", 88)}}); err != nil {
		return fmt.Errorf("demo invoice: %w", err)
	}
	if _, err := invoices.Issue(ctx, clerk, ledger.InvoiceRequest{ShopID: shops[2].ID, Buyer: ledger.BuyerPersonal,
		Receipts: []ledger.ShopReceipt{r(2, "S-88040", 128)}}); err != nil {
		return fmt.Errorf("demo invoice: %w", err)
	}
	return nil
}
