package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"servicedesk/ledger"
)

// TestMedicineStockProperties runs random sequences of restock, dispense
// (earliest expiry first or a chosen batch, sometimes above stock or of
// expired stock), count and write-off on one medicine per check, with the
// clock moving so batches expire, and checks after every step that each
// batch holds exactly restocked − dispensed − written off ± count
// differences, three ways (a model, the journal entries' JSON and the
// batches table), and never less than zero.
func TestMedicineStockProperties(t *testing.T) {
	setDefaultChecks(40)
	ctx := context.Background()
	f := newFixture(t)
	svc := NewMedicineService(f.db)
	staff := []ledger.Staff{f.clerk, f.sup, f.admin}
	checkNo := 0
	rapid.Check(t, func(rt *rapid.T) {
		checkNo++
		m, err := svc.AddMedicine(ctx, f.admin, ledger.NewMedicine{Name: fmt.Sprintf("药品%d", checkNo), Category: ledger.MedExternal, Unit: "片"})
		if err != nil {
			rt.Fatal(err)
		}
		model := map[int64]int{}      // batch id -> quantity
		expiry := map[int64]string{}  // batch id -> expiry
		batchOf := map[string]int64{} // batch number -> id
		fromSeq := int64(0)
		if es, err := f.journal.Entries(ctx, 0, 1<<30); err == nil && len(es) > 0 {
			fromSeq = es[len(es)-1].Seq
		}
		actor := func(rt *rapid.T) ledger.Staff { return rapid.SampledFrom(staff).Draw(rt, "actor") }
		today := func() string { return ledger.DateOf(f.clock.Now(), time.FixedZone("CST", 8*3600)) }
		usable := func() int {
			n := 0
			for id, q := range model {
				if expiry[id] >= today() {
					n += q
				}
			}
			return n
		}
		drawBatch := func(rt *rapid.T) int64 {
			if len(model) == 0 {
				rt.Skip("no batch")
			}
			ids := make([]int64, 0, len(model))
			for id := range model {
				ids = append(ids, id)
			}
			slicesSort(ids)
			return rapid.SampledFrom(ids).Draw(rt, "batch")
		}
		rt.Repeat(map[string]func(*rapid.T){
			"restock": func(rt *rapid.T) {
				no := rapid.SampledFrom([]string{"A", "B", "C", "D"}).Draw(rt, "batchNo")
				days := rapid.IntRange(1, 120).Draw(rt, "days")
				exp := ledger.AddDays(today(), days)
				if id, ok := batchOf[no]; ok {
					exp = expiry[id]
				}
				qty := rapid.IntRange(1, 30).Draw(rt, "qty")
				b, err := svc.Restock(ctx, actor(rt), ledger.RestockRequest{MedicineID: m.ID, BatchNo: no, Expiry: exp, Quantity: qty})
				if exp < today() {
					if ledger.ErrorCode(err) != ledger.EINVALID {
						rt.Fatalf("restock of expired batch %s: %v", no, err)
					}
					return
				}
				if err != nil {
					rt.Fatalf("restock: %v", err)
				}
				batchOf[no], expiry[b.ID] = b.ID, exp
				model[b.ID] += qty
			},
			"dispense": func(rt *rapid.T) {
				qty := rapid.IntRange(1, 40).Draw(rt, "qty")
				var chosen int64
				if rapid.Bool().Draw(rt, "choose") && len(model) > 0 {
					chosen = drawBatch(rt)
				}
				d, err := svc.Dispense(ctx, actor(rt), ledger.DispenseRequest{MedicineID: m.ID, Quantity: qty, BatchID: chosen, Recipient: "顾客", Reason: "测试"})
				ok := qty <= usable()
				if chosen != 0 {
					ok = expiry[chosen] >= today() && model[chosen] >= qty
				}
				if !ok {
					if ledger.ErrorCode(err) != ledger.ECONFLICT {
						rt.Fatalf("dispense %d (batch %d) with usable %d: %v", qty, chosen, usable(), err)
					}
					return
				}
				if err != nil {
					rt.Fatalf("dispense %d: %v", qty, err)
				}
				for _, tk := range d.Takes {
					if expiry[tk.BatchID] < today() {
						rt.Fatalf("took from expired batch %+v", tk)
					}
					for id, q := range model {
						if chosen == 0 && q > 0 && id != tk.BatchID && expiry[id] >= today() && expiry[id] < tk.Expiry && !took(d.Takes, id) {
							rt.Fatalf("batch %d expiring %s skipped for %+v", id, expiry[id], tk)
						}
					}
					model[tk.BatchID] -= tk.Quantity
				}
			},
			"count": func(rt *rapid.T) {
				var lines []ledger.CountLine
				for id, q := range model {
					lines = append(lines, ledger.CountLine{BatchID: id, Counted: max(0, q+rapid.IntRange(-3, 3).Draw(rt, "diff"))})
				}
				if len(lines) == 0 {
					rt.Skip("nothing to count")
				}
				if _, err := svc.Count(ctx, actor(rt), ledger.CountRequest{MedicineID: m.ID, Lines: lines}); err != nil {
					rt.Fatalf("count: %v", err)
				}
				for _, l := range lines {
					model[l.BatchID] = l.Counted
				}
			},
			"writeOff": func(rt *rapid.T) {
				id := drawBatch(rt)
				qty := rapid.IntRange(1, 10).Draw(rt, "qty")
				b := ledger.MedicineBatch{ID: id, BatchNo: "?", Expiry: expiry[id]}
				var a *ledger.Approval
				if qty <= model[id] {
					// a single-use approval for exactly this batch and quantity
					got, err := f.staff.Approve(ctx, ledger.MedicineWriteOffApproval(f.clerk.ID, m, b, qty), "wang", testPassword, "同意")
					if err != nil {
						rt.Fatalf("approve write-off: %v", err)
					}
					a = &got
				}
				_, err := svc.WriteOff(ctx, f.clerk, ledger.WriteOffRequest{BatchID: id, Quantity: qty, Reason: "过期报损", Approval: a})
				if qty > model[id] {
					if ledger.ErrorCode(err) != ledger.EINVALID {
						rt.Fatalf("write-off %d of %d: %v", qty, model[id], err)
					}
					return
				}
				if err != nil {
					rt.Fatalf("write-off: %v", err)
				}
				model[id] -= qty
			},
			"days": func(rt *rapid.T) { f.clock.Add(time.Duration(rapid.IntRange(1, 40).Draw(rt, "days")) * 24 * time.Hour) },
			"": func(rt *rapid.T) {
				// From the journal: restocked − dispensed − written off ± count differences.
				es, err := f.journal.Entries(ctx, fromSeq, 1<<30)
				if err != nil {
					rt.Fatal(err)
				}
				fromJournal := map[int64]int{}
				for _, e := range es {
					var ev struct {
						MedicineID int64              `json:"medicine_id"`
						BatchID    int64              `json:"batch_id"`
						Qty        int                `json:"qty"`
						Takes      []ledger.BatchTake `json:"takes"`
						Lines      []ledger.CountDiff `json:"lines"`
					}
					if err := json.Unmarshal(e.Data, &ev); err != nil || ev.MedicineID != m.ID {
						continue
					}
					switch e.Kind {
					case "medicine.restock":
						fromJournal[ev.BatchID] += ev.Qty
					case "medicine.dispense":
						for _, tk := range ev.Takes {
							fromJournal[tk.BatchID] -= tk.Quantity
						}
					case "medicine.writeoff":
						fromJournal[ev.BatchID] -= ev.Qty
					case "medicine.count":
						for _, l := range ev.Lines {
							fromJournal[l.BatchID] += l.Diff
						}
					}
				}
				bs, err := svc.Batches(ctx, m.ID, true)
				if err != nil {
					rt.Fatal(err)
				}
				if len(bs) != len(model) {
					rt.Fatalf("%d batches, model has %d", len(bs), len(model))
				}
				for _, b := range bs {
					if b.Quantity < 0 || b.Quantity != model[b.ID] || b.Quantity != fromJournal[b.ID] {
						rt.Fatalf("batch %s: table %d, model %d, journal %d", b.BatchNo, b.Quantity, model[b.ID], fromJournal[b.ID])
					}
				}
			},
		})
	})
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
}

// took reports whether the plan takes from batch id.
func took(ts []ledger.BatchTake, id int64) bool {
	for _, t := range ts {
		if t.BatchID == id {
			return true
		}
	}
	return false
}

// slicesSort sorts ids ascending (map order is random; rapid needs a
// deterministic choice list).
func slicesSort(ids []int64) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}
