package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base32"
	"io"
	"slices"
	"time"

	"servicedesk/ledger"
)

// PersonalService implements ledger.PersonalService: the personal-data
// store. Other services keep personal data through collectPerson inside
// their own transaction and store only the returned record id and masks.
type PersonalService struct{ db *DB }

// NewPersonalService returns the personal-data store on db.
func NewPersonalService(db *DB) *PersonalService { return &PersonalService{db: db} }

var _ ledger.PersonalService = (*PersonalService)(nil)

// supervisors may search, export, erase and purge personal data.
var supervisors = []ledger.Role{ledger.RoleSupervisor, ledger.RoleAdmin}

// findByLookupSQL finds records by a keyed hash through the
// person_fields_lookup index, never by decrypting and scanning.
const findByLookupSQL = "SELECT person_id FROM person_fields WHERE lookup = ? AND kind = ? ORDER BY person_id"

// micros stores a time as UTC microseconds, 0 for the zero time.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros reads a time stored by micros.
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// newPersonID draws an opaque record id: "P" and 16 base32 characters
// (80 random bits).
func newPersonID(r io.Reader) (string, error) {
	b := make([]byte, 10)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", internal("person id", err)
	}
	return "P" + base32.StdEncoding.EncodeToString(b), nil
}

// validPersonID accepts only ids newPersonID can make, so an id in a LIKE
// pattern or an error message carries nothing else.
func validPersonID(id string) bool {
	if len(id) != 17 || id[0] != 'P' {
		return false
	}
	_, err := base32.StdEncoding.DecodeString(id[1:])
	return err == nil
}

const personColumns = "id, purpose, collected_at, collected_by, closed_at, retain_from, erased_at, erased_for"

