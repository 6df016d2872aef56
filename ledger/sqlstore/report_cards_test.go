package sqlstore

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// TestDayReportCardsSections: a day with point-card and invoice business
// closes with the reissue fee in the expected cash, and its report has a
// 积分卡 and a 代开发票 section (masked data only), the void among the
// approvals, in the PDF and as Excel sheets.
func TestDayReportCardsSections(t *testing.T) {
	f := newCardsFixture(t)
	ctx := context.Background()
	m := f.signup(t, "CARD0001", "13812345678", idA, rc(f.shopA, "A1", 250))
	if _, err := f.members.ReportLoss(ctx, f.clerk, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.members.Reissue(ctx, f.clerk, m.ID, "CARD0002"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.members.Backfill(ctx, f.clerk, m.ID, []ledger.ShopReceipt{rc(f.shopB, "B1", 66)}); err != nil {
		t.Fatal(err)
	}
	inv, err := f.invoices.Issue(ctx, f.clerk, ledger.InvoiceRequest{ShopID: f.shopA.ID, Buyer: ledger.BuyerCompany, Title: "某某有限公司", TaxNo: usccB,
		Receipts: []ledger.ShopReceipt{{No: "A9", Amount: 12345, Date: "2026-11-25"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.invoices.Void(ctx, f.clerk, inv.ID, f.grant(t, ledger.VoidInvoiceApproval(f.clerk.ID, inv), "wang", "抬头错误")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.invoices.Issue(ctx, f.clerk, ledger.InvoiceRequest{ShopID: f.shopA.ID, Buyer: ledger.BuyerPersonal, Title: "王小明",
		Receipts: []ledger.ShopReceipt{{No: "A9", Amount: 12345, Date: "2026-11-25"}}}); err != nil {
		t.Fatal(err)
	}
	dc := NewDayCloseService(f.db)
	chk, err := dc.CloseCheck(ctx)
	if err != nil || chk.Expected() != ledger.Yuan(10) {
		t.Fatalf("expected cash %v %v", chk.Expected(), err)
	}
	f.closeToday(t)
	day, err := dc.DayByDate(ctx, "2026-11-25", 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := dc.Report(ctx, day.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.CashExpected != ledger.Yuan(10) || r.CashCounted != ledger.Yuan(10) {
		t.Fatalf("cash %v / %v", r.CashExpected, r.CashCounted)
	}
	var cards, invoices *receipts.Section
	for i := range r.Sections {
		switch r.Sections[i].Title {
		case "积分卡":
			cards = &r.Sections[i]
		case "代开发票":
			invoices = &r.Sections[i]
		}
	}
	if cards == nil || invoices == nil {
		t.Fatalf("sections %+v", r.Sections)
	}
	all := ""
	for _, row := range append(cards.Rows, invoices.Rows...) {
		all += strings.Join(row, " ") + "\n"
	}
	for _, want := range []string{"办卡 M000001 CARD0001", "138****5678", "挂失", "补办 M000001 CARD0001→CARD0002", "￥10.00", "补录积分", "B1 ￥66.00",
		"开具 20261125000000000001 星光咖啡 某某有限公司 " + usccB, "作废（王主管 批准）", "-￥123.45", "王**"} {
		if !strings.Contains(all, want) {
			t.Errorf("sections lack %q:\n%s", want, all)
		}
	}
	for _, bad := range []string{"13812345678", "张三丰", "王小明", idA} {
		if strings.Contains(all, bad) {
			t.Errorf("personal data %q in the report", bad)
		}
	}
	if got := strings.Join(invoices.Totals, " "); !strings.Contains(got, "开具 2 作废 1") || !strings.Contains(got, "￥123.45") {
		t.Errorf("invoice totals %q", got)
	}
	if got := strings.Join(cards.Totals, " "); !strings.Contains(got, "办卡 1 挂失 1 补办 1") || !strings.Contains(got, "￥10.00") {
		t.Errorf("card totals %q", got)
	}
	found := false
	for _, a := range r.Approvals {
		found = found || a.Action == "发票作废" && a.Approver == "王主管" && a.Ref == inv.No
	}
	if !found {
		t.Errorf("void not among the approvals: %+v", r.Approvals)
	}

	var xl bytes.Buffer
	if err := receipts.WriteDayXLSX(&xl, []receipts.DayReport{r}); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&xl)
	if err != nil {
		t.Fatal(err)
	}
	sheets := strings.Join(book.GetSheetList(), ",")
	if !strings.Contains(sheets, "积分卡") || !strings.Contains(sheets, "代开发票") {
		t.Fatalf("sheets %s", sheets)
	}
	rows, _ := book.GetRows("代开发票")
	if len(rows) != 4 || rows[0][0] != "营业日" {
		t.Fatalf("invoice sheet %v", rows)
	}

	var pdf bytes.Buffer
	if err := receipts.RenderDayPDF(&pdf, r, testFont(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: PDF text not checked")
		return
	}
	path := filepath.Join(t.TempDir(), "day.pdf")
	if err := os.WriteFile(path, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"积分卡", "代开发票", "CARD0002", "20261125000000000001", "发票作废"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("pdf lacks %q", want)
		}
	}
}
