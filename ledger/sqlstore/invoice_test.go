package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// closeToday closes the open business day with the supervisor's approval
// and counts exactly the expected cash.
func (f *cardsFixture) closeToday(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	dc := NewDayCloseService(f.db)
	chk, err := dc.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := f.grant(t, ledger.DayCloseApproval(f.clerk.ID, chk.Day, chk.Expected(), chk.Expected()), "wang", "日结核对无误")
	if _, err := dc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: a}); err != nil {
		t.Fatal(err)
	}
}

func TestInvoiceIssueOnceVoidReverse(t *testing.T) {
	f := newCardsFixture(t)
	ctx := context.Background()
	company := ledger.InvoiceRequest{ShopID: f.shopA.ID, Buyer: ledger.BuyerCompany, Title: "上海某某科技有限公司", TaxNo: strings.ToLower(usccB),
		Receipts: []ledger.ShopReceipt{{No: "A1", Amount: ledger.Yuan(120), Date: "2026-11-25"}, {No: "A2", Amount: 3550, Date: "2026-11-20"}}}

	// Buyer checks: a company needs a valid tax number.
	bad := company
	bad.TaxNo = usccB[:17] + "0"
	_, err := f.invoices.Issue(ctx, f.clerk, bad)
	wantErr(t, err, ledger.EINVALID, "购买方税号无效")
	bad = company
	bad.Receipts = append([]ledger.ShopReceipt(nil), company.Receipts...)
	bad.Receipts[1].ShopID = f.shopB.ID
	_, err = f.invoices.Issue(ctx, f.clerk, bad)
	wantErr(t, err, ledger.EINVALID, "一张发票只能开一个商户的小票")

	inv, err := f.invoices.Issue(ctx, f.clerk, company)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Amount != 15550 || inv.TaxNo != usccB || inv.No != "20261125000000000001" || len(inv.Receipts) != 2 || inv.Status != ledger.InvoiceIssued {
		t.Fatalf("invoice %+v", inv)
	}
	// The same receipt on another invoice, from another desk: refused.
	other := NewInvoiceService(f.db)
	_, err = other.Issue(ctx, f.sup, ledger.InvoiceRequest{ShopID: f.shopA.ID, Buyer: ledger.BuyerPersonal, InvoiceNo: "12345678",
		Receipts: []ledger.ShopReceipt{{No: " a2 ", Amount: 3550, Date: "2026-11-20"}}})
	wantErr(t, err, ledger.ECONFLICT, "已开具发票 20261125000000000001")
	// The receipts index refuses it even past the service.
	if _, err := f.db.db.Exec("INSERT INTO invoice_receipts(invoice_id, shop_id, receipt_no, amount, bought_on) VALUES (?, ?, 'A2', 1, '2026-11-20')", inv.ID, f.shopA.ID); err == nil {
		t.Fatal("the database took a receipt invoiced twice")
	}
	// A typed number is checked and used once.
	personal := ledger.InvoiceRequest{ShopID: f.shopA.ID, Buyer: ledger.BuyerPersonal, Title: "王小明", Mobile: "13812345678", InvoiceNo: "1234 5678",
		Receipts: []ledger.ShopReceipt{{No: "A3", Amount: ledger.Yuan(60), Date: "2026-11-25"}}}
	p, err := f.invoices.Issue(ctx, f.clerk, personal)
	if err != nil || p.No != "12345678" || p.Title != "王**" || p.PersonID == "" {
		t.Fatalf("personal %+v %v", p, err)
	}
	personal.Receipts[0].No = "A4"
	_, err = f.invoices.Issue(ctx, f.clerk, personal)
	wantErr(t, err, ledger.ECONFLICT, "发票号码 12345678 已使用")

	// Same day: reversal refused, void needs an approval bound to it.
	_, err = f.invoices.Reverse(ctx, f.clerk, inv.ID, "开错抬头", "")
	wantErr(t, err, ledger.ECONFLICT, "请作废")
	_, err = f.invoices.Void(ctx, f.clerk, inv.ID, nil)
	wantErr(t, err, ledger.EFORBIDDEN, "须主管审批")
	a := f.grant(t, ledger.VoidInvoiceApproval(f.clerk.ID, p), "wang", "顾客要求作废")
	_, err = f.invoices.Void(ctx, f.clerk, inv.ID, a)
	wantErr(t, err, ledger.EFORBIDDEN, "审批与本次操作不符")
	a = f.grant(t, ledger.VoidInvoiceApproval(f.clerk.ID, inv), "wang", "抬头开错")
	v, err := f.invoices.Void(ctx, f.clerk, inv.ID, a)
	if err != nil || v.Status != ledger.InvoiceVoided || v.ApproverName != "王主管" {
		t.Fatalf("void %+v %v", v, err)
	}
	if _, err := f.invoices.Void(ctx, f.clerk, inv.ID, a); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second void: %v", err)
	}
	// Its receipts are invoiceable again.
	again, err := f.invoices.Issue(ctx, f.clerk, company)
	if err != nil || again.No != "20261125000000000003" {
		t.Fatalf("reissue after void: %+v %v", again, err)
	}

	// Next business day: void refused, reversal with a reason releases.
	f.closeToday(t)
	f.clock.Add(24 * time.Hour)
	b := f.grant(t, ledger.VoidInvoiceApproval(f.clerk.ID, again), "wang", "顾客要求作废")
	_, err = f.invoices.Void(ctx, f.clerk, again.ID, b)
	wantErr(t, err, ledger.ECONFLICT, "只能红冲")
	_, err = f.invoices.Issue(ctx, f.clerk, company)
	wantErr(t, err, ledger.ECONFLICT, "不能重复开票")
	_, err = f.invoices.Reverse(ctx, f.clerk, again.ID, "", "")
	wantErr(t, err, ledger.EINVALID, "红冲原因")
	red, err := f.invoices.Reverse(ctx, f.clerk, again.ID, "顾客退货", "")
	if err != nil || red.Amount != -15550 || red.Status != ledger.InvoiceRed || red.ReversesID != again.ID || red.BusinessDate != "2026-11-26" {
		t.Fatalf("red %+v %v", red, err)
	}
	if _, err := f.invoices.Reverse(ctx, f.clerk, again.ID, "顾客退货", ""); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second reversal: %v", err)
	}
	if orig, _ := f.invoices.Invoice(ctx, again.ID); orig.Status != ledger.InvoiceReversed || orig.Reason != "顾客退货" {
		t.Fatalf("original %+v", orig)
	}
	es := f.entriesOfKind(t, "invoice.reverse")
	if len(es) != 1 || es[0].Reverses == 0 {
		t.Fatalf("reversal entry not linked: %+v", es)
	}
	if _, err := f.invoices.Issue(ctx, f.clerk, company); err != nil {
		t.Fatalf("receipts not released by the reversal: %v", err)
	}
	if got, err := f.invoices.InvoiceByToken(ctx, red.Token); err != nil || got.ID != red.ID {
		t.Fatalf("by token %v", err)
	}

	reg, err := f.invoices.Register(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Invoices) != 5 || len(reg.Totals) != 2 {
		t.Fatalf("register %+v", reg.Totals)
	}
	d1, d2 := reg.Totals[0], reg.Totals[1]
	if d1.Date != "2026-11-25" || d1.Issued != 3 || d1.Voided != 1 || d1.NetAmount != 15550+6000 {
		t.Fatalf("day 1 %+v", d1)
	}
	if d2.Date != "2026-11-26" || d2.Issued != 1 || d2.Reversed != 1 || d2.NetAmount != 0 {
		t.Fatalf("day 2 %+v", d2)
	}
	f.verifyOK(t)
}