// loadPersons reads records (masked) by id, in the order given.
func loadPersons(ctx context.Context, q queryer, ids []string) ([]ledger.PersonRecord, error) {
	out := make([]ledger.PersonRecord, 0, len(ids))
	for _, id := range ids {
		var r ledger.PersonRecord
		var collected, closed, retain, erased int64
		err := q.QueryRowContext(ctx, "SELECT "+personColumns+" FROM persons WHERE id = ?", id).
			Scan(&r.ID, &r.Purpose, &collected, &r.CollectedBy, &closed, &retain, &erased, &r.ErasedFor)
		if errNoRows(err) {
			return nil, ledger.Errorf(ledger.ENOTFOUND, "找不到个人信息记录 %s", id)
		} else if err != nil {
			return nil, internal("load person", err)
		}
		r.CollectedAt, r.ClosedAt, r.RetainFrom, r.ErasedAt = fromMicros(collected), fromMicros(closed), fromMicros(retain), fromMicros(erased)
		rows, err := q.QueryContext(ctx, "SELECT kind, masked, "+heldCond+" FROM person_fields WHERE person_id = ?", id)
		if err != nil {
			return nil, internal("load person fields", err)
		}
		for rows.Next() {
			var f ledger.PersonField
			if err := rows.Scan(&f.Kind, &f.Masked, &f.Held); err != nil {
				rows.Close()
				return nil, internal("scan person field", err)
			}
			r.Fields = append(r.Fields, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, internal("load person fields", err)
		}
		slices.SortFunc(r.Fields, func(a, b ledger.PersonField) int {
			return slices.Index(ledger.DataKinds(), a.Kind) - slices.Index(ledger.DataKinds(), b.Kind)
		})
		out = append(out, r)
	}
	return out, nil
}

// personByID loads one record inside the transaction.
func (t *tx) personByID(id string) (ledger.PersonRecord, error) {
	if !validPersonID(id) {
		return ledger.PersonRecord{}, ledger.Errorf(ledger.ENOTFOUND, "找不到该个人信息记录")
	}
	rs, err := loadPersons(t.ctx, t, []string{id})
	if err != nil {
		return ledger.PersonRecord{}, err
	}
	return rs[0], nil
}

// collectPerson keeps personal data in the caller's transaction: the
// values are validated, sealed with AES-GCM bound to the new record id,
// indexed by keyed hash where the kind is searchable, and masked. The
// journal entry names the record, the purpose and the kinds, never a value.
// Journaled as personal.collect {person, purpose, kinds}.
func (t *tx) collectPerson(actorID int64, req ledger.CollectRequest) (ledger.PersonRecord, error) {
	vals, err := req.Validate()
	if err != nil {
		return ledger.PersonRecord{}, err
	}
	keys, err := t.db.personalKeys()
	if err != nil {
		return ledger.PersonRecord{}, err
	}
	if id := vals[ledger.DataResidentID]; req.UniqueResidentID {
		var n int
		err := t.QueryRowContext(t.ctx, `SELECT count(*) FROM person_fields f JOIN persons p ON p.id = f.person_id
			WHERE f.lookup = ? AND f.kind = ? AND p.purpose = ? AND p.erased_at = 0 AND p.closed_at = 0`,
			keys.Index(ledger.DataResidentID, id), ledger.DataResidentID, req.Purpose).Scan(&n)
		if err != nil {
			return ledger.PersonRecord{}, internal("check resident id", err)
		}
		if n > 0 {
			return ledger.PersonRecord{}, ledger.Errorf(ledger.ECONFLICT, "身份证号 %s 已有有效的%s登记，每个身份证号只能登记一次",
				ledger.MaskResidentID(id), req.Purpose.Label())
		}
	}
	pid, err := newPersonID(t.db.rand)
	if err != nil {
		return ledger.PersonRecord{}, err
	}
	var kinds []ledger.DataKind
	for _, k := range ledger.DataKinds() {
		if _, ok := vals[k]; ok {
			kinds = append(kinds, k)
		}
	}
	e, err := t.append(actorID, "personal.collect", map[string]any{"person": pid, "purpose": req.Purpose, "kinds": kinds}, 0)
	if err != nil {
		return ledger.PersonRecord{}, err
	}
	r := ledger.PersonRecord{ID: pid, Purpose: req.Purpose, CollectedAt: t.now.Truncate(time.Microsecond), CollectedBy: actorID}
	if !req.Purpose.ClockFromClose() {
		r.RetainFrom = r.CollectedAt
	}
	if _, err := t.ExecContext(t.ctx, `INSERT INTO persons(id, purpose, collected_at, collected_by, retain_from, created_seq)
		VALUES (?, ?, ?, ?, ?, ?)`, pid, req.Purpose, micros(r.CollectedAt), actorID, micros(r.RetainFrom), e.Seq); err != nil {
		return ledger.PersonRecord{}, internal("insert person", err)
	}
	for _, k := range kinds {
		f := ledger.PersonField{Kind: k, Masked: ledger.MaskData(k, vals[k]), Held: true}
		var sealed []byte
		if k.Sealed() {
			if sealed, err = keys.Seal(t.db.rand, pid, k, vals[k]); err != nil {
				return ledger.PersonRecord{}, internal("seal", err)
			}
		}
		if _, err := t.ExecContext(t.ctx, "INSERT INTO person_fields(person_id, kind, masked, sealed, lookup, key_id) VALUES (?, ?, ?, ?, ?, ?)",
			pid, k, f.Masked, sealed, keys.Index(k, vals[k]), keys.ID()); err != nil {
			return ledger.PersonRecord{}, internal("insert person field", err)
		}
		r.Fields = append(r.Fields, f)
	}
	return r, nil
}

// closePerson ends a record's purpose (a card closed) in the caller's
// transaction; for purposes counted from the close it starts the retention
// clock. Closing twice changes nothing. Journaled as personal.close {person}.
func (t *tx) closePerson(actorID int64, id string) error {
	r, err := t.personByID(id)
	if err != nil {
		return err
	}
	if r.Erased() || !r.ClosedAt.IsZero() {
		return nil
	}
	if _, err := t.append(actorID, "personal.close", map[string]any{"person": id}, 0); err != nil {
		return err
	}
	now := micros(t.now)
	retain := micros(r.RetainFrom)
	if r.Purpose.ClockFromClose() {
		retain = now
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE persons SET closed_at = ?, retain_from = ? WHERE id = ? AND erased_at = 0", now, retain, id); err != nil {
		return internal("close person", err)
	}
	return nil
}

// KeyStatus says whether this desk can seal, index and reveal personal data.
func (s *PersonalService) KeyStatus(ctx context.Context) ledger.KeyStatus {
	st, _ := s.db.keys.snapshot()
	return st
}

// Collect keeps personal data for a purpose (any active staff member: the
// counter collects it while serving).
func (s *PersonalService) Collect(ctx context.Context, actor ledger.Staff, req ledger.CollectRequest) (ledger.PersonRecord, error) {
	if _, err := req.Validate(); err != nil {
		return ledger.PersonRecord{}, err
	}
	var r ledger.PersonRecord
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		var err error
		r, err = t.collectPerson(actor.ID, req)
		return err
	})
	return r, err
}

// Close ends a record's purpose.
func (s *PersonalService) Close(ctx context.Context, actor ledger.Staff, id string) error {
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		return t.closePerson(actor.ID, id)
	})
}

// Record returns one record, masked.
func (s *PersonalService) Record(ctx context.Context, id string) (ledger.PersonRecord, error) {
	if !validPersonID(id) {
		return ledger.PersonRecord{}, ledger.Errorf(ledger.ENOTFOUND, "找不到该个人信息记录")
	}
	rs, err := loadPersons(ctx, s.db.db, []string{id})
	if err != nil {
		return ledger.PersonRecord{}, err
	}
	return rs[0], nil
}

