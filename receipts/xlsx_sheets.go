package receipts

import (
	"strings"

	"servicedesk/ledger"
)

// daySheets turns the reports into the workbook's sheets, in order.
func daySheets(reports []DayReport) []sheetData {
	used := map[string]bool{}
	sum := sheetData{name: sheetName("汇总", used),
		header: append([]string{"营业日", "商场", "服务台", "日结单号"}, summaryColumns...)}
	cash := sheetData{name: sheetName("现金", used),
		header: []string{"营业日", "服务台", "日结单号", "应有现金", "实点现金", "差额（实点-应有）"}}
	still := sheetData{header: append([]string{"营业日"}, stillOutColumns...)}
	appr := sheetData{header: append([]string{"营业日"}, approvalColumns...)}
	var sections []*sheetData
	byTitle := map[string]*sheetData{}
	colIndex := map[*sheetData]map[string]int{}
	for _, r := range reports {
		p := &dayPDF{r: r}
		for _, s := range r.Summary {
			row := []any{r.BusinessDate, r.Mall, r.Counter, r.CloseNo, s.Service,
				s.Lent, s.Returned, s.Damaged, s.Lost, s.StillOut,
				yuanCell(s.DepositsTaken), yuanCell(s.Refunded), yuanCell(s.Forfeited),
				yuanCell(s.Compensation), yuanCell(s.HeldAtOpen), yuanCell(s.HeldAtClose)}
			sum.rows = append(sum.rows, row)
		}
		cash.rows = append(cash.rows, []any{r.BusinessDate, r.Counter, r.CloseNo,
			yuanCell(r.CashExpected), yuanCell(r.CashCounted), yuanCell(r.CashDifference())})
		for _, row := range stillOutCells(r.StillOut, p.when) {
			still.rows = append(still.rows, dated(r.BusinessDate, row))
		}
		for _, row := range approvalCells(r.Approvals, p.when) {
			appr.rows = append(appr.rows, dated(r.BusinessDate, row))
		}
		for _, sec := range r.Sections {
			sd := byTitle[sec.Title]
			if sd == nil {
				sd = &sheetData{header: []string{"营业日"}}
				byTitle[sec.Title] = sd
				colIndex[sd] = map[string]int{}
				sections = append(sections, sd)
				sd.name = sec.Title // resolved below, after the fixed sheets
			}
			idx := colIndex[sd]
			for _, c := range sec.Columns {
				if _, ok := idx[c]; !ok {
					idx[c] = len(sd.header)
					sd.header = append(sd.header, c)
				}
			}
			for _, row := range sec.Rows {
				out := make([]any, len(sd.header))
				out[0] = r.BusinessDate
				for i := 1; i < len(out); i++ {
					out[i] = ""
				}
				for i, v := range row {
					if i < len(sec.Columns) {
						out[idx[sec.Columns[i]]] = cellValue(v)
					}
				}
				sd.rows = append(sd.rows, out)
			}
		}
	}
	out := []sheetData{sum, cash}
	for _, sd := range sections {
		sd.name = sheetName(sd.name, used)
		out = append(out, *sd)
	}
	still.name = sheetName("未归还物品", used)
	appr.name = sheetName("审批与作废", used)
	return append(out, still, appr)
}

// dated prefixes a formatted row with the business date and converts money.
func dated(date string, row []string) []any {
	out := make([]any, 0, len(row)+1)
	out = append(out, date)
	for _, v := range row {
		out = append(out, cellValue(v))
	}
	return out
}

// cellValue turns "￥50.00" / "-￥3.50" (ledger.Fen.String) into a money
// cell and leaves every other string as text, so "0007" stays "0007".
func cellValue(s string) any {
	neg := strings.HasPrefix(s, "-￥")
	rest, ok := strings.CutPrefix(strings.TrimPrefix(s, "-"), "￥")
	if !ok || !strings.Contains(rest, ".") {
		return s
	}
	f, err := ledger.ParseYuan(rest)
	if err != nil || f.Plain() != rest {
		return s
	}
	if neg {
		f = -f
	}
	return yuanCell(f)
}
