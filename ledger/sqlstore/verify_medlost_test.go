package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Medicine stock and found items are replayed from the journal by verify:
// a batch topped up, a claimed item put back on the shelf, a registration
// without its entry, or a journal cut short are each named with the first
// bad place. Fails on the old code (verify said OK: it did not read the
// medicine and lost-and-found tables at all).
func TestVerifyMedicineAndFoundItems(t *testing.T) {
	ctx := context.Background()
	f, _, _ := seedMedLostDay(t)
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify after a medicine and lost-and-found day: %+v %v", res, err)
	}
	var batch, qty, disposed, held, last int64
	f.db.db.QueryRow("SELECT id, quantity FROM medicine_batches ORDER BY id LIMIT 1").Scan(&batch, &qty)
	f.db.db.QueryRow("SELECT id FROM found_items WHERE status = 'disposed'").Scan(&disposed)
	f.db.db.QueryRow("SELECT id FROM found_items WHERE status = 'held' ORDER BY id LIMIT 1").Scan(&held)
	f.db.db.QueryRow("SELECT max(reg_seq) FROM found_items").Scan(&last)
	for _, tc := range []struct {
		name  string
		sql   []string
		where string
		says  string
	}{
		{"batch topped up with a forged movement", []string{
			fmt.Sprintf("INSERT INTO medicine_moves(kind, medicine_id, batch_id, delta, at, staff_id, seq) SELECT 'restock', medicine_id, id, 10, '2026-11-25T09:00:00Z', 3, 2 FROM medicine_batches WHERE id = %d", batch),
			fmt.Sprintf("UPDATE medicine_batches SET quantity = quantity + 10 WHERE id = %d", batch)},
			fmt.Sprintf("medicine_batches id %d", batch), fmt.Sprintf("quantity is %d, the journal says %d", qty+10, qty)},
		{"disposed item back on the shelf", []string{
			fmt.Sprintf("UPDATE found_items SET status = 'held', dispose_seq = 0, disposal = '', disposed_to = '' WHERE id = %d", disposed)},
			fmt.Sprintf("found_items id %d", disposed), "status is held, the journal says disposed"},
		{"item registered without an entry", []string{
			fmt.Sprintf("UPDATE found_items SET reg_seq = 1 WHERE id = %d", held)},
			fmt.Sprintf("found_items id %d", held), "reg_seq is 1"},
		{"journal cut after the last registration", []string{
			fmt.Sprintf("DELETE FROM journal WHERE seq >= %d", last)},
			"", "not in the journal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, raw := copyDB(t, f.fixture)
			for _, q := range tc.sql {
				if res, err := raw.db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				} else if n, _ := res.RowsAffected(); n == 0 {
					t.Fatalf("changed nothing: %s", q)
				}
			}
			raw.Close()
			res := verifyFile(t, path)
			if res.OK || !strings.HasPrefix(res.Where, tc.where) || !strings.Contains(strings.Join(append([]string{res.Reason}, res.Problems...), "\n"), tc.says) {
				t.Fatalf("verify = OK %v, where %q, reason %q, problems %q; want %q / %q", res.OK, res.Where, res.Reason, res.Problems, tc.where, tc.says)
			}
		})
	}
}
