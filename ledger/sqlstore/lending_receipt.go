package sqlstore

import (
	"strings"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// lendingInfo fills the receipt fields common to lend and return slips.
func lendingInfo(set ledger.Settings, l ledger.Loan, actor ledger.Staff, receiptNo string, at time.Time) receipts.LendingInfo {
	return receipts.LendingInfo{
		ReceiptNo: receiptNo, Mall: set.MallName, Counter: set.CounterName, Staff: actor.Name,
		Time: at, Location: set.Location(), ItemNo: l.ItemNumber, Deposit: l.Deposit,
		Phone: l.PhoneMasked, Token: l.Token,
	}
}

// lendDocument lays out the lend receipt: the umbrella deposit card or the
// stroller loan slip, with the signed token in its QR.
func lendDocument(set ledger.Settings, l ledger.Loan, actor ledger.Staff) receipts.Document {
	in := lendingInfo(set, l, actor, l.ReceiptNo, l.LentAt)
	if l.Kind == ledger.KindStroller {
		return receipts.StrollerLendReceipt(in)
	}
	return receipts.UmbrellaLendReceipt(in)
}

// returnDocument lays out the return slip with the builders of package
// receipts. Two cases they do not print yet are added here: the shortfall
// collected when a damage charge exceeds the deposit, and a loan closed as
// lost (no "returned" wording; the forfeit is shown instead).
func returnDocument(set ledger.Settings, l ledger.Loan, actor ledger.Staff) receipts.Document {
	in := lendingInfo(set, l, actor, l.ReturnNo, l.ClosedAt)
	in.Refund, in.Charge, in.ChargeNote = l.Refund, l.Charge, l.Damage
	var doc receipts.Document
	if l.Kind == ledger.KindStroller {
		doc = receipts.StrollerReturnReceipt(in)
	} else {
		doc = receipts.UmbrellaReturnReceipt(in)
	}
	if l.Status != ledger.LoanLost && l.Collected == 0 && (l.Kind == ledger.KindUmbrella || l.Damage == "") {
		return doc
	}
	// Keep the head (mall … phone) and the QR; rewrite the money part.
	cut := len(doc.Lines)
	for i, line := range doc.Lines {
		if line.Text == "押金" || line.Text == "状态" {
			cut = i
			break
		}
	}
	sep := receipts.Separator()
	lines := append([]receipts.Line(nil), doc.Lines[:cut]...)
	switch {
	case l.Status == ledger.LoanLost:
		if len(lines) > 1 {
			lines[1].Text = l.Kind.Label() + "遗失登记"
		}
		for i := range lines {
			lines[i].Text = strings.Replace(lines[i].Text, "归还时间：", "登记时间：", 1)
		}
		if l.Kind == ledger.KindUmbrella || l.Deposit > 0 {
			lines = append(lines,
				receipts.Line{Text: "押金", Amount: l.Deposit.String()},
				receipts.Line{Text: "押金没收（遗失）", Amount: (-l.Forfeit).String()},
				receipts.Line{Text: "退还押金", Amount: l.Refund.String(), Bold: true},
				receipts.Line{Text: "物品遗失，押金不予退还。"})
		} else {
			lines = append(lines, receipts.Line{Text: "状态", Amount: "遗失", Bold: true})
		}
	case l.Kind == ledger.KindStroller:
		lines = append(lines, receipts.Line{Text: "状态", Amount: l.Status.Label(), Bold: true},
			receipts.Line{Text: "损坏情况：" + l.Damage})
	default: // umbrella damage charge above the deposit
		lines = append(lines,
			receipts.Line{Text: "押金", Amount: l.Deposit.String()},
			receipts.Line{Text: "损坏赔偿（" + l.Damage + "）", Amount: (-l.Charge).String()},
			receipts.Line{Text: "退还押金", Amount: l.Refund.String()},
			receipts.Line{Text: "另收赔偿", Amount: l.Collected.String(), Bold: true})
	}
	doc.Lines = append(lines, sep)
	return doc
}
