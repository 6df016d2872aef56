package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"servicedesk/ledger"
)

const reportColumns = `id, kind, category, description, place, lost_from, lost_to, person_id, name_masked, phone_masked,
	status, item_id, created_at, created_by`

// scanReport reads one lost_reports row (reportColumns order).
func scanReport(sc interface{ Scan(...any) error }) (ledger.LostReport, error) {
	var r ledger.LostReport
	var from, to, created string
	err := sc.Scan(&r.ID, &r.Kind, &r.Category, &r.Description, &r.Place, &from, &to, &r.Person, &r.NameMasked, &r.PhoneMasked,
		&r.Status, &r.ItemID, &created, &r.CreatedBy)
	if err != nil {
		return r, err
	}
	r.No = fmt.Sprintf("L%d", r.ID)
	if r.From, err = parseTime(from); err != nil {
		return r, err
	}
	if r.To, err = parseTime(to); err != nil {
		return r, err
	}
	r.CreatedAt, err = parseTime(created)
	return r, err
}

// loadReport loads one lost report.
func loadReport(ctx context.Context, q queryer, id int64) (ledger.LostReport, error) {
	r, err := scanReport(q.QueryRowContext(ctx, "SELECT "+reportColumns+" FROM lost_reports WHERE id = ?", id))
	if errNoRows(err) {
		return r, ledger.Errorf(ledger.ENOTFOUND, "找不到该报失记录")
	} else if err != nil {
		return r, internal("load lost report", err)
	}
	return r, nil
}

