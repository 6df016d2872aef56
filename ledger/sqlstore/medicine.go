package sqlstore

import (
	"context"
	"slices"
	"strings"

	"servicedesk/ledger"
)

// MedicineService implements ledger.MedicineService: the emergency
// medicine ledger (procedures 5.2.12). Every change of a quantity is a
// medicine_moves row and a journal entry in the same transaction; the
// database refuses a batch whose quantity is not the sum of its movements
// or below zero.
type MedicineService struct{ db *DB }

// NewMedicineService returns the medicine service on db.
func NewMedicineService(db *DB) *MedicineService { return &MedicineService{db: db} }

var _ ledger.MedicineService = (*MedicineService)(nil)

const medicineColumns = "m.id, m.name, m.category, m.spec, m.unit, m.reorder_level"

// medicineStockSQL lists medicines with their total and usable stock; the
// one parameter is today's date.
const medicineStockSQL = "SELECT " + medicineColumns + `,
	coalesce(sum(b.quantity), 0), coalesce(sum(CASE WHEN b.expiry >= ? THEN b.quantity ELSE 0 END), 0)
	FROM medicines m LEFT JOIN medicine_batches b ON b.medicine_id = m.id`

// scanMedicine reads one row of medicineStockSQL.
func scanMedicine(sc interface{ Scan(...any) error }) (ledger.Medicine, error) {
	var m ledger.Medicine
	err := sc.Scan(&m.ID, &m.Name, &m.Category, &m.Spec, &m.Unit, &m.ReorderLevel, &m.Stock, &m.Usable)
	return m, err
}

