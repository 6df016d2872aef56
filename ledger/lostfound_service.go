package ledger

import "context"

// LostFoundService keeps the lost-and-found ledger (失物登记认领, 寻人寻物
// 广播, procedures 5.1.2.1): found items registered and labelled, lost
// reports matched against them, claims (once, with the claimant's identity
// in the personal-data store), retention and disposal by two staff, and
// announcement drafts for the broadcast console. Every change is a journal
// entry in the same transaction as the state it changes.
type LostFoundService interface {
	// Register records a found item and queues its bag label (lostfound.register).
	Register(ctx context.Context, actor Staff, req RegisterFoundRequest) (FoundItem, error)
	// Item returns one found item.
	Item(ctx context.Context, id int64) (FoundItem, error)
	// ItemByToken verifies a label's or receipt's QR token and returns the item.
	ItemByToken(ctx context.Context, token string) (FoundItem, error)
	// ItemByNo finds an item by its label or claim receipt number.
	ItemByNo(ctx context.Context, no string) (FoundItem, error)
	// Photo returns an item's photo (nil when none).
	Photo(ctx context.Context, id int64) ([]byte, error)
	// Search lists items matching s, newest first, with the total count.
	Search(ctx context.Context, s FoundSearch) ([]FoundItem, int, error)
	// ReprintLabel queues a copy of an item's label marked 补打.
	ReprintLabel(ctx context.Context, actor Staff, id int64) (PrintJob, error)
	// Report records a customer's lost report (lostfound.report).
	Report(ctx context.Context, actor Staff, req LostReportRequest) (LostReport, error)
	// LostReport returns one lost report.
	LostReport(ctx context.Context, id int64) (LostReport, error)
	// OpenReports lists open lost reports, newest first, with the total.
	OpenReports(ctx context.Context, offset, limit int) ([]LostReport, int, error)
	// CloseReport closes a lost report without a claim (withdrawn, person found).
	CloseReport(ctx context.Context, actor Staff, id int64, note string) error
	// Matches scores the held items against a lost report, best first.
	Matches(ctx context.Context, reportID int64, limit int) ([]Match, error)
	// Claim hands an item to its owner once and queues the handover
	// receipt (lostfound.claim); a second claim is refused.
	Claim(ctx context.Context, actor Staff, req ClaimRequest) (FoundItem, error)
	// Due lists held items whose retention ended by today, oldest first.
	Due(ctx context.Context, offset, limit int) ([]FoundItem, int, error)
	// Dispose records where an unclaimed item went, approved by two
	// supervisors other than the actor (lostfound.dispose).
	Dispose(ctx context.Context, actor Staff, req DisposeRequest) (FoundItem, error)
	// DraftFromReport drafts a 寻人/寻物 announcement from a lost report.
	DraftFromReport(ctx context.Context, actor Staff, reportID int64) (AnnouncementDraft, error)
	// DraftFromItem drafts a 招领 announcement from a found item.
	DraftFromItem(ctx context.Context, actor Staff, itemID int64) (AnnouncementDraft, error)
	// QueueDraft hands a draft to the broadcast console's queue, once.
	QueueDraft(ctx context.Context, actor Staff, draftID int64) (AnnouncementDraft, error)
	// Drafts lists announcement drafts, newest first.
	Drafts(ctx context.Context, limit int) ([]AnnouncementDraft, error)
	// Summary counts held, due and open records for the side panel.
	Summary(ctx context.Context) (LostFoundSummary, error)
}
