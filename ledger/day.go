package ledger

import (
	"fmt"
	"time"
)

// BusinessDay runs from the first entry after a close to the next day close,
// not midnight to midnight. Date is the counter-local date when it opened.
type BusinessDay struct {
	ID       int64
	Date     string // YYYY-MM-DD in the counter's zone
	OpenedAt time.Time
	OpenSeq  int64 // journal seq of the day.open entry
	ClosedAt time.Time
	CloseSeq int64 // journal seq of the day.close entry, 0 while open
}

// Open reports whether the day has not been closed yet.
func (d BusinessDay) Open() bool { return d.CloseSeq == 0 }

// ReceiptNo formats the n-th receipt of a business day as 20261125-0007.
func ReceiptNo(date string, n int64) string {
	compact := date
	if t, err := time.Parse("2006-01-02", date); err == nil {
		compact = t.Format("20060102")
	}
	return fmt.Sprintf("%s-%04d", compact, n)
}