// Report records a customer's lost report: what, where, when, and the
// contact in the personal-data store. Journaled as lostfound.report
// {report_id, kind, category, description, place, from, to, person,
// name_masked, phone_masked}.
func (s *LostFoundService) Report(ctx context.Context, actor ledger.Staff, req ledger.LostReportRequest) (ledger.LostReport, error) {
	var out ledger.LostReport
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		if req, err = req.Normalize(set.Categories(), t.now); err != nil {
			return err
		}
		r := ledger.LostReport{Kind: req.Kind, Category: req.Category, Description: req.Description, Place: req.Place,
			From: req.From.UTC(), To: req.To.UTC(), Status: ledger.LostOpen, CreatedAt: t.now, CreatedBy: actor.ID}
		if r.Person, r.NameMasked, r.PhoneMasked, err = t.keepReportContact(actor.ID, req); err != nil {
			return err
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO lost_reports(kind, category, description, place, lost_from, lost_to, person_id,
			name_masked, phone_masked, created_at, created_by, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`,
			r.Kind, r.Category, r.Description, r.Place, formatTime(r.From), formatTime(r.To), r.Person, r.NameMasked, r.PhoneMasked,
			formatTime(t.now), actor.ID).Scan(&r.ID); err != nil {
			return internal("insert lost report", err)
		}
		r.No = fmt.Sprintf("L%d", r.ID)
		e, err := t.append(actor.ID, "lostfound.report", map[string]any{"report_id": r.ID, "kind": r.Kind, "category": r.Category,
			"description": r.Description, "place": r.Place, "from": formatTime(r.From), "to": formatTime(r.To), "person": r.Person,
			"name_masked": r.NameMasked, "phone_masked": r.PhoneMasked}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE lost_reports SET seq = ? WHERE id = ?", e.Seq, r.ID); err != nil {
			return internal("update lost report", err)
		}
		out = r
		return nil
	})
	return out, err
}

// LostReport returns one lost report.
func (s *LostFoundService) LostReport(ctx context.Context, id int64) (ledger.LostReport, error) {
	return loadReport(ctx, s.db.db, id)
}

// OpenReports lists open lost reports, newest first, with the total.
func (s *LostFoundService) OpenReports(ctx context.Context, offset, limit int) ([]ledger.LostReport, int, error) {
	offset, limit = page(offset, limit)
	var total int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM lost_reports WHERE status = 'open'").Scan(&total); err != nil {
		return nil, 0, internal("count lost reports", err)
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+reportColumns+" FROM lost_reports WHERE status = 'open' ORDER BY id DESC LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, 0, internal("list lost reports", err)
	}
	defer rows.Close()
	var out []ledger.LostReport
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, 0, internal("scan lost report", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, internal("list lost reports", err)
	}
	return out, total, nil
}

// CloseReport closes an open lost report without a claim (the customer
// withdrew it, the person was found). Journaled as lostfound.report_close
// {report_id, note}.
func (s *LostFoundService) CloseReport(ctx context.Context, actor ledger.Staff, id int64, note string) error {
	note, err := ledger.FieldCloseNote.Clean(note)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		return t.closeReport(actor.ID, id, 0, note)
	})
}

// closeReport closes an open report in the caller's transaction, naming
// the item it was claimed as (0 for none).
func (t *tx) closeReport(actorID, id, itemID int64, note string) error {
	r, err := loadReport(t.ctx, t, id)
	if err != nil {
		return err
	}
	if r.Status != ledger.LostOpen {
		return ledger.Errorf(ledger.ECONFLICT, "报失 %s 已结案", r.No)
	}
	e, err := t.append(actorID, "lostfound.report_close", map[string]any{"report_id": id, "item_id": itemID, "note": note}, 0)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE lost_reports SET status = 'closed', item_id = ?, close_note = ?, close_seq = ? WHERE id = ? AND status = 'open'",
		itemID, note, e.Seq, id); err != nil {
		return internal("close lost report", err)
	}
	return nil
}

// Matches scores the held items found from a little before the loss
// against the report and returns the best, highest score first.
func (s *LostFoundService) Matches(ctx context.Context, reportID int64, limit int) ([]ledger.Match, error) {
	r, err := s.LostReport(ctx, reportID)
	if err != nil {
		return nil, err
	}
	return matchesFor(ctx, s.db.db, r, limit)
}

// matchesFor scores the held items against r.
func matchesFor(ctx context.Context, q queryer, r ledger.LostReport, limit int) ([]ledger.Match, error) {
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	if r.Kind == ledger.LostPerson {
		return nil, nil
	}
	// A coarse filter on the date (a day either side of any zone); the
	// score itself drops items found before the loss.
	items, err := listFound(ctx, q, "SELECT "+foundColumns+" FROM found_items WHERE status = 'held' AND found_date >= ? ORDER BY id",
		ledger.AddDays(r.From.UTC().Format("2006-01-02"), -1))
	if err != nil {
		return nil, err
	}
	var out []ledger.Match
	for _, f := range items {
		score, why := ledger.MatchScore(r, f)
		if score >= 40 {
			out = append(out, ledger.Match{Item: f, Score: score, Reasons: why})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// DraftFromReport drafts a 寻人/寻物 announcement from an open lost report
// (names masked). Journaled as lostfound.draft {draft_id, template, text,
// report_id}.
func (s *LostFoundService) DraftFromReport(ctx context.Context, actor ledger.Staff, reportID int64) (ledger.AnnouncementDraft, error) {
	return s.draft(ctx, actor, func(t *tx, place string) (ledger.AnnouncementDraft, error) {
		r, err := loadReport(ctx, t, reportID)
		if err != nil {
			return ledger.AnnouncementDraft{}, err
		}
		if r.Status != ledger.LostOpen {
			return ledger.AnnouncementDraft{}, ledger.Errorf(ledger.ECONFLICT, "报失 %s 已结案", r.No)
		}
		return ledger.DraftFromReport(r, place), nil
	})
}

// DraftFromItem drafts a 失物招领 announcement from a held found item (the
// owner's name masked). Journaled as lostfound.draft.
func (s *LostFoundService) DraftFromItem(ctx context.Context, actor ledger.Staff, itemID int64) (ledger.AnnouncementDraft, error) {
	return s.draft(ctx, actor, func(t *tx, place string) (ledger.AnnouncementDraft, error) {
		f, err := loadFound(ctx, t, "id = ?", itemID)
		if err != nil {
			return ledger.AnnouncementDraft{}, err
		}
		if f.Status != ledger.FoundHeld {
			return ledger.AnnouncementDraft{}, ledger.Errorf(ledger.ECONFLICT, "失物 %s %s", f.No, f.Status.Label())
		}
		return ledger.DraftFromFound(f, place), nil
	})
}

// draft stores the draft made by make in one transaction.
func (s *LostFoundService) draft(ctx context.Context, actor ledger.Staff, make func(*tx, string) (ledger.AnnouncementDraft, error)) (ledger.AnnouncementDraft, error) {
	var out ledger.AnnouncementDraft
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		d, err := make(t, set.CounterName)
		if err != nil {
			return err
		}
		d.CreatedAt, d.CreatedBy, d.Status = t.now, actor.ID, ledger.DraftOpen
		fields, err := json.Marshal(d.Fields)
		if err != nil {
			return internal("encode draft", err)
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO lostfound_drafts(template, fields, text, report_id, item_id, created_at, created_by, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`, d.Template, string(fields), d.Text, d.ReportID, d.ItemID, formatTime(t.now), actor.ID).Scan(&d.ID); err != nil {
			return internal("insert draft", err)
		}
		e, err := t.append(actor.ID, "lostfound.draft", map[string]any{"draft_id": d.ID, "template": d.Template, "text": d.Text,
			"report_id": d.ReportID, "item_id": d.ItemID}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE lostfound_drafts SET seq = ? WHERE id = ?", e.Seq, d.ID); err != nil {
			return internal("update draft", err)
		}
		out = d
		return nil
	})
	return out, err
}

// Drafts lists announcement drafts, newest first.
func (s *LostFoundService) Drafts(ctx context.Context, limit int) ([]ledger.AnnouncementDraft, error) {
	_, limit = page(0, limit)
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, template, fields, text, report_id, item_id, created_at, created_by, status, broadcast_id
		FROM lostfound_drafts ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, internal("list drafts", err)
	}
	defer rows.Close()
	var out []ledger.AnnouncementDraft
	for rows.Next() {
		var d ledger.AnnouncementDraft
		var fields, created string
		if err := rows.Scan(&d.ID, &d.Template, &fields, &d.Text, &d.ReportID, &d.ItemID, &created, &d.CreatedBy, &d.Status, &d.BroadcastID); err != nil {
			return nil, internal("scan draft", err)
		}
		if err := json.Unmarshal([]byte(fields), &d.Fields); err != nil {
			return nil, internal("decode draft", err)
		}
		if d.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list drafts", err)
	}
	return out, nil
}
