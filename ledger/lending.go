package ledger

import (
	"context"
	"time"
)

// ItemKind is a kind of lendable stock.
type ItemKind string

// Lendable kinds (procedures 5.2.10 strollers, 5.2.11 umbrellas).
const (
	KindUmbrella ItemKind = "umbrella"
	KindStroller ItemKind = "stroller"
)

// Label returns the Chinese name of the kind.
func (k ItemKind) Label() string {
	switch k {
	case KindUmbrella:
		return "爱心雨伞"
	case KindStroller:
		return "爱心童车"
	}
	return string(k)
}

// ItemStatus is where a numbered item is.
type ItemStatus string

// Item states. Retired and lost items stay in the list, never deleted.
const (
	ItemIn      ItemStatus = "in"      // on hand, can be lent
	ItemOut     ItemStatus = "out"     // lent out
	ItemDamaged ItemStatus = "damaged" // damaged or under repair
	ItemRetired ItemStatus = "retired" // written off (supervisor)
	ItemLost    ItemStatus = "lost"    // never came back
)

// Label returns the Chinese name of the status.
func (s ItemStatus) Label() string {
	return map[ItemStatus]string{ItemIn: "在库", ItemOut: "借出", ItemDamaged: "损坏/维修", ItemRetired: "已报废", ItemLost: "遗失"}[s]
}

// Item is one numbered umbrella or stroller.
type Item struct {
	ID       int64
	Kind     ItemKind
	Number   string // e.g. "U-001"
	Status   ItemStatus
	Note     string
	HomeDesk string // the desk the item belongs to
	Desk     string // the desk it is at now (returned at another desk: there)
}

// Away reports whether the item is at another desk than its home.
func (it Item) Away() bool { return it.Desk != it.HomeDesk }

// Stock counts a kind's items at this desk by status, and the items away
// from home: this desk's at other desks (Away) and other desks' here
// (Visiting, counted in the statuses too).
type Stock struct {
	OnHand, Out, Damaged, Retired, Lost int
	Away, Visiting                      int
}

// LoanStatus is the state of a loan.
type LoanStatus string

// Loan states: open until closed exactly once by a return outcome.
const (
	LoanOpen     LoanStatus = "open"
	LoanReturned LoanStatus = "returned" // returned fine (已还)
	LoanDamaged  LoanStatus = "damaged"  // returned damaged, compensation charged
	LoanLost     LoanStatus = "lost"     // not returned, deposit forfeited
	LoanVoided   LoanStatus = "voided"   // lent by mistake, reversed (冲正)
)

// Label returns the Chinese name of the loan status.
func (s LoanStatus) Label() string {
	return map[LoanStatus]string{LoanOpen: "借出中", LoanReturned: "已还", LoanDamaged: "已还（损坏）", LoanLost: "遗失（押金没收）", LoanVoided: "已冲正"}[s]
}

// Loan is one lending of an item, from lend to its single close.
type Loan struct {
	ID          int64
	Kind        ItemKind
	ItemID      int64
	ItemNumber  string
	ReceiptNo   string // receipt (deposit card) number, unique in the mall, gapless per desk and day
	Token       string // signed QR token printed on the receipt
	LentAt      time.Time
	LentBy      int64
	PhoneMasked string // 138****1234, or "" when none was given
	Deposit     Fen
	Status      LoanStatus
	ClosedAt    time.Time
	ClosedBy    int64
	Refund      Fen    // deposit paid back
	Charge      Fen    // compensation charged (damage)
	Collected   Fen    // extra cash collected when Charge > Deposit
	Forfeit     Fen    // deposit kept for a lost item
	Damage      string // damage description from the price list
	ApproverID  int64  // supervisor who approved a forfeit
	ReturnNo    string // receipt number of the return slip
	Desk        string // the desk that lent it (whose drawer took the deposit)
	ReturnDesk  string // the desk that closed it (whose drawer paid the refund)
}

