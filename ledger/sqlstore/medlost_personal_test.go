package sqlstore

import (
	"context"
	"os"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// newLFFixtureKeys is newLFFixture on a database with personal-data keys.
func newLFFixtureKeys(t *testing.T) (*lfFixture, *pdFixture) {
	t.Helper()
	pd := newPDFixture(t)
	f := &lfFixture{fixture: pd.fixture, lf: NewLostFoundService(pd.db)}
	var err error
	f.sup2, err = f.staff.AddStaff(context.Background(), f.admin, ledger.NewStaff{Username: "zhao", Name: "赵主管", Role: ledger.RoleSupervisor, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return f, pd
}

const claimantID = "11010519491231002X"

// everywhere fails if needle is in the journal, any state row the test
// names, or the database file and its WAL.
func everywhere(t *testing.T, f *fixture, needle string) {
	t.Helper()
	es, _ := f.journal.Entries(context.Background(), 0, 100000)
	for _, e := range es {
		if strings.Contains(string(e.Data), needle) {
			t.Fatalf("journal entry %d (%s) holds %q", e.Seq, e.Kind, needle)
		}
	}
	for _, q := range []string{
		"SELECT count(*) FROM found_items WHERE claimant_id LIKE ? OR claimant_name LIKE ? OR claim_desc LIKE ? OR finder_masked LIKE ?",
		"SELECT count(*) FROM medicine_dispenses WHERE recipient LIKE ? OR reason LIKE ? OR mobile_masked LIKE ? OR takes LIKE ?",
		"SELECT count(*) FROM lost_reports WHERE name_masked LIKE ? OR phone_masked LIKE ? OR description LIKE ? OR person_id LIKE ?",
		"SELECT count(*) FROM print_jobs WHERE document LIKE ? OR receipt_no LIKE ? OR last_error LIKE ? OR state LIKE ?",
	} {
		var n int
		p := "%" + needle + "%"
		if err := f.db.db.QueryRow(q, p, p, p, p).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%q found by %s (%v)", needle, q, err)
		}
	}
	for _, p := range []string{f.path, f.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), needle) {
			t.Fatalf("%s holds %q", p, needle)
		}
	}
}

func TestLostFoundClaimOnce(t *testing.T) {
	f, pd := newLFFixtureKeys(t)
	ctx := context.Background()
	it := f.register(t, "钱包", "黑色钱包", "三楼", "A柜-3")
	r, err := f.lf.Report(ctx, f.clerk, ledger.LostReportRequest{Kind: ledger.LostItem, Category: "钱包", Description: "黑色钱包",
		Name: "张三", Mobile: "13812345678"})
	if err != nil || r.NameMasked != "张*" || r.PhoneMasked != "138****5678" || r.Person == "" {
		t.Fatalf("report %+v %v", r, err)
	}
	req := ledger.ClaimRequest{ItemID: it.ID, Description: "黑色的钱包，里面有银行卡", Matches: true, Name: "张三",
		Mobile: "13812345678", ResidentID: claimantID, ReportID: r.ID}
	// Bad input changes nothing: a wrong check digit, no confirmation.
	bad := req
	bad.ResidentID = "110105194912310021"
	if _, err := f.lf.Claim(ctx, f.clerk, bad); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("bad ID: %v", err)
	}
	bad = req
	bad.Matches = false
	if _, err := f.lf.Claim(ctx, f.clerk, bad); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("unconfirmed: %v", err)
	}
	got, err := f.lf.Claim(ctx, f.clerk, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != ledger.FoundClaimed || got.ClaimantName != "张*" || got.ClaimantPhone != "138****5678" || got.ClaimantID != "1***************2X" || got.ClaimNo == "" {
		t.Fatalf("claim %+v", got)
	}
	if rr, _ := f.lf.LostReport(ctx, r.ID); rr.Status != ledger.LostClosed || rr.ItemID != it.ID {
		t.Fatalf("report not closed %+v", rr)
	}
	// The handover receipt is queued, masked, with the item's QR.
	job, err := NewPrintQueue(f.db).Original(ctx, got.ClaimNo)
	if err != nil || !strings.Contains(string(job.Document), "1***************2X") || !strings.Contains(string(job.Document), "认领人签字") {
		t.Fatalf("handover %s %v", job.Document, err)
	}
	// A second claim is refused and says when and by which receipt.
	_, err = f.lf.Claim(ctx, f.clerk, req)
	if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "已于 2026-11-25 09:00 被认领（交接单 "+got.ClaimNo+"）") {
		t.Fatalf("second claim: %v", err)
	}
	// The whole ID number, name and mobile appear nowhere but sealed.
	for _, needle := range []string{claimantID, "张三", "13812345678"} {
		everywhere(t, f.fixture, needle)
	}
	// The claimant's record is in the personal-data store, findable by ID.
	rs, err := pd.pd.Find(ctx, f.sup, claimantID)
	if err != nil || len(rs) != 1 || rs[0].ID != got.ClaimPerson || rs[0].Purpose != ledger.PurposeClaimant {
		t.Fatalf("find %+v %v", rs, err)
	}
}

