package sqlstore

import (
	"context"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// Claim hands a held item to its owner: the staff confirmed the
// claimant's description matches, the claimant's name, mobile and ID
// number go to the personal-data store (the ID number only as mask and
// keyed hash), the handover receipt is queued for signature, and a lost
// report named by the claim is closed. An item is claimed once: a second
// claim, or a claim of a disposed item, is refused. Journaled as
// lostfound.claim {item_id, no, claim_no, person, name_masked,
// phone_masked, id_masked, description, report_id, job_id}.
func (s *LostFoundService) Claim(ctx context.Context, actor ledger.Staff, req ledger.ClaimRequest) (ledger.FoundItem, error) {
	req, err := req.Normalize()
	if err != nil {
		return ledger.FoundItem{}, err
	}
	var out ledger.FoundItem
	err = s.db.inTx(ctx, func(t *tx) error {
		me, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		f, err := loadFound(ctx, t, "id = ?", req.ItemID)
		if err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		if err := heldOrConflict(f, set); err != nil {
			return err
		}
		if f.ClaimPerson, f.ClaimantName, f.ClaimantPhone, f.ClaimantID, err = t.keepClaimant(actor.ID, req); err != nil {
			return err
		}
		if f.ClaimNo, err = t.nextReceiptNo(actor.ID); err != nil {
			return err
		}
		f.Status, f.ClaimedAt, f.ClaimedBy = ledger.FoundClaimed, t.now, actor.ID
		job, err := t.enqueueDocument(f.ClaimNo, handoverDocument(set, f, me.Name))
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "lostfound.claim", map[string]any{"item_id": f.ID, "no": f.No, "claim_no": f.ClaimNo,
			"person": f.ClaimPerson, "name_masked": f.ClaimantName, "phone_masked": f.ClaimantPhone, "id_masked": f.ClaimantID,
			"description": req.Description, "report_id": req.ReportID, "job_id": job.ID}, 0)
		if err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE found_items SET status = 'claimed', claim_no = ?, claimed_at = ?, claimed_by = ?,
			claim_person = ?, claimant_name = ?, claimant_phone = ?, claimant_id = ?, claim_desc = ?, claim_seq = ?
			WHERE id = ? AND status = 'held'`, f.ClaimNo, formatTime(t.now), actor.ID, f.ClaimPerson, f.ClaimantName, f.ClaimantPhone,
			f.ClaimantID, req.Description, e.Seq, f.ID)
		if err != nil {
			return internal("claim found item", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ledger.Errorf(ledger.ECONFLICT, "失物 %s 已被认领", f.No)
		}
		if req.ReportID != 0 {
			if err := t.closeReport(actor.ID, req.ReportID, f.ID, "已认领 "+f.No); err != nil {
				return err
			}
		}
		out = f
		return nil
	})
	return out, err
}

// heldOrConflict refuses an item that was claimed or disposed of, saying when.
func heldOrConflict(f ledger.FoundItem, set ledger.Settings) error {
	loc := set.Location()
	switch f.Status {
	case ledger.FoundClaimed:
		return ledger.Errorf(ledger.ECONFLICT, "失物 %s 已于 %s 被认领（交接单 %s），不能再次认领或处置",
			f.No, f.ClaimedAt.In(loc).Format("2006-01-02 15:04"), f.ClaimNo)
	case ledger.FoundDisposed:
		return ledger.Errorf(ledger.ECONFLICT, "失物 %s 已于 %s 处置（%s），不能再认领或处置",
			f.No, f.DisposedAt.In(loc).Format("2006-01-02 15:04"), f.Disposal.Label())
	}
	return nil
}

// handoverDocument lays out the handover receipt.
func handoverDocument(set ledger.Settings, f ledger.FoundItem, staff string) receipts.Document {
	return receipts.HandoverReceipt(receipts.Handover{
		SlipHead: receipts.SlipHead{No: f.ClaimNo, Mall: set.MallName, Counter: set.CounterName, Staff: staff, Time: f.ClaimedAt,
			Location: set.Location(), Token: f.Token},
		ItemNo: f.No, Category: f.Category, Description: f.Description,
		Name: f.ClaimantName, Phone: f.ClaimantPhone, ID: f.ClaimantID,
	})
}

// Due lists held items whose retention ended by today, oldest due first.
func (s *LostFoundService) Due(ctx context.Context, offset, limit int) ([]ledger.FoundItem, int, error) {
	today, _, err := counterDate(ctx, s.db)
	if err != nil {
		return nil, 0, err
	}
	offset, limit = page(offset, limit)
	var total int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM found_items WHERE status = 'held' AND due_date <= ?", today).Scan(&total); err != nil {
		return nil, 0, internal("count due items", err)
	}
	items, err := listFound(ctx, s.db.db, "SELECT "+foundColumns+" FROM found_items WHERE status = 'held' AND due_date <= ? ORDER BY due_date, id LIMIT ? OFFSET ?",
		today, limit, offset)
	return items, total, err
}

// Dispose records where an unclaimed item went after its retention time:
// two approvals by two different supervisors, neither the acting clerk,
// each bound to this item and method; items of police categories go to
// the police. Journaled as lostfound.dispose {item_id, no, category,
// method, disposed_to, approvals: [{approver_id, approver_name, reason}]}.
func (s *LostFoundService) Dispose(ctx context.Context, actor ledger.Staff, req ledger.DisposeRequest) (ledger.FoundItem, error) {
	if !req.Method.Valid() {
		return ledger.FoundItem{}, ledger.Errorf(ledger.EINVALID, "请选择处置方式")
	}
	to, err := ledger.FieldDisposedTo.Clean(req.DisposedTo)
	if err != nil {
		return ledger.FoundItem{}, err
	}
	var out ledger.FoundItem
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		f, err := loadFound(ctx, t, "id = ?", req.ItemID)
		if err != nil {
			return err
		}
		today, set, err := t.date()
		if err != nil {
			return err
		}
		if err := heldOrConflict(f, set); err != nil {
			return err
		}
		if f.DueDate > today {
			return ledger.Errorf(ledger.ECONFLICT, "失物 %s 保管至 %s，未到期不能处置", f.No, f.DueDate)
		}
		if f.Police && req.Method != ledger.DisposePolice {
			return ledger.Errorf(ledger.EINVALID, "%s类失物须移交公安机关", f.Category)
		}
		// Two approvals by two different supervisors, neither the actor,
		// each single-use and bound to this item and method.
		used, err := t.useApprovals(ledger.DisposalApproval(actor.ID, f, req.Method), req.Approvals...)
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "lostfound.dispose", map[string]any{"item_id": f.ID, "no": f.No, "category": f.Category,
			"method": req.Method, "disposed_to": to, "approvals": used}, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE found_items SET status = 'disposed', disposed_at = ?, disposal = ?, disposed_to = ?,
			approver1 = ?, approver2 = ?, dispose_seq = ? WHERE id = ? AND status = 'held'`,
			formatTime(t.now), req.Method, to, used[0].ApproverID, used[1].ApproverID, e.Seq, f.ID)
		if err != nil {
			return internal("dispose found item", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ledger.Errorf(ledger.ECONFLICT, "失物 %s 已不在保管中", f.No)
		}
		f.Status, f.DisposedAt, f.Disposal, f.DisposedTo = ledger.FoundDisposed, t.now, req.Method, to
		f.Approvers = []string{used[0].ApproverName, used[1].ApproverName}
		out = f
		return nil
	})
	return out, err
}

// Summary counts held, due and open records for the side panel.
func (s *LostFoundService) Summary(ctx context.Context) (ledger.LostFoundSummary, error) {
	today, _, err := counterDate(ctx, s.db)
	if err != nil {
		return ledger.LostFoundSummary{}, err
	}
	var sum ledger.LostFoundSummary
	err = s.db.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM found_items WHERE status = 'held'),
		(SELECT count(*) FROM found_items WHERE status = 'held' AND due_date <= ?),
		(SELECT count(*) FROM lost_reports WHERE status = 'open'),
		(SELECT count(*) FROM lostfound_drafts WHERE status = 'draft')`, today).Scan(&sum.Held, &sum.Due, &sum.Open, &sum.Drafts)
	if err != nil {
		return sum, internal("count lost and found", err)
	}
	return sum, nil
}
