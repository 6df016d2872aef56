package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"servicedesk/ledger"
)

// readHead returns the journal_head row.
func readHead(t testing.TB, d *DB) (int64, string) {
	t.Helper()
	var seq int64
	var hash string
	if err := d.db.QueryRow("SELECT last_seq, last_hash FROM journal_head WHERE id = 1").Scan(&seq, &hash); err != nil {
		t.Fatal(err)
	}
	return seq, hash
}

// The head names the last entry after every action, and the database
// itself refuses an entry that does not follow it or a head that does not
// name the last entry.
func TestJournalHeadGuards(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	last := f.lastEntry(t)
	if seq, hash := readHead(t, f.db); seq != last.Seq || hash != last.Hash {
		t.Fatalf("head %d %s, last entry %d %s", seq, hash, last.Seq, last.Hash)
	}
	ins := `INSERT INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash) VALUES (?, 'x', 0, 'forged', '{}', 0, ?, ?)`
	for name, args := range map[string][]any{
		"fork (same seq)":   {last.Seq, last.PrevHash, "f1"},
		"gap":               {last.Seq + 2, last.Hash, "f2"},
		"wrong prev hash":   {last.Seq + 1, ledger.GenesisHash, "f3"},
		"rewritten genesis": {1, ledger.GenesisHash, "f4"},
	} {
		_, err := f.db.db.Exec(ins, args...)
		if err == nil {
			t.Errorf("%s: insert accepted", name)
		} else if c := f.db.Classify(err); c != ErrImmutable && c != ErrConflict {
			t.Errorf("%s: %v is %v", name, err, c)
		}
	}
	for name, q := range map[string]string{
		"head back":    "UPDATE journal_head SET last_seq = last_seq - 1",
		"head forward": "UPDATE journal_head SET last_seq = last_seq + 1",
		"head hash":    "UPDATE journal_head SET last_hash = 'x'",
		"second head":  "INSERT INTO journal_head(id, last_seq, last_hash) VALUES (2, 0, 'x')",
		"no head":      "DELETE FROM journal_head",
	} {
		if _, err := f.db.db.Exec(q); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK || res.Count != last.Seq {
		t.Fatalf("verify %+v %v", res, err)
	}
}

// PostgreSQL: TRUNCATE skips row triggers, so each append-only table has a
// statement trigger too.
func TestPostgresTruncateRefused(t *testing.T) {
	requirePostgres(t)
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	for _, tbl := range []string{"journal", "journal_head", "staff", "items", "loans", "business_days"} {
		_, err := f.db.db.Exec("TRUNCATE " + tbl + " CASCADE")
		if c := f.db.Classify(err); c != ErrImmutable {
			t.Errorf("TRUNCATE %s: %v (%v), want immutable", tbl, err, c)
		}
	}
	if n := f.counts(t); n[0] != 1 || n[1] == 0 {
		t.Fatalf("rows gone: %v", n)
	}
}

// openDesks opens n more handles ("desks": separate connection pools, as
// separate PCs would have) on the fixture's database.
func openDesks(t testing.TB, f *fixture, n int) []*DB {
	t.Helper()
	var out []*DB
	for i := 0; i < n; i++ {
		d, err := Open(context.Background(), f.db.addr, Options{Now: f.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		out = append(out, d)
	}
	return out
}

// Four desks appending at full speed keep one gapless chain: every entry
// follows the one before, whichever desk wrote it; the head names the last.
func TestConcurrentDesksOneChain(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	desks := openDesks(t, f, 4)
	const per = 40
	var wg sync.WaitGroup
	errs := make(chan error, len(desks))
	for i, d := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < per; j++ {
				err := d.inTx(ctx, func(tx *tx) error {
					_, err := tx.append(f.clerk.ID, "test.note", map[string]int{"desk": i, "n": j}, 0)
					return err
				})
				if err != nil {
					errs <- fmt.Errorf("desk %d entry %d: %w", i, j, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	es, err := f.journal.Entries(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for i, e := range es {
		if e.Seq != int64(i+1) || (i > 0 && e.PrevHash != es[i-1].Hash) {
			t.Fatalf("entry %d: seq %d, chain broken", i, e.Seq)
		}
		if e.Kind == "test.note" {
			notes++
		}
	}
	if notes != len(desks)*per {
		t.Fatalf("%d notes, want %d", notes, len(desks)*per)
	}
	if seq, hash := readHead(t, f.db); seq != es[len(es)-1].Seq || hash != es[len(es)-1].Hash {
		t.Fatalf("head %d, last %d", seq, es[len(es)-1].Seq)
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK || res.Count != int64(len(es)) {
		t.Fatalf("verify %+v %v", res, err)
	}
}

// Several desks starting a new program on an empty database at once:
// each migration is applied once and all of them open.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	addr := testAddr(t, "race.db")
	const n = 4
	var wg sync.WaitGroup
	dbs := make([]*DB, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = Open(ctx, addr, Options{})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("desk %d: %v", i, errs[i])
		}
		defer dbs[i].Close()
	}
	if v, err := dbs[0].dialect.schemaVersion(ctx, dbs[0].db); err != nil || v != SchemaVersion() {
		t.Fatalf("version %d %v", v, err)
	}
	if dbs[0].Engine() == "postgres" {
		var rows int
		dbs[0].db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&rows)
		if rows != SchemaVersion() {
			t.Fatalf("%d version rows, want %d", rows, SchemaVersion())
		}
	}
	var heads int
	dbs[0].db.QueryRow("SELECT count(*) FROM journal_head").Scan(&heads)
	if heads != 1 {
		t.Fatalf("%d head rows", heads)
	}
}

// A database at schema 3 (in the field before the head existed) gets its
// head seeded from the journal it has, and carries on chaining from there.
func TestUpgradeSeedsHeadFromJournal(t *testing.T) {
	ctx := context.Background()
	addr := testAddr(t, "v3.db")
	c := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
	old, err := openAtVersion(ctx, addr, 3, c)
	if err != nil {
		t.Fatal(err)
	}
	prev := ledger.GenesisHash
	for i := int64(1); i <= 5; i++ {
		e := ledger.Entry{Seq: i, At: c.Now(), Kind: "test.note", Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), PrevHash: prev}
		e.Hash = e.ComputeHash()
		if _, err := old.db.Exec(`INSERT INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash) VALUES (?, ?, 0, ?, ?, 0, ?, ?)`,
			e.Seq, formatTime(e.At), e.Kind, string(e.Data), e.PrevHash, e.Hash); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	old.Close()
	db, err := Open(ctx, addr, Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if seq, hash := readHead(t, db); seq != 5 || hash != prev {
		t.Fatalf("seeded head %d %s, want 5 %s", seq, hash, prev)
	}
	if err := db.inTx(ctx, func(tx *tx) error { _, err := tx.append(0, "test.note", "after", 0); return err }); err != nil {
		t.Fatal(err)
	}
	if res, err := NewJournalService(db).Verify(ctx); err != nil || !res.OK || res.Count != 6 {
		t.Fatalf("verify %+v %v", res, err)
	}
}

// openAtVersion opens addr migrated only to version v, as an older program left it.
func openAtVersion(ctx context.Context, addr string, v int, c *clock) (*DB, error) {
	d, err := connect(addr, Options{Now: c.Now}.withDefaults())
	if err != nil {
		return nil, err
	}
	ms, err := d.migrations()
	if err != nil {
		return nil, err
	}
	return d, d.migrateWith(ctx, ms[:v])
}
