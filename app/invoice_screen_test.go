package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// invoicesScreen opens F6 and returns its screen.
func (h *harness) invoicesScreen() *invoiceScreen {
	h.t.Helper()
	h.ui.shell.open("invoice")
	s, ok := h.ui.shell.screens["invoice"].(*invoiceScreen)
	if !ok {
		h.t.Fatal("no invoice screen")
	}
	return s
}

// issueThroughScreen fills the issue tab for a company buyer and confirms.
func (h *harness) issueThroughScreen(s *invoiceScreen, shop int, receipts ...[2]string) {
	h.t.Helper()
	s.root.Select(s.issue)
	s.shop.SetSelectedIndex(shop)
	s.buyer.SetSelected(T("企业"))
	s.title.SetText("")
	s.taxNo.SetText("")
	s.pad.reset()
	test.Type(s.title, "上海某某科技有限公司")
	test.Type(s.taxNo, "91350100M000100Y43")
	for _, r := range receipts {
		h.addReceipt(s.pad, -1, r[0], r[1], "2026-11-25")
	}
	test.Tap(s.submit)
}

func TestInvoiceIssueTwiceVoidReverse(t *testing.T) {
	h := newHarness(t, true)
	h.addShops()
	h.mustShell("li")
	s := h.invoicesScreen()
	s.refresh()

	// A wrong tax number is refused before anything is asked.
	s.root.Select(s.issue)
	s.shop.SetSelectedIndex(0)
	test.Type(s.title, "上海某某科技有限公司")
	test.Type(s.taxNo, "91350100M000100Y44")
	h.addReceipt(s.pad, -1, "A1", "120", "2026-11-25")
	test.Tap(s.submit)
	if !strings.Contains(h.ui.LastError(), "购买方税号无效") || h.ui.pendingDialog() != nil {
		t.Fatalf("tax number: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.title.SetText("")
	s.taxNo.SetText("")
	s.pad.reset()

	// Issue: two receipts of 星光咖啡, a company buyer.
	h.issueThroughScreen(s, 0, [2]string{"A1", "120"}, [2]string{"A2", "35.50"})
	h.confirmPending()
	if s.selected == nil || s.selected.Amount != 15550 || s.selected.Status != ledger.InvoiceIssued || s.selected.No != "20261125000000000001" {
		t.Fatalf("issued %+v (%q)", s.selected, h.ui.LastError())
	}
	slip := strings.Join(h.ui.preview.doc.Text(), "\n")
	if !strings.Contains(slip, "代开发票凭证") || !strings.Contains(slip, "发票金额 ￥155.50") || !strings.Contains(slip, "91350100M000100Y43") {
		t.Fatalf("slip %s", slip)
	}
	first := *s.selected

	// The same receipt again: refused, nothing written.
	before := len(h.journalKinds())
	h.issueThroughScreen(s, 0, [2]string{"a2", "35.50"})
	h.confirmPending()
	if !strings.Contains(h.ui.LastError(), "童趣玩具 小票 A2 已开具发票 20261125000000000001，不能重复开票") {
		t.Fatalf("double invoicing: %q", h.ui.LastError())
	}
	if len(h.journalKinds()) != before {
		t.Fatal("a refused invoice wrote to the journal")
	}
	h.ui.closeMessage()

	// Same-day void, with a supervisor's approval; the receipts are free again.
	s.root.Select(s.reg)
	s.refreshRegister()
	if len(s.invoices) != 1 || !strings.Contains(s.totals.Text, "开具 1 张 ￥155.50") {
		t.Fatalf("register %d %q", len(s.invoices), s.totals.Text)
	}
	s.list.Select(0)
	test.Tap(s.void)
	h.approveAs("li", "抬头开错") // the clerk cannot approve their own void
	if h.ui.lastApproval.message.Text == "" {
		t.Fatal("self-approval accepted")
	}
	h.approveAs("wang", "抬头开错")
	if s.selected.Status != ledger.InvoiceVoided || !strings.Contains(s.detail.Text, "审批：王主管") {
		t.Fatalf("void %+v (%q)", s.selected, h.ui.LastError())
	}
	if !strings.Contains(s.totals.Text, "作废 1 张 ￥155.50") || !strings.Contains(s.totals.Text, "合计净额 ￥0.00") {
		t.Fatalf("totals %q", s.totals.Text)
	}
	h.issueThroughScreen(s, 0, [2]string{"A2", "35.50"})
	h.confirmPending()
	if s.selected == nil || s.selected.ID == first.ID || s.selected.Status != ledger.InvoiceIssued {
		t.Fatalf("re-invoice after void: %+v (%q)", s.selected, h.ui.LastError())
	}
	second := *s.selected

	// Next business day: no void; a red-letter reversal with a reason.
	ctx := context.Background()
	dc := newDayCloser(h)
	dc()
	h.clock.Add(24 * time.Hour)
	s.from.SetText("")
	s.to.SetText("")
	s.refresh()
	s.from.SetText("2026-11-25")
	s.refreshRegister()
	s.showInvoice(&second)
	test.Tap(s.void)
	h.approveAs("wang", "顾客要求作废")
	if !strings.Contains(h.ui.LastError(), "已过开票当日，不能作废，只能红冲") {
		t.Fatalf("late void: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	test.Tap(s.reverse)
	if !strings.Contains(h.ui.LastError(), "红冲原因") {
		t.Fatalf("reversal without a reason: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	test.Type(s.reason, "顾客退货")
	test.Tap(s.reverse)
	h.confirmPending()
	if s.selected == nil || s.selected.Status != ledger.InvoiceRed || s.selected.ReversesID != second.ID || s.selected.Amount != -3550 {
		t.Fatalf("red %+v (%q)", s.selected, h.ui.LastError())
	}
	if orig, _ := h.svc.Invoices.Invoice(ctx, second.ID); orig.Status != ledger.InvoiceReversed {
		t.Fatalf("original %+v", orig)
	}
	if !strings.Contains(s.totals.Text, "2026-11-26 童趣玩具：开具 0 张 ￥0.00，作废 0 张 ￥0.00，红冲 1 张 -￥35.50") {
		t.Fatalf("totals %q", s.totals.Text)
	}
	// The receipt is invoiceable again only through that entry; the slip
	// opens the red invoice from the scan box.
	h.ui.shell.open("umbrella")
	h.ui.handleScan(s.selected.Token)
	if h.ui.shell.Current() != "invoice" || s.root.Selected() != s.reg {
		t.Fatal("scan did not open the invoice")
	}
	h.issueThroughScreen(s, 0, [2]string{"A2", "35.50"})
	h.confirmPending()
	if s.selected == nil || s.selected.Status != ledger.InvoiceIssued || s.selected.BusinessDate != "2026-11-26" {
		t.Fatalf("after reversal: %+v (%q)", s.selected, h.ui.LastError())
	}
	h.verify()
}

func TestInvoiceShopsTab(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.invoicesScreen()
	s.refresh()
	if !s.addShop.Disabled() {
		t.Fatal("a clerk may register shops")
	}
	h.ui.Logout()
	h.mustShell("wang")
	s = h.invoicesScreen()
	s.refresh()
	s.root.Select(s.shopT)
	test.Type(s.shopName, "悦读书店")
	test.Type(s.shopUnit, "2f-118")
	test.Type(s.shopCode, "91440300MA5FUNNY04")
	test.Tap(s.addShop)
	if !strings.Contains(h.ui.LastError(), "统一社会信用代码无效") {
		t.Fatalf("bad USCC: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.shopCode.SetText("91440300MA5FUNNY03")
	test.Tap(s.addShop)
	if !strings.Contains(s.shopList.Text, "2F-118 悦读书店 · 91440300MA5FUNNY03") || len(s.shop.Options) != 1 {
		t.Fatalf("shops %q (%q)", s.shopList.Text, h.ui.LastError())
	}
}

// newDayCloser returns a function that closes the open business day
// through the services with the exact cash and the supervisor's approval.
func newDayCloser(h *harness) func() {
	return func() {
		h.t.Helper()
		ctx := context.Background()
		dc := sqlstore.NewDayCloseService(h.db)
		chk, err := dc.CloseCheck(ctx)
		if err != nil {
			h.t.Fatal(err)
		}
		a, err := h.svc.Staff.Approve(ctx, ledger.DayCloseApproval(h.clerk.ID, chk.Day, chk.Expected(), chk.Expected()), "wang", pw, "日结核对")
		if err != nil {
			h.t.Fatal(err)
		}
		if _, err := dc.CloseDay(ctx, h.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: &a}); err != nil {
			h.t.Fatal(err)
		}
	}
}