// Overdue reports whether an open loan is older than days at now.
func (l Loan) Overdue(now time.Time, days int) bool {
	return l.Status == LoanOpen && now.Sub(l.LentAt) > time.Duration(days)*24*time.Hour
}

// LendRequest asks to lend one item.
type LendRequest struct {
	Kind       ItemKind
	ItemNumber string
	Phone      string // optional contact; validated, shown only masked
}

// ReturnOutcome is what the inspection at return found.
type ReturnOutcome string

// Outcomes of a return.
const (
	ReturnFine    ReturnOutcome = "fine"    // full refund
	ReturnDamaged ReturnOutcome = "damaged" // compensation from the price list
	ReturnLost    ReturnOutcome = "lost"    // deposit forfeited, supervisor approval
)

// ReturnRequest closes a loan.
type ReturnRequest struct {
	LoanID   int64
	Outcome  ReturnOutcome
	Damage   string    // price-list item name when Outcome is damaged
	Approval *Approval // required when Outcome is lost
}

// LendingService lends and takes back umbrellas and strollers.
type LendingService interface {
	// AddItems adds numbered items to stock.
	AddItems(ctx context.Context, actor Staff, kind ItemKind, numbers []string) error
	// TransferItems moves items in stock or damaged at this desk to another
	// desk (e.g. sending other desks' umbrellas home), journaled.
	TransferItems(ctx context.Context, actor Staff, itemIDs []int64, toDesk string) error
	// SetItemStatus marks an item in / damaged / retired; retiring needs approval.
	SetItemStatus(ctx context.Context, actor Staff, itemID int64, status ItemStatus, note string, approval *Approval) error
	// Items lists a kind's items by number.
	Items(ctx context.Context, kind ItemKind) ([]Item, error)
	// Stock counts a kind's items.
	Stock(ctx context.Context, kind ItemKind) (Stock, error)
	// Lend registers a loan, takes the deposit and queues the receipt.
	Lend(ctx context.Context, actor Staff, req LendRequest) (Loan, error)
	// Return closes an open loan exactly once and queues the return slip.
	Return(ctx context.Context, actor Staff, req ReturnRequest) (Loan, error)
	// Void reverses a loan registered by mistake (冲正): a supervisor other
	// than the clerk approves; the deposit is refunded and the item is back
	// in stock. The reversing journal entry names the original lend entry.
	Void(ctx context.Context, actor Staff, loanID int64, approval *Approval) (Loan, error)
	// Loan returns one loan by id.
	Loan(ctx context.Context, id int64) (Loan, error)
	// LoanByReceipt finds a loan by its receipt number.
	LoanByReceipt(ctx context.Context, receiptNo string) (Loan, error)
	// OpenLoans lists open loans of a kind ("" for all), oldest first.
	OpenLoans(ctx context.Context, kind ItemKind, offset, limit int) ([]Loan, int, error)
	// RecentLoans lists the latest loans of a kind, newest first.
	RecentLoans(ctx context.Context, kind ItemKind, offset, limit int) ([]Loan, int, error)
	// DepositsHeld is the sum of open loans' deposits.
	DepositsHeld(ctx context.Context) (Fen, error)
}

// PrintJob is one receipt waiting for (or done with) the printer.
type PrintJob struct {
	ID        int64
	Desk      string // the desk that made it: it prints only there
	ReceiptNo string
	Document  []byte // JSON of a receipts.Document
	Copy      bool   // a reprint (补打)
	CreatedAt time.Time
	PrintedAt time.Time
	Attempts  int // failed attempts
	LastError string
	State     PrintJobState
	// CutShort means an earlier attempt may have put part of the receipt
	// on paper (cut short, paper out mid-job, program stopped): the next
	// copy printed is marked 补打 and says the first was incomplete.
	CutShort bool
}

// PrintJobState is where a print job is.
type PrintJobState string

