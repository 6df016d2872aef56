package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// lendFixture is a fixture with umbrellas U-001..U-003 and strollers S-01, S-02.
type lendFixture struct {
	*fixture
	lend  *LendingService
	queue *PrintQueue
}

func newLendFixture(t *testing.T) *lendFixture {
	t.Helper()
	return withLending(t, newFixture(t))
}

// withLending adds the lending services and the test stock to f.
func withLending(t testing.TB, base *fixture) *lendFixture {
	t.Helper()
	f := &lendFixture{fixture: base}
	f.lend, f.queue = NewLendingService(f.db), NewPrintQueue(f.db)
	ctx := context.Background()
	if err := f.lend.AddItems(ctx, f.clerk, ledger.KindUmbrella, []string{"U-001", "u-002 ", "U-003"}); err != nil {
		t.Fatal(err)
	}
	if err := f.lend.AddItems(ctx, f.clerk, ledger.KindStroller, []string{"S-01", "S-02"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// forfeit is wang's approval (StaffService.Approve) of the clerk
// registering loan l as lost.
func (f *lendFixture) forfeit(t testing.TB, l ledger.Loan) *ledger.Approval {
	t.Helper()
	return f.grant(t, ledger.ForfeitApproval(f.clerk.ID, l), "wang", "顾客称雨伞遗失")
}

func (f *lendFixture) mustLend(t testing.TB, kind ledger.ItemKind, number, phone string) ledger.Loan {
	t.Helper()
	l, err := f.lend.Lend(context.Background(), f.clerk, ledger.LendRequest{Kind: kind, ItemNumber: number, Phone: phone})
	if err != nil {
		t.Fatalf("lend %s: %v", number, err)
	}
	return l
}

// lastEntry returns the newest journal entry.
func (f *lendFixture) lastEntry(t testing.TB) ledger.Entry {
	t.Helper()
	es, err := f.journal.Entries(context.Background(), 0, 100000)
	if err != nil || len(es) == 0 {
		t.Fatalf("entries: %v", err)
	}
	return es[len(es)-1]
}

// counts returns the number of loans, journal entries and print jobs.
func (f *lendFixture) counts(t testing.TB) [3]int {
	t.Helper()
	var c [3]int
	for i, q := range []string{"SELECT count(*) FROM loans", "SELECT count(*) FROM journal", "SELECT count(*) FROM print_jobs"} {
		if err := f.db.db.QueryRow(q).Scan(&c[i]); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (f *lendFixture) item(t testing.TB, kind ledger.ItemKind, number string) ledger.Item {
	t.Helper()
	items, err := f.lend.Items(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Number == number {
			return it
		}
	}
	t.Fatalf("no item %s", number)
	return ledger.Item{}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if ledger.ErrorCode(err) != code {
		t.Fatalf("err = %v (%s), want %s", err, ledger.ErrorMessage(err), code)
	}
}

func TestLendUmbrellaQueuesReceiptAndJournal(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, " u-002", "+86 138-1234-5678")
	if l.Deposit != ledger.Yuan(50) || l.Status != ledger.LoanOpen || l.ItemNumber != "U-002" || l.PhoneMasked != "138****5678" {
		t.Fatalf("loan = %+v", l)
	}
	if l.ReceiptNo != "A-20261125-0001" || !l.LentAt.Equal(f.clock.Now()) || l.LentBy != f.clerk.ID {
		t.Fatalf("receipt/time = %s %v", l.ReceiptNo, l.LentAt)
	}
	key, _ := f.settings.TokenKey(ctx)
	if kind, id, err := (receipts.Signer{Key: key}).Verify(l.Token); err != nil || kind != receipts.KindUmbrella || id != l.ID {
		t.Fatalf("token %q: %s %d %v", l.Token, kind, id, err)
	}
	got, err := f.lend.Loan(ctx, l.ID)
	if err != nil || got != l {
		t.Fatalf("stored loan = %+v, %v\nwant %+v", got, err, l)
	}
	if it := f.item(t, ledger.KindUmbrella, "U-002"); it.Status != ledger.ItemOut {
		t.Fatalf("item status %s", it.Status)
	}
	// Only the mask is kept: no column holds the full number, no journal
	// entry either. (Fails on the old code, which kept loans.phone.)
	rows, err := f.db.db.Query("SELECT * FROM loans WHERE id = ?", l.ID)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		rows.Scan(ptrs...)
	}
	rows.Close()
	for i, v := range vals {
		if strings.Contains(fmt.Sprint(v), "5678") && cols[i] != "phone_masked" {
			t.Fatalf("column %s holds the full phone: %v", cols[i], v)
		}
		if cols[i] == "phone" {
			t.Fatalf("loans still has a phone column")
		}
	}
	es, _ := f.journal.Entries(ctx, 0, 1000)
	for _, e := range es {
		if strings.Contains(string(e.Data), "12345678") || strings.Contains(string(e.Data), "1381234") {
			t.Fatalf("phone in journal entry %d %s", e.Seq, e.Data)
		}
	}
	e := f.lastEntry(t)
	var d struct {
		LoanID      int64  `json:"loan_id"`
		ReceiptNo   string `json:"receipt_no"`
		ItemNumber  string `json:"item_number"`
		Deposit     int64  `json:"deposit"`
		PhoneMasked string `json:"phone_masked"`
		JobID       int64  `json:"job_id"`
	}
	if err := json.Unmarshal(e.Data, &d); err != nil || e.Kind != "umbrella.lend" || e.StaffID != f.clerk.ID {
		t.Fatalf("entry %s %s %v", e.Kind, e.Data, err)
	}
	if d.LoanID != l.ID || d.ReceiptNo != l.ReceiptNo || d.ItemNumber != "U-002" || d.Deposit != 5000 || d.PhoneMasked != "138****5678" {
		t.Fatalf("entry data %s", e.Data)
	}
	// The receipt is queued, carrying the token in its QR.
	jobs, err := f.queue.Pending(ctx)
	if err != nil || len(jobs) != 1 || jobs[0].ID != d.JobID || jobs[0].ReceiptNo != l.ReceiptNo || jobs[0].Copy {
		t.Fatalf("pending = %+v, %v", jobs, err)
	}
	var doc receipts.Document
	if err := json.Unmarshal(jobs[0].Document, &doc); err != nil || doc.QR != l.Token {
		t.Fatalf("document QR %q, %v", doc.QR, err)
	}
	if strings.Contains(string(jobs[0].Document), "12345678") {
		t.Fatal("full phone on the receipt")
	}
	if held, _ := f.lend.DepositsHeld(ctx); held != ledger.Yuan(50) {
		t.Fatalf("held %v", held)
	}
	if st, _ := f.lend.Stock(ctx, ledger.KindUmbrella); st != (ledger.Stock{OnHand: 2, Out: 1}) {
		t.Fatalf("stock %+v", st)
	}
}

func TestLendRefusals(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	before := f.counts(t)
	cases := []struct {
		req  ledger.LendRequest
		code string
	}{
		{ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"}, ledger.ECONFLICT}, // already out
		{ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-999"}, ledger.ENOTFOUND},
		{ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "S-01"}, ledger.EINVALID}, // a stroller
		{ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U 001"}, ledger.EINVALID},
		{ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002", Phone: "12345"}, ledger.EINVALID},
		{ledger.LendRequest{Kind: "bicycle", ItemNumber: "U-002"}, ledger.EINVALID},
	}
	for _, c := range cases {
		_, err := f.lend.Lend(ctx, f.clerk, c.req)
		wantCode(t, err, c.code)
		if ledger.ErrorMessage(err) == "" || strings.Contains(ledger.ErrorMessage(err), "系统内部错误") {
			t.Fatalf("%+v: message %q", c.req, ledger.ErrorMessage(err))
		}
	}
	if after := f.counts(t); after != before {
		t.Fatalf("refusals changed state: %v -> %v", before, after)
	}
	// The account as stored decides, not the caller's copy: disabled by
	// the admin, li's open session cannot lend any more.
	if err := f.staff.SetDisabled(ctx, f.admin, f.clerk.ID, true); err != nil {
		t.Fatal(err)
	}
	before = f.counts(t)
	_, err := f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	wantCode(t, err, ledger.EFORBIDDEN)
	if after := f.counts(t); after != before {
		t.Fatalf("disabled lend changed state: %v -> %v", before, after)
	}
	if err := f.staff.SetDisabled(ctx, f.admin, f.clerk.ID, false); err != nil {
		t.Fatal(err)
	}
	// A damaged item cannot be lent.
	it := f.item(t, ledger.KindUmbrella, "U-002")
	if err := f.lend.SetItemStatus(ctx, f.clerk, it.ID, ledger.ItemDamaged, "伞骨弯", nil); err != nil {
		t.Fatal(err)
	}
	_, err = f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	wantCode(t, err, ledger.ECONFLICT)
}

// A lend that fails after the loan row, receipt number and print job were
// written leaves none of them: one transaction.
func TestLendFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	before := f.counts(t)
	// Make the last step (the journal append) fail.
	failTrigger(t, f.db, "fail_lend", "journal", "NEW.kind = 'umbrella.lend'")
	if _, err := f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"}); err == nil {
		t.Fatal("lend succeeded")
	}
	if after := f.counts(t); after != before {
		t.Fatalf("failed lend left state: %v -> %v", before, after)
	}
	if it := f.item(t, ledger.KindUmbrella, "U-002"); it.Status != ledger.ItemIn {
		t.Fatalf("item %s", it.Status)
	}
	dropTrigger(t, f.db, "fail_lend", "journal")
	// No receipt number was used up by the failure.
	if l := f.mustLend(t, ledger.KindUmbrella, "U-002", ""); l.ReceiptNo != "A-20261125-0002" {
		t.Fatalf("receipt %s, want A-20261125-0002", l.ReceiptNo)
	}
}

func TestReturnFine(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.clock.Add(2 * time.Hour)
	r, err := f.lend.Return(ctx, f.sup, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != ledger.LoanReturned || r.Refund != ledger.Yuan(50) || r.Charge != 0 || r.Collected != 0 || r.Forfeit != 0 ||
		r.ReturnNo != "A-20261125-0002" || r.ClosedBy != f.sup.ID || !r.ClosedAt.Equal(f.clock.Now()) {
		t.Fatalf("returned = %+v", r)
	}
	if got, _ := f.lend.Loan(ctx, l.ID); got != r {
		t.Fatalf("stored %+v\nwant %+v", got, r)
	}
	if it := f.item(t, ledger.KindUmbrella, "U-001"); it.Status != ledger.ItemIn {
		t.Fatalf("item %s", it.Status)
	}
	if held, _ := f.lend.DepositsHeld(ctx); held != 0 {
		t.Fatalf("held %v", held)
	}
	if byNo, err := f.lend.LoanByReceipt(ctx, " 20261125-0002 "); err != nil || byNo.ID != l.ID {
		t.Fatalf("by return no: %+v %v", byNo, err)
	}
	e := f.lastEntry(t)
	if e.Kind != "umbrella.return" || !strings.Contains(string(e.Data), `"refund":5000`) || !strings.Contains(string(e.Data), `"outcome":"fine"`) {
		t.Fatalf("entry %s %s", e.Kind, e.Data)
	}
	jobs, _ := f.queue.Pending(ctx)
	if len(jobs) != 2 || jobs[1].ReceiptNo != r.ReturnNo {
		t.Fatalf("jobs %+v", jobs)
	}
	// The item can be lent again.
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
}

func TestDoubleReturnRefused(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	f.clock.Add(90 * time.Minute) // 10:30 in Shanghai
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	granted := f.forfeit(t, l)
	before := f.counts(t)
	for _, o := range []ledger.ReturnOutcome{ledger.ReturnFine, ledger.ReturnDamaged, ledger.ReturnLost} {
		_, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: o, Damage: "伞面破损", Approval: granted})
		wantCode(t, err, ledger.ECONFLICT)
		if msg := ledger.ErrorMessage(err); msg != "该借用已于 2026-11-25 10:30 归还，不能重复归还" {
			t.Fatalf("message %q", msg)
		}
	}
	if after := f.counts(t); after != before {
		t.Fatalf("double return changed state: %v -> %v", before, after)
	}
	// Even a direct UPDATE of a closed loan is refused by the schema.
	if _, err := f.db.db.Exec("UPDATE loans SET refund = 0, forfeit = 5000, status = 'lost' WHERE id = ?", l.ID); err == nil {
		t.Fatal("closed loan was updated")
	}
	_, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: 999, Outcome: ledger.ReturnFine})
	wantCode(t, err, ledger.ENOTFOUND)
}

func TestReturnDamaged(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	// Charge below the deposit: the rest is refunded.
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	r, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnDamaged, Damage: " 伞骨折断 "})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != ledger.LoanDamaged || r.Charge != ledger.Yuan(20) || r.Refund != ledger.Yuan(30) || r.Collected != 0 || r.Damage != "伞骨折断" {
		t.Fatalf("damaged = %+v", r)
	}
	if it := f.item(t, ledger.KindUmbrella, "U-001"); it.Status != ledger.ItemDamaged {
		t.Fatalf("item %s", it.Status)
	}
	e := f.lastEntry(t)
	for _, want := range []string{`"charge":2000`, `"refund":3000`, `"collected":0`, `"damage":"伞骨折断"`, `"outcome":"damaged"`} {
		if !strings.Contains(string(e.Data), want) {
			t.Fatalf("entry %s lacks %s", e.Data, want)
		}
	}

	// Charge above the deposit: nothing refunded, the shortfall collected.
	set, _ := f.settings.Settings(ctx)
	set.DamagePrices = append(set.DamagePrices, ledger.PriceItem{Name: "整伞报废（进口伞）", Price: ledger.Yuan(80) + 50})
	if err := f.settings.UpdateSettings(ctx, f.admin, set); err != nil {
		t.Fatal(err)
	}
	l2 := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	r2, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l2.ID, Outcome: ledger.ReturnDamaged, Damage: "整伞报废（进口伞）"})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Charge != 8050 || r2.Refund != 0 || r2.Collected != 3050 || r2.Forfeit != 0 {
		t.Fatalf("over-deposit damage = %+v", r2)
	}

	// Charge equal to the deposit.
	l3 := f.mustLend(t, ledger.KindUmbrella, "U-003", "")
	r3, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l3.ID, Outcome: ledger.ReturnDamaged, Damage: "严重损坏无法修复"})
	if err != nil || r3.Refund != 0 || r3.Collected != 0 || r3.Charge != ledger.Yuan(50) {
		t.Fatalf("equal damage = %+v %v", r3, err)
	}
}

