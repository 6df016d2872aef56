package ledger

import "context"

// MedicineService keeps the emergency medicine ledger (应急药品, procedures
// 5.2.12): the catalogue kept apart as internal, external and devices;
// stock per batch with expiry; restock, dispense, count and write-off.
// Every change is a journal entry in the same transaction as the stock it
// changes, and a batch's quantity never goes below zero.
type MedicineService interface {
	// AddMedicine adds a catalogue entry (medicine.add).
	AddMedicine(ctx context.Context, actor Staff, m NewMedicine) (Medicine, error)
	// SetReorderLevel changes an entry's reorder level (medicine.level).
	SetReorderLevel(ctx context.Context, actor Staff, medicineID int64, level int) error
	// Medicines lists the catalogue of a category ("" for all) with stock.
	Medicines(ctx context.Context, cat MedicineCategory) ([]Medicine, error)
	// Medicine returns one catalogue entry with its stock.
	Medicine(ctx context.Context, id int64) (Medicine, error)
	// Batches lists a medicine's batches with stock, earliest expiry first
	// (empty ones too when all is true).
	Batches(ctx context.Context, medicineID int64, all bool) ([]MedicineBatch, error)
	// Restock adds a quantity of a batch (medicine.restock).
	Restock(ctx context.Context, actor Staff, req RestockRequest) (MedicineBatch, error)
	// PlanDispense shows which batches a dispense would take, without
	// changing anything (the screen shows it before confirming).
	PlanDispense(ctx context.Context, medicineID int64, qty int, batchID int64) ([]BatchTake, error)
	// Dispense gives out medicine (medicine.dispense): earliest expiry
	// first unless a batch is chosen; expired or missing stock is refused.
	Dispense(ctx context.Context, actor Staff, req DispenseRequest) (Dispense, error)
	// Dispensed returns one dispense by id.
	Dispensed(ctx context.Context, id int64) (Dispense, error)
	// DispenseByToken verifies a slip's QR token and returns its dispense.
	DispenseByToken(ctx context.Context, token string) (Dispense, error)
	// DispenseByReceipt finds a dispense by its slip number.
	DispenseByReceipt(ctx context.Context, receiptNo string) (Dispense, error)
	// RecentDispenses lists dispenses newest first, with the total.
	RecentDispenses(ctx context.Context, offset, limit int) ([]Dispense, int, error)
	// PrintSlip queues a dispense's slip: the original if none was
	// printed, otherwise a copy marked 补打.
	PrintSlip(ctx context.Context, actor Staff, dispenseID int64) (PrintJob, error)
	// Count records a stock count of one medicine (medicine.count); every
	// difference is recorded as a movement.
	Count(ctx context.Context, actor Staff, req CountRequest) ([]CountDiff, error)
	// WriteOff removes stock with a supervisor's approval (medicine.writeoff).
	WriteOff(ctx context.Context, actor Staff, req WriteOffRequest) (MedicineMove, error)
	// Moves lists a medicine's stock movements (0 for all), newest first.
	Moves(ctx context.Context, medicineID int64, offset, limit int) ([]MedicineMove, int, error)
	// Alerts lists what needs attention today: expired stock, stock
	// expiring within the warning days, and stock below reorder level.
	Alerts(ctx context.Context) ([]MedicineAlert, error)
}
