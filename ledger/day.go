package ledger

import "time"

// BusinessDay runs from the first entry after a close to the next day close,
// not midnight to midnight. Date is the counter-local date when it opened.
type BusinessDay struct {
	ID       int64
	Desk     string // the desk's code: every desk has its own business days
	Date     string // YYYY-MM-DD in the counter's zone
	OpenedAt time.Time
	OpenSeq  int64 // journal seq of the day.open entry
	ClosedAt time.Time
	CloseSeq int64 // journal seq of the day.close entry, 0 while open
}

// Open reports whether the day has not been closed yet.
func (d BusinessDay) Open() bool { return d.CloseSeq == 0 }