func TestReturnDamagedUnknownPriceRefused(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	before := f.counts(t)
	for _, d := range []string{"", "被狗咬了"} {
		_, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnDamaged, Damage: d})
		wantCode(t, err, ledger.EINVALID)
	}
	_, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: "burnt"})
	wantCode(t, err, ledger.EINVALID)
	if after := f.counts(t); after != before {
		t.Fatalf("refused return changed state: %v -> %v", before, after)
	}
	if got, _ := f.lend.Loan(ctx, l.ID); got.Status != ledger.LoanOpen {
		t.Fatalf("loan %s", got.Status)
	}
}

func TestReturnLostNeedsAnotherSupervisor(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	// Refused by Approve: the clerk approving, self approval, no reason.
	for _, c := range []struct {
		name, user, reason string
		actor              ledger.Staff
		code               string
	}{
		{"clerk approves", "li", "同意没收", f.sup, ledger.EFORBIDDEN},
		{"self approval", "wang", "同意没收", f.sup, ledger.EFORBIDDEN},
		{"no reason", "wang", " ", f.clerk, ledger.EINVALID},
	} {
		if _, err := f.staff.Approve(ctx, ledger.ForfeitApproval(c.actor.ID, l), c.user, testPassword, c.reason); ledger.ErrorCode(err) != c.code {
			t.Fatalf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	before := f.counts(t)
	forged := &ledger.Approval{ApproverID: 4242, ApproverName: "冒名主管", Reason: "伪造"}
	cases := []struct {
		name  string
		actor ledger.Staff
		a     *ledger.Approval
		code  string
	}{
		{"no approval", f.clerk, nil, ledger.EFORBIDDEN},
		{"value naming wang, no password", f.clerk, &ledger.Approval{ApproverID: f.sup.ID, ApproverName: "王主管", Reason: "同意没收"}, ledger.EFORBIDDEN},
		{"unknown approver", f.clerk, forged, ledger.EFORBIDDEN},
	}
	for _, c := range cases {
		_, err := f.lend.Return(ctx, c.actor, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnLost, Approval: c.a})
		if ledger.ErrorCode(err) != c.code {
			t.Fatalf("%s: %v, want %s", c.name, err, c.code)
		}
		if c.name == "no approval" && ledger.ErrorMessage(err) != "须主管审批" {
			t.Fatalf("message %q", ledger.ErrorMessage(err))
		}
	}
	if after := f.counts(t); after != before {
		t.Fatalf("refused forfeits changed state: %v -> %v", before, after)
	}
	r, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnLost, Approval: f.forfeit(t, l)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != ledger.LoanLost || r.Forfeit != ledger.Yuan(50) || r.Refund != 0 || r.ApproverID != f.sup.ID {
		t.Fatalf("lost = %+v", r)
	}
	if it := f.item(t, ledger.KindUmbrella, "U-001"); it.Status != ledger.ItemLost {
		t.Fatalf("item %s", it.Status)
	}
	e := f.lastEntry(t)
	var d struct {
		Forfeit  int64 `json:"forfeit"`
		Approval struct {
			ApproverID   int64  `json:"approver_id"`
			ApproverName string `json:"approver_name"`
			Reason       string `json:"reason"`
		} `json:"approval"`
	}
	if err := json.Unmarshal(e.Data, &d); err != nil || e.StaffID != f.clerk.ID || d.Forfeit != 5000 ||
		d.Approval.ApproverID != f.sup.ID || d.Approval.ApproverName != "王主管" || d.Approval.Reason != "顾客称雨伞遗失" {
		t.Fatalf("entry %s %v", e.Data, err)
	}
	// An admin may approve too; a disabled supervisor may not.
	l2 := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	granted := f.forfeit(t, l2)
	if err := f.staff.SetDisabled(ctx, f.admin, f.sup.ID, true); err != nil {
		t.Fatal(err)
	}
	_, err = f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l2.ID, Outcome: ledger.ReturnLost, Approval: granted})
	wantCode(t, err, ledger.EFORBIDDEN)
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l2.ID, Outcome: ledger.ReturnLost,
		Approval: f.grant(t, ledger.ForfeitApproval(f.clerk.ID, l2), "admin", "长期未还")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l2.ID, Outcome: ledger.ReturnFine}); ledger.ErrorCode(err) != ledger.ECONFLICT ||
		!strings.Contains(ledger.ErrorMessage(err), "登记遗失") {
		t.Fatalf("return after lost: %v", err)
	}
}

