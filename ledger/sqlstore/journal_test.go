package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"servicedesk/ledger"
)

func TestJournalAppendAndVerify(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for i := 0; i < 20; i++ {
		err := f.db.inTx(ctx, func(tx *tx) error {
			_, err := tx.append(f.clerk.ID, "test.note", map[string]any{"i": i, "text": "雨伞"}, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(1500)
	}
	entries, err := f.journal.Entries(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d: not gapless", i, e.Seq)
		}
		if i > 0 && e.PrevHash != entries[i-1].Hash {
			t.Fatalf("entry %d does not chain", e.Seq)
		}
	}
	res, err := f.journal.Verify(ctx)
	if err != nil || !res.OK || res.Count != int64(len(entries)) || res.LastHash != entries[len(entries)-1].Hash {
		t.Fatalf("verify = %+v, %v", res, err)
	}
	// A rolled-back transaction leaves no entry and no gap.
	_ = f.db.inTx(ctx, func(tx *tx) error {
		if _, err := tx.append(f.clerk.ID, "test.note", "x", 0); err != nil {
			return err
		}
		return fmt.Errorf("abort")
	})
	res2, _ := f.journal.Verify(ctx)
	if res2.Count != res.Count {
		t.Fatalf("rolled-back entry was kept: %d != %d", res2.Count, res.Count)
	}
}

func TestJournalRefusesUpdateAndDelete(t *testing.T) {
	f := newFixture(t)
	for _, q := range []string{
		"UPDATE journal SET kind = 'x' WHERE seq = 1",
		"DELETE FROM journal WHERE seq = 1",
		"DELETE FROM staff WHERE id = 1",
	} {
		if _, err := f.db.db.Exec(q); err == nil || !strings.Contains(err.Error(), "refused") && !strings.Contains(err.Error(), "never deleted") {
			t.Errorf("%s: err = %v, want refusal by trigger", q, err)
		}
	}
}

// tamper flips one byte of one column of entry seq with the triggers dropped.
func tamper(t *testing.T, d *DB, seq int64, column string) {
	t.Helper()
	dropTrigger(t, d, "journal_no_update", "journal")
	db := d.db
	var v string
	if err := db.QueryRow("SELECT CAST("+column+" AS TEXT) FROM journal WHERE seq = ?", seq).Scan(&v); err != nil {
		t.Fatal(err)
	}
	b := []byte(v)
	b[len(b)/2] ^= 0x01
	if _, err := db.Exec("UPDATE journal SET "+column+" = ? WHERE seq = ?", string(b), seq); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyNamesTamperedEntry(t *testing.T) {
	for _, column := range []string{"data", "kind", "at", "hash", "prev_hash"} {
		t.Run(column, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			for i := 0; i < 10; i++ {
				if err := f.db.inTx(ctx, func(tx *tx) error {
					_, err := tx.append(f.clerk.ID, "test.note", map[string]int{"amount": 5000 + i}, 0)
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			res, _ := f.journal.Verify(ctx)
			target := res.Count - 4
			tamper(t, f.db, target, column)
			got, err := f.journal.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.OK || got.BadSeq != target {
				t.Fatalf("verify after tampering %s of #%d = %+v", column, target, got)
			}
		})
	}
}

func TestVerifyEmptyJournal(t *testing.T) {
	db, err := Open(context.Background(), testAddr(t, "e.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := NewJournalService(db).Verify(context.Background())
	if err != nil || !res.OK || res.Count != 0 || res.LastHash != ledger.GenesisHash {
		t.Fatalf("verify empty = %+v, %v", res, err)
	}
}
