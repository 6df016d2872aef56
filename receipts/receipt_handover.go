package receipts

import (
	"fmt"
	"time"

	"servicedesk/ledger"
)

// HandoverSlip is the printed shift handover (交接班记录): who handed over
// to whom, the cash and counts expected against counted, the open matters
// carried over and the note for the next shift, with two signature lines.
// It names staff only, never a customer.
func HandoverSlip(mall, counter string, h ledger.Handover, loc *time.Location) Document {
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	d := Document{Lines: []Line{
		{Text: mall, Double: true, Align: Center},
		{Text: "交接班记录", Bold: true, Align: Center},
		{Text: counter, Align: Center},
		Separator(),
		{Text: "单号：" + h.No},
		{Text: "交接时间：" + h.At.In(loc).Format("2006-01-02 15:04")},
		{Text: "交班：" + h.FromName},
		{Text: "接班：" + h.ToName, Bold: true},
	}}
	if !h.Since.IsZero() {
		d.Lines = append(d.Lines, Line{Text: "本班自：" + h.Since.In(loc).Format("01-02 15:04")})
	}
	d.Lines = append(d.Lines, Separator(),
		Line{Text: "应有现金", Amount: h.CashExpected.String()},
		Line{Text: "实点现金", Amount: h.CashCounted.String()},
		Line{Text: ledger.CashDifferenceLabel(h.CashDifference()), Amount: h.CashDifference().String(), Bold: true})
	for _, c := range h.Counts {
		d.Lines = append(d.Lines, Line{Text: c.Label, Amount: fmt.Sprintf("应有%d 实点%d", c.Expected, c.Counted)})
		if c.Difference() != 0 {
			d.Lines = append(d.Lines, Line{Text: "  差异", Amount: fmt.Sprintf("%+d", c.Difference()), Bold: true})
		}
	}
	d.Lines = append(d.Lines, Separator(), Line{Text: "移交未结事项", Bold: true})
	if len(h.Open) == 0 {
		d.Lines = append(d.Lines, Line{Text: "无"})
	}
	for _, m := range h.Open {
		d.Lines = append(d.Lines, Line{Text: "· " + m.Text})
	}
	if h.Note != "" {
		d.Lines = append(d.Lines, Line{Text: "交接事项：" + h.Note})
	}
	d.Lines = append(d.Lines, Separator(),
		Line{Text: "交班人签字："}, Line{Text: ""},
		Line{Text: "接班人签字："}, Line{Text: ""},
		Separator())
	return d
}
