package app

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
	"servicedesk/receipts"
)

// seedMedLost fills the harness with a day of medicine and lost-and-found
// work (for the fit check, the screenshots and the day PDF).
func (h *harness) seedMedLost() {
	h.t.Helper()
	ctx := context.Background()
	m := h.seedMedicine()
	ext, err := h.svc.Medicine.AddMedicine(ctx, h.admin, ledger.NewMedicine{Name: "创可贴", Category: ledger.MedExternal, Spec: "7.2cm×1.9cm", Unit: "片", ReorderLevel: 30})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.Medicine.Restock(ctx, h.admin, ledger.RestockRequest{MedicineID: ext.ID, BatchNo: "CK2611", Expiry: "2028-10", Quantity: 20, Supplier: "商场医务室"}); err != nil {
		h.t.Fatal(err)
	}
	for _, d := range []ledger.DispenseRequest{
		{MedicineID: m.ID, Quantity: 1, Recipient: "顾客（女，约30岁）", Reason: "头痛求助", Mobile: "13812345678", HealthNote: "头痛", PrintSlip: true},
		{MedicineID: ext.ID, Quantity: 2, Recipient: "保洁员", Reason: "手指擦伤", PrintSlip: true},
	} {
		if _, err := h.svc.Medicine.Dispense(ctx, h.clerk, d); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, r := range []ledger.RegisterFoundRequest{
		{Category: "钱包", Description: "黑色皮钱包，内有银行卡两张", FoundAt: h.clock.Now().Add(-time.Hour), FoundPlace: "三楼美食广场", Finder: "保洁员", Storage: "A柜-3"},
		{Category: "证件", Description: "身份证一张", FoundAt: h.clock.Now().Add(-2 * time.Hour), FoundPlace: "二楼电梯口", Finder: "顾客", OwnerName: "李四", Storage: "A柜-1"},
		{Category: "儿童用品", Description: "蓝色儿童水杯", FoundAt: h.clock.Now().Add(-3 * time.Hour), FoundPlace: "四楼儿童乐园", Finder: "保安", Storage: "B架-2"},
		{Category: "衣物", Description: "灰色羊毛围巾", FoundAt: h.clock.Now().AddDate(0, 0, -40), FoundPlace: "一楼大厅", Finder: "保洁员", Storage: "B架-1"},
	} {
		if _, err := h.svc.LostFound.Register(ctx, h.clerk, r); err != nil {
			h.t.Fatal(err)
		}
	}
	r, err := h.svc.LostFound.Report(ctx, h.clerk, ledger.LostReportRequest{Kind: ledger.LostItem, Category: "钱包", Description: "黑色钱包，有银行卡",
		Place: "美食广场", From: h.clock.Now().Add(-3 * time.Hour), To: h.clock.Now().Add(-2 * time.Hour), Name: "张三", Mobile: "13912345678"})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.LostFound.DraftFromReport(ctx, h.clerk, r.ID); err != nil {
		h.t.Fatal(err)
	}
	bs, _ := h.svc.Medicine.Batches(ctx, m.ID, false)
	wa, err := h.svc.Staff.Approve(ctx, ledger.MedicineWriteOffApproval(h.clerk.ID, m, bs[0], 1), "wang", pw, "同意报损")
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.Medicine.WriteOff(ctx, h.clerk, ledger.WriteOffRequest{BatchID: bs[0].ID, Quantity: 1, Reason: "包装破损", Approval: &wa}); err != nil {
		h.t.Fatal(err)
	}
	items, _, _ := h.svc.LostFound.Search(ctx, ledger.FoundSearch{Category: "证件"})
	if _, err := h.svc.LostFound.Claim(ctx, h.clerk, ledger.ClaimRequest{ItemID: items[0].ID, Description: "我的身份证", Matches: true,
		Name: "李四", Mobile: "13700001111", ResidentID: "11010519491231002X"}); err != nil {
		h.t.Fatal(err)
	}
	due, _, _ := h.svc.LostFound.Due(ctx, 0, 10)
	var as []*ledger.Approval
	for _, user := range []string{"wang", "zhao"} {
		a, err := h.svc.Staff.Approve(ctx, ledger.DisposalApproval(h.clerk.ID, due[0], ledger.DisposeDonate), user, pw, "期满无人认领")
		if err != nil {
			h.t.Fatal(err)
		}
		as = append(as, &a)
	}
	if _, err := h.svc.LostFound.Dispose(ctx, h.clerk, ledger.DisposeRequest{ItemID: due[0].ID, Method: ledger.DisposeDonate, DisposedTo: "某区慈善会",
		Approvals: as}); err != nil {
		h.t.Fatal(err)
	}
}

// TestMedLostScreensFitCounterScreens walks every tab of the medicine and
// lost-and-found screens at the counter sizes (1024×768 first) and checks
// that every control is inside the window without sideways scrolling.
func TestMedLostScreensFitCounterScreens(t *testing.T) { checkMedLostFit(t) }

// TestEnglishMedLostFit is the same walk in English (longer words); it
// only runs in TestEnglishUI's child process.
func TestEnglishMedLostFit(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestEnglishUI")
	}
	checkMedLostFit(t)
}

// checkMedLostFit walks both screens' tabs at every counter size.
func checkMedLostFit(t *testing.T) {
	for _, size := range counterScreens {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			h := newHarness(t, true)
			h.seedMedLost()
			h.win.Resize(size) // as the counter starts: the nav column is sized at login
			h.mustShell("wang")
			h.win.Resize(size)
			n := 0
			m := h.medicine()
			for i := range m.tabs.Items {
				m.tabs.SelectIndex(i)
				n += checkFits(t, h.win, "medicine "+m.tabs.Items[i].Text)
			}
			l := h.lostFound()
			for i := range l.tabs.Items {
				l.tabs.SelectIndex(i)
				n += checkFits(t, h.win, "lost and found "+l.tabs.Items[i].Text)
			}
			if n < 80 {
				t.Fatalf("found only %d controls: the walk is broken", n)
			}
		})
	}
}

// TestMedLostScreenshots writes docs/screenshots/medicine-screen.png,
// lostfound-screen.png and lostfound-match.png at 1024×768, and the day
// PDF with both sections as day-report-medlost.pdf, when SD_SCREENSHOT_DIR
// names a folder; skipped otherwise.
func TestMedLostScreenshots(t *testing.T) {
	dir := os.Getenv("SD_SCREENSHOT_DIR")
	if dir == "" {
		t.Skip("set SD_SCREENSHOT_DIR to write screenshots")
	}
	h := newHarness(t, true)
	h.ui.svc.DayClose = sqlstore.NewDayCloseService(h.db)
	h.seedMedLost()
	h.clock.Add(2 * 24 * time.Hour)
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
	m := h.medicine()
	m.medicine.SetSelectedIndex(0)
	m.qty.SetText("2")
	test.Type(m.recipient, "顾客（男，约50岁）")
	test.Type(m.reason, "顾客求助")
	save("medicine-screen.png")
	l := h.lostFound()
	l.tabs.SelectIndex(1)
	l.results.Select(0)
	save("lostfound-screen.png")
	l.tabs.SelectIndex(2)
	l.reports.Select(0)
	l.matchList.Select(0)
	save("lostfound-match.png")
	rep, err := h.ui.svc.DayClose.Report(h.ui.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	font, err := os.ReadFile("../assets/DroidSansFallbackFull.ttf")
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "day-report-medlost.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := receipts.RenderDayPDF(out, rep, font); err != nil {
		t.Fatal(err)
	}
}
