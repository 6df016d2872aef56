package sqlstore

import (
	"context"
	"strings"
	"time"

	"servicedesk/ledger"
)

// heldCond selects the fields that still hold a sealed value or a hash.
const heldCond = "(sealed IS NOT NULL OR lookup IS NOT NULL)"

// heldFieldsSQL counts a record's fields that still hold a value or hash.
const heldFieldsSQL = "SELECT count(*) FROM person_fields WHERE person_id = ? AND " + heldCond

// eraseChunk is how many records one erasing statement names.
const eraseChunk = 500

// erasePersons erases the records in the caller's transaction: sealed
// values and keyed hashes are cleared in place (secure_delete zeroes the
// freed bytes), the ids and masks stay, and each record names the journal
// entry that erased it. Records are erased in chunks of eraseChunk ids per
// statement; one that is already erased fails the whole transaction. It
// returns the number of fields erased.
func (t *tx) erasePersons(ids []string, reason string, seq int64) (int, error) {
	fields := 0
	now := micros(t.now)
	for start := 0; start < len(ids); start += eraseChunk {
		chunk := ids[start:min(start+eraseChunk, len(ids))]
		in := "(?" + strings.Repeat(", ?", len(chunk)-1) + ")"
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		res, err := t.ExecContext(t.ctx, "UPDATE person_fields SET sealed = NULL, lookup = NULL WHERE person_id IN "+in+" AND "+heldCond, args...)
		if err != nil {
			return 0, internal("erase person fields", err)
		}
		n, _ := res.RowsAffected()
		fields += int(n)
		res, err = t.ExecContext(t.ctx, "UPDATE persons SET erased_at = ?, erased_for = ?, erased_seq = ? WHERE erased_at = 0 AND id IN "+in,
			append([]any{now, reason, seq}, args...)...)
		if err != nil {
			return 0, internal("erase person", err)
		}
		if n, _ := res.RowsAffected(); n != int64(len(chunk)) {
			return 0, ledger.Errorf(ledger.ECONFLICT, "有记录已被删除，请刷新后重试")
		}
	}
	return fields, nil
}

// scrub checkpoints the WAL into the database file and truncates it, so
// the pages that held erased values do not linger in the WAL (best effort:
// a reader holding an old snapshot delays it to the next erase).
func (d *DB) scrub(ctx context.Context) {
	if d.Engine() != "sqlite" {
		return // PostgreSQL: dead row versions go at the next VACUUM (README)
	}
	if _, err := d.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		d.log.Warn("wal checkpoint after erasure", "err", err)
	}
}

// Erase erases records at the person's request (PIPL Art. 47), all or none,
// with a supervisor's approval checked in the same transaction. Journaled
// as personal.erase {persons, records, fields, approval}: ids and counts,
// never contents.
func (s *PersonalService) Erase(ctx context.Context, actor ledger.Staff, ids []string, approval *ledger.Approval) (ledger.EraseResult, error) {
	ids, err := checkIDs(ids)
	if err != nil {
		return ledger.EraseResult{}, err
	}
	var res ledger.EraseResult
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, supervisors...); err != nil {
			return err
		}
		used, err := t.useApprovals(ledger.EraseApproval(actor, ids), approval)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r, err := t.personByID(id)
			if err != nil {
				return err
			}
			if r.Erased() {
				return ledger.Errorf(ledger.ECONFLICT, "记录 %s 的个人信息已于 %s 删除", id, r.ErasedAt.Format("2006-01-02"))
			}
			var n int
			if err := t.QueryRowContext(ctx, heldFieldsSQL, id).Scan(&n); err != nil {
				return internal("count person fields", err)
			}
			res.Fields += n
		}
		res.Records = len(ids)
		e, err := t.append(actor.ID, "personal.erase", map[string]any{"persons": ids, "records": res.Records,
			"fields": res.Fields, "reason": ledger.ErasedForRequest, "approval": used[0]}, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		_, err = t.erasePersons(ids, ledger.ErasedForRequest, e.Seq)
		return err
	})
	if err != nil {
		return ledger.EraseResult{}, err
	}
	s.db.log.Info("personal data erased on request", "records", res.Records, "fields", res.Fields)
	s.db.scrub(ctx)
	return res, nil
}

// duePerson is a record the purge will erase.
type duePerson struct {
	id      string
	purpose ledger.Purpose
	fields  int
}

