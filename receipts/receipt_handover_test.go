package receipts

import (
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// TestHandoverSlipLongest: the handover slip with the longest names (32
// runes), a 40-rune mall and counter name, every open matter and a
// 300-rune note fits 58 mm and 80 mm paper (assertHas checks every laid
// out line), survives the ESC/POS round trip, and names no customer.
func TestHandoverSlipLongest(t *testing.T) {
	long := strings.Repeat("欧", 32)
	h := ledger.Handover{No: "JB-20261125-01", At: time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC),
		FromName: long, ToName: strings.Repeat("阳", 32), Since: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC),
		CashExpected: ledger.Yuan(1_234_567), CashCounted: ledger.Yuan(1_234_500),
		Counts: []ledger.HandoverCount{{What: "umbrella", Label: "爱心雨伞（在库）", Expected: 99999, Counted: 100000},
			{What: "stroller", Label: "爱心童车（在库）", Expected: 6, Counted: 6},
			{What: ledger.CountMedicine, Label: "应急药品（件）", Expected: 37, Counted: 35}},
		Open: []ledger.OpenMatter{{Kind: "loans_out_umbrella", Count: 12345, Text: "爱心雨伞未归还 12345 件"},
			{Kind: ledger.MatterFeedbackOverdue, Count: 3, Text: "其中已逾期 3 条"}},
		Note: strings.Repeat("伞骨松动待修，", 42) + "好"}
	d := HandoverSlip(strings.Repeat("天", 40), strings.Repeat("台", 40), h, nil)
	assertHas(t, d, "交接班记录", "单号：JB-20261125-01", "交接时间：2026-11-25 14:00", "交班："+long,
		"应有现金 ￥1234567.00", "实点现金 ￥1234500.00", "短款 -￥67.00", "差异 +1", "差异 -2",
		"爱心雨伞未归还 12345 件", "接班人签字")
	for _, width := range []int{Width58mm, Width80mm} {
		raw, err := EncodeESCPOS(d, ESCPOSOptions{Width: width})
		if err != nil {
			t.Fatal(err)
		}
		dec, err := DecodeESCPOS(raw)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(dec.Texts(), "")
		for _, w := range []string{"交接班记录", "JB-20261125-01", "接班人签字"} {
			if !strings.Contains(text, w) {
				t.Fatalf("%d columns: printed slip lacks %q", width, w)
			}
		}
		for _, l := range dec.Texts() {
			if c := TextColumns(l); c > width {
				t.Fatalf("%d columns: printed line %q is %d wide", width, l, c)
			}
		}
	}
	if strings.Contains(joined(d), "138") {
		t.Fatal("a phone on the handover slip")
	}
}