// Print job states. A job is printed only when its bytes left the port
// and the printer's status afterwards said it was fine; until then it is
// sending.
const (
	PrintQueued  PrintJobState = "queued"  // waiting for its first attempt
	PrintSending PrintJobState = "sending" // an attempt is under way
	PrintPrinted PrintJobState = "printed" // confirmed printed
	PrintFailed  PrintJobState = "failed"  // the last attempt failed; retried
)

// Label is the Chinese name of the state.
func (s PrintJobState) Label() string {
	switch s {
	case PrintQueued:
		return "等待打印"
	case PrintSending:
		return "打印中"
	case PrintPrinted:
		return "已打印"
	case PrintFailed:
		return "未打印"
	}
	return string(s)
}

// PrintOutcome is how one attempt at printing a job ended.
type PrintOutcome string

// Attempt outcomes.
const (
	// OutcomePrinted: every byte left the port and the printer's status
	// afterwards was fine (or, for printers that are not asked, drained).
	OutcomePrinted PrintOutcome = "printed"
	// OutcomeRefused: nothing was sent (printer not ready or unreachable).
	OutcomeRefused PrintOutcome = "refused"
	// OutcomeIncomplete: bytes were sent but the job was not confirmed
	// (cable pulled, write error, paper out or cover open mid-job).
	OutcomeIncomplete PrintOutcome = "incomplete"
	// OutcomeInterrupted: the program stopped during the attempt; how
	// much reached the paper is unknown.
	OutcomeInterrupted PrintOutcome = "interrupted"
)

// CutShort reports whether an attempt with this outcome may have put
// part of the receipt on paper.
func (o PrintOutcome) CutShort() bool {
	return o == OutcomeIncomplete || o == OutcomeInterrupted
}

// PrintAttempt is one try at printing a job, kept for its history.
type PrintAttempt struct {
	JobID     int64
	N         int // 1 for the first attempt
	StartedAt time.Time
	EndedAt   time.Time
	Outcome   PrintOutcome
	Reason    string // Chinese reason of a failure ("缺纸")
	Sent      int    // bytes written to the port
	Total     int    // bytes in the job
	// Marked means this attempt printed the 补打 mark saying an earlier
	// copy was incomplete.
	Marked bool
}

// PrintFailure is how a failed attempt ended.
type PrintFailure struct {
	Reason string // Chinese reason ("缺纸", "未连接")
	Sent   int    // bytes written to the port before it stopped; 0: nothing
	Total  int    // bytes in the job
}

// PrintQueue is the durable print queue: jobs are queued in the transaction
// that creates the receipt and printed after commit.
type PrintQueue interface {
	// Pending lists unprinted jobs, oldest first.
	Pending(ctx context.Context) ([]PrintJob, error)
	// PendingCount counts unprinted jobs (cheap enough for the status bar).
	PendingCount(ctx context.Context) (int, error)
	// Begin claims a queued or failed job for an attempt (state sending)
	// and returns it; a job printed or being sent already is refused
	// (ECONFLICT), so two workers never send one job.
	Begin(ctx context.Context, id int64) (PrintJob, error)
	// MarkPrinted records a job as printed (idempotent).
	MarkPrinted(ctx context.Context, id int64) error
	// MarkFailed ends the attempt under way as failed; the job stays
	// queued. A failure after bytes were sent is journaled.
	MarkFailed(ctx context.Context, id int64, f PrintFailure) error
	// Recover ends attempts left sending by a program that stopped, as
	// interrupted, and returns how many. Only the desk's one print worker
	// calls it, when it starts.
	Recover(ctx context.Context) (int, error)
	// Attempts returns a job's attempt history, oldest first.
	Attempts(ctx context.Context, id int64) ([]PrintAttempt, error)
	// Reprint queues a copy of a receipt marked 补打.
	Reprint(ctx context.Context, actor Staff, receiptNo string) (PrintJob, error)
	// Job returns one job by id.
	Job(ctx context.Context, id int64) (PrintJob, error)
	// Original returns the first (non-copy) job of a receipt, for previews.
	Original(ctx context.Context, receiptNo string) (PrintJob, error)
}
