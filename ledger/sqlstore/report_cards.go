package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// cardsSection collects the day's point-card (积分卡) and invoice (发票)
// entries for the day report: one table each, empty (and left out) when
// the day had none, so reports of earlier days stay byte-identical.
type cardsSection struct {
	members, invoices [][]string
	fees              ledger.Fen
	signups, lost     int
	reissued, points  int
	issued, voided    int
	reversed          int
	issuedAmt         ledger.Fen
	voidedAmt         ledger.Fen
	redAmt            ledger.Fen
}

// cardsEvent is the union of the member.* and invoice.* entries' fields.
type cardsEvent struct {
	MemberNo  string           `json:"member_no"`
	CardNo    string           `json:"card_no"`
	OldCard   string           `json:"old_card"`
	NewCard   string           `json:"new_card"`
	Name      string           `json:"name_masked"`
	Mobile    string           `json:"mobile_masked"`
	Points    int64            `json:"points"`
	Fee       ledger.Fen       `json:"fee"`
	Note      string           `json:"note"`
	Receipts  []receiptRef     `json:"receipts"`
	ReceiptNo string           `json:"receipt_no"`
	InvoiceNo string           `json:"invoice_no"`
	RedNo     string           `json:"red_no"`
	ShopName  string           `json:"shop_name"`
	Buyer     string           `json:"buyer"`
	Title     string           `json:"title"`
	TaxNo     string           `json:"tax_no"`
	Amount    ledger.Fen       `json:"amount"`
	Reason    string           `json:"reason"`
	Approval  *ledger.Approval `json:"approval"`
}

// receiptList names the receipts of an entry: "A1 ￥120.00、A2 ￥35.50".
func receiptList(rs []receiptRef) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.No + " " + r.Amount.String()
	}
	return strings.Join(out, "、")
}

// cardsEntry adds one member.* or invoice.* entry to the sections.
func (b *reportBuilder) cardsEntry(e ledger.Entry) error {
	var ev cardsEvent
	if err := json.Unmarshal(e.Data, &ev); err != nil {
		return internal(fmt.Sprintf("decode entry %d", e.Seq), err)
	}
	c := &b.cards
	who := b.staffName(e.StaffID)
	pts := func(n int64) string { return strconv.FormatInt(n, 10) }
	switch e.Kind {
	case "member.signup":
		c.signups++
		c.members = append(c.members, []string{b.clock(e.At), "办卡", ev.MemberNo, ev.CardNo, ev.Name + " " + ev.Mobile, receiptList(ev.Receipts), pts(ev.Points), "", who})
	case "member.lost":
		c.lost++
		c.members = append(c.members, []string{b.clock(e.At), "挂失", ev.MemberNo, ev.CardNo, "", "", "", "", who})
	case "member.reissue":
		c.reissued++
		c.fees += ev.Fee
		c.members = append(c.members, []string{b.clock(e.At), "补办", ev.MemberNo, ev.OldCard + "→" + ev.NewCard, "", ev.ReceiptNo, pts(ev.Points) + " 转入", money(ev.Fee), who})
	case "member.backfill":
		c.points++
		c.members = append(c.members, []string{b.clock(e.At), "补录积分", ev.MemberNo, ev.CardNo, "", receiptList(ev.Receipts), pts(ev.Points), "", who})
	case "member.adjust":
		c.points++
		note := ev.Note
		if ev.Approval != nil {
			note += "（" + ev.Approval.ApproverName + " 批准）"
			b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: "积分调整", Ref: ev.MemberNo + " " + ev.CardNo,
				Clerk: who, Approver: ev.Approval.ApproverName, Reason: ev.Approval.Reason})
		}
		c.members = append(c.members, []string{b.clock(e.At), "积分调整", ev.MemberNo, ev.CardNo, "", note, pts(ev.Points), "", who})
	case "member.expire":
		c.members = append(c.members, []string{b.clock(e.At), "积分过期", ev.MemberNo, ev.CardNo, "", "", pts(ev.Points), "", who})
	case "invoice.issue":
		c.issued++
		c.issuedAmt += ev.Amount
		buyer := ev.Title
		if ev.TaxNo != "" {
			buyer += " " + ev.TaxNo
		}
		c.invoices = append(c.invoices, []string{b.clock(e.At), "开具", ev.InvoiceNo, ev.ShopName, buyer, receiptList(ev.Receipts), money(ev.Amount), who})
	case "invoice.void":
		c.voided++
		c.voidedAmt += ev.Amount
		note := "作废"
		if ev.Approval != nil {
			note += "（" + ev.Approval.ApproverName + " 批准）"
			b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: "发票作废", Ref: ev.InvoiceNo, Amount: ev.Amount,
				Clerk: who, Approver: ev.Approval.ApproverName, Reason: ev.Approval.Reason})
		}
		c.invoices = append(c.invoices, []string{b.clock(e.At), note, ev.InvoiceNo, ev.ShopName, "", "", money(-ev.Amount), who})
	case "invoice.reverse":
		c.reversed++
		c.redAmt -= ev.Amount
		c.invoices = append(c.invoices, []string{b.clock(e.At), "红冲", ev.RedNo + "（冲 " + ev.InvoiceNo + "）", ev.ShopName, "", "原因：" + ev.Reason, money(-ev.Amount), who})
	}
	return nil
}

// cardsTables returns the point-card and invoice sections the day had.
func (b *reportBuilder) cardsTables() []receipts.Section {
	c := b.cards
	var out []receipts.Section
	if len(c.members) > 0 {
		out = append(out, receipts.Section{Title: "积分卡",
			Columns: []string{"时间", "业务", "会员号", "卡号", "姓名 / 手机", "小票 / 说明", "积分", "工本费", "经办"},
			Rows:    c.members,
			Totals: []string{"合计", fmt.Sprintf("办卡 %d", c.signups), fmt.Sprintf("挂失 %d", c.lost), fmt.Sprintf("补办 %d", c.reissued),
				"", fmt.Sprintf("积分业务 %d", c.points), "", money(c.fees), ""}})
	}
	if len(c.invoices) > 0 {
		out = append(out, receipts.Section{Title: "代开发票",
			Columns: []string{"时间", "业务", "发票号码", "商户", "购买方", "小票 / 原因", "金额", "经办"},
			Rows:    c.invoices,
			Totals: []string{"合计", fmt.Sprintf("开具 %d", c.issued), fmt.Sprintf("作废 %d", c.voided), fmt.Sprintf("红冲 %d", c.reversed), "",
				"净额", money(c.issuedAmt - c.voidedAmt + c.redAmt), ""}})
	}
	return out
}
