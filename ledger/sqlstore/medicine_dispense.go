package sqlstore

import (
	"context"
	"encoding/json"
	"strconv"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

const dispenseColumns = `d.id, d.receipt_no, d.token, d.medicine_id, m.name, m.category, m.unit, d.quantity, d.takes,
	d.recipient, d.reason, d.person_id, d.mobile_masked, d.health_noted, d.at, d.staff_id, d.seq`

const dispenseFrom = " FROM medicine_dispenses d JOIN medicines m ON m.id = d.medicine_id"

// scanDispense reads one dispense row (dispenseColumns order).
func scanDispense(sc interface{ Scan(...any) error }) (ledger.Dispense, error) {
	var d ledger.Dispense
	var takes, at string
	err := sc.Scan(&d.ID, &d.ReceiptNo, &d.Token, &d.MedicineID, &d.MedicineName, &d.Category, &d.Unit, &d.Quantity, &takes,
		&d.Recipient, &d.Reason, &d.PersonID, &d.MobileMasked, &d.HealthNoted, &at, &d.StaffID, &d.Seq)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(takes), &d.Takes); err != nil {
		return d, internal("decode batches taken", err)
	}
	d.At, err = parseTime(at)
	return d, err
}

// loadDispense loads the one dispense matching where (on alias d).
func loadDispense(ctx context.Context, q queryer, where string, args ...any) (ledger.Dispense, error) {
	d, err := scanDispense(q.QueryRowContext(ctx, "SELECT "+dispenseColumns+dispenseFrom+" WHERE "+where, args...))
	if errNoRows(err) {
		return d, ledger.Errorf(ledger.ENOTFOUND, "找不到该药品领用记录")
	} else if err != nil {
		return d, internal("load dispense", err)
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM print_jobs WHERE receipt_no = ?", d.ReceiptNo).Scan(&n); err != nil {
		return d, internal("load dispense slip", err)
	}
	d.Printed = n > 0
	return d, nil
}

