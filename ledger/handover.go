package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Shift handover (交接班, staff rules 4.6): the outgoing clerk counts the
// cash and what is on hand, the app shows expected against counted, the open
// matters carry over with a note for the next shift, and the incoming clerk
// confirms with their own login (接班人未到，交班人不得离开: no handover
// without the next person). The handover is one journal entry (shift.handover)
// committed with the incoming login, printed, and listed in the day report.

// HandoverCount is one thing counted at the handover.
type HandoverCount struct {
	What     string `json:"what"`  // "umbrella", "stroller", or another stock's key
	Label    string `json:"label"` // 雨伞（在库）
	Expected int    `json:"expected"`
	Counted  int    `json:"counted"`
}

// Difference is counted − expected.
func (c HandoverCount) Difference() int { return c.Counted - c.Expected }

// OpenMatter is something unfinished the next shift takes over.
type OpenMatter struct {
	Kind  string `json:"kind"`  // loans_out, overdue, unprinted, broadcasts, feedback, feedback_overdue
	Count int    `json:"count"` // how many
	Text  string `json:"text"`  // Chinese line, e.g. "雨伞未归还 3 把"
}

// Open matter kinds.
const (
	MatterLoansOut        = "loans_out"
	MatterOverdue         = "overdue"
	MatterUnprinted       = "unprinted"
	MatterBroadcasts      = "broadcasts"
	MatterFeedback        = "feedback"
	MatterFeedbackOverdue = "feedback_overdue"
	MatterLostReports     = "lost_reports"     // lost reports not closed (unfinished claims)
	MatterFoundDue        = "found_due"        // found items past their retention, to dispose of
	MatterMedicineExpired = "medicine_expired" // expired batches still in stock
)

// CountMedicine is the handover count of emergency medicine units.
const CountMedicine = "medicine"

// HandoverCheck is what the handover screen shows before anything is
// counted: the shift, the cash and stock expected and the open matters.
type HandoverCheck struct {
	From         Staff
	Since        time.Time // the outgoing clerk's login
	CashExpected Fen       // what the drawer should hold now
	Counts       []HandoverCount
	Open         []OpenMatter
	// PreviousNote is the note the last handover left for this shift.
	PreviousNote string
}

// HandoverRequest is the outgoing clerk's count and the incoming clerk's
// own credentials.
type HandoverRequest struct {
	CashCounted Fen
	// Counted maps HandoverCount.What to the number counted; every
	// expected count must be there.
	Counted map[string]int
	// Note is for the next shift (交接事项); optional.
	Note string
	// Incoming clerk's own login.
	Username string
	Password string
}

// Limits of a handover count.
const (
	maxHandoverCash  = 10_000_000 // yuan
	maxHandoverCount = 100_000
)

// Normalize checks what the outgoing clerk typed and the incoming clerk's
// login fields: cash 0–10,000,000 yuan, counts 0–100,000, the note by its
// rule, an account name and a password. Whether every expected count is
// there only the store can tell.
func (r HandoverRequest) Normalize() (HandoverRequest, error) {
	if r.CashCounted < 0 || r.CashCounted > Yuan(maxHandoverCash) {
		return r, Errorf(EINVALID, "实点现金金额无效")
	}
	for what, n := range r.Counted {
		if n < 0 || n > maxHandoverCount {
			return r, Errorf(EINVALID, "实点数量无效：%s", what)
		}
	}
	var err error
	if r.Note, err = FieldHandoverNote.Clean(r.Note); err != nil {
		return r, err
	}
	r.Username = strings.TrimSpace(r.Username)
	if r.Username == "" || r.Password == "" || strings.ContainsFunc(r.Username, Forbidden) {
		return r, Errorf(EINVALID, "请接班人输入自己的账户和密码")
	}
	return r, nil
}

// FieldHandoverNote is the rule of the note for the next shift.
var FieldHandoverNote = TextField{Label: "交接事项", Max: 300}

// Handover is a recorded shift handover.
type Handover struct {
	ID           int64
	Seq          int64 // the shift.handover journal entry
	No           string
	At           time.Time
	FromID       int64
	FromName     string
	ToID         int64
	ToName       string
	Since        time.Time
	CashExpected Fen
	CashCounted  Fen
	Counts       []HandoverCount
	Open         []OpenMatter
	Note         string
}

// CashDifference is counted − expected (negative: short).
func (h Handover) CashDifference() Fen { return h.CashCounted - h.CashExpected }

// Balanced reports whether the cash and every count agree.
func (h Handover) Balanced() bool {
	if h.CashDifference() != 0 {
		return false
	}
	for _, c := range h.Counts {
		if c.Difference() != 0 {
			return false
		}
	}
	return true
}

// HandoverNo formats the n-th handover of a date: JB-20261125-02.
func HandoverNo(date string, n int) string {
	compact := date
	if t, err := time.Parse("2006-01-02", date); err == nil {
		compact = t.Format("20060102")
	}
	return fmt.Sprintf("JB-%s-%02d", compact, n)
}

// HandoverService runs the shift handover.
type HandoverService interface {
	// HandoverCheck returns what the outgoing staff member hands over now
	// (nothing written).
	HandoverCheck(ctx context.Context, actor Staff) (HandoverCheck, error)
	// Handover checks the incoming clerk's credentials (with the login
	// lockout) and, in the same transaction, records the handover
	// (shift.handover), the incoming login (auth.login) and the printed
	// handover slip. It returns the handover and the incoming staff member.
	Handover(ctx context.Context, actor Staff, req HandoverRequest) (Handover, Staff, error)
	// Handovers lists the recorded handovers, newest first.
	Handovers(ctx context.Context, limit int) ([]Handover, error)
}

// CashDifferenceLabel names a cash difference (counted − expected):
// 账实相符, 短款 (short) or 长款 (over).
func CashDifferenceLabel(diff Fen) string {
	switch {
	case diff < 0:
		return "短款"
	case diff > 0:
		return "长款"
	}
	return "账实相符"
}
