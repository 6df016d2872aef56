package receipts

import (
	"strconv"
	"time"
)

// summaryColumns are the titles of the summary table.
var summaryColumns = []string{"服务", "借出", "归还", "损坏", "遗失", "未还",
	"收取押金", "退还押金", "没收押金", "赔偿款", "期初押金", "期末押金"}

// summaryCells returns the summary table rows and their totals row.
func summaryCells(rows []SummaryRow) (cells [][]string, totals []string) {
	var t SummaryRow
	for _, s := range rows {
		cells = append(cells, summaryLine(s))
		t.Lent += s.Lent
		t.Returned += s.Returned
		t.Damaged += s.Damaged
		t.Lost += s.Lost
		t.StillOut += s.StillOut
		t.DepositsTaken += s.DepositsTaken
		t.Refunded += s.Refunded
		t.Forfeited += s.Forfeited
		t.Compensation += s.Compensation
		t.HeldAtOpen += s.HeldAtOpen
		t.HeldAtClose += s.HeldAtClose
	}
	t.Service = "合计"
	return cells, summaryLine(t)
}

// summaryLine formats one summary row.
func summaryLine(s SummaryRow) []string {
	return []string{s.Service,
		strconv.Itoa(s.Lent), strconv.Itoa(s.Returned), strconv.Itoa(s.Damaged),
		strconv.Itoa(s.Lost), strconv.Itoa(s.StillOut),
		s.DepositsTaken.String(), s.Refunded.String(), s.Forfeited.String(),
		s.Compensation.String(), s.HeldAtOpen.String(), s.HeldAtClose.String()}
}

// summary prints the per-service summary and the cash count.
func (p *dayPDF) summary() {
	cells, totals := summaryCells(p.r.Summary)
	p.table("一、汇总", summaryColumns, cells, totals)
	p.table("二、现金核对", []string{"应有现金", "实点现金", "差额（实点-应有）"},
		[][]string{{p.r.CashExpected.String(), p.r.CashCounted.String(), p.r.CashDifference().String()}}, nil)
}

// stillOutColumns are the titles of the still-out table.
var stillOutColumns = []string{"服务", "编号", "借出时间", "经办柜员", "联系电话", "押金", "备注"}

// stillOutCells formats the still-out rows; times use loc via when.
func stillOutCells(rows []StillOutRow, when func(time.Time) string) [][]string {
	out := make([][]string, len(rows))
	for i, s := range rows {
		out[i] = []string{s.Service, s.ItemNo, when(s.LentAt), s.Staff, s.Phone, s.Deposit.String(), s.Note}
	}
	return out
}

// stillOut prints the items not returned at close.
func (p *dayPDF) stillOut() {
	p.table("未归还物品（日结时）", stillOutColumns, stillOutCells(p.r.StillOut, p.when), nil)
}

// approvalColumns are the titles of the approvals table.
var approvalColumns = []string{"时间", "类型", "单号/凭证", "金额", "柜员", "审批主管", "原因"}

// approvalCells formats the approval rows.
func approvalCells(rows []ApprovalRow, when func(time.Time) string) [][]string {
	out := make([][]string, len(rows))
	for i, a := range rows {
		amount := ""
		if a.Amount != 0 {
			amount = a.Amount.String()
		}
		out[i] = []string{when(a.At), a.Action, a.Ref, amount, a.Clerk, a.Approver, a.Reason}
	}
	return out
}

// approvals prints voids, forfeits and waivers with their approver.
func (p *dayPDF) approvals() {
	p.table("审批与作废记录", approvalColumns, approvalCells(p.r.Approvals, p.when), nil)
}
