package app

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
)

// TestCardsScreensFit walks every tab of the point-card and invoice
// screens, with a member and an invoice loaded and the settings form
// open, at every counter size: no control outside the window, no sideways
// scrolling.
func TestCardsScreensFit(t *testing.T) { checkCardsFit(t) }

// TestEnglishCardsFit is the same walk in English (longer texts); it runs
// in TestEnglishUI's child process.
func TestEnglishCardsFit(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestEnglishUI")
	}
	checkCardsFit(t)
}

func checkCardsFit(t *testing.T) {
	for _, size := range counterScreens {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			h := newHarness(t, true)
			a, _ := h.addShops()
			ctx := context.Background()
			m, err := h.svc.Members.Signup(ctx, h.clerk, ledger.SignupRequest{Name: "欧阳娜娜", Mobile: "13611112222", ResidentID: testIDA,
				CardNo: "0A00C3F5E1", Receipts: []ledger.ShopReceipt{{ShopID: a.ID, No: "A20261125000123", Amount: ledger.Yuan(260), Date: "2026-11-25"}}})
			if err != nil {
				t.Fatal(err)
			}
			inv, err := h.svc.Invoices.Issue(ctx, h.clerk, ledger.InvoiceRequest{ShopID: a.ID, Buyer: ledger.BuyerCompany, Title: "上海某某信息科技股份有限公司第一分公司",
				TaxNo: "91350100M000100Y43", Receipts: []ledger.ShopReceipt{{No: "A20261125000124", Amount: 123456, Date: "2026-11-25"}}})
			if err != nil {
				t.Fatal(err)
			}
			h.mustShell("wang")
			h.win.Resize(size)
			s := h.members()
			s.refresh()
			s.open(m)
			checkFits(t, h.win, "points: member")
			for i := 0; i < 3; i++ {
				h.addReceipt(s.backfill, 0, fmt.Sprintf("R%d", i), "12.50", "2026-11-24")
			}
			checkFits(t, h.win, "points: backfill list")
			test.Tap(s.reissue)
			h.ui.closeMessage()
			test.Tap(s.adjust)
			h.ui.closeMessage()
			s.root.Select(s.join)
			h.addReceipt(s.pad, 0, "X1", "100", "2026-11-25")
			checkFits(t, h.win, "points: signup")
			s.root.Select(s.faq)
			checkFits(t, h.win, "points: faq and settings")
			is := h.invoicesScreen()
			is.refresh()
			is.root.Select(is.issue)
			is.shop.SetSelectedIndex(0)
			h.addReceipt(is.pad, -1, "X2", "10", "2026-11-25")
			checkFits(t, h.win, "invoice: issue")
			is.root.Select(is.reg)
			is.showInvoice(&inv)
			checkFits(t, h.win, "invoice: register")
			test.Tap(is.void)
			checkFits(t, h.win, "invoice: void approval")
			h.ui.lastApproval.hide()
			is.root.Select(is.shopT)
			checkFits(t, h.win, "invoice: shops")
		})
	}
}

// TestCardsScreenshots writes docs/screenshots/points-*.png and
// invoice-*.png at 1024×768 (the member found with its actions, the
// signup form, the invoice register after a void, the issue form) when
// SD_SCREENSHOT_DIR names a folder; skipped otherwise.
func TestCardsScreenshots(t *testing.T) {
	dir := os.Getenv("SD_SCREENSHOT_DIR")
	if dir == "" {
		t.Skip("set SD_SCREENSHOT_DIR to write screenshots")
	}
	h := newHarness(t, true)
	a, b := h.addShops()
	ctx := context.Background()
	m, err := h.svc.Members.Signup(ctx, h.clerk, ledger.SignupRequest{Name: "王芳", Mobile: "13611112222", ResidentID: testIDA, Birthday: "06-18",
		CardNo: "0A00C3F5E1", Receipts: []ledger.ShopReceipt{{ShopID: a.ID, No: "A20261125001", Amount: ledger.Yuan(268), Date: "2026-11-25"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Members.Backfill(ctx, h.clerk, m.ID, []ledger.ShopReceipt{{ShopID: b.ID, No: "T-1001", Amount: ledger.Yuan(59), Date: "2026-11-20"}}); err != nil {
		t.Fatal(err)
	}
	inv, err := h.svc.Invoices.Issue(ctx, h.clerk, ledger.InvoiceRequest{ShopID: a.ID, Buyer: ledger.BuyerCompany, Title: "上海某某科技有限公司",
		TaxNo: "91350100M000100Y43", Receipts: []ledger.ShopReceipt{{No: "A20261125007", Amount: 15600, Date: "2026-11-25"}, {No: "A20261125009", Amount: 8800, Date: "2026-11-25"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Invoices.Void(ctx, h.clerk, inv.ID, h.grantFor(ledger.VoidInvoiceApproval(h.clerk.ID, inv))); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Invoices.Issue(ctx, h.clerk, ledger.InvoiceRequest{ShopID: a.ID, Buyer: ledger.BuyerCompany, Title: "上海某某科技有限公司",
		TaxNo: "91350100M000100Y43", Receipts: []ledger.ShopReceipt{{No: "A20261125007", Amount: 15600, Date: "2026-11-25"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Invoices.Issue(ctx, h.clerk, ledger.InvoiceRequest{ShopID: b.ID, Buyer: ledger.BuyerPersonal, Title: "赵磊",
		Receipts: []ledger.ShopReceipt{{No: "T-2001", Amount: 32000, Date: "2026-11-25"}}}); err != nil {
		t.Fatal(err)
	}
	h.mustShell("li")
	h.win.Resize(fyne.NewSize(1024, 768))
	save := func(name string) {
		img := h.win.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	s := h.members()
	s.refresh()
	s.open(m)
	save("points-member.png")
	s.root.Select(s.join)
	h.addReceipt(s.pad, 1, "A20261125031", "150", "2026-11-25")
	h.addReceipt(s.pad, 0, "T-3002", "388", "2026-11-25")
	h.fillSignup(s, "李四", "13900001111", testIDB)
	s.card.SetText("0012842466")
	save("points-signup.png")
	s.root.Select(s.faq)
	save("points-faq.png")
	is := h.invoicesScreen()
	is.refresh()
	is.root.Select(is.reg)
	is.list.Select(2)
	save("invoice-register.png")
	is.root.Select(is.issue)
	is.shop.SetSelectedIndex(1)
	test.Type(is.title, "上海某某科技有限公司")
	test.Type(is.taxNo, "91350100M000100Y43")
	h.addReceipt(is.pad, -1, "A20261125011", "66", "2026-11-25")
	save("invoice-issue.png")
}

// grantFor has the supervisor wang approve req for the clerk.
func (h *harness) grantFor(req ledger.ApprovalRequest) *ledger.Approval {
	h.t.Helper()
	a, err := h.svc.Staff.Approve(context.Background(), req, "wang", pw, "抬头开错，顾客要求重开")
	if err != nil {
		h.t.Fatal(err)
	}
	return &a
}
