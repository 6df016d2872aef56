package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"servicedesk/ledger"
)

// wantFound is a found item as the journal says it must be.
type wantFound struct {
	no, status                string
	regSeq, claimSeq, dispSeq int64
}

// medLostReplay is the medicine stock and the found items the journal
// implies: each batch's quantity is what its restocks, dispenses,
// write-offs and count differences add up to.
type medLostReplay struct {
	batches map[int64]int64 // batch id → quantity
	found   map[int64]*wantFound
}

// applyMedLost replays one medicine.* or lostfound.* entry.
func (r *replay) applyMedLost(seq int64, kind, data string) {
	if !strings.HasPrefix(kind, "medicine.") && !strings.HasPrefix(kind, "lostfound.") {
		return
	}
	var ev struct {
		BatchID int64              `json:"batch_id"`
		Qty     int64              `json:"qty"`
		Takes   []ledger.BatchTake `json:"takes"`
		Lines   []ledger.CountDiff `json:"lines"`
		ItemID  int64              `json:"item_id"`
		No      string             `json:"no"`
	}
	switch kind {
	case "medicine.restock", "medicine.dispense", "medicine.writeoff", "medicine.count",
		"lostfound.register", "lostfound.claim", "lostfound.dispose":
	default:
		return
	}
	if err := json.Unmarshal([]byte(data), &ev); err != nil {
		r.problem(fmt.Sprintf("journal seq %d", seq), "%s data unreadable: %v", kind, err)
		return
	}
	m := &r.medLost
	switch kind {
	case "medicine.restock":
		m.batches[ev.BatchID] += ev.Qty
	case "medicine.dispense":
		for _, t := range ev.Takes {
			m.batches[t.BatchID] -= int64(t.Quantity)
		}
	case "medicine.writeoff":
		m.batches[ev.BatchID] -= ev.Qty
	case "medicine.count":
		for _, l := range ev.Lines {
			m.batches[l.BatchID] += int64(l.Diff)
		}
	case "lostfound.register":
		m.found[ev.ItemID] = &wantFound{no: ev.No, status: string(ledger.FoundHeld), regSeq: seq}
	case "lostfound.claim", "lostfound.dispose":
		f := m.found[ev.ItemID]
		if f == nil {
			r.problem(fmt.Sprintf("journal seq %d", seq), "%s names found item %d that was never registered", kind, ev.ItemID)
			return
		}
		if f.status != string(ledger.FoundHeld) {
			r.problem(fmt.Sprintf("journal seq %d", seq), "%s: found item %s is already %s", kind, f.no, f.status)
		}
		if kind == "lostfound.claim" {
			f.status, f.claimSeq = string(ledger.FoundClaimed), seq
		} else {
			f.status, f.dispSeq = string(ledger.FoundDisposed), seq
		}
	}
}

// checkBatches compares every medicine batch's quantity with the journal
// (the balance trigger ties it to the movements; this ties both to the
// entries, so a batch topped up with a forged movement shows too).
func (r *replay) checkBatches(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, "SELECT id, batch_no, quantity FROM medicine_batches ORDER BY id")
	if err != nil {
		return internal("read medicine batches", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id, qty int64
		var no string
		if err := rows.Scan(&id, &no, &qty); err != nil {
			return internal("scan medicine batches", err)
		}
		seen[id] = true
		want, ok := r.medLost.batches[id]
		where := fmt.Sprintf("medicine_batches id %d (%s)", id, no)
		if !ok {
			r.problem(where, "no journal entry restocked this batch")
			continue
		}
		r.compare(where, []field{{"quantity", qty, want}})
	}
	if err := rows.Err(); err != nil {
		return internal("read medicine batches", err)
	}
	r.missing("medicine_batches", seen, keys(r.medLost.batches))
	return nil
}

// checkFound compares every found item's status with the journal.
func (r *replay) checkFound(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, "SELECT id, no, status, reg_seq, claim_seq, dispose_seq FROM found_items ORDER BY id")
	if err != nil {
		return internal("read found items", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		var got wantFound
		if err := rows.Scan(&id, &got.no, &got.status, &got.regSeq, &got.claimSeq, &got.dispSeq); err != nil {
			return internal("scan found items", err)
		}
		seen[id] = true
		where := fmt.Sprintf("found_items id %d (%s)", id, got.no)
		want := r.medLost.found[id]
		if want == nil {
			r.problem(where, "no journal entry registered this item")
			continue
		}
		r.compare(where, []field{{"no", got.no, want.no}, {"status", got.status, want.status},
			{"reg_seq", got.regSeq, want.regSeq}, {"claim_seq", got.claimSeq, want.claimSeq}, {"dispose_seq", got.dispSeq, want.dispSeq}})
	}
	if err := rows.Err(); err != nil {
		return internal("read found items", err)
	}
	r.missing("found_items", seen, keys(r.medLost.found))
	return nil
}
