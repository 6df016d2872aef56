package receipts

import (
	"time"

	"servicedesk/ledger"
)

// Rules printed on lending receipts (the customer keeps the lend receipt as
// the deposit card).
const (
	UmbrellaLendRule = "凭此押金卡归还雨伞，押金全额退还；雨伞损坏按价赔偿；遗失或未归还的，押金不予退还。"
	StrollerLendRule = "此爱心童车仅限在广场内使用，离开广场前请到总服务台归还。"
)

// LendingInfo is what a lending receipt prints. Phone should already be
// masked; the builders mask it again (MaskPhone is idempotent) so a whole
// number never reaches paper.
type LendingInfo struct {
	ReceiptNo string // 单号, e.g. "20261125-0007"
	Mall      string // 商场
	Counter   string // 服务台
	Staff     string // 经办 (display name)
	Time      time.Time
	Location  *time.Location // zone for Time; nil means UTC+8
	ItemNo    string         // 雨伞 / 童车编号

	Deposit ledger.Fen // deposit taken at lending
	Refund  ledger.Fen // deposit refunded at return
	Charge  ledger.Fen // compensation kept at return (damage)
	// ChargeNote says why, e.g. "伞骨折断"; printed with the charge.
	ChargeNote string

	Phone string // 联系电话, masked
	Token string // signed QR token (Signer.Sign); empty prints no QR
}

// UmbrellaLendReceipt is the umbrella deposit card (爱心雨伞押金卡).
func UmbrellaLendReceipt(in LendingInfo) Document {
	d := receiptHead(in, "爱心雨伞押金卡", "借出时间", "雨伞编号")
	d.Lines = append(d.Lines, Line{Text: "押金", Amount: in.Deposit.String(), Bold: true})
	d.Lines = append(d.Lines, rule(UmbrellaLendRule)...)
	return receiptFoot(d, in)
}

// UmbrellaReturnReceipt is the umbrella return slip: deposit, any damage
// charge and the refund.
func UmbrellaReturnReceipt(in LendingInfo) Document {
	d := receiptHead(in, "爱心雨伞归还凭证", "归还时间", "雨伞编号")
	d.Lines = append(d.Lines, Line{Text: "押金", Amount: in.Deposit.String()})
	if in.Charge != 0 {
		label := "损坏赔偿"
		if in.ChargeNote != "" {
			label += "（" + in.ChargeNote + "）"
		}
		d.Lines = append(d.Lines, Line{Text: label, Amount: (-in.Charge).String()})
	}
	d.Lines = append(d.Lines, Line{Text: "退还押金", Amount: in.Refund.String(), Bold: true})
	d.Lines = append(d.Lines, rule("雨伞已归还，押金已退还。感谢使用爱心雨伞！")...)
	return receiptFoot(d, in)
}

// StrollerLendReceipt is the stroller loan slip; strollers are free unless
// a deposit is set.
func StrollerLendReceipt(in LendingInfo) Document {
	d := receiptHead(in, "爱心童车借用凭证", "借出时间", "童车编号")
	if in.Deposit != 0 {
		d.Lines = append(d.Lines, Line{Text: "押金", Amount: in.Deposit.String(), Bold: true})
	} else {
		d.Lines = append(d.Lines, Line{Text: "押金", Amount: "免押金"})
	}
	d.Lines = append(d.Lines, rule(StrollerLendRule)...)
	return receiptFoot(d, in)
}

// StrollerReturnReceipt is the stroller return slip (已还).
func StrollerReturnReceipt(in LendingInfo) Document {
	d := receiptHead(in, "爱心童车归还凭证", "归还时间", "童车编号")
	d.Lines = append(d.Lines, Line{Text: "状态", Amount: "已还", Bold: true})
	if in.Refund != 0 {
		d.Lines = append(d.Lines, Line{Text: "退还押金", Amount: in.Refund.String(), Bold: true})
	}
	d.Lines = append(d.Lines, rule("童车已归还，感谢使用爱心童车！")...)
	return receiptFoot(d, in)
}

// receiptHead prints mall, title, counter and the common fields.
func receiptHead(in LendingInfo, title, timeLabel, itemLabel string) Document {
	loc := in.Location
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	d := Document{Lines: []Line{
		{Text: in.Mall, Double: true, Align: Center},
		{Text: title, Bold: true, Align: Center},
		{Text: in.Counter, Align: Center},
		Separator(),
		{Text: "单号：" + in.ReceiptNo},
		{Text: timeLabel + "：" + in.Time.In(loc).Format("2006-01-02 15:04")},
		{Text: itemLabel + "：" + in.ItemNo, Bold: true},
		{Text: "经办：" + in.Staff},
	}}
	if phone := MaskPhone(in.Phone); phone != "" {
		d.Lines = append(d.Lines, Line{Text: "联系电话：" + phone})
	}
	return d
}

// receiptFoot adds the separator and the QR token.
func receiptFoot(d Document, in LendingInfo) Document {
	d.Lines = append(d.Lines, Separator())
	if in.Token != "" {
		d.QR = in.Token
		d.QRCaption = in.Token
	}
	return d
}

// rule is a paragraph of rules for the customer; the encoder wraps it to
// the paper, breaking after Chinese punctuation where it can.
func rule(text string) []Line { return []Line{{Text: text}} }