func TestStrollersAreFree(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	a := f.mustLend(t, ledger.KindStroller, "S-01", "13900001111")
	b := f.mustLend(t, ledger.KindStroller, "s-02", "")
	if a.Deposit != 0 || b.Deposit != 0 || a.PhoneMasked != "139****1111" {
		t.Fatalf("stroller loans %+v %+v", a, b)
	}
	key, _ := f.settings.TokenKey(ctx)
	if kind, _, err := (receipts.Signer{Key: key}).Verify(a.Token); err != nil || kind != receipts.KindStroller {
		t.Fatalf("stroller token %s %v", kind, err)
	}
	if e := f.lastEntry(t); e.Kind != "stroller.lend" {
		t.Fatalf("kind %s", e.Kind)
	}
	out, err := f.lend.StillOut(ctx)
	if err != nil || len(out) != 2 || out[0].ID != a.ID {
		t.Fatalf("still out %+v %v", out, err)
	}
	u := f.mustLend(t, ledger.KindUmbrella, "U-003", "")
	if out, _ := f.lend.StillOut(ctx); len(out) != 3 || out[2].ID != u.ID {
		t.Fatalf("still out %+v", out)
	}
	ra, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: a.ID, Outcome: ledger.ReturnFine})
	if err != nil || ra.Status != ledger.LoanReturned || ra.Refund != 0 {
		t.Fatalf("stroller fine %+v %v", ra, err)
	}
	rb, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: b.ID, Outcome: ledger.ReturnDamaged, Damage: "刹车失灵"})
	if err != nil || rb.Status != ledger.LoanDamaged || rb.Charge != 0 || rb.Refund != 0 || rb.Damage != "刹车失灵" {
		t.Fatalf("stroller damaged %+v %v", rb, err)
	}
	if e := f.lastEntry(t); e.Kind != "stroller.return" {
		t.Fatalf("kind %s", e.Kind)
	}
	if st, _ := f.lend.Stock(ctx, ledger.KindStroller); st != (ledger.Stock{OnHand: 1, Damaged: 1}) {
		t.Fatalf("stock %+v", st)
	}
	// Repaired, lent, lost: recorded with approval but no money.
	if err := f.lend.SetItemStatus(ctx, f.clerk, rb.ItemID, ledger.ItemIn, "已修好", nil); err != nil {
		t.Fatal(err)
	}
	c := f.mustLend(t, ledger.KindStroller, "S-02", "")
	_, err = f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: c.ID, Outcome: ledger.ReturnLost})
	wantCode(t, err, ledger.EFORBIDDEN)
	rc, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: c.ID, Outcome: ledger.ReturnLost, Approval: f.forfeit(t, c)})
	if err != nil || rc.Forfeit != 0 || rc.Status != ledger.LoanLost {
		t.Fatalf("stroller lost %+v %v", rc, err)
	}
}

