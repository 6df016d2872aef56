package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// closeApproval is wang's approval of the clerk closing the open day with
// counted cash.
func (f *lendFixture) closeApproval(t testing.TB, counted ledger.Fen) *ledger.Approval {
	t.Helper()
	chk, err := NewDayCloseService(f.db).CloseCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f.grant(t, ledger.DayCloseApproval(f.clerk.ID, chk.Day, chk.Expected(), counted), "wang", "现金已复点")
}

// testFont reads the CJK font from the assets folder.
func testFont(tb testing.TB) []byte {
	tb.Helper()
	font, err := os.ReadFile("../../assets/DroidSansFallbackFull.ttf")
	if err != nil {
		tb.Fatalf("read font: %v", err)
	}
	return font
}

// journalSums recomputes a day's money from the raw journal JSON alone:
// deposits held are replayed from every lend and return since the start.
type journalSums struct {
	taken, refunded, collected, charge, forfeit int64
	heldOpen, heldClose                         int64
	lent, returned, damaged, lost               map[string]int
}

func sumJournal(t *testing.T, entries []ledger.Entry, from, to int64) journalSums {
	t.Helper()
	s := journalSums{lent: map[string]int{}, returned: map[string]int{}, damaged: map[string]int{}, lost: map[string]int{}}
	held := map[float64]float64{} // loan_id -> deposit
	total := func() int64 {
		var n float64
		for _, d := range held {
			n += d
		}
		return int64(n)
	}
	for _, e := range entries {
		if e.Seq == from {
			s.heldOpen = total()
		}
		if e.Seq > to {
			break
		}
		kind, action, ok := strings.Cut(e.Kind, ".")
		if !ok || (action != "lend" && action != "return" && action != "void") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(e.Data, &m); err != nil {
			t.Fatal(err)
		}
		num := func(k string) float64 { v, _ := m[k].(float64); return v }
		in := e.Seq >= from
		if action == "lend" {
			held[num("loan_id")] = num("deposit")
			if in {
				s.lent[kind]++
				s.taken += int64(num("deposit"))
			}
			continue
		}
		delete(held, num("loan_id"))
		if !in {
			continue
		}
		if action == "void" {
			s.refunded += int64(num("refund"))
			continue
		}
		s.refunded += int64(num("refund"))
		s.collected += int64(num("collected"))
		s.charge += int64(num("charge"))
		s.forfeit += int64(num("forfeit"))
		switch m["outcome"] {
		case "fine":
			s.returned[kind]++
		case "damaged":
			s.returned[kind]++
			s.damaged[kind]++
		case "lost":
			s.lost[kind]++
		}
	}
	s.heldClose = total()
	return s
}

// seedTwoDays closes a first day with one umbrella still out, then runs a
// second day through the services: logins, lends, returns fine, damaged and
// lost (with approval), strollers. It returns the first day's close.
func seedTwoDays(t *testing.T, f *lendFixture) ledger.DayClose {
	t.Helper()
	ctx := context.Background()
	svc := NewDayCloseService(f.db)
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatal(err)
	}
	f.mustLend(t, ledger.KindUmbrella, "U-003", "13912345678")
	f.clock.Add(10 * time.Hour)
	chk, err := svc.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, err := svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(13 * time.Hour) // next morning 08:00
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatal(err)
	}
	u1 := f.mustLend(t, ledger.KindUmbrella, "U-001", "13812345678")
	f.clock.Add(40 * time.Minute)
	u2 := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	s1 := f.mustLend(t, ledger.KindStroller, "S-01", "13700000001")
	f.clock.Add(2 * time.Hour)
	ret := func(req ledger.ReturnRequest) {
		t.Helper()
		if _, err := f.lend.Return(ctx, f.clerk, req); err != nil {
			t.Fatal(err)
		}
	}
	ret(ledger.ReturnRequest{LoanID: u1.ID, Outcome: ledger.ReturnFine})
	ret(ledger.ReturnRequest{LoanID: u2.ID, Outcome: ledger.ReturnDamaged, Damage: "伞骨折断"})
	old, err := f.lend.LoanByReceipt(ctx, "20261125-0001")
	if err != nil {
		t.Fatal(err)
	}
	ret(ledger.ReturnRequest{LoanID: old.ID, Outcome: ledger.ReturnLost, Approval: f.forfeit(t, old)})
	f.mustLend(t, ledger.KindStroller, "S-02", "")
	ret(ledger.ReturnRequest{LoanID: s1.ID, Outcome: ledger.ReturnFine})
	f.mustLend(t, ledger.KindUmbrella, "U-001", "13500001111")
	wrong := f.mustLend(t, ledger.KindStroller, "S-01", "")
	if _, err := f.lend.Void(ctx, f.clerk, wrong.ID, f.grant(t, ledger.VoidApproval(f.clerk.ID, wrong), "wang", "编号登记错误")); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(8 * time.Hour)
	return first
}

