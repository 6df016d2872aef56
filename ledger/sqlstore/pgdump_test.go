package sqlstore

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// pgTool finds a PostgreSQL client program (PATH, then Debian's bindir).
func pgTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Strings(m)
	if len(m) == 0 {
		t.Skipf("%s not installed", name)
	}
	return m[len(m)-1]
}

// TestPGDumpRecipe runs the README's backup recipe for the shared
// database: pg_dump --format=custom of a live ledger with two closed days,
// pg_restore --no-owner into a new database, then the restored copy must
// verify, hold every entry with the same hashes and give the same day
// PDFs byte for byte.
func TestPGDumpRecipe(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	f := newLendFixture(t)
	close1 := seedTwoDays(t, f)
	dump := filepath.Join(t.TempDir(), "servicedesk.dump")
	out, err := exec.Command(pgTool(t, "pg_dump"), "--format=custom", "--file="+dump, "--dbname="+f.db.addr).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	_, addr := newPGDatabase(t, "")
	out, err = exec.Command(pgTool(t, "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--dbname="+addr, dump).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	restored, err := Open(ctx, addr, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	res, err := NewJournalService(restored).Verify(ctx)
	if err != nil || !res.OK {
		t.Fatalf("restored copy: %+v %v", res, err)
	}
	orig, _ := NewJournalService(f.db).Verify(ctx)
	if res.Count != orig.Count || res.LastHash != orig.LastHash {
		t.Fatalf("restored %d entries ending %s, original %d ending %s", res.Count, res.LastHash, orig.Count, orig.LastHash)
	}
	days, err := NewDayCloseService(f.db).Days(ctx, "", "")
	if err != nil || len(days) < 2 {
		t.Fatalf("days %v %v", days, err)
	}
	font := testFont(t)
	compared := 0
	for _, d := range days {
		if d.Open() {
			continue // a preview carries the time it was made
		}
		compared++
		var a, b bytes.Buffer
		for i, db := range []*DB{f.db, restored} {
			r, err := NewDayCloseService(db).Report(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := receipts.RenderDayPDF([]*bytes.Buffer{&a, &b}[i], r, font); err != nil {
				t.Fatal(err)
			}
		}
		if a.Len() < 1000 || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("day %s: PDF of the restored copy differs (%d vs %d bytes)", d.Date, a.Len(), b.Len())
		}
	}
	// The restored database is a working ledger: the append-only rules
	// came back with it.
	if _, err := restored.SQL().Exec("DELETE FROM journal WHERE seq = 1"); err == nil {
		t.Fatal("the restored journal accepts a DELETE")
	}
	rw, err := Open(ctx, addr, Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := NewLendingService(rw).Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"}); err != nil && ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("lend on the restored copy: %v", err)
	}
	if res, err := NewJournalService(rw).Verify(ctx); err != nil || !res.OK {
		t.Fatalf("restored copy after a lend: %+v %v", res, err)
	}
	if compared < 1 {
		t.Fatalf("only %d closed days compared", compared)
	}
	t.Logf("pg_dump %d bytes; restored %d entries, %d day PDFs identical (first close %s)", fileSize(dump), res.Count, compared, close1.No)
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}
