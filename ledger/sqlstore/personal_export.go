package sqlstore

import (
	"context"

	"servicedesk/ledger"
)

// personEvents lists the journal entries that name record id (what was done
// with the data, when), oldest first. The journal holds ids, never values,
// so this is a search for the id.
func (t *tx) personEvents(id string) ([]ledger.PersonalEvent, error) {
	rows, err := t.QueryContext(t.ctx, "SELECT seq, at, kind FROM journal WHERE data LIKE ? ORDER BY seq", `%"`+id+`"%`)
	if err != nil {
		return nil, internal("person events", err)
	}
	defer rows.Close()
	var out []ledger.PersonalEvent
	for rows.Next() {
		var e ledger.PersonalEvent
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Kind); err != nil {
			return nil, internal("scan person event", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Export gathers everything held about the person with this mobile or ID
// number for their own copy (PIPL Art. 45): every record, its purpose,
// dates, retention and history, the full value of non-sensitive data still
// held and the mask of everything else. A supervisor approves in the same
// transaction that journals it as personal.export {by, records, persons,
// approval}.
func (s *PersonalService) Export(ctx context.Context, actor ledger.Staff, query string, approval *ledger.Approval) (ledger.PersonalExport, error) {
	kind, value, err := ledger.LookupKind(query)
	if err != nil {
		return ledger.PersonalExport{}, err
	}
	keys, err := s.db.personalKeys()
	if err != nil {
		return ledger.PersonalExport{}, err
	}
	masked := ledger.MaskData(kind, value)
	var out ledger.PersonalExport
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, supervisors...); err != nil {
			return err
		}
		used, err := t.useApprovals(ledger.ExportApproval(actor, masked), approval)
		if err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		me, err := t.staffByID(actor.ID)
		if err != nil {
			return err
		}
		out = ledger.PersonalExport{By: kind, Query: masked, At: t.now, StaffName: me.Name, Approver: used[0].ApproverName,
			Mall: set.MallName, Counter: set.CounterName}
		ids, err := lookup(ctx, t, keys, kind, value)
		if err != nil {
			return err
		}
		recs, err := loadPersons(ctx, t, ids)
		if err != nil {
			return err
		}
		for _, r := range recs {
			x := ledger.ExportRecord{Record: r, Values: map[ledger.DataKind]string{}, DueAt: r.DueAt(set.Retention),
				Retained: set.Retention.Days(r.Purpose)}
			for _, f := range r.Fields {
				x.Values[f.Kind] = f.Masked
				if f.Kind.Sensitive() || !f.Kind.Sealed() || !f.Held {
					continue
				}
				v, ok, err := t.openField(keys, r.ID, f.Kind)
				if err != nil {
					return err
				}
				if ok {
					x.Values[f.Kind] = v
				}
			}
			if x.Events, err = t.personEvents(r.ID); err != nil {
				return err
			}
			out.Records = append(out.Records, x)
		}
		e, err := t.append(actor.ID, "personal.export", map[string]any{"by": kind, "records": len(ids), "persons": ids,
			"approval": used[0]}, 0)
		if err != nil {
			return err
		}
		return t.spendApprovals(e.Seq, used...)
	})
	if err != nil {
		return ledger.PersonalExport{}, err
	}
	return out, nil
}