func TestReceiptNumbersGapless(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	var got []string
	a := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	got = append(got, a.ReceiptNo)
	// Refused actions in between use no number.
	f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"})
	f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: a.ID, Outcome: ledger.ReturnLost})
	b := f.mustLend(t, ledger.KindStroller, "S-01", "")
	got = append(got, b.ReceiptNo)
	r, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: a.ID, Outcome: ledger.ReturnFine})
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, r.ReturnNo)
	c := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	got = append(got, c.ReceiptNo)
	want := []string{"A-20261125-0001", "A-20261125-0002", "A-20261125-0003", "A-20261125-0004"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("receipt numbers %v, want %v", got, want)
	}
}

func TestLoanByToken(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	s := f.mustLend(t, ledger.KindStroller, "S-01", "")
	got, err := f.lend.LoanByToken(ctx, " "+strings.ToLower(l.Token)+"\r\n")
	if err != nil || got.ID != l.ID {
		t.Fatalf("by token %+v %v", got, err)
	}
	before := f.counts(t)
	key, _ := f.settings.TokenKey(ctx)
	other := receipts.Signer{Key: []byte(strings.Repeat("k", receipts.KeySize))}
	parts := strings.Split(l.Token, ".")
	bad := []string{
		"",
		"SD1.U." + parts[2], // no MAC
		strings.Replace(l.Token, "."+parts[2]+".", ".2.", 1),     // id changed
		strings.Replace(l.Token, ".U.", ".S.", 1),                // kind changed
		l.Token[:len(l.Token)-1] + flip(l.Token[len(l.Token)-1]), // MAC altered
		other.Sign(receipts.KindUmbrella, l.ID),                  // another install's key
		"SD1.U.1.AAAAAAAAAAAAAAAA",
	}
	for _, tok := range bad {
		_, err := f.lend.LoanByToken(ctx, tok)
		wantCode(t, err, ledger.EINVALID)
		if ledger.ErrorMessage(err) != "无效凭证" {
			t.Fatalf("%q: message %q", tok, ledger.ErrorMessage(err))
		}
	}
	// Validly signed but of the wrong kind or another record type.
	sig := receipts.Signer{Key: key}
	_, err = f.lend.LoanByToken(ctx, sig.Sign(receipts.KindStroller, l.ID))
	wantCode(t, err, ledger.EINVALID)
	_, err = f.lend.LoanByToken(ctx, sig.Sign(receipts.KindInvoice, s.ID))
	wantCode(t, err, ledger.EINVALID)
	_, err = f.lend.LoanByToken(ctx, sig.Sign(receipts.KindUmbrella, 777))
	wantCode(t, err, ledger.ENOTFOUND)
	if after := f.counts(t); after != before {
		t.Fatalf("token lookups changed state: %v -> %v", before, after)
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
}

// flip returns another base32 character than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestOverdue(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	set, _ := f.settings.Settings(ctx)
	lent := f.clock.Now()
	if l.Overdue(lent.Add(72*time.Hour), set.OverdueDays) {
		t.Fatal("overdue at exactly 3 days")
	}
	if !l.Overdue(lent.Add(72*time.Hour+time.Second), set.OverdueDays) {
		t.Fatal("not overdue after 3 days")
	}
	f.clock.Add(80 * time.Hour)
	open, total, err := f.lend.OpenLoans(ctx, ledger.KindUmbrella, 0, 10)
	if err != nil || total != 1 || !open[0].Overdue(f.db.Now(), set.OverdueDays) {
		t.Fatalf("open %+v %d %v", open, total, err)
	}
	r, _ := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
	if r.Overdue(f.db.Now(), set.OverdueDays) {
		t.Fatal("a returned loan is never overdue")
	}
}

