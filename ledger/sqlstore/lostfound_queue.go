package sqlstore

import (
	"context"
	"encoding/json"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// QueueDraft hands an announcement draft to the broadcast console's queue
// in one transaction: the broadcast is queued (journaled broadcast.queue,
// as the console queues a staff announcement) and the draft marked queued
// (journaled lostfound.draft_queued {draft_id, broadcast_id}). A draft is
// queued once.
func (s *LostFoundService) QueueDraft(ctx context.Context, actor ledger.Staff, draftID int64) (ledger.AnnouncementDraft, error) {
	var out ledger.AnnouncementDraft
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		d, err := t.draftByID(draftID)
		if err != nil {
			return err
		}
		if d.Status != ledger.DraftOpen {
			return ledger.Errorf(ledger.ECONFLICT, "该广播稿已送广播台排队")
		}
		a, err := d.Announcement().Normalize()
		if err != nil {
			return err
		}
		b := ledger.Broadcast{Source: ledger.SourceManual, Kind: string(a.Template), Text: a.Text(nil),
			TextMasked: a.Text(receipts.MaskName), Speech: a.SpeechText(), StaffID: actor.ID, Status: ledger.BroadcastQueued}
		if b, err = t.insertBroadcast(b, "", "broadcast.queue", actor.ID); err != nil {
			return err
		}
		if _, err := t.append(actor.ID, "lostfound.draft_queued", map[string]any{"draft_id": d.ID, "broadcast_id": b.ID}, 0); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, "UPDATE lostfound_drafts SET status = 'queued', broadcast_id = ? WHERE id = ? AND status = 'draft'", b.ID, d.ID)
		if err != nil {
			return internal("queue draft", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ledger.Errorf(ledger.ECONFLICT, "该广播稿已送广播台排队")
		}
		d.Status, d.BroadcastID = ledger.DraftQueued, b.ID
		out = d
		return nil
	})
	return out, err
}

// draftByID loads one draft inside the transaction.
func (t *tx) draftByID(id int64) (ledger.AnnouncementDraft, error) {
	var d ledger.AnnouncementDraft
	var fields, created string
	err := t.QueryRowContext(t.ctx, `SELECT id, template, fields, text, report_id, item_id, created_at, created_by, status, broadcast_id
		FROM lostfound_drafts WHERE id = ?`, id).Scan(&d.ID, &d.Template, &fields, &d.Text, &d.ReportID, &d.ItemID, &created, &d.CreatedBy, &d.Status, &d.BroadcastID)
	if errNoRows(err) {
		return d, ledger.Errorf(ledger.ENOTFOUND, "找不到该广播稿")
	} else if err != nil {
		return d, internal("load draft", err)
	}
	if err := json.Unmarshal([]byte(fields), &d.Fields); err != nil {
		return d, internal("decode draft", err)
	}
	d.CreatedAt, err = parseTime(created)
	return d, err
}
