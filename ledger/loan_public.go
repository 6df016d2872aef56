package ledger

import "time"

// PublicLoan is what a customer may see of a loan at the self-service
// kiosk after scanning their own receipt: the item, when it was lent, the
// deposit and whether it is back. No phone, no staff, no receipt numbers
// of anyone else.
type PublicLoan struct {
	Kind       ItemKind
	ItemNumber string
	LentAt     time.Time
	Deposit    Fen
	Status     LoanStatus
	ClosedAt   time.Time
	Refund     Fen
}

// Public returns the customer's view of the loan.
func (l Loan) Public() PublicLoan {
	return PublicLoan{Kind: l.Kind, ItemNumber: l.ItemNumber, LentAt: l.LentAt, Deposit: l.Deposit, Status: l.Status,
		ClosedAt: l.ClosedAt, Refund: l.Refund}
}