// sortMedicines orders a catalogue: internal, external, devices; by name.
func sortMedicines(ms []ledger.Medicine) {
	slices.SortStableFunc(ms, func(a, b ledger.Medicine) int {
		ra, rb := slices.Index(ledger.MedicineCategories(), a.Category), slices.Index(ledger.MedicineCategories(), b.Category)
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// counterDate returns today's date at the counter and the settings.
func counterDate(ctx context.Context, d *DB) (string, ledger.Settings, error) {
	set, err := NewSettingsService(d).Settings(ctx)
	if err != nil {
		return "", set, err
	}
	return ledger.DateOf(d.Now(), set.Location()), set, nil
}

// date is today's date at the counter inside a transaction.
func (t *tx) date() (string, ledger.Settings, error) {
	set, err := t.settings()
	if err != nil {
		return "", set, err
	}
	return ledger.DateOf(t.now, set.Location()), set, nil
}

// AddMedicine adds a catalogue entry. Journaled as medicine.add
// {medicine_id, name, category, spec, unit, reorder_level}.
func (s *MedicineService) AddMedicine(ctx context.Context, actor ledger.Staff, n ledger.NewMedicine) (ledger.Medicine, error) {
	n, err := n.Normalize()
	if err != nil {
		return ledger.Medicine{}, err
	}
	m := ledger.Medicine{Name: n.Name, Category: n.Category, Spec: n.Spec, Unit: n.Unit, ReorderLevel: n.ReorderLevel}
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		var exists int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM medicines WHERE category = ? AND name = ? AND spec = ?",
			n.Category, n.Name, n.Spec).Scan(&exists); err != nil {
			return internal("check medicine", err)
		}
		if exists > 0 {
			return ledger.Errorf(ledger.ECONFLICT, "%s类已有药品 %s %s", n.Category.Label(), n.Name, n.Spec)
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO medicines(name, category, spec, unit, reorder_level, added_seq)
			VALUES (?, ?, ?, ?, ?, 0) RETURNING id`, n.Name, n.Category, n.Spec, n.Unit, n.ReorderLevel).Scan(&m.ID); err != nil {
			return internal("insert medicine", err)
		}
		e, err := t.append(actor.ID, "medicine.add", map[string]any{"medicine_id": m.ID, "name": n.Name, "category": n.Category,
			"spec": n.Spec, "unit": n.Unit, "reorder_level": n.ReorderLevel}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE medicines SET added_seq = ? WHERE id = ?", e.Seq, m.ID); err != nil {
			return internal("update medicine", err)
		}
		return nil
	})
	return m, err
}

// SetReorderLevel changes a medicine's reorder level. Journaled as
// medicine.level {medicine_id, name, from, to}.
func (s *MedicineService) SetReorderLevel(ctx context.Context, actor ledger.Staff, id int64, level int) error {
	if err := ledger.CheckReorderLevel(level); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		m, err := t.medicineByID(id)
		if err != nil {
			return err
		}
		if m.ReorderLevel == level {
			return nil
		}
		if _, err := t.append(actor.ID, "medicine.level", map[string]any{"medicine_id": m.ID, "name": m.Name, "from": m.ReorderLevel, "to": level}, 0); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE medicines SET reorder_level = ? WHERE id = ?", level, m.ID); err != nil {
			return internal("update medicine", err)
		}
		return nil
	})
}

// medicineByID loads a catalogue entry (with stock) inside the transaction.
func (t *tx) medicineByID(id int64) (ledger.Medicine, error) {
	today, _, err := t.date()
	if err != nil {
		return ledger.Medicine{}, err
	}
	return loadMedicine(t.ctx, t, today, id)
}

// loadMedicine loads one catalogue entry with its stock on date today.
func loadMedicine(ctx context.Context, q queryer, today string, id int64) (ledger.Medicine, error) {
	m, err := scanMedicine(q.QueryRowContext(ctx, medicineStockSQL+" WHERE m.id = ? GROUP BY "+medicineColumns, today, id))
	if errNoRows(err) {
		return m, ledger.Errorf(ledger.ENOTFOUND, "找不到该药品")
	} else if err != nil {
		return m, internal("load medicine", err)
	}
	return m, nil
}

// Medicines lists the catalogue of a category ("" for all) with stock.
func (s *MedicineService) Medicines(ctx context.Context, cat ledger.MedicineCategory) ([]ledger.Medicine, error) {
	if cat != "" && !cat.Valid() {
		return nil, ledger.Errorf(ledger.EINVALID, "未知的药品分类")
	}
	today, _, err := counterDate(ctx, s.db)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.db.QueryContext(ctx, medicineStockSQL+" WHERE (? = '' OR m.category = ?) GROUP BY "+medicineColumns, today, string(cat), string(cat))
	if err != nil {
		return nil, internal("list medicines", err)
	}
	defer rows.Close()
	var out []ledger.Medicine
	for rows.Next() {
		m, err := scanMedicine(rows)
		if err != nil {
			return nil, internal("scan medicine", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list medicines", err)
	}
	sortMedicines(out)
	return out, nil
}

// Medicine returns one catalogue entry with its stock.
func (s *MedicineService) Medicine(ctx context.Context, id int64) (ledger.Medicine, error) {
	today, _, err := counterDate(ctx, s.db)
	if err != nil {
		return ledger.Medicine{}, err
	}
	return loadMedicine(ctx, s.db.db, today, id)
}

const batchColumns = "id, medicine_id, batch_no, expiry, quantity, supplier, received_at"

// scanBatch reads one medicine_batches row (batchColumns order).
func scanBatch(sc interface{ Scan(...any) error }) (ledger.MedicineBatch, error) {
	var b ledger.MedicineBatch
	var received string
	if err := sc.Scan(&b.ID, &b.MedicineID, &b.BatchNo, &b.Expiry, &b.Quantity, &b.Supplier, &received); err != nil {
		return b, err
	}
	var err error
	b.ReceivedAt, err = parseTime(received)
	return b, err
}

// loadBatches lists a medicine's batches, earliest expiry first; empty
// ones only when all is set.
func loadBatches(ctx context.Context, q queryer, medicineID int64, all bool) ([]ledger.MedicineBatch, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+batchColumns+" FROM medicine_batches WHERE medicine_id = ? AND (? OR quantity > 0) ORDER BY expiry, id",
		medicineID, all)
	if err != nil {
		return nil, internal("list batches", err)
	}
	defer rows.Close()
	var out []ledger.MedicineBatch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, internal("scan batch", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list batches", err)
	}
	return out, nil
}

// Batches lists a medicine's batches, earliest expiry first.
func (s *MedicineService) Batches(ctx context.Context, medicineID int64, all bool) ([]ledger.MedicineBatch, error) {
	return loadBatches(ctx, s.db.db, medicineID, all)
}

// batchByID loads one batch and its medicine inside the transaction.
func (t *tx) batchByID(id int64) (ledger.MedicineBatch, ledger.Medicine, error) {
	b, err := scanBatch(t.QueryRowContext(t.ctx, "SELECT "+batchColumns+" FROM medicine_batches WHERE id = ?", id))
	if errNoRows(err) {
		return b, ledger.Medicine{}, ledger.Errorf(ledger.ENOTFOUND, "找不到该批号")
	} else if err != nil {
		return b, ledger.Medicine{}, internal("load batch", err)
	}
	m, err := t.medicineByID(b.MedicineID)
	return b, m, err
}

// move records one change of a batch's quantity: the movement row, then
// the batch (the balance trigger checks they agree; the quantity check
// refuses going below zero).
func (t *tx) move(kind ledger.MedicineMoveKind, medicineID, batchID int64, delta int, e ledger.Entry, dispenseID int64, note string) error {
	if _, err := t.ExecContext(t.ctx, `INSERT INTO medicine_moves(kind, medicine_id, batch_id, delta, at, staff_id, seq, dispense_id, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, kind, medicineID, batchID, delta, formatTime(t.now), e.StaffID, e.Seq, dispenseID, note); err != nil {
		return internal("insert stock movement", err)
	}
	res, err := t.ExecContext(t.ctx, "UPDATE medicine_batches SET quantity = quantity + ? WHERE id = ? AND quantity + ? >= 0", delta, batchID, delta)
	if err != nil {
		return internal("update batch", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ledger.Errorf(ledger.ECONFLICT, "库存不足，不能出库")
	}
	return nil
}

// Restock adds a quantity of a batch: a new batch, or more of a batch
// already on the shelf (its expiry must agree). Journaled as
// medicine.restock {medicine_id, name, batch_id, batch, expiry, qty, supplier, new_batch}.
func (s *MedicineService) Restock(ctx context.Context, actor ledger.Staff, req ledger.RestockRequest) (ledger.MedicineBatch, error) {
	var out ledger.MedicineBatch
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		today, _, err := t.date()
		if err != nil {
			return err
		}
		if req, err = req.Normalize(today); err != nil {
			return err
		}
		m, err := t.medicineByID(req.MedicineID)
		if err != nil {
			return err
		}
		b, err := scanBatch(t.QueryRowContext(ctx, "SELECT "+batchColumns+" FROM medicine_batches WHERE medicine_id = ? AND batch_no = ?", m.ID, req.BatchNo))
		fresh := errNoRows(err)
		switch {
		case fresh:
			b = ledger.MedicineBatch{MedicineID: m.ID, BatchNo: req.BatchNo, Expiry: req.Expiry, Supplier: req.Supplier, ReceivedAt: t.now}
			if err := t.QueryRowContext(ctx, `INSERT INTO medicine_batches(medicine_id, batch_no, expiry, supplier, received_at, added_seq)
				VALUES (?, ?, ?, ?, ?, 0) RETURNING id`, m.ID, b.BatchNo, b.Expiry, b.Supplier, formatTime(t.now)).Scan(&b.ID); err != nil {
				return internal("insert batch", err)
			}
		case err != nil:
			return internal("load batch", err)
		case b.Expiry != req.Expiry:
			return ledger.Errorf(ledger.ECONFLICT, "批号 %s 已登记有效期至 %s，与本次 %s 不符，请核对", b.BatchNo, b.Expiry, req.Expiry)
		}
		e, err := t.append(actor.ID, "medicine.restock", map[string]any{"medicine_id": m.ID, "name": m.Name, "batch_id": b.ID,
			"batch": b.BatchNo, "expiry": b.Expiry, "qty": req.Quantity, "supplier": req.Supplier, "new_batch": fresh}, 0)
		if err != nil {
			return err
		}
		if fresh {
			if _, err := t.ExecContext(ctx, "UPDATE medicine_batches SET added_seq = ? WHERE id = ?", e.Seq, b.ID); err != nil {
				return internal("update batch", err)
			}
		}
		if err := t.move(ledger.MoveRestock, m.ID, b.ID, req.Quantity, e, 0, req.Supplier); err != nil {
			return err
		}
		b.Quantity += req.Quantity
		out = b
		return nil
	})
	return out, err
}

// PlanDispense shows the batches a dispense would take.
func (s *MedicineService) PlanDispense(ctx context.Context, medicineID int64, qty int, batchID int64) ([]ledger.BatchTake, error) {
	today, _, err := counterDate(ctx, s.db)
	if err != nil {
		return nil, err
	}
	m, err := loadMedicine(ctx, s.db.db, today, medicineID)
	if err != nil {
		return nil, err
	}
	bs, err := loadBatches(ctx, s.db.db, medicineID, true)
	if err != nil {
		return nil, err
	}
	return ledger.PlanDispense(bs, qty, batchID, today, m.Unit)
}
