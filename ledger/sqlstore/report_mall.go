package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// MallReport builds the duty manager's report of every desk's business
// days dated date: a per-desk summary table, then each desk's sections
// (titled with the desk), its loans still out and its approvals, and the
// mall's totals in the summary rows and the cash figures. Open days are
// included as previews. ENOTFOUND when no desk has a day of that date.
func (s *DayCloseService) MallReport(ctx context.Context, date string) (receipts.DayReport, error) {
	if date == "" {
		return receipts.DayReport{}, ledger.Errorf(ledger.EINVALID, "请输入营业日，例：2026-11-25")
	}
	days, err := s.days(ctx, "", date, date)
	if err != nil {
		return receipts.DayReport{}, err
	}
	if len(days) == 0 {
		return receipts.DayReport{}, ledger.Errorf(ledger.ENOTFOUND, "营业日 %s 没有记录", date)
	}
	parts := make([]receipts.DayReport, 0, len(days))
	for _, d := range days {
		r, err := s.Report(ctx, d.ID)
		if err != nil {
			return receipts.DayReport{}, fmt.Errorf("report of desk %s day %d: %w", d.Desk, d.ID, err)
		}
		parts = append(parts, r)
	}
	return mergeReports(days, parts), nil
}

// mergeReports lays the desks' reports of one date into one.
func mergeReports(days []ledger.BusinessDay, parts []receipts.DayReport) receipts.DayReport {
	first := parts[0]
	out := receipts.DayReport{Mall: first.Mall, BusinessDate: first.BusinessDate, CloseNo: "全馆汇总",
		OpenedAt: first.OpenedAt, ClosedAt: first.ClosedAt, Location: first.Location}
	var codes []string
	seenDesk, seenStaff := map[string]bool{}, map[string]bool{}
	summary := map[string]*receipts.SummaryRow{}
	var order []string
	desks := receipts.Section{Title: "各服务台汇总", Columns: []string{"服务台", "日结单号", "借出", "归还", "收取押金", "退还押金", "赔偿", "没收", "应有现金", "实点现金", "差额"}}
	for i, r := range parts {
		code := days[i].Desk
		if !seenDesk[code] {
			seenDesk[code] = true
			codes = append(codes, code)
		}
		if r.OpenedAt.Before(out.OpenedAt) {
			out.OpenedAt = r.OpenedAt
		}
		if r.ClosedAt.After(out.ClosedAt) {
			out.ClosedAt = r.ClosedAt
		}
		for _, st := range r.StaffOnDuty {
			if !seenStaff[st] {
				seenStaff[st] = true
				out.StaffOnDuty = append(out.StaffOnDuty, st)
			}
		}
		var lent, returned int
		var taken, refunded, comp, forf ledger.Fen
		for _, row := range r.Summary {
			sum, ok := summary[row.Service]
			if !ok {
				sum = &receipts.SummaryRow{Service: row.Service}
				summary[row.Service] = sum
				order = append(order, row.Service)
			}
			sum.Lent += row.Lent
			sum.Returned += row.Returned
			sum.Damaged += row.Damaged
			sum.Lost += row.Lost
			sum.StillOut += row.StillOut
			sum.DepositsTaken += row.DepositsTaken
			sum.Refunded += row.Refunded
			sum.Forfeited += row.Forfeited
			sum.Compensation += row.Compensation
			sum.HeldAtOpen += row.HeldAtOpen
			sum.HeldAtClose += row.HeldAtClose
			lent, returned = lent+row.Lent, returned+row.Returned
			taken, refunded, comp, forf = taken+row.DepositsTaken, refunded+row.Refunded, comp+row.Compensation, forf+row.Forfeited
		}
		out.CashExpected += r.CashExpected
		out.CashCounted += r.CashCounted
		desks.Rows = append(desks.Rows, []string{code + " " + r.Counter, r.CloseNo, fmt.Sprint(lent), fmt.Sprint(returned),
			taken.String(), refunded.String(), comp.String(), forf.String(), r.CashExpected.String(), r.CashCounted.String(),
			r.CashDifference().String()})
		for h, n := range r.HourlyLoans {
			out.HourlyLoans[h] += n
		}
		for _, sec := range r.Sections {
			sec.Title = code + " " + sec.Title
			out.Sections = append(out.Sections, sec)
		}
		for _, row := range r.StillOut {
			row.Service = code + " " + row.Service
			out.StillOut = append(out.StillOut, row)
		}
		for _, a := range r.Approvals {
			a.Action = code + " " + a.Action
			out.Approvals = append(out.Approvals, a)
		}
	}
	for _, svc := range order {
		out.Summary = append(out.Summary, *summary[svc])
	}
	desks.Totals = []string{"全馆", fmt.Sprintf("%d 个营业日", len(parts)), "", "", "", "", "", "",
		out.CashExpected.String(), out.CashCounted.String(), out.CashDifference().String()}
	out.Sections = append([]receipts.Section{desks}, out.Sections...)
	out.Counter = "全馆（" + strings.Join(codes, "、") + "）"
	return out
}
