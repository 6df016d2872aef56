package ledger

import "context"

// PersonalService is the personal-data store: the one place where names,
// mobiles, ID numbers, health notes and descriptions of people live,
// outside the append-only journal so that they can be forgotten. Values are
// validated, masked for display, encrypted at rest (AES-GCM) and found by
// keyed hashes; the keys live in a file beside the database, never in it.
// Every access in full, export, erasure and purge is journaled by id and
// count, never by content.
type PersonalService interface {
	// KeyStatus says whether this desk has the keys to seal, index and
	// reveal personal data, and why not.
	KeyStatus(ctx context.Context) KeyStatus
	// Collect keeps personal data for a purpose and returns the masked
	// record; its ID is what journal entries and state rows refer to.
	Collect(ctx context.Context, actor Staff, req CollectRequest) (PersonRecord, error)
	// Close marks a record's purpose as ended (a card closed), which starts
	// the retention clock of purposes that count from the close.
	Close(ctx context.Context, actor Staff, id string) error
	// Record returns one record, masked.
	Record(ctx context.Context, id string) (PersonRecord, error)
	// Records lists records newest first, masked, with the total count.
	Records(ctx context.Context, offset, limit int) ([]PersonRecord, int, error)
	// Find returns the records held about the person with this mobile or
	// resident ID number (through the keyed hash), masked; the search is
	// journaled without the number.
	Find(ctx context.Context, actor Staff, query string) ([]PersonRecord, error)
	// Reveal returns a record's held values in full. It needs a
	// supervisor's approval; the journal names who looked and why.
	Reveal(ctx context.Context, actor Staff, id string, approval *Approval) (map[DataKind]string, error)
	// Export returns everything held about the person with this mobile or
	// ID number, for their own copy (sensitive data masked), with approval.
	Export(ctx context.Context, actor Staff, query string, approval *Approval) (PersonalExport, error)
	// Erase erases records at the person's request, with approval: the
	// values and hashes go, the ids and masks stay.
	Erase(ctx context.Context, actor Staff, ids []string, approval *Approval) (EraseResult, error)
	// PurgeDue counts what a purge would erase now.
	PurgeDue(ctx context.Context) (PurgeResult, error)
	// Purge erases every record past its retention time and journals the
	// counts, at a supervisor's or admin's request.
	Purge(ctx context.Context, actor Staff) (PurgeResult, error)
	// PurgeScheduled is the same purge run by the program itself (at start
	// and on its timer), journaled as the system (staff 0).
	PurgeScheduled(ctx context.Context) (PurgeResult, error)
}
