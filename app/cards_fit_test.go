package app

import (
	"context"
	"fmt"
	"os"
	"testing"

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
