package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// collect keeps a record for purpose with a name and mobile (and a health
// note for medicine).
func (f *pdFixture) collect(t testing.TB, p ledger.Purpose, name, mobile string) ledger.PersonRecord {
	t.Helper()
	v := map[ledger.DataKind]string{ledger.DataName: name, ledger.DataMobile: mobile}
	if p == ledger.PurposeMedicine {
		v[ledger.DataHealth] = "青霉素过敏"
	}
	r, err := f.pd.Collect(context.Background(), f.clerk, ledger.CollectRequest{Purpose: p, Values: v})
	if err != nil {
		t.Fatalf("collect %s: %v", p, err)
	}
	return r
}

// held reports which of the records still hold their data.
func (f *pdFixture) held(t testing.TB, rs ...ledger.PersonRecord) []bool {
	t.Helper()
	out := make([]bool, len(rs))
	for i, r := range rs {
		got, err := f.pd.Record(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = !got.Erased()
		for _, fl := range got.Fields {
			if fl.Held != out[i] {
				t.Errorf("%s: field %s held=%v, record erased=%v", r.ID, fl.Kind, fl.Held, got.Erased())
			}
			if fl.Masked != r.Masked(fl.Kind) {
				t.Errorf("%s: mask of %s changed from %q to %q", r.ID, fl.Kind, r.Masked(fl.Kind), fl.Masked)
			}
		}
	}
	return out
}

func TestPersonalPurgeErasesWhatIsDueAndNothingElse(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	t0 := f.clock.Now()
	claim := f.collect(t, ledger.PurposeClaimant, "赵一", "13800000001")  // 365 days from collection
	missing := f.collect(t, ledger.PurposeMissing, "钱二", "13800000002") // 30 days from collection
	med := f.collect(t, ledger.PurposeMedicine, "孙三", "13800000003")    // 180 days from collection
	closed := f.member(t, "李四", "13800000004", "11010519491231002X")    // 30 days from the card's close
	open := f.member(t, "周五", "13800000005", "110105198001010016")      // card never closed: kept
	all := []ledger.PersonRecord{claim, missing, med, closed, open}
	f.clock.Add(10 * 24 * time.Hour)
	if err := f.pd.Close(ctx, f.clerk, closed.ID); err != nil {
		t.Fatal(err)
	}
	purge := func(want int) ledger.PurgeResult {
		t.Helper()
		due, err := f.pd.PurgeDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.pd.PurgeScheduled(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != want || due.Records != want {
			t.Fatalf("purge erased %d (due said %d); want %d", res.Records, due.Records, want)
		}
		return res
	}
	// One microsecond before the missing-person record falls due: nothing.
	f.clock.t = t0.Add(30*24*time.Hour - time.Microsecond)
	purge(0)
	if es := f.entriesOfKind(t, "personal.purge"); len(es) != 0 {
		t.Fatalf("an empty purge was journaled: %v", es)
	}
	// At the due time: exactly that record.
	f.clock.t = t0.Add(30 * 24 * time.Hour)
	res := purge(1)
	if res.Fields != 2 || res.ByPurpose[ledger.PurposeMissing] != 1 {
		t.Errorf("result %+v", res)
	}
	if got := f.held(t, all...); !equalBools(got, []bool{true, false, true, true, true}) {
		t.Fatalf("held after first purge %v", got)
	}
	// 30 days after the card was closed: the closed member.
	f.clock.t = t0.Add(40 * 24 * time.Hour)
	purge(1)
	if got := f.held(t, all...); !equalBools(got, []bool{true, false, true, false, true}) {
		t.Fatalf("held after second purge %v", got)
	}
	// A shorter retention set by a supervisor applies at the next purge.
	set, _ := f.settings.Settings(ctx)
	set.Retention = ledger.Retention{ledger.PurposeClaimant: 20}
	if err := f.settings.UpdateSettings(ctx, f.sup, set); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	purge(1)
	if got := f.held(t, all...); !equalBools(got, []bool{false, false, true, false, true}) {
		t.Fatalf("held after third purge %v", got)
	}
	purge(0)
	// Erased records keep ids and masks, lose values and hashes.
	got, _ := f.pd.Record(ctx, closed.ID)
	if got.ErasedFor != ledger.ErasedForRetention || got.Masked(ledger.DataResidentID) != "1***************2X" {
		t.Errorf("erased record %+v", got)
	}
	found, err := f.pd.Find(ctx, f.sup, "11010519491231002X")
	if err != nil || len(found) != 0 {
		t.Errorf("an erased ID number is still found: %v %v", found, err)
	}
	if found, _ := f.pd.Find(ctx, f.sup, "13800000005"); len(found) != 1 || found[0].ID != open.ID {
		t.Errorf("the kept member is not found: %v", found)
	}
	appr := f.approve(t, ledger.RevealApproval(f.clerk, missing), "wang")
	if _, err := f.pd.Reveal(ctx, f.clerk, missing.ID, appr); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Errorf("reveal of a purged record: %v", err)
	}
	appr = f.approve(t, ledger.RevealApproval(f.clerk, med), "wang")
	if v, err := f.pd.Reveal(ctx, f.clerk, med.ID, appr); err != nil || v[ledger.DataHealth] != "青霉素过敏" {
		t.Errorf("kept record: %v %v", v, err)
	}
	// The purges are journaled by counts only, and the chain verifies.
	es := f.entriesOfKind(t, "personal.purge")
	if len(es) != 3 {
		t.Fatalf("%d purge entries", len(es))
	}
	var d struct {
		Records   int
		Fields    int
		ByPurpose map[string]int `json:"by_purpose"`
	}
	json.Unmarshal(es[1].Data, &d)
	if d.Records != 1 || d.Fields != 3 || d.ByPurpose["member"] != 1 {
		t.Errorf("purge entry %s", es[1].Data)
	}
	for _, e := range es {
		for _, r := range all {
			if strings.Contains(string(e.Data), r.ID) || strings.Contains(string(e.Data), r.Masked(ledger.DataMobile)) {
				t.Errorf("purge entry names a record: %s", e.Data)
			}
		}
	}
	f.mustVerify(t)
	// A clerk may not purge; a supervisor may.
	if _, err := f.pd.Purge(ctx, f.clerk); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("clerk purge: %v", err)
	}
	if _, err := f.pd.Purge(ctx, f.sup); err != nil {
		t.Error(err)
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPersonalEraseOnRequest(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	a := f.member(t, "欧阳娜娜", "13812345678", "11010519491231002X")
	b := f.collect(t, ledger.PurposeFeedback, "欧阳娜娜", "13812345678")
	keep := f.collect(t, ledger.PurposeFeedback, "王五", "13900009999")
	var sealed []byte
	f.db.db.QueryRow("SELECT sealed FROM person_fields WHERE person_id = ? AND kind = 'mobile'", a.ID).Scan(&sealed)
	if len(sealed) < 20 {
		t.Fatal("no sealed mobile")
	}
	found, err := f.pd.Find(ctx, f.sup, "13812345678")
	if err != nil || len(found) != 2 {
		t.Fatalf("find %v %v", found, err)
	}
	ids := []string{a.ID, b.ID}
	// No approval, self-approval, an approval for other records: refused,
	// nothing erased.
	if _, err := f.pd.Erase(ctx, f.sup, ids, nil); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("no approval: %v", err)
	}
	if _, err := f.pd.Erase(ctx, f.sup, ids, &ledger.Approval{ApproverID: f.sup.ID, Reason: "本人要求"}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("self-approval: %v", err)
	}
	if _, err := f.pd.Erase(ctx, f.clerk, ids, f.approve(t, ledger.EraseApproval(f.clerk, ids), "wang")); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("a clerk erased: %v", err)
	}
	if _, err := f.pd.Erase(ctx, f.sup, []string{"P'; DROP TABLE persons; --"}, nil); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Errorf("bad id: %v", err)
	}
	if got := f.held(t, a, b, keep); !equalBools(got, []bool{true, true, true}) {
		t.Fatalf("refused erasure erased: %v", got)
	}
	// A failure half-way (the second record's update aborts) erases nothing:
	// one transaction, all or none.
	failUpdate(t, f.db, "fail_second", "persons", "OLD.id = '"+b.ID+"'")
	if _, err := f.pd.Erase(ctx, f.sup, ids, f.approve(t, ledger.EraseApproval(f.sup, ids), "admin")); err == nil {
		t.Fatal("erase with an injected failure succeeded")
	}
	dropTrigger(t, f.db, "fail_second", "persons")
	if got := f.held(t, a, b, keep); !equalBools(got, []bool{true, true, true}) {
		t.Fatalf("half-done erasure: %v", got)
	}
	if len(f.entriesOfKind(t, "personal.erase")) != 0 {
		t.Fatal("a failed erasure was journaled")
	}
	res, err := f.pd.Erase(ctx, f.sup, ids, f.approve(t, ledger.EraseApproval(f.sup, ids), "admin"))
	if err != nil || res.Records != 2 || res.Fields != 5 {
		t.Fatalf("erase %+v %v", res, err)
	}
	if got := f.held(t, a, b, keep); !equalBools(got, []bool{false, false, true}) {
		t.Fatalf("held after erasure %v", got)
	}
	if got, _ := f.pd.Record(ctx, a.ID); got.ErasedFor != ledger.ErasedForRequest {
		t.Errorf("erased for %q", got.ErasedFor)
	}
	if found, _ := f.pd.Find(ctx, f.sup, "13812345678"); len(found) != 0 {
		t.Errorf("erased person still found: %v", found)
	}
	// Twice: refused, nothing journaled.
	if _, err := f.pd.Erase(ctx, f.sup, ids, f.approve(t, ledger.EraseApproval(f.sup, ids), "admin")); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Errorf("second erasure: %v", err)
	}
	es := f.entriesOfKind(t, "personal.erase")
	if len(es) != 1 || es[0].StaffID != f.sup.ID || !strings.Contains(string(es[0].Data), `"approver_id":1`) ||
		!strings.Contains(string(es[0].Data), a.ID) || strings.Contains(string(es[0].Data), "5678") {
		t.Errorf("erase entries %v", es)
	}
	f.mustVerify(t)
	// On SQLite the ciphertext is gone from the database file and the WAL,
	// not just unlinked (secure_delete, WAL checkpointed and truncated).
	// PostgreSQL keeps dead row versions until VACUUM (see README).
	if f.db.Engine() != "sqlite" {
		return
	}
	for _, p := range []string{f.path, f.path + "-wal"} {
		raw, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(raw, sealed) {
			t.Errorf("erased ciphertext still in %s", p)
		}
	}
}