func TestOpenAndRecentLoansPaged(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	var ids []int64
	for _, n := range []string{"U-003", "U-001", "U-002"} {
		ids = append(ids, f.mustLend(t, ledger.KindUmbrella, n, "").ID)
		f.clock.Add(time.Minute)
	}
	s := f.mustLend(t, ledger.KindStroller, "S-01", "")
	f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: ids[1], Outcome: ledger.ReturnFine})
	open, total, err := f.lend.OpenLoans(ctx, ledger.KindUmbrella, 0, 1)
	if err != nil || total != 2 || len(open) != 1 || open[0].ID != ids[0] {
		t.Fatalf("open page 1: %+v %d %v", open, total, err)
	}
	open, _, _ = f.lend.OpenLoans(ctx, ledger.KindUmbrella, 1, 1)
	if len(open) != 1 || open[0].ID != ids[2] {
		t.Fatalf("open page 2: %+v", open)
	}
	all, total, _ := f.lend.OpenLoans(ctx, "", -5, 0)
	if total != 3 || len(all) != 3 || all[2].ID != s.ID {
		t.Fatalf("all open %+v %d", all, total)
	}
	recent, total, _ := f.lend.RecentLoans(ctx, ledger.KindUmbrella, 0, 2)
	if total != 3 || len(recent) != 2 || recent[0].ID != ids[2] || recent[1].ID != ids[1] || recent[1].Status != ledger.LoanReturned {
		t.Fatalf("recent %+v %d", recent, total)
	}
	if held, _ := f.lend.DepositsHeld(ctx); held != ledger.Yuan(100) {
		t.Fatalf("held %v", held)
	}
	_, _, err = f.lend.OpenLoans(ctx, "boat", 0, 10)
	wantCode(t, err, ledger.EINVALID)
	_, err = f.lend.LoanByReceipt(ctx, "20991231-0001")
	wantCode(t, err, ledger.ENOTFOUND)
}

