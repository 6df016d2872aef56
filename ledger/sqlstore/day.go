package sqlstore

import (
	"servicedesk/ledger"
)

const dayColumns = "id, desk, business_date, opened_at, open_seq, closed_at, close_seq"

// scanDay reads one business_days row (dayColumns order).
func scanDay(sc interface{ Scan(...any) error }) (ledger.BusinessDay, error) {
	var d ledger.BusinessDay
	var opened, closed string
	if err := sc.Scan(&d.ID, &d.Desk, &d.Date, &opened, &d.OpenSeq, &closed, &d.CloseSeq); err != nil {
		return d, err
	}
	var err error
	if d.OpenedAt, err = parseTime(opened); err != nil {
		return d, err
	}
	d.ClosedAt, err = parseTime(closed)
	return d, err
}

// openDay returns this desk's open business day, opening a new one
// (journaled day.open {business_date, desk}) when its last one was closed
// or none exists.
func (t *tx) openDay(staffID int64) (ledger.BusinessDay, error) {
	desk, err := t.desk()
	if err != nil {
		return ledger.BusinessDay{}, err
	}
	d, err := scanDay(t.QueryRowContext(t.ctx, "SELECT "+dayColumns+" FROM business_days WHERE close_seq = 0 AND desk = ?", desk))
	if err == nil {
		return d, nil
	} else if !errNoRows(err) {
		return d, internal("load business day", err)
	}
	set, err := t.settings()
	if err != nil {
		return d, err
	}
	date := t.now.In(set.Location()).Format("2006-01-02")
	e, err := t.append(staffID, "day.open", map[string]any{"business_date": date, "desk": desk}, 0)
	if err != nil {
		return d, err
	}
	var id int64
	if err := t.QueryRowContext(t.ctx, "INSERT INTO business_days(desk, business_date, opened_at, open_seq) VALUES (?, ?, ?, ?) RETURNING id",
		desk, date, formatTime(t.now), e.Seq).Scan(&id); err != nil {
		return d, internal("open business day", err)
	}
	return ledger.BusinessDay{ID: id, Desk: desk, Date: date, OpenedAt: t.now, OpenSeq: e.Seq}, nil
}

// nextReceiptNo hands out the next gapless receipt number of this desk's
// open day (1F-20261125-0007).
// It is part of the caller's transaction, so a rolled-back action leaves no gap.
func (t *tx) nextReceiptNo(staffID int64) (string, error) {
	d, err := t.openDay(staffID)
	if err != nil {
		return "", err
	}
	var n int64
	if err := t.QueryRowContext(t.ctx, "UPDATE business_days SET next_receipt = next_receipt + 1 WHERE id = ? RETURNING next_receipt - 1", d.ID).Scan(&n); err != nil {
		return "", internal("next receipt number", err)
	}
	return ledger.ReceiptNo(d.Desk, d.Date, n), nil
}
