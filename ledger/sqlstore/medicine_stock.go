package sqlstore

import (
	"context"
	"strings"

	"servicedesk/ledger"
)

// Count records a stock count (盘点) of one medicine: every batch with
// stock must be counted; each difference becomes a count movement (so the
// ledger shows what went missing or turned up), and a count without
// differences is journaled too. Journaled as medicine.count {medicine_id,
// name, lines: [{batch_id, batch, expected, counted, diff}], note}.
func (s *MedicineService) Count(ctx context.Context, actor ledger.Staff, req ledger.CountRequest) ([]ledger.CountDiff, error) {
	note, err := ledger.FieldCountNote.Clean(req.Note)
	if err != nil {
		return nil, err
	}
	if len(req.Lines) == 0 {
		return nil, ledger.Errorf(ledger.EINVALID, "请填写各批号的盘点数量")
	}
	var out []ledger.CountDiff
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		m, err := t.medicineByID(req.MedicineID)
		if err != nil {
			return err
		}
		all, err := loadBatches(ctx, t, m.ID, true)
		if err != nil {
			return err
		}
		byID := map[int64]ledger.MedicineBatch{}
		for _, b := range all {
			byID[b.ID] = b
		}
		counted := map[int64]int{}
		for _, l := range req.Lines {
			b, ok := byID[l.BatchID]
			if !ok {
				return ledger.Errorf(ledger.EINVALID, "批号不属于%s", m.Name)
			}
			if _, dup := counted[l.BatchID]; dup {
				return ledger.Errorf(ledger.EINVALID, "批号 %s 重复填写", b.BatchNo)
			}
			if l.Counted < 0 || l.Counted > ledger.MaxMedicineQty {
				return ledger.Errorf(ledger.EINVALID, "批号 %s 的盘点数量须在0到%d之间", b.BatchNo, ledger.MaxMedicineQty)
			}
			counted[l.BatchID] = l.Counted
		}
		var lines []ledger.CountDiff
		for _, b := range all {
			c, ok := counted[b.ID]
			if !ok {
				if b.Quantity > 0 {
					return ledger.Errorf(ledger.EINVALID, "请填写批号 %s 的盘点数量", b.BatchNo)
				}
				continue
			}
			lines = append(lines, ledger.CountDiff{BatchID: b.ID, BatchNo: b.BatchNo, Expected: b.Quantity, Counted: c, Diff: c - b.Quantity})
		}
		e, err := t.append(actor.ID, "medicine.count", map[string]any{"medicine_id": m.ID, "name": m.Name, "lines": lines, "note": note}, 0)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if l.Diff == 0 {
				continue
			}
			if err := t.move(ledger.MoveCount, m.ID, l.BatchID, l.Diff, e, 0, note); err != nil {
				return err
			}
		}
		out = lines
		return nil
	})
	return out, err
}

// WriteOff removes a quantity of a batch (expired, damaged) with the
// approval of a supervisor other than the clerk. Journaled as
// medicine.writeoff {medicine_id, name, batch_id, batch, expiry, qty,
// reason, expired, approval}.
func (s *MedicineService) WriteOff(ctx context.Context, actor ledger.Staff, req ledger.WriteOffRequest) (ledger.MedicineMove, error) {
	reason, err := ledger.FieldWriteOffWhy.Clean(req.Reason)
	if err != nil {
		return ledger.MedicineMove{}, err
	}
	var out ledger.MedicineMove
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		b, m, err := t.batchByID(req.BatchID)
		if err != nil {
			return err
		}
		if req.Quantity <= 0 || req.Quantity > b.Quantity {
			return ledger.Errorf(ledger.EINVALID, "报损数量须在1到%d之间（批号 %s 现有 %d%s）", max(b.Quantity, 1), b.BatchNo, b.Quantity, m.Unit)
		}
		used, err := t.useApprovals(ledger.MedicineWriteOffApproval(actor.ID, m, b, req.Quantity), req.Approval)
		if err != nil {
			return err
		}
		today, _, err := t.date()
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "medicine.writeoff", map[string]any{"medicine_id": m.ID, "name": m.Name, "batch_id": b.ID,
			"batch": b.BatchNo, "expiry": b.Expiry, "qty": req.Quantity, "unit": m.Unit, "reason": reason,
			"expired": b.Expired(today), "approval": used[0]}, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		if err := t.move(ledger.MoveWriteOff, m.ID, b.ID, -req.Quantity, e, 0, reason); err != nil {
			return err
		}
		out = ledger.MedicineMove{Kind: ledger.MoveWriteOff, MedicineID: m.ID, MedicineName: m.Name, BatchID: b.ID, BatchNo: b.BatchNo,
			Delta: -req.Quantity, At: t.now, StaffID: actor.ID, Seq: e.Seq, Note: reason}
		return nil
	})
	return out, err
}

