package sqlstore

import (
	"context"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

const loanColumns = `l.id, l.kind, l.item_id, i.number, l.receipt_no, l.token, l.lent_at, l.lent_by, l.phone_masked,
	l.deposit, l.status, l.closed_at, l.closed_by, l.refund, l.charge, l.collected, l.forfeit, l.damage,
	l.approver_id, l.return_no, l.desk, l.return_desk`

const loanFrom = " FROM loans l JOIN items i ON i.id = l.item_id"

// scanLoan reads one loan row (loanColumns order).
func scanLoan(sc interface{ Scan(...any) error }) (ledger.Loan, error) {
	var l ledger.Loan
	var lent, closed string
	err := sc.Scan(&l.ID, &l.Kind, &l.ItemID, &l.ItemNumber, &l.ReceiptNo, &l.Token, &lent, &l.LentBy, &l.PhoneMasked,
		&l.Deposit, &l.Status, &closed, &l.ClosedBy, &l.Refund, &l.Charge, &l.Collected, &l.Forfeit, &l.Damage,
		&l.ApproverID, &l.ReturnNo, &l.Desk, &l.ReturnDesk)
	if err != nil {
		return l, err
	}
	if l.LentAt, err = parseTime(lent); err != nil {
		return l, err
	}
	l.ClosedAt, err = parseTime(closed)
	return l, err
}

// loadLoan loads the one loan matching where (a condition on alias l).
func loadLoan(ctx context.Context, q queryer, where string, args ...any) (ledger.Loan, error) {
	l, err := scanLoan(q.QueryRowContext(ctx, "SELECT "+loanColumns+loanFrom+" WHERE "+where, args...))
	if errNoRows(err) {
		return l, ledger.Errorf(ledger.ENOTFOUND, "找不到该借用记录")
	} else if err != nil {
		return l, internal("load loan", err)
	}
	return l, nil
}

// listLoans runs a loan query and scans every row.
func listLoans(ctx context.Context, q queryer, query string, args ...any) ([]ledger.Loan, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal("list loans", err)
	}
	defer rows.Close()
	var out []ledger.Loan
	for rows.Next() {
		l, err := scanLoan(rows)
		if err != nil {
			return nil, internal("scan loan", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list loans", err)
	}
	return out, nil
}

// Loan returns one loan by id.
func (s *LendingService) Loan(ctx context.Context, id int64) (ledger.Loan, error) {
	return loadLoan(ctx, s.db.db, "l.id = ?", id)
}

// LoanByReceipt finds a loan by its lend receipt number or its return slip
// number (1F-20261125-0007; surrounding spaces and the case of the desk
// code ignored). Receipt numbers are unique in the mall. A number typed
// without its desk code (20261125-0007) is first taken as written (numbers
// from before desks have none) and then as this desk's, never as another
// desk's.
func (s *LendingService) LoanByReceipt(ctx context.Context, receiptNo string) (ledger.Loan, error) {
	receiptNo = strings.ToUpper(strings.TrimSpace(receiptNo))
	if receiptNo == "" {
		return ledger.Loan{}, ledger.Errorf(ledger.EINVALID, "请输入单据号")
	}
	l, err := byReceiptNo(ctx, s.db, receiptNo, func(no string) (ledger.Loan, error) {
		return loadLoan(ctx, s.db.db, "l.receipt_no = ? OR l.return_no = ?", no, no)
	})
	if ledger.ErrorCode(err) == ledger.ENOTFOUND {
		return l, ledger.Errorf(ledger.ENOTFOUND, "找不到单据 %s 的借用记录", ledger.Quote(receiptNo))
	}
	return l, err
}

// LoanByToken opens the loan of a scanned QR token. The token's HMAC is
// checked with the install's key first: a forged, altered or foreign token
// is refused with receipts.Signer's EINVALID "无效凭证", and a valid token of
// another record type (lost and found, invoice…) with EINVALID too. Nothing
// is written.
func (s *LendingService) LoanByToken(ctx context.Context, token string) (ledger.Loan, error) {
	kind, id, err := verifyToken(ctx, s.db, token)
	if err != nil {
		return ledger.Loan{}, err
	}
	var want ledger.ItemKind
	switch kind {
	case receipts.KindUmbrella:
		want = ledger.KindUmbrella
	case receipts.KindStroller:
		want = ledger.KindStroller
	default:
		return ledger.Loan{}, ledger.Errorf(ledger.EINVALID, "该凭证不是雨伞或童车借用凭证")
	}
	l, err := loadLoan(ctx, s.db.db, "l.id = ?", id)
	if err != nil {
		return l, err
	}
	if l.Kind != want {
		return ledger.Loan{}, ledger.Errorf(ledger.EINVALID, "无效凭证")
	}
	return l, nil
}

// page clamps an offset and a limit.
func page(offset, limit int) (int, int) {
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = defaultPage
	}
	return offset, min(limit, maxPage)
}

// kindFilter returns a condition and its arguments for kind ("" for all).
func kindFilter(kind ledger.ItemKind) (string, []any, error) {
	if kind == "" {
		return "1 = 1", nil, nil
	}
	if err := validKind(kind); err != nil {
		return "", nil, err
	}
	return "l.kind = ?", []any{kind}, nil
}

// pagedLoans returns one page of loans matching cond, and how many match.
// Loans are ordered by id, which is the order they were lent in (stored
// RFC 3339 times with trimmed fractions do not sort as strings).
func (s *LendingService) pagedLoans(ctx context.Context, cond string, args []any, order string, offset, limit int) ([]ledger.Loan, int, error) {
	offset, limit = page(offset, limit)
	var total int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM loans l WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, internal("count loans", err)
	}
	list, err := listLoans(ctx, s.db.db, "SELECT "+loanColumns+loanFrom+" WHERE "+cond+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(append([]any{}, args...), limit, offset)...)
	return list, total, err
}