func TestDayCloseReportAgreesWithJournal(t *testing.T) {
	f := newLendFixture(t)
	ctx := context.Background()
	svc := NewDayCloseService(f.db)
	first := seedTwoDays(t, f)
	if first.No != "A-20261125-01" || first.CashExpected != ledger.Yuan(50) || first.Difference != 0 {
		t.Fatalf("first close = %+v", first)
	}

	chk, err := svc.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(chk.StillOut) != 2 || chk.StillOut[0].Kind != ledger.KindStroller || chk.Day.Date != "2026-11-26" || len(chk.Unprinted) == 0 {
		t.Fatalf("check = %+v", chk)
	}
	// Refusals: no approval, self-approval, a clerk approving, bad amount.
	_, err = svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected()})
	wantCode(t, err, ledger.EFORBIDDEN)
	_, err = svc.CloseDay(ctx, f.sup, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())})
	wantCode(t, err, ledger.EFORBIDDEN)
	_, err = f.staff.Approve(ctx, ledger.DayCloseApproval(f.admin.ID, chk.Day, chk.Expected(), chk.Expected()), "li", testPassword, "同意日结")
	wantCode(t, err, ledger.EFORBIDDEN)
	_, err = svc.CloseDay(ctx, f.admin, ledger.CloseRequest{CashCounted: chk.Expected(),
		Approval: &ledger.Approval{ApproverID: f.clerk.ID, Reason: "同意日结"}})
	wantCode(t, err, ledger.EFORBIDDEN)
	_, err = svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: -1, Approval: f.closeApproval(t, 0)})
	wantCode(t, err, ledger.EINVALID)

	counted := chk.Expected() - ledger.Yuan(5)
	// An approval for the expected amount does not close with another count.
	_, err = svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: counted, Approval: f.closeApproval(t, chk.Expected())})
	wantCode(t, err, ledger.EFORBIDDEN)
	dc, err := svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: counted, Approval: f.closeApproval(t, counted), Note: "少5元"})
	if err != nil {
		t.Fatal(err)
	}
	if dc.No != "A-20261126-01" || dc.Difference != -ledger.Yuan(5) || dc.ClerkID != f.clerk.ID || dc.Approval.ApproverID != f.sup.ID {
		t.Fatalf("close = %+v", dc)
	}
	// Nothing new since the close: a second close is refused.
	_, err = svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: 0, Approval: &ledger.Approval{ID: 1, Token: "00"}})
	wantCode(t, err, ledger.ECONFLICT)

	entries, err := f.journal.Entries(ctx, 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	closeEntry := entries[len(entries)-1]
	var cd map[string]any
	if err := json.Unmarshal(closeEntry.Data, &cd); err != nil {
		t.Fatal(err)
	}
	if closeEntry.Kind != "day.close" || closeEntry.Seq != dc.Day.CloseSeq || cd["close_seq"].(float64) != float64(closeEntry.Seq) ||
		cd["clerk_id"].(float64) != float64(f.clerk.ID) || cd["approval"].(map[string]any)["approver_name"] != "王主管" ||
		cd["cash_counted"].(float64) != float64(counted) || cd["business_date"] != "2026-11-26" {
		t.Fatalf("close entry %s %s", closeEntry.Kind, closeEntry.Data)
	}

	sums := sumJournal(t, entries, dc.FromSeq, dc.Day.CloseSeq)
	expected := sums.heldClose + sums.charge + sums.forfeit
	if expected != sums.heldOpen+sums.taken-sums.refunded+sums.collected {
		t.Fatalf("journal does not balance: %+v", sums)
	}
	if int64(dc.CashExpected) != expected || int64(dc.Money.HeldAtOpen) != sums.heldOpen || int64(dc.Money.HeldAtClose) != sums.heldClose {
		t.Fatalf("close money %+v expected %d, journal %+v", dc, expected, sums)
	}

	r, err := svc.Report(ctx, dc.Day.ID)
	if err != nil {
		t.Fatal(err)
	}
	if int64(r.CashExpected) != expected || r.CashCounted != counted || r.CloseNo != dc.No || r.BusinessDate != "2026-11-26" {
		t.Fatalf("report cash %v/%v no %s", r.CashExpected, r.CashCounted, r.CloseNo)
	}
	var taken, refunded, comp, forfeit, heldOpen, heldClose int64
	for _, row := range r.Summary {
		kind := map[string]string{"爱心雨伞": "umbrella", "爱心童车": "stroller"}[row.Service]
		if row.Lent != sums.lent[kind] || row.Returned != sums.returned[kind] || row.Damaged != sums.damaged[kind] || row.Lost != sums.lost[kind] {
			t.Errorf("%s counts %+v, journal lent %d returned %d damaged %d lost %d", row.Service, row, sums.lent[kind], sums.returned[kind], sums.damaged[kind], sums.lost[kind])
		}
		taken += int64(row.DepositsTaken)
		refunded += int64(row.Refunded)
		comp += int64(row.Compensation)
		forfeit += int64(row.Forfeited)
		heldOpen += int64(row.HeldAtOpen)
		heldClose += int64(row.HeldAtClose)
	}
	if taken != sums.taken || refunded != sums.refunded || comp != sums.charge || forfeit != sums.forfeit ||
		heldOpen != sums.heldOpen || heldClose != sums.heldClose {
		t.Fatalf("summary totals %d %d %d %d %d %d, journal %+v", taken, refunded, comp, forfeit, heldOpen, heldClose, sums)
	}
	if len(r.StillOut) != 2 || r.Summary[0].StillOut != 1 || r.Summary[1].StillOut != 1 {
		t.Fatalf("still out %+v", r.StillOut)
	}
	if got := strings.Join(r.StaffOnDuty, ","); got != "李柜员,王主管（主管）" {
		t.Fatalf("on duty %q", got)
	}
	var actions []string
	for _, a := range r.Approvals {
		actions = append(actions, a.Action+"/"+a.Approver)
	}
	if got := strings.Join(actions, ","); got != "没收押金/王主管,冲正/王主管,日结/王主管" {
		t.Fatalf("approvals %q", got)
	}
	if r.HourlyLoans[8] != 3 || r.HourlyLoans[10] != 3 {
		t.Fatalf("hourly %v", r.HourlyLoans)
	}
	for _, row := range append(r.Sections[0].Rows, r.Sections[1].Rows...) {
		if strings.Contains(strings.Join(row, " "), "13812345678") {
			t.Fatal("full phone in report")
		}
	}

	// The PDF carries the headings and the totals.
	var pdf bytes.Buffer
	if err := receipts.RenderDayPDF(&pdf, r, testFont(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		path := filepath.Join(t.TempDir(), "day.pdf")
		if err := os.WriteFile(path, pdf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		amount := func(f int64) string { s := ledger.Fen(f).String(); return s[strings.Index(s, "￥")+len("￥"):] }
		for _, want := range []string{"服务台日结报表", "一、汇总", "二、现金核对", "爱心雨伞借还明细", "爱心童车借还明细",
			"未归还物品", "审批与作废记录", dc.No, "2026-11-26", "王主管",
			amount(expected), amount(int64(counted)), amount(sums.taken), amount(sums.refunded), amount(sums.charge), amount(sums.forfeit)} {
			if !strings.Contains(text, want) {
				t.Errorf("pdf text lacks %q:\n%s", want, text)
			}
		}
	} else {
		t.Log("pdftotext not installed: PDF text not checked")
	}

	// A closed day never changes and reprints byte for byte, whatever
	// happens afterwards (new business, renamed counter).
	if _, err := f.db.db.Exec("UPDATE business_days SET closed_at = '' WHERE id = ?", dc.Day.ID); err == nil {
		t.Fatal("closed business day was updated")
	}
	set, _ := f.settings.Settings(ctx)
	set.CounterName = "南门服务台"
	if err := f.settings.UpdateSettings(ctx, f.admin, set); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	next := f.mustLend(t, ledger.KindStroller, "S-01", "")
	if next.ReceiptNo != "A-20261126-0012" { // the same date's numbering continues
		t.Fatalf("next day receipt %s", next.ReceiptNo)
	}
	days, err := svc.Days(ctx, "", "")
	if err != nil || len(days) != 3 || !days[2].Open() || days[2].OpenSeq <= dc.Day.CloseSeq {
		t.Fatalf("days %+v %v", days, err)
	}
	r2, err := svc.Report(ctx, dc.Day.ID)
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := receipts.RenderDayPDF(&again, r2, testFont(t)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf.Bytes(), again.Bytes()) {
		t.Fatal("reprinted PDF differs")
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
}

func TestDayByDateAndReports(t *testing.T) {
	f := newLendFixture(t)
	ctx := context.Background()
	svc := NewDayCloseService(f.db)
	first := seedTwoDays(t, f)
	// A second close on the same business date.
	s1 := f.mustLend(t, ledger.KindStroller, "S-01", "")
	chk, _ := svc.CloseCheck(ctx)
	if chk.Day.Date != "2026-11-26" {
		t.Fatalf("date %s", chk.Day.Date)
	}
	a, err := svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: s1.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	chk, _ = svc.CloseCheck(ctx)
	b, err := svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())})
	if err != nil {
		t.Fatal(err)
	}
	if a.No != "A-20261126-01" || b.No != "A-20261126-02" {
		t.Fatalf("numbers %s %s", a.No, b.No)
	}
	d, err := svc.DayByDate(ctx, "2026-11-26", 0)
	if err != nil || d.ID != b.Day.ID {
		t.Fatalf("last %+v %v", d, err)
	}
	d, err = svc.DayByDate(ctx, "2026-11-26", 1)
	if err != nil || d.ID != a.Day.ID {
		t.Fatalf("first %+v %v", d, err)
	}
	_, err = svc.DayByDate(ctx, "2026-11-27", 0)
	wantCode(t, err, ledger.ENOTFOUND)
	_, err = svc.DayByDate(ctx, "2026-13-01", 0)
	wantCode(t, err, ledger.EINVALID)
	got, err := svc.Close(ctx, first.Day.ID)
	if err != nil || got.No != first.No || got.Approval.ApproverName != "王主管" {
		t.Fatalf("close %+v %v", got, err)
	}
	rs, err := svc.Reports(ctx, "2026-11-25", "2026-11-26")
	if err != nil || len(rs) != 3 {
		t.Fatalf("reports %d %v", len(rs), err)
	}
	_, err = svc.Reports(ctx, "2026-12-01", "2026-12-31")
	wantCode(t, err, ledger.ENOTFOUND)
	// A preview of the day not opened yet is empty but valid.
	r, err := svc.Report(ctx, 0)
	if err != nil || r.CloseNo != PreviewCloseNo || len(r.Summary) != 2 {
		t.Fatalf("preview %+v %v", r, err)
	}
}
