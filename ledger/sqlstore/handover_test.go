package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// TestHandover: the outgoing clerk's check shows the cash the drawer should
// hold and the items on hand; a wrong password of the incoming clerk counts
// as a failed login and records nothing; handing over to oneself is
// refused; the handover commits with the incoming login, is printed, and
// the next check shows its note.
func TestHandover(t *testing.T) {
	f := newLendFixture(t)
	ctx := context.Background()
	hs := NewHandoverService(f.db)
	f.clock.Add(time.Hour) // 09:00 local
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatal(err)
	}
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.mustLend(t, ledger.KindStroller, "S-01", "")
	fb := NewFeedbackService(f.db)
	if _, err := fb.LogFeedback(ctx, f.clerk, ledger.FeedbackRequest{Channel: ledger.FeedbackOral, Category: ledger.CategoryParking,
		Text: "停车场指示牌不清楚", SupervisorID: f.sup.ID}); err != nil {
		t.Fatal(err)
	}
	c, err := hs.HandoverCheck(ctx, f.clerk)
	if err != nil {
		t.Fatal(err)
	}
	if c.CashExpected != ledger.Yuan(50) || len(c.Counts) != 2 || c.Counts[0].Expected != 2 || c.Counts[1].Expected != 1 {
		t.Fatalf("check %+v", c)
	}
	var texts []string
	for _, m := range c.Open {
		texts = append(texts, m.Text)
	}
	want := "爱心雨伞未归还 1 件|爱心童车未归还 1 件|小票未打印 2 张|顾客意见待答复 1 条"
	if got := strings.Join(texts, "|"); got != want {
		t.Fatalf("open matters %q, want %q", got, want)
	}
	req := ledger.HandoverRequest{CashCounted: ledger.Yuan(40), Counted: map[string]int{"umbrella": 2, "stroller": 1},
		Note: "U-003 伞骨松动，待修", Username: "wang", Password: "wrong"}
	n := f.journalLen(t)
	if _, _, err := hs.Handover(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.EUNAUTHORIZED {
		t.Fatalf("wrong password: %v", err)
	}
	es, _ := f.journal.Entries(ctx, int64(n), 10)
	if len(es) != 1 || es[0].Kind != "auth.login_failed" {
		t.Fatalf("after a wrong password: %+v", es)
	}
	n++
	req.Password = testPassword
	req.Username = "li"
	if _, _, err := hs.Handover(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.EINVALID || f.journalLen(t) != n {
		t.Fatalf("handover to oneself: %v", err)
	}
	req.Username = "wang"
	delete(req.Counted, "stroller")
	if _, _, err := hs.Handover(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.EINVALID || f.journalLen(t) != n {
		t.Fatalf("stroller not counted: %v", err)
	}
	req.Counted["stroller"] = -1
	if _, _, err := hs.Handover(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.EINVALID || f.journalLen(t) != n {
		t.Fatalf("negative count: %v", err)
	}
	req.Counted["stroller"] = 1
	if _, _, err := hs.Handover(ctx, ledger.Staff{ID: f.clerk.ID, Role: ledger.RoleAdmin}, ledger.HandoverRequest{CashCounted: -1}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("negative cash: %v", err)
	}
	h, in, err := hs.Handover(ctx, f.clerk, req)
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != f.sup.ID || h.No != "JB-20261125-01" || h.CashDifference() != -ledger.Yuan(10) || h.Balanced() || h.ToName != "王主管" || h.FromName != "李柜员" {
		t.Fatalf("handover %+v in %+v", h, in)
	}
	es, _ = f.journal.Entries(ctx, int64(n), 10)
	if len(es) != 2 || es[0].Kind != "shift.handover" || es[0].StaffID != f.clerk.ID || es[1].Kind != "auth.login" || es[1].StaffID != f.sup.ID {
		t.Fatalf("entries %+v", es)
	}
	var ev map[string]any
	_ = json.Unmarshal(es[0].Data, &ev)
	if ev["cash_expected"].(float64) != 5000 || ev["difference"].(float64) != -1000 || ev["note"] != "U-003 伞骨松动，待修" {
		t.Fatalf("entry data %s", es[0].Data)
	}
	// Printed: the slip is queued under the handover number.
	job, err := originalJob(ctx, f.db.db, h.No)
	if err != nil {
		t.Fatal(err)
	}
	var doc receipts.Document
	if err := json.Unmarshal(job.Document, &doc); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(doc.Text(), "\n")
	for _, w := range []string{"交接班记录", "交班：李柜员", "接班：王主管", "短款", "爱心雨伞（在库）", "应有2 实点2", "顾客意见待答复 1 条", "交接事项：U-003 伞骨松动，待修", "接班人签字"} {
		if !strings.Contains(text, w) {
			t.Fatalf("slip lacks %q:\n%s", w, text)
		}
	}
	// The incoming clerk's shift starts at the handover.
	sum, err := NewDayCloseService(f.db).Shift(ctx, f.sup.ID)
	if err != nil || !sum.Since.Equal(h.At) || sum.Actions != 0 {
		t.Fatalf("incoming shift %+v %v", sum, err)
	}
	next, err := hs.HandoverCheck(ctx, f.sup)
	if err != nil || next.PreviousNote != "U-003 伞骨松动，待修" {
		t.Fatalf("next check %+v %v", next, err)
	}
	// The second handover of the day is numbered 02 and cannot go back to
	// a disabled account.
	if err := f.staff.SetDisabled(ctx, f.admin, f.clerk.ID, true); err != nil {
		t.Fatal(err)
	}
	req.Username, req.Password = "li", testPassword
	if _, _, err := hs.Handover(ctx, f.sup, req); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("to a disabled account: %v", err)
	}
	req.Username = "admin"
	h2, _, err := hs.Handover(ctx, f.sup, req)
	if err != nil || h2.No != "JB-20261125-02" {
		t.Fatalf("second handover %+v %v", h2, err)
	}
	list, err := hs.Handovers(ctx, 10)
	if err != nil || len(list) != 2 || list[0].No != h2.No || list[1].No != h.No {
		t.Fatalf("handovers %+v %v", list, err)
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
	// The day's report lists both handovers (交接班记录) and the people.
	r, err := NewDayCloseService(f.db).Report(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var sec *receipts.Section
	for i := range r.Sections {
		if r.Sections[i].Title == "交接班记录" {
			sec = &r.Sections[i]
		}
	}
	if sec == nil || len(sec.Rows) != 2 {
		t.Fatalf("report sections %+v", r.Sections)
	}
	row := strings.Join(sec.Rows[0], "|")
	for _, w := range []string{"JB-20261125-01", "李柜员", "王主管", "￥50.00", "￥40.00", "短款 -￥10.00", "爱心雨伞 2/2", "U-003 伞骨松动", "移交：爱心雨伞未归还 1 件"} {
		if !strings.Contains(row, w) {
			t.Fatalf("report row lacks %q: %s", w, row)
		}
	}
	if !strings.Contains(strings.Join(r.StaffOnDuty, ","), "王主管") {
		t.Fatalf("staff on duty %v", r.StaffOnDuty)
	}
	for _, q := range []string{"UPDATE handovers SET cash_counted = 5000", "DELETE FROM handovers"} {
		if _, err := f.db.SQL().Exec(q); err == nil || f.db.Classify(err) != ErrImmutable {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestHandoverLockout: wrong passwords at the handover count towards the
// incoming account's lockout like any login.
func TestHandoverLockout(t *testing.T) {
	f := newLendFixture(t)
	ctx := context.Background()
	hs := NewHandoverService(f.db)
	req := ledger.HandoverRequest{Counted: map[string]int{"umbrella": 3, "stroller": 2}, Username: "wang", Password: "nope"}
	set, _ := f.settings.Settings(ctx)
	for i := 0; i < set.MaxFailedLogins; i++ {
		_, _, err := hs.Handover(ctx, f.clerk, req)
		if err == nil {
			t.Fatal("wrong password accepted")
		}
	}
	req.Password = testPassword
	if _, _, err := hs.Handover(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("after %d failures: %v", set.MaxFailedLogins, err)
	}
	if list, _ := hs.Handovers(ctx, 10); len(list) != 0 {
		t.Fatalf("handover recorded: %+v", list)
	}
}

// TestHandoverMedicineAndLostFound: once the desk keeps medicine its units
// are counted at the handover; open lost reports, found items past their
// retention and expired batches carry over as open matters.
func TestHandoverMedicineAndLostFound(t *testing.T) {
	f := withLending(t, newPDFixture(t).fixture)
	ctx := context.Background()
	hs := NewHandoverService(f.db)
	c, err := hs.HandoverCheck(ctx, f.clerk)
	if err != nil || len(c.Counts) != 2 {
		t.Fatalf("without medicine: %+v %v", c.Counts, err)
	}
	med := NewMedicineService(f.db)
	m, err := med.AddMedicine(ctx, f.sup, ledger.NewMedicine{Name: "创可贴", Category: ledger.MedExternal, Unit: "片"})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []ledger.RestockRequest{{MedicineID: m.ID, BatchNo: "A1", Expiry: "2026-12-01", Quantity: 10},
		{MedicineID: m.ID, BatchNo: "B2", Expiry: "2027-06-01", Quantity: 5}} {
		if _, err := med.Restock(ctx, f.sup, b); err != nil {
			t.Fatal(err)
		}
	}
	lf := NewLostFoundService(f.db)
	if _, err := lf.Register(ctx, f.clerk, ledger.RegisterFoundRequest{Category: "钥匙", Description: "一串钥匙", FoundAt: f.clock.Now(),
		FoundPlace: "一楼大厅", Finder: "保洁员", Storage: "失物柜A"}); err != nil {
		t.Fatal(err)
	}
	if _, err := lf.Report(ctx, f.clerk, ledger.LostReportRequest{Kind: ledger.LostItem, Category: "钱包", Description: "黑色钱包",
		Place: "三楼", From: f.clock.Now().Add(-2 * time.Hour), To: f.clock.Now(), Name: "张三", Mobile: "13812345678"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(40 * 24 * time.Hour) // A1 expired, the keys past 30 days
	c, err = hs.HandoverCheck(ctx, f.clerk)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Counts) != 3 || c.Counts[2].What != ledger.CountMedicine || c.Counts[2].Expected != 15 {
		t.Fatalf("counts %+v", c.Counts)
	}
	var texts []string
	for _, m := range c.Open {
		texts = append(texts, m.Text)
	}
	got := strings.Join(texts, "|")
	for _, w := range []string{"寻物寻人登记未结 1 条", "失物保管到期待处置 1 件", "过期药品待报损 1 批"} {
		if !strings.Contains(got, w) {
			t.Fatalf("open matters lack %q: %s", w, got)
		}
	}
	h, _, err := hs.Handover(ctx, f.clerk, ledger.HandoverRequest{Counted: map[string]int{"umbrella": 3, "stroller": 2, ledger.CountMedicine: 14},
		Username: "wang", Password: testPassword})
	if err != nil || h.Counts[2].Difference() != -1 || h.Balanced() {
		t.Fatalf("handover %+v %v", h, err)
	}
}