// Dispense gives out medicine: the batches are planned earliest expiry
// first (or the clerk's choice is checked), expired or missing stock is
// refused, the optional contact and health note go to the personal-data
// store, and each batch taken is a movement. Journaled as
// medicine.dispense {dispense_id, receipt_no, medicine_id, name, category,
// qty, unit, takes, recipient, reason, person, mobile_masked, health_noted,
// job_id}; the health note itself never enters the journal.
func (s *MedicineService) Dispense(ctx context.Context, actor ledger.Staff, req ledger.DispenseRequest) (ledger.Dispense, error) {
	req, err := req.Normalize()
	if err != nil {
		return ledger.Dispense{}, err
	}
	var out ledger.Dispense
	err = s.db.inTx(ctx, func(t *tx) error {
		me, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		today, set, err := t.date()
		if err != nil {
			return err
		}
		m, err := t.medicineByID(req.MedicineID)
		if err != nil {
			return err
		}
		bs, err := loadBatches(ctx, t, m.ID, true)
		if err != nil {
			return err
		}
		takes, err := ledger.PlanDispense(bs, req.Quantity, req.BatchID, today, m.Unit)
		if err != nil {
			return err
		}
		d := ledger.Dispense{MedicineID: m.ID, MedicineName: m.Name, Category: m.Category, Unit: m.Unit, Quantity: req.Quantity,
			Takes: takes, Recipient: req.Recipient, Reason: req.Reason, At: t.now, StaffID: actor.ID}
		if d.PersonID, d.MobileMasked, d.HealthNoted, err = t.keepMedicinePerson(actor.ID, req); err != nil {
			return err
		}
		sig, err := t.signer()
		if err != nil {
			return err
		}
		if d.ReceiptNo, err = t.nextReceiptNo(actor.ID); err != nil {
			return err
		}
		raw, err := json.Marshal(takes)
		if err != nil {
			return internal("encode batches taken", err)
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO medicine_dispenses(receipt_no, medicine_id, quantity, takes, recipient, reason,
			person_id, mobile_masked, health_noted, at, staff_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`,
			d.ReceiptNo, m.ID, d.Quantity, string(raw), d.Recipient, d.Reason, d.PersonID, d.MobileMasked, d.HealthNoted,
			formatTime(t.now), actor.ID).Scan(&d.ID); err != nil {
			return internal("insert dispense", err)
		}
		d.Token = sig.Sign(receipts.KindMedicine, d.ID)
		var jobID int64
		if req.PrintSlip {
			job, err := t.enqueueDocument(d.ReceiptNo, dispenseDocument(set, m, d, me.Name))
			if err != nil {
				return err
			}
			jobID, d.Printed = job.ID, true
		}
		e, err := t.append(actor.ID, "medicine.dispense", map[string]any{"dispense_id": d.ID, "receipt_no": d.ReceiptNo,
			"medicine_id": m.ID, "name": m.Name, "category": m.Category, "qty": d.Quantity, "unit": m.Unit, "takes": takes,
			"recipient": d.Recipient, "reason": d.Reason, "person": d.PersonID, "mobile_masked": d.MobileMasked,
			"health_noted": d.HealthNoted, "job_id": jobID}, 0)
		if err != nil {
			return err
		}
		d.Seq = e.Seq
		if _, err := t.ExecContext(ctx, "UPDATE medicine_dispenses SET token = ?, seq = ? WHERE id = ?", d.Token, e.Seq, d.ID); err != nil {
			return internal("update dispense", err)
		}
		for _, tk := range takes {
			if err := t.move(ledger.MoveDispense, m.ID, tk.BatchID, -tk.Quantity, e, d.ID, d.ReceiptNo); err != nil {
				return err
			}
		}
		out = d
		return nil
	})
	return out, err
}

// dispenseDocument lays out the medicine slip.
func dispenseDocument(set ledger.Settings, m ledger.Medicine, d ledger.Dispense, staff string) receipts.Document {
	var batches []receipts.SlipBatch
	for _, tk := range d.Takes {
		batches = append(batches, receipts.SlipBatch{No: tk.BatchNo, Expiry: tk.Expiry, Qty: strconv.Itoa(tk.Quantity) + m.Unit})
	}
	name := m.Name
	if m.Spec != "" {
		name += " " + m.Spec
	}
	return receipts.MedicineDispenseSlip(receipts.MedicineSlip{
		SlipHead: receipts.SlipHead{No: d.ReceiptNo, Mall: set.MallName, Counter: set.CounterName, Staff: staff,
			Time: d.At, Location: set.Location(), Token: d.Token},
		Medicine: name, Category: m.Category.Label(), Quantity: d.Quantity, Unit: m.Unit, Batches: batches,
		Recipient: d.Recipient, Reason: d.Reason, Phone: d.MobileMasked,
	})
}

// Dispensed returns one dispense by id.
func (s *MedicineService) Dispensed(ctx context.Context, id int64) (ledger.Dispense, error) {
	return loadDispense(ctx, s.db.db, "d.id = ?", id)
}

// DispenseByToken verifies a slip's QR token and returns its dispense; a
// forged or altered token, or another kind's, is refused as 无效凭证.
func (s *MedicineService) DispenseByToken(ctx context.Context, token string) (ledger.Dispense, error) {
	id, err := tokenID(ctx, s.db, token, receipts.KindMedicine, ledger.Errorf(ledger.EINVALID, "无效凭证"))
	if err != nil {
		return ledger.Dispense{}, err
	}
	return s.Dispensed(ctx, id)
}

// DispenseByReceipt finds a dispense by its slip number (typed without its
// desk code: this desk's, never another desk's).
func (s *MedicineService) DispenseByReceipt(ctx context.Context, receiptNo string) (ledger.Dispense, error) {
	return byReceiptNo(ctx, s.db, receiptNo, func(no string) (ledger.Dispense, error) {
		return loadDispense(ctx, s.db.db, "d.receipt_no = ?", no)
	})
}

// RecentDispenses lists dispenses newest first, with the total.
func (s *MedicineService) RecentDispenses(ctx context.Context, offset, limit int) ([]ledger.Dispense, int, error) {
	offset, limit = page(offset, limit)
	var total int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM medicine_dispenses").Scan(&total); err != nil {
		return nil, 0, internal("count dispenses", err)
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+dispenseColumns+dispenseFrom+" ORDER BY d.id DESC LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, 0, internal("list dispenses", err)
	}
	defer rows.Close()
	var out []ledger.Dispense
	for rows.Next() {
		d, err := scanDispense(rows)
		if err != nil {
			return nil, 0, internal("scan dispense", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, internal("list dispenses", err)
	}
	return out, total, nil
}

// PrintSlip queues a dispense's slip: the original when none was queued
// (journaled medicine.slip {dispense_id, receipt_no, job_id}), otherwise
// a copy marked 补打 through the print queue.
func (s *MedicineService) PrintSlip(ctx context.Context, actor ledger.Staff, id int64) (ledger.PrintJob, error) {
	d, err := s.Dispensed(ctx, id)
	if err != nil {
		return ledger.PrintJob{}, err
	}
	if d.Printed {
		return NewPrintQueue(s.db).Reprint(ctx, actor, d.ReceiptNo)
	}
	var job ledger.PrintJob
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		d, err := loadDispense(ctx, t, "d.id = ?", id)
		if err != nil {
			return err
		}
		if d.Printed {
			return ledger.Errorf(ledger.ECONFLICT, "领用单 %s 已在打印队列中", d.ReceiptNo)
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		m, err := t.medicineByID(d.MedicineID)
		if err != nil {
			return err
		}
		st, err := t.staffByID(d.StaffID)
		if err != nil {
			return err
		}
		if job, err = t.enqueueDocument(d.ReceiptNo, dispenseDocument(set, m, d, st.Name)); err != nil {
			return err
		}
		_, err = t.append(actor.ID, "medicine.slip", map[string]any{"dispense_id": d.ID, "receipt_no": d.ReceiptNo, "job_id": job.ID}, 0)
		return err
	})
	return job, err
}
