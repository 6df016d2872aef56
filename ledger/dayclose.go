package ledger

import (
	"context"
	"fmt"
)

// Cash at the day close (日结现金核对).
//
// The drawer holds the deposits of every loan still out plus the money the
// counter kept today: damage compensation (the price-list charge, taken from
// the deposit and, when it exceeds the deposit, collected on top) and
// forfeited deposits of lost items. The same sum follows from today's cash
// movements:
//
//	expected = deposits held at close + compensation + forfeited + card fees
//	         = deposits held at open + deposits taken − refunds + collected + card fees
//
// (every closed loan accounts for its deposit: refund + forfeit + charge −
// collected = deposit). Difference = counted − expected; negative is short.

//
// With several desks each desk has its own drawer: a desk's figures are the
// loans it lent (held) and the cash that moved at it (taken, refunded,
// collected, compensation, forfeited). A loan lent at one desk and returned
// at another moves cash between drawers: the lending desk keeps the
// deposit it took (SettledElsewhere: hand it over at the close), the
// returning desk paid the refund (SettledForOthers: made good at the
// close). Then, with the float the drawer starts every day with,
//
//	expected = float + held at close + compensation + forfeited
//	         + settled elsewhere − settled for others
//	         = float + held at open + taken − refunds + collected
//
// For the whole mall the two settlements cancel out.

// CloseSummary is the money of one desk's business day as the journal has it.
type CloseSummary struct {
	Float        Fen // cash the drawer starts every day with (desk setting)
	HeldAtOpen   Fen // deposits of this desk's loans out when the day began
	Taken        Fen // deposits taken today
	Refunded     Fen // deposits paid back today (any desk's loans)
	Collected    Fen // cash collected on top of a deposit (charge > deposit)
	Compensation Fen // damage charges today (from the deposit and collected)
	Forfeited    Fen // deposits kept for lost items today (with approval)
	HeldAtClose  Fen // deposits of this desk's loans still out
	Fees         Fen // point-card reissue fees taken in cash today (补卡工本费)
	// SettledElsewhere is the deposits of this desk's loans closed at
	// another desk today: the cash is here, the refund was paid there.
	SettledElsewhere Fen
	// SettledForOthers is the deposits of other desks' loans closed here
	// today: the refund was paid here, the deposit is in their drawer.
	SettledForOthers Fen
}

// Expected returns the cash the drawer should hold: the float, deposits
// held at close, today's compensation, forfeited deposits and card fees,
// and the settlement between desks.
func (s CloseSummary) Expected() Fen {
	return s.Float + s.HeldAtClose + s.Compensation + s.Forfeited + s.Fees + s.SettledElsewhere - s.SettledForOthers
}

// Balanced reports whether the two ways of computing the expected cash agree
// (a check on the journal, not on the staff).
func (s CloseSummary) Balanced() bool {
	return s.Float+s.HeldAtOpen+s.Taken-s.Refunded+s.Collected+s.Fees == s.Expected()
}

// Add returns the sum of two summaries (a mall total).
func (s CloseSummary) Add(o CloseSummary) CloseSummary {
	return CloseSummary{Float: s.Float + o.Float, HeldAtOpen: s.HeldAtOpen + o.HeldAtOpen, Taken: s.Taken + o.Taken,
		Refunded: s.Refunded + o.Refunded, Collected: s.Collected + o.Collected, Compensation: s.Compensation + o.Compensation,
		Forfeited: s.Forfeited + o.Forfeited, HeldAtClose: s.HeldAtClose + o.HeldAtClose, Fees: s.Fees + o.Fees,
		SettledElsewhere: s.SettledElsewhere + o.SettledElsewhere, SettledForOthers: s.SettledForOthers + o.SettledForOthers}
}

// CloseCheck is what the counter sees before closing: the day, the
// checklist of what is still out and the money.
type CloseCheck struct {
	Day       BusinessDay // the open day; ID 0 when nothing happened since the last close
	FromSeq   int64       // first journal seq of the day (after the previous close)
	StillOut  []Loan      // umbrellas and strollers not back, strollers first
	Overdue   []Loan      // the still-out loans older than the overdue limit
	Unprinted []PrintJob  // receipts queued but not printed
	Money     CloseSummary
}

// Expected is the cash the drawer should hold (see CloseSummary.Expected).
func (c CloseCheck) Expected() Fen { return c.Money.Expected() }

// CloseRequest closes the open business day.
type CloseRequest struct {
	CashCounted Fen       // what the staff counted in the drawer
	Approval    *Approval // the supervisor (not the clerk) who approves the close
	Note        string    // optional remark, e.g. why there is a difference
}

// DayClose is a recorded day close (journal kind day.close). It is never
// changed: the next entry opens the next business day.
type DayClose struct {
	No           string // 日结单号, e.g. 20261125-01
	Day          BusinessDay
	FromSeq      int64 // first journal seq of the day
	ClerkID      int64 // the staff member who counted and closed
	ClerkName    string
	Approval     Approval // the approving supervisor
	Money        CloseSummary
	CashExpected Fen
	CashCounted  Fen
	Difference   Fen // counted − expected; negative is a shortage
	Note         string
	Mall         string // names as they were at the close, so reports reprint the same
	Counter      string
	TimeZone     string
}

// CloseNo formats the n-th close of a desk's business date as
// 1F-20261125-01.
func CloseNo(desk, date string, n int) string {
	return fmt.Sprintf("%s-%s-%02d", desk, compactDate(date), n)
}

// DayCloseService closes business days and finds them again for reports.
type DayCloseService interface {
	// CloseCheck returns the open day's checklist and money (nothing written).
	CloseCheck(ctx context.Context) (CloseCheck, error)
	// CloseDay records the day close with the counted cash and the
	// supervisor's approval, and closes the business day in the same
	// transaction. The next journal entry opens the next business day.
	CloseDay(ctx context.Context, actor Staff, req CloseRequest) (DayClose, error)
	// Close returns the recorded close of a closed business day.
	Close(ctx context.Context, dayID int64) (DayClose, error)
	// Days lists business days with from <= date <= to (YYYY-MM-DD, "" for
	// open-ended), oldest first, the open day included.
	Days(ctx context.Context, from, to string) ([]BusinessDay, error)
	// DayByDate returns the business day of a date: the n-th close of that
	// date, or the last one when n <= 0 (a closed day before an open one).
	DayByDate(ctx context.Context, date string, n int) (BusinessDay, error)
	// Shift sums what staffID did since their last login (for 交班).
	Shift(ctx context.Context, staffID int64) (ShiftSummary, error)
}
