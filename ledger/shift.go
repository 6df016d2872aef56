package ledger

import "time"

// ShiftSummary is what one staff member did since their last login: shown
// before 交班 (the hand-over) so the next person takes over a drawer whose
// movements are known.
type ShiftSummary struct {
	Since     time.Time // the login that started the shift (zero if none)
	Actions   int       // journal entries made since (logins excluded)
	Lent      int       // umbrellas and strollers lent
	Closed    int       // loans taken back (returned, damaged, lost) or voided
	Taken     Fen       // deposits taken
	Refunded  Fen       // deposits paid back
	Collected Fen       // cash collected on top of a deposit
}

// NetCash is the cash the shift put into the drawer (negative: took out).
func (s ShiftSummary) NetCash() Fen { return s.Taken - s.Refunded + s.Collected }