func TestClaimWithoutKeysRefused(t *testing.T) {
	f := newLFFixture(t) // no keys file
	ctx := context.Background()
	it := f.register(t, "钱包", "黑色钱包", "三楼", "A柜-3")
	before := f.journalLen(t)
	_, err := f.lf.Claim(ctx, f.clerk, ledger.ClaimRequest{ItemID: it.ID, Description: "黑色钱包", Matches: true, Name: "张三",
		Mobile: "13812345678", ResidentID: claimantID})
	if err == nil {
		t.Fatal("claim without personal-data keys went through")
	}
	if got, _ := f.lf.Item(ctx, it.ID); got.Status != ledger.FoundHeld || f.journalLen(t) != before {
		t.Fatalf("a refused claim changed state: %s", got.Status)
	}
}

func TestDispenseHealthNoteMasked(t *testing.T) {
	pd := newPDFixture(t)
	ctx := context.Background()
	med := NewMedicineService(pd.db)
	m, _ := med.AddMedicine(ctx, pd.clerk, ledger.NewMedicine{Name: "藿香正气水", Category: ledger.MedInternal, Unit: "支"})
	if _, err := med.Restock(ctx, pd.clerk, ledger.RestockRequest{MedicineID: m.ID, BatchNo: "H1", Expiry: "2027-01", Quantity: 10}); err != nil {
		t.Fatal(err)
	}
	d, err := med.Dispense(ctx, pd.clerk, ledger.DispenseRequest{MedicineID: m.ID, Quantity: 1, Recipient: "顾客（男）", Reason: "顾客求助",
		Mobile: "13912345678", HealthNote: "中暑头晕恶心", PrintSlip: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.PersonID == "" || d.MobileMasked != "139****5678" || !d.HealthNoted {
		t.Fatalf("dispense %+v", d)
	}
	rep, err := NewDayCloseService(pd.db).Report(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	row := section(t, rep, "应急药品台账").Rows[2]
	if row[8] != "139****5678" || row[9] != ledger.HiddenText {
		t.Fatalf("report row %v", row)
	}
	f := &fixture{db: pd.db, journal: pd.journal, path: pd.path}
	for _, needle := range []string{"中暑头晕恶心", "13912345678"} {
		everywhere(t, f, needle)
		for _, s := range rep.Sections {
			for _, r := range s.Rows {
				if strings.Contains(strings.Join(r, "|"), needle) {
					t.Fatalf("report shows %q", needle)
				}
			}
		}
	}
	// The health note is held, sensitive: revealed only with approval.
	rec, err := pd.pd.Record(ctx, d.PersonID)
	if err != nil || rec.Purpose != ledger.PurposeMedicine || rec.Masked(ledger.DataHealth) != ledger.HiddenText {
		t.Fatalf("record %+v %v", rec, err)
	}
}
