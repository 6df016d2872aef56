package receipts

import (
	"time"

	"servicedesk/ledger"
)

// DayReport is the end-of-day ledger (日结报表) of one counter, neutral of
// any output format: the ledger side fills it from the journal and
// RenderDayPDF / WriteDayXLSX lay it out. It carries no behaviour.
//
// Personal data arrives already masked (PIPL): phones as "138****1234"
// (MaskPhone), names of customers as "张*" (MaskName), ID numbers never.
// The renderers print strings as given; staff names are shown in full.
type DayReport struct {
	Mall         string // 商场名称, e.g. "某购物广场"
	Counter      string // 服务台, e.g. "一楼总服务台"
	BusinessDate string // 营业日, YYYY-MM-DD
	CloseNo      string // 日结单号, e.g. "20261125-01"

	// OpenedAt and ClosedAt bound the business day (opening to day close).
	// ClosedAt also stamps the PDF's creation date, so the same report
	// renders to the same bytes.
	OpenedAt, ClosedAt time.Time
	// Location is the counter's time zone for every time shown; nil means
	// China Standard Time (UTC+8).
	Location *time.Location

	StaffOnDuty []string // 值班人员 (display names)

	// Summary has one row per service (雨伞, 童车, …).
	Summary []SummaryRow
	// CashExpected is the cash the journal says the drawer holds at close;
	// CashCounted is what the staff counted. See CashDifference.
	CashExpected, CashCounted ledger.Fen

	// Sections has one table per ledger (雨伞, 童车, 药品, …), in display
	// order. A new ledger only adds a section.
	Sections []Section

	StillOut  []StillOutRow // 未归还物品 at close
	Approvals []ApprovalRow // 审批、作废记录 (voids, forfeits, waivers …)

	// HourlyLoans counts loans started in each hour of the day (0–23, in
	// Location) for the bar chart.
	HourlyLoans [24]int

	// Anchor is the journal head at the close (the day.close entry), as
	// SEQ:first 16 hex of its hash, printed beside the signatures so the
	// signed paper pins the database: servicedesk verify --anchor.
	Anchor string
}

// CashDifference returns counted minus expected cash: negative is a shortage.
func (r DayReport) CashDifference() ledger.Fen { return r.CashCounted - r.CashExpected }

// SummaryRow is one service's line in the summary table.
type SummaryRow struct {
	Service  string // 服务, e.g. "爱心雨伞"
	Lent     int    // 借出 (or dispensed) today
	Returned int    // 归还 today
	Damaged  int    // 损坏
	Lost     int    // 遗失 / 未还没收
	StillOut int    // 未还 at close

	DepositsTaken ledger.Fen // 收取押金
	Refunded      ledger.Fen // 退还押金
	Forfeited     ledger.Fen // 没收押金 (with approval)
	Compensation  ledger.Fen // 赔偿款 (damage at the price list)
	HeldAtOpen    ledger.Fen // 期初押金余额
	HeldAtClose   ledger.Fen // 期末押金余额
}

// Section is one ledger's table: preformatted cells, one Rows entry per
// journal line. Columns and every row should have the same length; Totals
// (optional) is printed bold under the rows. Cells formatted with
// ledger.Fen.String ("￥50.00") become numbers in the spreadsheet.
type Section struct {
	Title   string // e.g. "爱心雨伞借还明细"
	Columns []string
	Rows    [][]string
	Totals  []string
}

// StillOutRow is an item not returned at close.
type StillOutRow struct {
	Service string     // 服务
	ItemNo  string     // 编号
	LentAt  time.Time  // 借出时间
	Staff   string     // 经办柜员
	Phone   string     // 联系电话, already masked
	Deposit ledger.Fen // 押金
	Note    string     // 备注
}

// ApprovalRow is a void, forfeit, waiver, disposal or write-off and the
// supervisor who approved it.
type ApprovalRow struct {
	At       time.Time  // 时间
	Action   string     // 类型, e.g. "作废", "没收押金", "免收赔偿"
	Ref      string     // 单号 / 凭证
	Amount   ledger.Fen // 金额 (0 if none)
	Clerk    string     // 柜员
	Approver string     // 审批主管
	Reason   string     // 原因
}

// location returns r.Location or China Standard Time.
func (r DayReport) location() *time.Location {
	if r.Location != nil {
		return r.Location
	}
	return time.FixedZone("CST", 8*3600)
}