// TestPersonalPurgeInBatches: a large purge runs in transactions of at
// most purgeBatch records (the counter is never stalled by one long lock),
// each journaled with its counts, and erases everything due.
func TestPersonalPurgeInBatches(t *testing.T) {
	f := newPDFixture(t)
	n := 2*purgeBatch + 500
	err := f.db.inTx(context.Background(), func(tx *tx) error {
		for i := 0; i < n; i++ {
			if _, err := tx.collectPerson(f.clerk.ID, ledger.CollectRequest{Purpose: ledger.PurposeFinder,
				Values: map[ledger.DataKind]string{ledger.DataMobile: fmt.Sprintf("139%08d", i)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.member(t, "张三", "13812345678", "11010519491231002X") // not due
	f.clock.Add(366 * 24 * time.Hour)
	res, err := f.pd.PurgeScheduled(context.Background())
	if err != nil || res.Records != n || res.Fields != n || res.ByPurpose[ledger.PurposeFinder] != n {
		t.Fatalf("purge %+v %v", res, err)
	}
	es := f.entriesOfKind(t, "personal.purge")
	var counts []int
	for _, e := range es {
		var d struct{ Records int }
		json.Unmarshal(e.Data, &d)
		counts = append(counts, d.Records)
	}
	if fmt.Sprint(counts) != fmt.Sprint([]int{purgeBatch, purgeBatch, 500}) {
		t.Errorf("batches %v", counts)
	}
	var held int
	f.db.SQL().QueryRow("SELECT count(*) FROM persons WHERE erased_at = 0").Scan(&held)
	if held != 1 {
		t.Errorf("%d records held after the purge; want the one member", held)
	}
	f.mustVerify(t)
}

// failUpdate makes updates of table fail while cond (on OLD) holds, to test
// that a failure half-way through a transaction leaves nothing behind.
func failUpdate(t testing.TB, db *DB, name, table, cond string) {
	t.Helper()
	stmts := []string{fmt.Sprintf("CREATE TRIGGER %s BEFORE UPDATE ON %s WHEN %s BEGIN SELECT RAISE(ABORT, 'injected failure'); END", name, table, cond)}
	if db.Engine() == "postgres" {
		stmts = []string{
			fmt.Sprintf(`CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'injected failure'; END $$`, name),
			fmt.Sprintf("CREATE TRIGGER %s BEFORE UPDATE ON %s FOR EACH ROW WHEN (%s) EXECUTE FUNCTION %s()", name, table, cond, name),
		}
	}
	for _, q := range stmts {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}