// Moves lists a medicine's stock movements (0 for all), newest first.
func (s *MedicineService) Moves(ctx context.Context, medicineID int64, offset, limit int) ([]ledger.MedicineMove, int, error) {
	offset, limit = page(offset, limit)
	var total int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM medicine_moves WHERE (? = 0 OR medicine_id = ?)", medicineID, medicineID).Scan(&total); err != nil {
		return nil, 0, internal("count movements", err)
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT v.id, v.kind, v.medicine_id, m.name, v.batch_id, b.batch_no, v.delta, v.at, v.staff_id, v.seq, v.note
		FROM medicine_moves v JOIN medicines m ON m.id = v.medicine_id JOIN medicine_batches b ON b.id = v.batch_id
		WHERE (? = 0 OR v.medicine_id = ?) ORDER BY v.id DESC LIMIT ? OFFSET ?`, medicineID, medicineID, limit, offset)
	if err != nil {
		return nil, 0, internal("list movements", err)
	}
	defer rows.Close()
	var out []ledger.MedicineMove
	for rows.Next() {
		var v ledger.MedicineMove
		var at string
		if err := rows.Scan(&v.ID, &v.Kind, &v.MedicineID, &v.MedicineName, &v.BatchID, &v.BatchNo, &v.Delta, &at, &v.StaffID, &v.Seq, &v.Note); err != nil {
			return nil, 0, internal("scan movement", err)
		}
		if v.At, err = parseTime(at); err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, internal("list movements", err)
	}
	return out, total, nil
}

// Alerts lists expired stock, stock expiring within the warning days and
// stock below reorder level, most urgent first.
func (s *MedicineService) Alerts(ctx context.Context) ([]ledger.MedicineAlert, error) {
	today, set, err := counterDate(ctx, s.db)
	if err != nil {
		return nil, err
	}
	return medicineAlerts(ctx, s.db.db, today, set.MedicineWarn())
}

// medicineAlerts computes the alerts of every medicine on date today.
func medicineAlerts(ctx context.Context, q queryer, today string, warnDays int) ([]ledger.MedicineAlert, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+strings.ReplaceAll(medicineColumns, "m.", "")+" FROM medicines ORDER BY id")
	if err != nil {
		return nil, internal("list medicines", err)
	}
	var ms []ledger.Medicine
	for rows.Next() {
		var m ledger.Medicine
		if err := rows.Scan(&m.ID, &m.Name, &m.Category, &m.Spec, &m.Unit, &m.ReorderLevel); err != nil {
			rows.Close()
			return nil, internal("scan medicine", err)
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("list medicines", err)
	}
	var out []ledger.MedicineAlert
	for _, m := range ms {
		bs, err := loadBatches(ctx, q, m.ID, false)
		if err != nil {
			return nil, err
		}
		out = append(out, ledger.MedicineAlerts(m, bs, today, warnDays)...)
	}
	ledger.SortAlerts(out)
	return out, nil
}
