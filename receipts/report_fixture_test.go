package receipts

import (
	"fmt"
	"os"
	"testing"
	"time"

	"servicedesk/ledger"
)

// testFont reads the CJK font from the assets folder.
func testFont(tb testing.TB) []byte {
	tb.Helper()
	font, err := os.ReadFile("../assets/DroidSansFallbackFull.ttf")
	if err != nil {
		tb.Fatalf("read font: %v", err)
	}
	return font
}

// shanghai is UTC+8 without depending on the tz database.
var shanghai = time.FixedZone("CST", 8*3600)

// sampleReport returns a day with known numbers and n umbrella journal rows.
func sampleReport(n int) DayReport {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai)
	r := DayReport{
		Mall:         "某购物广场",
		Counter:      "一楼总服务台",
		BusinessDate: "2026-11-25",
		CloseNo:      "20261125-01",
		OpenedAt:     day.Add(9*time.Hour + 30*time.Minute).UTC(),
		ClosedAt:     day.Add(22*time.Hour + 5*time.Minute).UTC(),
		Location:     shanghai,
		StaffOnDuty:  []string{"王丽（主管）", "张敏", "李娜"},
		Summary: []SummaryRow{
			{Service: "爱心雨伞", Lent: 42, Returned: 38, Damaged: 1, Lost: 1, StillOut: 3,
				DepositsTaken: ledger.Yuan(2100), Refunded: ledger.Yuan(1850), Forfeited: ledger.Yuan(50),
				Compensation: ledger.Yuan(30), HeldAtOpen: ledger.Yuan(400), HeldAtClose: ledger.Yuan(570)},
			{Service: "爱心童车", Lent: 17, Returned: 16, StillOut: 1},
		},
		CashExpected: ledger.Yuan(1320),
		CashCounted:  ledger.Yuan(1310),
		StillOut: []StillOutRow{
			{Service: "爱心雨伞", ItemNo: "U-0012", LentAt: day.Add(18 * time.Hour).UTC(), Staff: "张敏", Phone: "138****1234", Deposit: ledger.Yuan(50)},
			{Service: "爱心童车", ItemNo: "S-03", LentAt: day.Add(20*time.Hour + 40*time.Minute).UTC(), Staff: "李娜", Phone: "139****8888", Note: "已电话提醒"},
		},
		Approvals: []ApprovalRow{
			{At: day.Add(15 * time.Hour).UTC(), Action: "没收押金", Ref: "20261125-0007", Amount: ledger.Yuan(50), Clerk: "张敏", Approver: "王丽", Reason: "雨伞遗失，顾客确认"},
			{At: day.Add(16 * time.Hour).UTC(), Action: "作废", Ref: "20261125-0011", Clerk: "李娜", Approver: "王丽", Reason: "录错编号，已重新登记"},
		},
	}
	for h, c := range []int{9: 2, 10: 5, 11: 9, 12: 6, 13: 3, 14: 4, 15: 2, 16: 1, 17: 7, 18: 12, 19: 5, 20: 3, 21: 1} {
		r.HourlyLoans[h] = c
	}
	umb := Section{Title: "爱心雨伞借还明细", Columns: []string{"单号", "雨伞编号", "借出时间", "归还时间", "押金", "退还", "赔偿", "联系电话", "柜员", "状态"}}
	for i := 1; i <= n; i++ {
		lent := day.Add(9*time.Hour + time.Duration(i*13%(12*60))*time.Minute)
		status, back, refund := "已还", lent.Add(95*time.Minute).Format("15:04"), "￥50.00"
		switch i % 17 {
		case 0:
			status, back, refund = "未还", "", ""
		case 5:
			status, refund = "损坏（伞骨折断）按价赔偿", "￥20.00"
		}
		umb.Rows = append(umb.Rows, []string{fmt.Sprintf("20261125-%04d", i), fmt.Sprintf("U-%04d", i%300+1),
			lent.Format("15:04"), back, "￥50.00", refund, map[bool]string{true: "￥30.00"}[i%17 == 5],
			fmt.Sprintf("13%d****%04d", 5+i%5, i*37%10000), []string{"张敏", "李娜"}[i%2], status})
	}
	umb.Totals = []string{"合计", fmt.Sprintf("%d 笔", n), "", "", "￥2100.00", "￥1850.00", "￥30.00", "", "", ""}
	str := Section{Title: "爱心童车借还明细", Columns: []string{"单号", "童车编号", "借出时间", "归还时间", "联系电话", "柜员", "状态"},
		Rows: [][]string{
			{"20261125-0101", "S-01", "10:12", "11:40", "137****0001", "张敏", "已还"},
			{"20261125-0102", "S-03", "20:40", "", "139****8888", "李娜", "未还"},
		},
		Totals: []string{"合计", "2 笔", "", "", "", "", "未还 1"}}
	r.Sections = []Section{umb, str}
	return r
}