func TestAddItemsValidation(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	before := f.counts(t)
	for _, nums := range [][]string{nil, {""}, {"U-004", "u-004"}, {"-U1"}, {"U_001"}, {"雨伞1"}, {"U-00000000000000001"}} {
		wantCode(t, f.lend.AddItems(ctx, f.clerk, ledger.KindUmbrella, nums), ledger.EINVALID)
	}
	// All or none: U-004 is not added when U-001 is a duplicate.
	wantCode(t, f.lend.AddItems(ctx, f.clerk, ledger.KindUmbrella, []string{"U-004", "U-001"}), ledger.ECONFLICT)
	if after := f.counts(t); after != before {
		t.Fatalf("refused adds changed state: %v -> %v", before, after)
	}
	// The same number may exist once per kind.
	if err := f.lend.AddItems(ctx, f.clerk, ledger.KindStroller, []string{"U-001"}); err != nil {
		t.Fatal(err)
	}
	e := f.lastEntry(t)
	if e.Kind != "item.add" || !strings.Contains(string(e.Data), `"kind":"stroller"`) || !strings.Contains(string(e.Data), `"number":"U-001"`) {
		t.Fatalf("entry %s %s", e.Kind, e.Data)
	}
	items, _ := f.lend.Items(ctx, ledger.KindUmbrella)
	if len(items) != 3 || items[1].Number != "U-002" || items[1].Status != ledger.ItemIn {
		t.Fatalf("items %+v", items)
	}
}

