package receipts

import (
	"time"

	"servicedesk/ledger"
)

// SlipInfo is what a point-card or invoice slip prints: the head shared with
// the lending receipts, labelled fields, money lines, a paragraph for the
// customer and the signed QR that opens the record from the scan box.
// Personal data arrives masked.
type SlipInfo struct {
	ReceiptNo string
	Mall      string
	Counter   string
	Staff     string
	Time      time.Time
	Location  *time.Location
	Title     string      // e.g. 积分卡开卡凭证
	Fields    [][2]string // label, value
	Money     []Line      // amount lines (Amount set)
	Text      string      // the card guide, a rule, a reason
	Token     string
}

// CardSlip lays out a point-card or invoice slip. Text wraps to the paper
// when printed; nothing here depends on the paper width.
func CardSlip(in SlipInfo) Document {
	loc := in.Location
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	d := Document{Lines: []Line{
		{Text: in.Mall, Double: true, Align: Center},
		{Text: in.Title, Bold: true, Align: Center},
		{Text: in.Counter, Align: Center},
		Separator(),
		{Text: "单号：" + in.ReceiptNo},
		{Text: "时间：" + in.Time.In(loc).Format("2006-01-02 15:04")},
	}}
	for _, f := range in.Fields {
		if f[1] == "" {
			continue
		}
		d.Lines = append(d.Lines, Line{Text: f[0] + "：" + f[1]})
	}
	d.Lines = append(d.Lines, Line{Text: "经办：" + in.Staff})
	if len(in.Money) > 0 {
		d.Lines = append(d.Lines, Separator())
		d.Lines = append(d.Lines, in.Money...)
	}
	if in.Text != "" {
		d.Lines = append(d.Lines, Separator())
		d.Lines = append(d.Lines, rule(in.Text)...)
	}
	d.Lines = append(d.Lines, Separator())
	if in.Token != "" {
		d.QR, d.QRCaption = in.Token, in.Token
	}
	return d
}

// MoneyLine is a labelled amount on a slip.
func MoneyLine(label string, f ledger.Fen, bold bool) Line {
	return Line{Text: label, Amount: f.String(), Bold: bold}
}

// CountLine is a labelled number (points) on a slip.
func CountLine(label, value string, bold bool) Line {
	return Line{Text: label, Amount: value, Bold: bold}
}
