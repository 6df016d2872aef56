package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"servicedesk/ledger"
)

// JournalService reads and verifies the journal.
type JournalService struct{ db *DB }

// NewJournalService returns the journal service on db.
func NewJournalService(db *DB) *JournalService { return &JournalService{db: db} }

var _ ledger.JournalService = (*JournalService)(nil)

// append writes the next journal entry in the transaction and returns it:
// seq and previous hash from the head taken when the transaction began, then
// the head advanced to the new entry. data is marshalled to JSON; reverses
// names the entry being corrected.
func (t *tx) append(staffID int64, kind string, data any, reverses int64) (ledger.Entry, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("marshal %s: %w", kind, err)
	}
	e := ledger.Entry{Seq: t.headSeq + 1, At: t.now, StaffID: staffID, Kind: kind, Data: raw, Reverses: reverses, PrevHash: t.headHash}
	e.Hash = e.ComputeHash()
	_, err = t.ExecContext(t.ctx, `INSERT INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, formatTime(e.At), e.StaffID, e.Kind, string(e.Data), e.Reverses, e.PrevHash, e.Hash)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("append %s: %w", kind, err)
	}
	res, err := t.ExecContext(t.ctx, "UPDATE journal_head SET last_seq = ?, last_hash = ? WHERE id = 1 AND last_seq = ?", e.Seq, e.Hash, t.headSeq)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("advance journal head: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ledger.Entry{}, fmt.Errorf("advance journal head: %d rows, %v", n, err)
	}
	t.headSeq, t.headHash = e.Seq, e.Hash
	return e, nil
}

// scanEntry reads one journal row.
func scanEntry(sc interface{ Scan(...any) error }) (ledger.Entry, error) {
	var e ledger.Entry
	var at, data string
	if err := sc.Scan(&e.Seq, &at, &e.StaffID, &e.Kind, &data, &e.Reverses, &e.PrevHash, &e.Hash); err != nil {
		return e, fmt.Errorf("scan journal: %w", err)
	}
	t, err := parseTime(at)
	if err != nil {
		return e, err
	}
	e.At, e.Data = t, json.RawMessage(data)
	return e, nil
}

const entryColumns = "seq, at, staff_id, kind, data, reverses, prev_hash, hash"

// Entries returns up to limit entries with Seq > after.
func (s *JournalService) Entries(ctx context.Context, after int64, limit int) ([]ledger.Entry, error) {
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+entryColumns+" FROM journal WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
	if err != nil {
		return nil, fmt.Errorf("list journal: %w", err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Verify walks the whole chain in order and names the first bad entry. A
// time that does not parse counts as a broken entry, not as an I/O error.
func (s *JournalService) Verify(ctx context.Context) (ledger.VerifyResult, error) {
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+entryColumns+" FROM journal ORDER BY seq")
	if err != nil {
		return ledger.VerifyResult{}, fmt.Errorf("read journal: %w", err)
	}
	defer rows.Close()
	v := ledger.NewChainVerifier()
	for rows.Next() {
		var e ledger.Entry
		var at, data string
		if err := rows.Scan(&e.Seq, &at, &e.StaffID, &e.Kind, &data, &e.Reverses, &e.PrevHash, &e.Hash); err != nil {
			return ledger.VerifyResult{}, fmt.Errorf("scan journal: %w", err)
		}
		t, perr := parseTime(at)
		e.At, e.Data = t, json.RawMessage(data)
		if perr != nil {
			e.Hash = "" // forces a mismatch at this entry
		}
		if !v.Check(e) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return ledger.VerifyResult{}, fmt.Errorf("read journal: %w", err)
	}
	res := v.Result()
	if !res.OK {
		res.Problems = []string{fmt.Sprintf("journal seq %d: %s", res.BadSeq, res.Reason)}
		return res, nil
	}
	if s.db.Schema() < SchemaVersion() {
		return res, nil // an old file's state tables are checked once it is upgraded
	}
	r, err := verifyState(ctx, s.db.db)
	if err != nil {
		return ledger.VerifyResult{}, err
	}
	if err := r.checkHead(ctx, s.db.db, res.LastHash); err != nil {
		return ledger.VerifyResult{}, err
	}
	res.State = r.summary()
	if len(r.problems) > 0 {
		res.OK, res.Where, res.Reason, res.Problems = false, r.where, r.problems[0], r.problems
	}
	return res, nil
}

// Head returns the seq of the last journal entry from the one-row chain
// head: one primary-key read, cheap enough for every desk to poll each
// second and notice what other desks did.
func (s *JournalService) Head(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.db.QueryRowContext(ctx, "SELECT last_seq FROM journal_head WHERE id = 1").Scan(&seq); err != nil {
		return 0, internal("read journal head", err)
	}
	return seq, nil
}