func TestSetItemStatus(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	u1 := f.item(t, ledger.KindUmbrella, "U-001")
	u2 := f.item(t, ledger.KindUmbrella, "U-002")
	if err := f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemDamaged, "送修", nil); err != nil {
		t.Fatal(err)
	}
	if it := f.item(t, ledger.KindUmbrella, "U-001"); it.Status != ledger.ItemDamaged || it.Note != "送修" {
		t.Fatalf("item %+v", it)
	}
	wantCode(t, f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemDamaged, "", nil), ledger.ECONFLICT)
	wantCode(t, f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemOut, "", nil), ledger.EINVALID)
	wantCode(t, f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemLost, "", nil), ledger.EINVALID)
	wantCode(t, f.lend.SetItemStatus(ctx, f.clerk, 999, ledger.ItemIn, "", nil), ledger.ENOTFOUND)
	// Write-off needs another supervisor.
	wantCode(t, f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemRetired, "无法修复", nil), ledger.EFORBIDDEN)
	if _, err := f.staff.Approve(ctx, ledger.WriteOffApproval(f.sup.ID, u1), "wang", testPassword, "无法修复"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("self-approved write-off: %v", err)
	}
	writeOff := f.grant(t, ledger.WriteOffApproval(f.clerk.ID, u1), "wang", "无法修复")
	wantCode(t, f.lend.SetItemStatus(ctx, f.sup, u1.ID, ledger.ItemRetired, "无法修复", writeOff), ledger.EFORBIDDEN)
	if err := f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemRetired, "无法修复", writeOff); err != nil {
		t.Fatal(err)
	}
	e := f.lastEntry(t)
	for _, want := range []string{`"from":"damaged"`, `"to":"retired"`, `"approver_id":` + itoa(f.sup.ID), `"approver_name":"王主管"`} {
		if !strings.Contains(string(e.Data), want) {
			t.Fatalf("entry %s lacks %s", e.Data, want)
		}
	}
	wantCode(t, f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemIn, "", nil), ledger.ECONFLICT)
	// An item that is out cannot be changed.
	f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	wantCode(t, f.lend.SetItemStatus(ctx, f.clerk, u2.ID, ledger.ItemDamaged, "", nil), ledger.ECONFLICT)
	if st, _ := f.lend.Stock(ctx, ledger.KindUmbrella); st != (ledger.Stock{OnHand: 1, Out: 1, Retired: 1}) {
		t.Fatalf("stock %+v", st)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// BenchmarkLend measures one umbrella loan: item check, receipt number,
// signed token, queued receipt and journal entry in one transaction.
func BenchmarkLend(b *testing.B) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
	db, err := Open(ctx, testAddr(b, "bench.db"), Options{Now: c.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	admin, err := NewStaffService(db).Setup(ctx, ledger.SetupRequest{MallName: "测试广场", CounterName: "北门服务台",
		Admin: ledger.NewStaff{Username: "admin", Name: "管理员甲", Password: testPassword}})
	if err != nil {
		b.Fatal(err)
	}
	svc := NewLendingService(db)
	numbers := make([]string, b.N)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("U-%06d", i)
	}
	for i := 0; i < len(numbers); i += maxItemsPerAdd {
		if err := svc.AddItems(ctx, admin, ledger.KindUmbrella, numbers[i:min(i+maxItemsPerAdd, len(numbers))]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := svc.Lend(ctx, admin, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: numbers[i], Phone: "13812345678"}); err != nil {
			b.Fatal(err)
		}
	}
}

// jobText returns the text of the newest print job.
func (f *lendFixture) jobText(t *testing.T) string {
	t.Helper()
	jobs, err := f.queue.Pending(context.Background())
	if err != nil || len(jobs) == 0 {
		t.Fatalf("pending %v", err)
	}
	var doc receipts.Document
	if err := json.Unmarshal(jobs[len(jobs)-1].Document, &doc); err != nil {
		t.Fatal(err)
	}
	return strings.Join(doc.Text(), "\n")
}

func TestReceiptContents(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	has := func(text string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Fatalf("receipt lacks %q:\n%s", w, text)
			}
		}
		if strings.Contains(text, "13812345678") {
			t.Fatalf("whole phone on receipt:\n%s", text)
		}
	}
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "13812345678")
	has(f.jobText(t), "测试广场", "北门服务台", "爱心雨伞押金卡", "单号：A-20261125-0001", "借出时间：2026-11-25 09:00",
		"雨伞编号：U-001", "经办：李柜员", "押金 ￥50.00", "138****5678", l.Token)
	f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnDamaged, Damage: "伞面破损"})
	has(f.jobText(t), "爱心雨伞归还凭证", "单号：A-20261125-0002", "损坏赔偿（伞面破损） -￥15.00", "退还押金 ￥35.00")

	set, _ := f.settings.Settings(ctx)
	set.DamagePrices = append(set.DamagePrices, ledger.PriceItem{Name: "整伞报废", Price: ledger.Yuan(80)})
	f.settings.UpdateSettings(ctx, f.admin, set)
	l = f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnDamaged, Damage: "整伞报废"})
	has(f.jobText(t), "损坏赔偿（整伞报废） -￥80.00", "退还押金 ￥0.00", "另收赔偿 ￥30.00", l.Token)

	l = f.mustLend(t, ledger.KindUmbrella, "U-003", "")
	f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnLost, Approval: f.forfeit(t, l)})
	text := f.jobText(t)
	has(text, "爱心雨伞遗失登记", "登记时间：", "押金没收（遗失） -￥50.00", "退还押金 ￥0.00", "押金不予退还")
	if strings.Contains(text, "已归还") {
		t.Fatalf("lost slip says returned:\n%s", text)
	}

	s := f.mustLend(t, ledger.KindStroller, "S-01", "")
	has(f.jobText(t), "爱心童车借用凭证", "童车编号：S-01", "免押金", "仅限在广场内使用")
	f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: s.ID, Outcome: ledger.ReturnDamaged, Damage: "轮子松动"})
	has(f.jobText(t), "爱心童车归还凭证", "状态 已还（损坏）", "损坏情况：轮子松动")
	s = f.mustLend(t, ledger.KindStroller, "S-02", "")
	f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: s.ID, Outcome: ledger.ReturnFine})
	has(f.jobText(t), "爱心童车归还凭证", "状态 已还")
}

// Two clerks scanning the same deposit card at once: one return wins, the
// other is told it was already returned. Same for lending one umbrella.
func TestConcurrentReturnAndLend(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	const n = 6
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
			errs <- err
		}()
		go func() {
			_, err := f.lend.Lend(ctx, f.sup, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
			errs <- err
		}()
	}
	var ok, conflict int
	for i := 0; i < 2*n; i++ {
		switch err := <-errs; ledger.ErrorCode(err) {
		case "":
			ok++
		case ledger.ECONFLICT:
			conflict++
		default:
			t.Fatalf("unexpected %v", err)
		}
	}
	if ok != 2 || conflict != 2*n-2 {
		t.Fatalf("ok %d conflict %d", ok, conflict)
	}
	if held, _ := f.lend.DepositsHeld(ctx); held != ledger.Yuan(50) {
		t.Fatalf("held %v", held)
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
}