// Records lists records newest first, masked.
func (s *PersonalService) Records(ctx context.Context, offset, limit int) ([]ledger.PersonRecord, int, error) {
	if limit <= 0 {
		limit = defaultPage
	}
	limit = min(limit, maxPage)
	offset = max(offset, 0)
	var total int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM persons").Scan(&total); err != nil {
		return nil, 0, internal("count persons", err)
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT id FROM persons ORDER BY collected_at DESC, id LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, 0, internal("list persons", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, 0, err
	}
	rs, err := loadPersons(ctx, s.db.db, ids)
	return rs, total, err
}

// scanIDs reads a column of record ids and closes rows.
func scanIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, internal("scan person id", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list person ids", err)
	}
	return ids, nil
}

// lookup finds the ids of records holding value of kind (mobile or ID
// number) through its keyed hash.
func lookup(ctx context.Context, q queryer, keys *ledger.PersonalKeys, kind ledger.DataKind, value string) ([]string, error) {
	rows, err := q.QueryContext(ctx, findByLookupSQL, keys.Index(kind, value), kind)
	if err != nil {
		return nil, internal("find person", err)
	}
	return scanIDs(rows)
}

// Find returns the records held about the person with this mobile or ID
// number. The search is journaled (who, by which kind, how many records),
// never the number.
func (s *PersonalService) Find(ctx context.Context, actor ledger.Staff, query string) ([]ledger.PersonRecord, error) {
	kind, value, err := ledger.LookupKind(query)
	if err != nil {
		return nil, err
	}
	keys, err := s.db.personalKeys()
	if err != nil {
		return nil, err
	}
	var out []ledger.PersonRecord
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, supervisors...); err != nil {
			return err
		}
		ids, err := lookup(ctx, t, keys, kind, value)
		if err != nil {
			return err
		}
		if out, err = loadPersons(ctx, t, ids); err != nil {
			return err
		}
		_, err = t.append(actor.ID, "personal.search", map[string]any{"by": kind, "records": len(out)}, 0)
		return err
	})
	return out, err
}

// openField decrypts one sealed value of a record.
func (t *tx) openField(keys *ledger.PersonalKeys, id string, kind ledger.DataKind) (string, bool, error) {
	var sealed []byte
	err := t.QueryRowContext(t.ctx, "SELECT sealed FROM person_fields WHERE person_id = ? AND kind = ?", id, kind).Scan(&sealed)
	if errNoRows(err) || (err == nil && sealed == nil) {
		return "", false, nil
	} else if err != nil {
		return "", false, internal("load sealed value", err)
	}
	v, err := keys.Open(id, kind, sealed)
	if err != nil {
		t.db.log.Error("personal data does not open", "person", id, "kind", string(kind), "err", err)
		return "", false, ledger.Errorf(ledger.EINTERNAL, "个人信息无法解密（记录 %s）：数据已被改动或密钥不符", id)
	}
	return v, true, nil
}

// Reveal returns a record's held values in full. The approval is checked
// inside the transaction that journals the look (personal.reveal {person,
// kinds, approval}): the value is returned only once that entry committed.
// ID numbers are not held and are never shown.
func (s *PersonalService) Reveal(ctx context.Context, actor ledger.Staff, id string, approval *ledger.Approval) (map[ledger.DataKind]string, error) {
	keys, err := s.db.personalKeys()
	if err != nil {
		return nil, err
	}
	var out map[ledger.DataKind]string
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		r, err := t.personByID(id)
		if err != nil {
			return err
		}
		if r.Erased() {
			return ledger.Errorf(ledger.ECONFLICT, "该记录的个人信息已于 %s 删除", r.ErasedAt.Format("2006-01-02"))
		}
		used, err := t.useApprovals(ledger.RevealApproval(actor, r), approval)
		if err != nil {
			return err
		}
		out = map[ledger.DataKind]string{}
		var kinds []ledger.DataKind
		for _, f := range r.Fields {
			if !f.Kind.Sealed() || !f.Held {
				continue
			}
			v, ok, err := t.openField(keys, id, f.Kind)
			if err != nil {
				return err
			}
			if ok {
				out[f.Kind] = v
				kinds = append(kinds, f.Kind)
			}
		}
		e, err := t.append(actor.ID, "personal.reveal", map[string]any{"person": id, "kinds": kinds, "approval": used[0]}, 0)
		if err != nil {
			return err
		}
		return t.spendApprovals(e.Seq, used...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maxEraseRecords bounds one erasure request.
const maxEraseRecords = 100

// checkIDs trims, de-duplicates and checks the ids of an erasure.
func checkIDs(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if !validPersonID(id) {
			return nil, ledger.Errorf(ledger.EINVALID, "个人信息记录编号无效")
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 || len(out) > maxEraseRecords {
		return nil, ledger.Errorf(ledger.EINVALID, "请选择1到%d条记录", maxEraseRecords)
	}
	return out, nil
}
