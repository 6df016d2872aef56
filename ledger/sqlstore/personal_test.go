package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// pdFixture is a fixture whose database has personal-data keys in a keys
// file beside it and whose log goes to a file.
type pdFixture struct {
	*fixture
	pd       *PersonalService
	keysPath string
	logPath  string
}

func newPDFixture(t testing.TB) *pdFixture {
	t.Helper()
	dir := t.TempDir()
	f := &pdFixture{keysPath: filepath.Join(dir, "desk.keys"), logPath: filepath.Join(dir, "servicedesk.log")}
	logFile, err := os.Create(f.logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	f.fixture = newFixtureWith(t, testAddr(t, "desk.db"), func(o *Options) {
		o.KeysPath = f.keysPath
		o.Logger = slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	f.pd = NewPersonalService(f.db)
	if st := f.pd.KeyStatus(context.Background()); !st.Ready {
		t.Fatalf("keys not ready after setup: %+v", st)
	}
	return f
}

// approve has username approve req through StaffService.Approve.
func (f *pdFixture) approve(t testing.TB, req ledger.ApprovalRequest, username string) *ledger.Approval {
	t.Helper()
	a, err := f.staff.Approve(context.Background(), req, username, testPassword, "顾客来电要求回电")
	if err != nil {
		t.Fatalf("approve %s: %v", req.Action, err)
	}
	return &a
}

// member collects a point-card member's name, mobile and ID number.
func (f *pdFixture) member(t testing.TB, name, mobile, id string) ledger.PersonRecord {
	t.Helper()
	r, err := f.pd.Collect(context.Background(), f.clerk, ledger.CollectRequest{Purpose: ledger.PurposeMember, UniqueResidentID: true,
		Values: map[ledger.DataKind]string{ledger.DataName: name, ledger.DataMobile: mobile, ledger.DataResidentID: id}})
	if err != nil {
		t.Fatalf("collect member: %v", err)
	}
	return r
}

// genResidentID makes a valid resident ID number from r.
func genResidentID(r *rand.Rand) string {
	birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.Intn(70*365))
	first := fmt.Sprintf("%06d%s%03d", 110000+r.Intn(540000), birth.Format("20060102"), r.Intn(1000))
	c, _ := ledger.ResidentIDCheck(first)
	return first + string(c)
}

// entriesOfKind returns the journal entries of kind.
func (f *fixture) entriesOfKind(t testing.TB, kind string) []ledger.Entry {
	t.Helper()
	es, err := f.journal.Entries(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var out []ledger.Entry
	for _, e := range es {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// mustVerify fails unless the journal chain verifies.
func (f *fixture) mustVerify(t testing.TB) {
	t.Helper()
	res, err := f.journal.Verify(context.Background())
	if err != nil || !res.OK {
		t.Fatalf("journal does not verify: %+v %v", res, err)
	}
}

func TestPersonalKeysCreatedAtSetup(t *testing.T) {
	f := newPDFixture(t)
	st, err := os.Stat(f.keysPath)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("keys file mode %v", st.Mode().Perm())
	}
	keys, err := ledger.LoadPersonalKeys(f.keysPath)
	if err != nil {
		t.Fatal(err)
	}
	ks := f.pd.KeyStatus(context.Background())
	if ks.KeyID != keys.ID() || ks.Path != f.keysPath {
		t.Errorf("status %+v", ks)
	}
	// The database holds the fingerprint, never the keys.
	raw := dbDump(t, f.db)
	file, _ := os.ReadFile(f.keysPath)
	var kf map[string]string
	json.Unmarshal(file, &kf)
	for _, name := range []string{"seal_key", "mobile_index_key", "id_hash_key"} {
		if kf[name] == "" || bytes.Contains(raw, []byte(kf[name])) {
			t.Errorf("%s missing from the keys file or present in the database", name)
		}
	}
	if es := f.entriesOfKind(t, "personal.keys"); len(es) != 1 || !strings.Contains(string(es[0].Data), keys.ID()) {
		t.Errorf("keys creation not journaled: %v", es)
	}
	// Ensuring again changes nothing.
	if err := f.db.EnsurePersonalKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	if again, _ := ledger.LoadPersonalKeys(f.keysPath); again.ID() != keys.ID() {
		t.Error("keys replaced")
	}
}

func TestPersonalCollect(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	r := f.member(t, "欧阳娜娜", "+86 138-1234-5678", "11010519491231002x")
	if !strings.HasPrefix(r.ID, "P") || len(r.ID) != 17 || r.Purpose != ledger.PurposeMember {
		t.Fatalf("record %+v", r)
	}
	want := map[ledger.DataKind]string{ledger.DataName: "欧***", ledger.DataMobile: "138****5678", ledger.DataResidentID: "1***************2X"}
	got, err := f.pd.Record(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for k, m := range want {
		if got.Masked(k) != m || r.Masked(k) != m {
			t.Errorf("%s masked %q / %q; want %q", k, got.Masked(k), r.Masked(k), m)
		}
	}
	if !got.RetainFrom.IsZero() || !got.DueAt(ledger.DefaultRetention()).IsZero() {
		t.Error("a member's retention clock runs before the card is closed")
	}
	// The rows: sealed name and mobile, no sealed ID number, hashes for
	// mobile and ID only.
	rows, err := f.db.db.Query("SELECT kind, sealed IS NOT NULL, lookup IS NOT NULL FROM person_fields WHERE person_id = ?", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var kind string
		var sealed, indexed bool
		rows.Scan(&kind, &sealed, &indexed)
		k := ledger.DataKind(kind)
		if sealed != k.Sealed() || indexed != k.Indexed() {
			t.Errorf("%s: sealed %v indexed %v", k, sealed, indexed)
		}
		n++
	}
	if n != 3 {
		t.Errorf("%d fields", n)
	}
	es := f.entriesOfKind(t, "personal.collect")
	if len(es) != 1 || es[0].StaffID != f.clerk.ID {
		t.Fatalf("collect entries %v", es)
	}
	var d struct {
		Person  string
		Purpose string
		Kinds   []string
	}
	json.Unmarshal(es[0].Data, &d)
	if d.Person != r.ID || d.Purpose != "member" || strings.Join(d.Kinds, ",") != "name,mobile,resident_id" {
		t.Errorf("entry %s", es[0].Data)
	}
	for _, leak := range []string{"欧阳", "5678", "002X", "***"} {
		if strings.Contains(string(es[0].Data), leak) {
			t.Errorf("journal entry holds %q: %s", leak, es[0].Data)
		}
	}
	// Bad input changes nothing.
	before := len(f.entriesOfKind(t, "personal.collect"))
	for _, req := range []ledger.CollectRequest{
		{Purpose: ledger.PurposeMember, Values: map[ledger.DataKind]string{ledger.DataResidentID: "110105194912310021"}},
		{Purpose: ledger.PurposeFeedback, Values: map[ledger.DataKind]string{ledger.DataResidentID: "11010519491231002X"}},
		{Purpose: "spy", Values: map[ledger.DataKind]string{ledger.DataName: "张三"}},
	} {
		if _, err := f.pd.Collect(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.EINVALID {
			t.Errorf("%+v: %v", req, err)
		}
	}
	// The account as stored decides (not the caller's copy): disabled by
	// the admin, the clerk's session cannot collect.
	if err := f.staff.SetDisabled(ctx, f.admin, f.clerk.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pd.Collect(ctx, f.clerk,
		ledger.CollectRequest{Purpose: ledger.PurposeFinder, Values: map[ledger.DataKind]string{ledger.DataName: "张三"}}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("disabled account collected: %v", err)
	}
	if after := len(f.entriesOfKind(t, "personal.collect")); after != before {
		t.Error("refused input was journaled")
	}
	var count int
	f.db.db.QueryRow("SELECT count(*) FROM persons").Scan(&count)
	if count != 1 {
		t.Errorf("%d persons after refused input", count)
	}
}

func TestPersonalOneMemberPerID(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	a := f.member(t, "张三", "13812345678", "11010519491231002X")
	_, err := f.pd.Collect(ctx, f.clerk, ledger.CollectRequest{Purpose: ledger.PurposeMember, UniqueResidentID: true,
		Values: map[ledger.DataKind]string{ledger.DataName: "张三丰", ledger.DataResidentID: "11010519491231002x"}})
	if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "1***************2X") ||
		strings.Contains(ledger.ErrorMessage(err), "11010519491231002X") {
		t.Fatalf("second member with the same ID: %v", err)
	}
	// The same ID for another purpose is not a duplicate member.
	if _, err := f.pd.Collect(ctx, f.clerk, ledger.CollectRequest{Purpose: ledger.PurposeClaimant, UniqueResidentID: true,
		Values: map[ledger.DataKind]string{ledger.DataResidentID: "11010519491231002X"}}); err != nil {
		t.Fatal(err)
	}
	// Once the card is closed the person may sign up again.
	if err := f.pd.Close(ctx, f.clerk, a.ID); err != nil {
		t.Fatal(err)
	}
	f.member(t, "张三", "13812345678", "11010519491231002X")
}

func TestPersonalRevealNeedsApproval(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	r := f.member(t, "张三", "13812345678", "11010519491231002X")
	entries := func() int { es, _ := f.journal.Entries(ctx, 0, 1<<30); return len(es) }
	before := entries()
	// No approval, a forged one naming a clerk, self-approval: refused.
	if _, err := f.pd.Reveal(ctx, f.clerk, r.ID, nil); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("no approval: %v", err)
	}
	if _, err := f.pd.Reveal(ctx, f.clerk, r.ID, &ledger.Approval{ApproverID: f.clerk.ID, Reason: "回电"}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("clerk approving: %v", err)
	}
	if _, err := f.pd.Reveal(ctx, f.sup, r.ID, &ledger.Approval{ApproverID: f.sup.ID, Reason: "回电"}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("self-approval: %v", err)
	}
	if _, err := f.staff.Approve(ctx, ledger.RevealApproval(f.clerk, r), "wang", "wrong-password1", "回电"); err == nil {
		t.Error("approval with a wrong password")
	}
	if len(f.entriesOfKind(t, "personal.reveal")) != 0 {
		t.Fatal("a refused look was journaled as a look")
	}
	_ = before
	a := f.approve(t, ledger.RevealApproval(f.clerk, r), "wang")
	vals, err := f.pd.Reveal(ctx, f.clerk, r.ID, a)
	if err != nil {
		t.Fatal(err)
	}
	if vals[ledger.DataName] != "张三" || vals[ledger.DataMobile] != "13812345678" {
		t.Errorf("revealed %v", vals)
	}
	if _, ok := vals[ledger.DataResidentID]; ok {
		t.Error("an ID number was revealed: it must not even be held")
	}
	es := f.entriesOfKind(t, "personal.reveal")
	if len(es) != 1 || es[0].StaffID != f.clerk.ID {
		t.Fatalf("reveal entries %v", es)
	}
	var d struct {
		Person   string
		Kinds    []string
		Approval struct {
			ApproverID   int64  `json:"approver_id"`
			ApproverName string `json:"approver_name"`
			Reason       string
		}
	}
	json.Unmarshal(es[0].Data, &d)
	if d.Person != r.ID || d.Approval.ApproverID != f.sup.ID || d.Approval.Reason != "顾客来电要求回电" || len(d.Kinds) != 2 {
		t.Errorf("reveal entry %s", es[0].Data)
	}
	if strings.Contains(string(es[0].Data), "13812345678") || strings.Contains(string(es[0].Data), "张三") {
		t.Errorf("the revealed values are in the journal: %s", es[0].Data)
	}
	f.mustVerify(t)
}

func TestPersonalFindUsesTheHash(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	a := f.member(t, "张三", "13812345678", "11010519491231002X")
	if _, err := f.pd.Collect(ctx, f.clerk, ledger.CollectRequest{Purpose: ledger.PurposeClaimant,
		Values: map[ledger.DataKind]string{ledger.DataName: "张三", ledger.DataMobile: "+86 138 1234 5678"}}); err != nil {
		t.Fatal(err)
	}
	f.member(t, "李四", "13900001111", "110105198001010016")
	got, err := f.pd.Find(ctx, f.sup, "138-1234-5678")
	if err != nil || len(got) != 2 {
		t.Fatalf("find by mobile: %d %v", len(got), err)
	}
	got, err = f.pd.Find(ctx, f.sup, "11010519491231002x")
	if err != nil || len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("find by ID: %v %v", got, err)
	}
	if _, err := f.pd.Find(ctx, f.clerk, "13812345678"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Errorf("clerk searched: %v", err)
	}
	es := f.entriesOfKind(t, "personal.search")
	if len(es) != 2 || strings.Contains(string(es[0].Data), "5678") || !strings.Contains(string(es[0].Data), `"mobile"`) {
		t.Errorf("search entries %v", es)
	}
	// The lookup goes through the index on the keyed hash, never a scan:
	// with 2,000 more records and fresh statistics, the query plan of the
	// lookup names the index on both engines.
	err = f.db.inTx(ctx, func(tx *tx) error {
		for i := 0; i < 2000; i++ {
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
	if _, err := f.db.db.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	keys, _ := f.db.personalKeys()
	explain := "EXPLAIN QUERY PLAN "
	if f.db.Engine() == "postgres" {
		explain = "EXPLAIN "
	}
	rows, err := f.db.db.Query(explain+findByLookupSQL, keys.Index(ledger.DataMobile, "13812345678"), ledger.DataMobile)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
	}
	rows.Close()
	joined := strings.Join(plan, "; ")
	uses := strings.Contains(joined, "USING INDEX person_fields_lookup (lookup=?)") || // SQLite
		strings.Contains(joined, "Index Scan using person_fields_lookup") || strings.Contains(joined, "Bitmap Index Scan on person_fields_lookup")
	if !uses || strings.Contains(joined, "SCAN person_fields") || strings.Contains(joined, "Seq Scan") {
		t.Errorf("lookup plan does not use the hash index: %s", joined)
	}
	t.Logf("%s plan: %s", f.db.Engine(), joined)
}

func TestPersonalCopiedDatabaseWithoutKeys(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	r := f.member(t, "欧阳娜娜", "13812345678", "11010519491231002X")
	keys, _ := ledger.LoadPersonalKeys(f.keysPath)
	// The database alone (a file copied to a USB stick, or a PostgreSQL
	// dump restored elsewhere), without the keys file.
	dir := t.TempDir()
	copyPath, drop := cloneDB(t, f.db, "copy.db")
	defer drop()
	f.db.Close()
	cp, err := Open(ctx, copyPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := dbDump(t, cp)
	cp.Close()
	for _, leak := range []string{"欧阳娜娜", "13812345678", "11010519491231002X", "1101051949123100"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Errorf("%q readable in the database file", leak)
		}
	}
	for _, tc := range []struct {
		name, keysPath, reason string
	}{
		{"no keys file", filepath.Join(dir, "copy.keys"), "缺少个人信息密钥文件"},
		{"another mall's keys", filepath.Join(dir, "other.keys"), "不匹配"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.keysPath, "other") {
				if _, err := ledger.CreatePersonalKeysFile(tc.keysPath, bytes.NewReader(bytes.Repeat([]byte{9}, 96)), time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			db, err := Open(ctx, copyPath, Options{KeysPath: tc.keysPath})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			pd := NewPersonalService(db)
			st := pd.KeyStatus(ctx)
			if st.Ready || !strings.Contains(st.Reason, tc.reason) || !strings.Contains(st.Reason, "脱敏") {
				t.Fatalf("status %+v", st)
			}
			// Ensuring keys never mints new ones for a database that has some.
			if err := db.EnsurePersonalKeys(ctx); err != nil {
				t.Fatal(err)
			}
			if pd.KeyStatus(ctx).Ready {
				t.Fatal("new keys minted for a database that already has keys")
			}
			got, err := pd.Record(ctx, r.ID)
			if err != nil || got.Masked(ledger.DataName) != "欧***" || got.Masked(ledger.DataMobile) != "138****5678" {
				t.Fatalf("masked view: %+v %v", got, err)
			}
			list, total, err := pd.Records(ctx, 0, 10)
			if err != nil || total != 1 || len(list) != 1 {
				t.Fatalf("list: %v %d %v", list, total, err)
			}
			var staff []ledger.Staff
			staff, _ = NewStaffService(db).ListStaff(ctx)
			var sup, admin, clerk ledger.Staff
			for _, s := range staff {
				switch s.Username {
				case "wang":
					sup = s
				case "admin":
					admin = s
				case "li":
					clerk = s
				}
			}
			appr := &ledger.Approval{ApproverID: sup.ID, ApproverName: sup.Name, Reason: "测试"}
			if _, err := pd.Reveal(ctx, clerk, r.ID, appr); ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), tc.reason) {
				t.Errorf("reveal without keys: %v", err)
			}
			if _, err := pd.Find(ctx, sup, "13812345678"); !strings.Contains(ledger.ErrorMessage(err), tc.reason) {
				t.Errorf("find without keys: %v", err)
			}
			if _, err := pd.Export(ctx, sup, "13812345678", &ledger.Approval{ApproverID: admin.ID, Reason: "本人查询"}); !strings.Contains(ledger.ErrorMessage(err), tc.reason) {
				t.Errorf("export without keys: %v", err)
			}
			if _, err := pd.Collect(ctx, clerk, ledger.CollectRequest{Purpose: ledger.PurposeFinder,
				Values: map[ledger.DataKind]string{ledger.DataName: "王五"}}); ledger.ErrorCode(err) != ledger.ECONFLICT {
				t.Errorf("collect without keys: %v", err)
			}
		})
	}
	// With its own keys file back beside it, the copy opens in full again.
	db, err := Open(ctx, copyPath, Options{KeysPath: f.keysPath})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st := NewPersonalService(db).KeyStatus(ctx); !st.Ready || st.KeyID != keys.ID() {
		t.Fatalf("status with the right keys: %+v", st)
	}
}

func TestPersonalStoreTriggers(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	a := f.member(t, "张三", "13812345678", "11010519491231002X")
	b := f.member(t, "李四", "13900001111", "110105198001010016")
	sqldb := f.db.db
	for _, q := range []string{
		"DELETE FROM persons WHERE id = '" + a.ID + "'",
		"DELETE FROM person_fields WHERE person_id = '" + a.ID + "'",
		"UPDATE person_fields SET masked = '138****0000' WHERE person_id = '" + a.ID + "' AND kind = 'mobile'",
		// A sealed value moved to another record: refused here, and it would
		// not open there anyway (bound to its record id).
		"UPDATE person_fields SET sealed = (SELECT sealed FROM person_fields WHERE person_id = '" + b.ID + "' AND kind = 'mobile') WHERE person_id = '" + a.ID + "' AND kind = 'mobile'",
	} {
		if _, err := sqldb.Exec(q); err == nil {
			t.Errorf("accepted: %s", q)
		}
	}
	if _, err := sqldb.Exec("UPDATE person_fields SET sealed = ? WHERE person_id = ? AND kind = 'resident_id'", []byte{1, 2}, a.ID); err == nil {
		t.Error("a sealed value was stored for an ID number")
	}
	appr := f.approve(t, ledger.EraseApproval(f.sup, []string{a.ID}), "admin")
	if _, err := f.pd.Erase(ctx, f.sup, []string{a.ID}, appr); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Exec("UPDATE persons SET erased_at = 0, erased_for = '', erased_seq = 0 WHERE id = ?", a.ID); err == nil {
		t.Error("an erased record was restored")
	}
	if _, err := sqldb.Exec("UPDATE person_fields SET lookup = ? WHERE person_id = ? AND kind = 'mobile'", []byte{0}, a.ID); err == nil {
		t.Error("an erased hash was refilled")
	}
}

// TestPersonalKeysTwoDesksRace: two desks bind keys to one fresh database
// at once. One binding wins; the other desk says its file does not match
// (or that it has none) instead of sealing data nobody else can open.
func TestPersonalKeysTwoDesksRace(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := testAddr(t, "desk.db")
	a, err := Open(ctx, path, Options{KeysPath: filepath.Join(dir, "a.keys")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path, Options{KeysPath: filepath.Join(dir, "b.keys")})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	errs := make(chan error, 2)
	for _, d := range []*DB{a, b} {
		go func(d *DB) { errs <- d.EnsurePersonalKeys(ctx) }(d)
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	sa, sb := NewPersonalService(a).KeyStatus(ctx), NewPersonalService(b).KeyStatus(ctx)
	if sa.Ready == sb.Ready {
		t.Fatalf("both or neither desk ready: %+v %+v", sa, sb)
	}
	loser := sa
	if sa.Ready {
		loser = sb
	}
	// Depending on timing the losing desk made its own file (不匹配) or
	// found the database bound already and made none (缺少…密钥文件).
	if !strings.Contains(loser.Reason, "不匹配") && !strings.Contains(loser.Reason, "缺少个人信息密钥文件") {
		t.Errorf("losing desk: %+v", loser)
	}
	var n int
	a.SQL().QueryRow("SELECT count(*) FROM journal WHERE kind = 'personal.keys'").Scan(&n)
	if n != 1 {
		t.Errorf("%d personal.keys entries", n)
	}
}

// TestPersonalKeysFileDamaged: a damaged keys file is reported, never
// replaced, and a leftover temporary file from a crash changes nothing.
func TestPersonalKeysFileDamaged(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	f.member(t, "张三", "13812345678", "11010519491231002X")
	good, _ := os.ReadFile(f.keysPath)
	os.WriteFile(filepath.Join(filepath.Dir(f.keysPath), ".keys-123.tmp"), good[:10], 0o600)
	os.WriteFile(f.keysPath, good[:len(good)/2], 0o600)
	f.db.loadKeys(ctx)
	st := f.pd.KeyStatus(ctx)
	if st.Ready || !strings.Contains(st.Reason, "无法读取或已损坏") {
		t.Fatalf("damaged file: %+v", st)
	}
	if err := f.db.EnsurePersonalKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(f.keysPath); !bytes.Equal(now, good[:len(good)/2]) {
		t.Fatal("a damaged keys file was replaced")
	}
	os.WriteFile(f.keysPath, good, 0o600)
	f.db.loadKeys(ctx)
	if !f.pd.KeyStatus(ctx).Ready {
		t.Fatal("restored file not accepted")
	}
}