// duePersons lists the held records whose retention time has passed at now
// under ret: the clock ran (retain_from set) at least the purpose's days ago.
// At most limit records are listed (limit <= 0: all).
func duePersons(ctx context.Context, q queryer, ret ledger.Retention, now time.Time, limit int) ([]duePerson, error) {
	var out []duePerson
	for _, p := range ledger.Purposes() {
		cutoff := now.Add(-time.Duration(ret.Days(p)) * 24 * time.Hour)
		left := 1<<31 - 1 // "no limit" both engines accept
		if limit > 0 {
			if left = limit - len(out); left <= 0 {
				break
			}
		}
		rows, err := q.QueryContext(ctx, `SELECT p.id, (SELECT count(*) FROM person_fields WHERE person_id = p.id AND `+heldCond+`)
			FROM persons p WHERE p.erased_at = 0 AND p.purpose = ? AND p.retain_from > 0 AND p.retain_from <= ? ORDER BY p.id LIMIT ?`,
			p, micros(cutoff), left)
		if err != nil {
			return nil, internal("list due persons", err)
		}
		for rows.Next() {
			d := duePerson{purpose: p}
			if err := rows.Scan(&d.id, &d.fields); err != nil {
				rows.Close()
				return nil, internal("scan due person", err)
			}
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, internal("list due persons", err)
		}
	}
	return out, nil
}

// summarise counts due records per purpose.
func summarise(due []duePerson) ledger.PurgeResult {
	res := ledger.PurgeResult{ByPurpose: map[ledger.Purpose]int{}}
	for _, d := range due {
		res.Records++
		res.Fields += d.fields
		res.ByPurpose[d.purpose]++
	}
	return res
}

// PurgeDue counts what a purge would erase now.
func (s *PersonalService) PurgeDue(ctx context.Context) (ledger.PurgeResult, error) {
	set, err := NewSettingsService(s.db).Settings(ctx)
	if err != nil {
		return ledger.PurgeResult{}, err
	}
	due, err := duePersons(ctx, s.db.db, set.Retention, s.db.Now(), 0)
	if err != nil {
		return ledger.PurgeResult{}, err
	}
	return summarise(due), nil
}

// purgeBatch is how many records one purge transaction erases, so that a
// large purge never holds the write lock long enough to stall the counter.
const purgeBatch = 1000

// Purge erases every held record past its retention time, keeping ids and
// masks, in transactions of at most purgeBatch records. Each is journaled
// as personal.purge {records, fields, by_purpose}: counts, not contents;
// nothing is journaled when nothing was due. The actor must be a
// supervisor or admin (a zero Staff is refused like any caller without an
// account: the program's own purge is PurgeScheduled).
func (s *PersonalService) Purge(ctx context.Context, actor ledger.Staff) (ledger.PurgeResult, error) {
	return s.purge(ctx, actor, false)
}

// PurgeScheduled is Purge run by the program itself, journaled as staff 0.
func (s *PersonalService) PurgeScheduled(ctx context.Context) (ledger.PurgeResult, error) {
	return s.purge(ctx, ledger.Staff{}, true)
}

// purge erases what is due in batches; system runs it without an actor.
func (s *PersonalService) purge(ctx context.Context, actor ledger.Staff, system bool) (ledger.PurgeResult, error) {
	total := ledger.PurgeResult{ByPurpose: map[ledger.Purpose]int{}}
	for {
		var res ledger.PurgeResult
		err := s.db.inTx(ctx, func(t *tx) error {
			if !system {
				if _, err := t.actor(actor, supervisors...); err != nil {
					return err
				}
			}
			set, err := t.settings()
			if err != nil {
				return err
			}
			due, err := duePersons(ctx, t, set.Retention, t.now, purgeBatch)
			if err != nil {
				return err
			}
			res = summarise(due)
			if res.Records == 0 {
				return nil
			}
			ids := make([]string, len(due))
			for i, d := range due {
				ids[i] = d.id
			}
			e, err := t.append(actor.ID, "personal.purge", map[string]any{"records": res.Records, "fields": res.Fields, "by_purpose": res.ByPurpose}, 0)
			if err != nil {
				return err
			}
			_, err = t.erasePersons(ids, ledger.ErasedForRetention, e.Seq)
			return err
		})
		if err != nil {
			if total.Records > 0 {
				s.db.scrub(ctx)
			}
			return total, err
		}
		total.Records += res.Records
		total.Fields += res.Fields
		for p, n := range res.ByPurpose {
			total.ByPurpose[p] += n
		}
		if res.Records < purgeBatch {
			break
		}
	}
	if total.Records > 0 {
		s.db.log.Info("personal data purged after retention", "records", total.Records, "fields", total.Fields)
		s.db.scrub(ctx)
	}
	return total, nil
}
