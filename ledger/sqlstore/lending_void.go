package sqlstore

import (
	"context"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// Void reverses a loan registered by mistake (冲正), e.g. the wrong umbrella
// number or a customer who changed their mind at the counter. Only an open
// loan can be voided, with a supervisor other than the clerk approving. The
// deposit is refunded in full, the item is back in stock and a void slip is
// queued. Journaled as umbrella.void / stroller.void with Reverses = the
// original lend entry: {loan_id, receipt_no, return_no, item_id,
// item_number, deposit, refund, job_id, approval}.
func (s *LendingService) Void(ctx context.Context, actor ledger.Staff, loanID int64, approval *ledger.Approval) (ledger.Loan, error) {
	var loan ledger.Loan
	err := s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		var set ledger.Settings
		if loan, set, err = t.openLoan(loanID); err != nil {
			return err
		}
		var lendSeq int64
		if err := t.QueryRowContext(ctx, "SELECT lend_seq FROM loans WHERE id = ?", loan.ID).Scan(&lendSeq); err != nil {
			return internal("load lend entry", err)
		}
		used, err := t.useApprovals(ledger.VoidApproval(actor.ID, loan), approval)
		if err != nil {
			return err
		}
		loan.Status, loan.Refund, loan.ApproverID = ledger.LoanVoided, loan.Deposit, used[0].ApproverID
		loan.ClosedAt, loan.ClosedBy = t.now, actor.ID
		if loan.ReturnNo, err = t.nextReceiptNo(actor.ID); err != nil {
			return err
		}
		if loan.ReturnDesk, err = t.desk(); err != nil {
			return err
		}
		job, err := t.enqueueDocument(loan.ReturnNo, voidDocument(set, loan, clerk))
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, string(loan.Kind)+".void", map[string]any{
			"loan_id": loan.ID, "receipt_no": loan.ReceiptNo, "return_no": loan.ReturnNo,
			"item_id": loan.ItemID, "item_number": loan.ItemNumber, "deposit": loan.Deposit,
			"refund": loan.Refund, "job_id": job.ID, "approval": used[0],
			"desk": loan.ReturnDesk, "lend_desk": loan.Desk}, lendSeq)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		return t.closeLoan(loan, e.Seq, ledger.ItemIn)
	})
	if err != nil {
		return ledger.Loan{}, err
	}
	return loan, nil
}

// voidDocument is the slip handed over with the refunded deposit.
func voidDocument(set ledger.Settings, l ledger.Loan, actor ledger.Staff) receipts.Document {
	loc := set.Location()
	sep := receipts.Separator()
	lines := []receipts.Line{
		{Text: set.MallName, Bold: true, Double: true, Align: receipts.Center},
		{Text: l.Kind.Label() + "冲正单", Bold: true, Align: receipts.Center},
		{Text: set.CounterName, Align: receipts.Center},
		sep,
		{Text: "单号：" + l.ReturnNo},
		{Text: "原借出单：" + l.ReceiptNo},
		{Text: "时间：" + l.ClosedAt.In(loc).Format("2006-01-02 15:04")},
		{Text: "编号：" + l.ItemNumber},
		{Text: "经办：" + actor.Name},
	}
	if l.Deposit > 0 {
		lines = append(lines, receipts.Line{Text: "退还押金", Amount: l.Refund.String(), Bold: true})
	}
	lines = append(lines, sep, receipts.Line{Text: "原借出登记已撤销，原押金卡作废。"})
	return receipts.Document{Lines: lines}
}
