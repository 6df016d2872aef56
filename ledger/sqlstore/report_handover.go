package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// handoverEntry adds one shift.handover entry to the day report's 交接班记录
// table.
func (b *reportBuilder) handoverEntry(e ledger.Entry) error {
	var ev handoverEvent
	if err := json.Unmarshal(e.Data, &ev); err != nil {
		return internal(fmt.Sprintf("decode entry %d", e.Seq), err)
	}
	var counts []string
	for _, c := range ev.Counts {
		s := fmt.Sprintf("%s %d/%d", strings.TrimSuffix(c.Label, "（在库）"), c.Counted, c.Expected)
		if d := c.Difference(); d != 0 {
			s += fmt.Sprintf("（%+d）", d)
		}
		counts = append(counts, s)
	}
	diff := ledger.CashDifferenceLabel(ev.Difference)
	if ev.Difference != 0 {
		diff += " " + ev.Difference.String()
	}
	note := ev.Note
	if len(ev.Open) > 0 {
		var open []string
		for _, m := range ev.Open {
			open = append(open, m.Text)
		}
		if note != "" {
			note += "；"
		}
		note += "移交：" + strings.Join(open, "，")
	}
	b.handovers = append(b.handovers, []string{b.clock(e.At), ev.No, ev.FromName, ev.ToName, ev.CashExpected.String(),
		ev.CashCounted.String(), diff, strings.Join(counts, "，"), note})
	return nil
}

// handoverTable returns the 交接班记录 section, or nil when the day had no
// handover (reports of earlier days stay byte-identical).
func (b *reportBuilder) handoverTable() *receipts.Section {
	if len(b.handovers) == 0 {
		return nil
	}
	return &receipts.Section{Title: "交接班记录",
		Columns: []string{"时间", "单号", "交班", "接班", "应有现金", "实点现金", "差额", "物品 实点/应有", "交接事项"},
		Rows:    b.handovers,
		Totals:  []string{"合计", fmt.Sprintf("%d 次", len(b.handovers)), "", "", "", "", "", "", ""}}
}