// OpenLoans lists open loans of a kind ("" for all), oldest first, with the
// total number of open loans of that kind.
func (s *LendingService) OpenLoans(ctx context.Context, kind ledger.ItemKind, offset, limit int) ([]ledger.Loan, int, error) {
	cond, args, err := kindFilter(kind)
	if err != nil {
		return nil, 0, err
	}
	return s.pagedLoans(ctx, "l.status = 'open' AND "+cond, args, "l.id", offset, limit)
}

// RecentLoans lists the loans of a kind ("" for all), newest first, with
// the total number of loans of that kind.
func (s *LendingService) RecentLoans(ctx context.Context, kind ledger.ItemKind, offset, limit int) ([]ledger.Loan, int, error) {
	cond, args, err := kindFilter(kind)
	if err != nil {
		return nil, 0, err
	}
	return s.pagedLoans(ctx, cond, args, "l.id DESC", offset, limit)
}

// DepositsHeld is the sum of the deposits of the open loans this desk lent
// (the deposits in its drawer).
func (s *LendingService) DepositsHeld(ctx context.Context) (ledger.Fen, error) {
	desk, err := s.db.deskCode(ctx, s.db.db)
	if err != nil {
		return 0, err
	}
	var sum ledger.Fen
	if err := s.db.db.QueryRowContext(ctx, "SELECT coalesce(sum(deposit), 0) FROM loans WHERE status = 'open' AND (desk = ? OR ? = '')", desk, desk).Scan(&sum); err != nil {
		return 0, internal("sum deposits", err)
	}
	return sum, nil
}

// StillOut lists every stroller, then every umbrella, this desk lent that
// is still out, oldest first, for the closing check (procedures 5.2.10:
// strollers still out are flagged).
func (s *LendingService) StillOut(ctx context.Context) ([]ledger.Loan, error) {
	desk, err := s.db.deskCode(ctx, s.db.db)
	if err != nil {
		return nil, err
	}
	return listLoans(ctx, s.db.db, "SELECT "+loanColumns+loanFrom+" WHERE l.status = 'open' AND (l.desk = ? OR ? = '') ORDER BY l.kind, l.id", desk, desk)
}
