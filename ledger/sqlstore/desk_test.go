package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// deskHandle is a second PC: its own DB handle (connection pool) on the
// same database, running as another desk.
type deskHandle struct {
	db       *DB
	lend     *LendingService
	queue    *PrintQueue
	days     *DayCloseService
	settings *SettingsService
}

// openDesk registers desk code (unless registered) and opens a handle
// running as it on f's database.
func openDesk(t *testing.T, f *lendFixture, code, name string) *deskHandle {
	t.Helper()
	ctx := context.Background()
	if _, err := NewDeskService(f.db).AddDesk(ctx, f.admin, ledger.Desk{Code: code, Name: name}); err != nil && ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatal(err)
	}
	db, err := Open(ctx, f.db.addr, Options{Now: f.clock.Now, Desk: code})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &deskHandle{db: db, lend: NewLendingService(db), queue: NewPrintQueue(db), days: NewDayCloseService(db), settings: NewSettingsService(db)}
}

func (h *deskHandle) mustLend(t *testing.T, actor ledger.Staff, number string) ledger.Loan {
	t.Helper()
	l, err := h.lend.Lend(context.Background(), actor, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: number})
	if err != nil {
		t.Fatalf("lend %s: %v", number, err)
	}
	return l
}

// Receipt numbers carry the desk code and run per desk; a number typed
// without it never opens another desk's loan; a QR card from one desk
// opens its loan at every desk.
func TestDeskReceiptNumbers(t *testing.T) {
	ctx := context.Background()
	a := newLendFixture(t)
	b1 := openDesk(t, a, "b1", "B1 停车场服务台")
	if err := b1.lend.AddItems(ctx, a.clerk, ledger.KindUmbrella, []string{"U-101"}); err != nil {
		t.Fatal(err)
	}
	la := a.mustLend(t, ledger.KindUmbrella, "U-001", "")
	lb := b1.mustLend(t, a.sup, "U-101")
	if la.ReceiptNo != "A-20261125-0001" || lb.ReceiptNo != "B1-20261125-0001" || la.Desk != "A" || lb.Desk != "B1" {
		t.Fatalf("receipt numbers %s (%s), %s (%s)", la.ReceiptNo, la.Desk, lb.ReceiptNo, lb.Desk)
	}
	for _, c := range []struct {
		at   *LendingService
		no   string
		want int64
	}{
		{a.lend, "20261125-0001", la.ID}, {b1.lend, "20261125-0001", lb.ID}, {b1.lend, " b1-20261125-0001", lb.ID},
		{b1.lend, "A-20261125-0001", la.ID}, {a.lend, "B1-20261125-0001", lb.ID},
	} {
		got, err := c.at.LoanByReceipt(ctx, c.no)
		if err != nil || got.ID != c.want {
			t.Errorf("LoanByReceipt(%q) = loan %d, %v; want %d", c.no, got.ID, err, c.want)
		}
	}
	if _, err := b1.lend.LoanByReceipt(ctx, "20261125-0002"); ledger.ErrorCode(err) != ledger.ENOTFOUND {
		t.Fatalf("unknown number at B1: %v", err)
	}
	got, err := b1.lend.LoanByToken(ctx, la.Token)
	if err != nil || got.ID != la.ID {
		t.Fatalf("A's QR card at B1: %+v %v", got, err)
	}
	// A second handle with no desk on a database with two desks must say
	// which desk it is before it lends.
	none, err := Open(ctx, a.db.addr, Options{Now: a.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer none.Close()
	_, err = NewLendingService(none).Lend(ctx, a.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	if ledger.ErrorCode(err) != ledger.EINVALID || !strings.Contains(ledger.ErrorMessage(err), "--desk") {
		t.Fatalf("lend without a desk: %v", err)
	}
	ghost, err := Open(ctx, a.db.addr, Options{Now: a.clock.Now, Desk: "KIOSK"})
	if err != nil {
		t.Fatal(err)
	}
	defer ghost.Close()
	_, err = NewLendingService(ghost).Lend(ctx, a.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	if ledger.ErrorCode(err) != ledger.ENOTFOUND || !strings.Contains(ledger.ErrorMessage(err), "KIOSK") {
		t.Fatalf("lend at an unregistered desk: %v", err)
	}
	if _, err := Open(ctx, a.db.addr, Options{Desk: "1F!"}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("bad desk code accepted: %v", err)
	}
}

// An umbrella lent at A and returned at B1: B1's drawer pays the refund,
// the umbrella is in stock at B1 (away from home for A), both desks' day
// reports show it, each desk's close balances with the float and the
// settlement, and the mall report adds them up.
func TestReturnAtAnotherDesk(t *testing.T) {
	ctx := context.Background()
	a := newLendFixture(t)
	b1 := openDesk(t, a, "B1", "B1 停车场服务台")
	set, err := b1.settings.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.DrawerFloat = ledger.Yuan(200)
	if err := b1.settings.UpdateSettings(ctx, a.admin, set); err != nil {
		t.Fatal(err)
	}
	if aset, _ := a.settings.Settings(ctx); aset.DrawerFloat != 0 || aset.CounterName != "北门服务台" {
		t.Fatalf("B1's settings leaked into A's: %+v", aset)
	}
	l := a.mustLend(t, ledger.KindUmbrella, "U-001", "")
	a.clock.Add(3600e9)
	r, err := b1.lend.Return(ctx, a.sup, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
	if err != nil {
		t.Fatal(err)
	}
	if r.ReturnDesk != "B1" || r.Desk != "A" || !strings.HasPrefix(r.ReturnNo, "B1-") {
		t.Fatalf("return %+v", r)
	}
	it := a.item(t, ledger.KindUmbrella, "U-001")
	if it.Desk != "B1" || it.HomeDesk != "A" || !it.Away() || it.Status != ledger.ItemIn {
		t.Fatalf("item after return elsewhere: %+v", it)
	}
	if _, err := a.lend.Lend(ctx, a.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"}); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("A lent an umbrella that is at B1: %v", err)
	}
	sa, _ := a.lend.Stock(ctx, ledger.KindUmbrella)
	sb, _ := b1.lend.Stock(ctx, ledger.KindUmbrella)
	if sa.Away != 1 || sa.OnHand != 2 || sb.Visiting != 1 || sb.OnHand != 1 {
		t.Fatalf("stock A %+v, B1 %+v", sa, sb)
	}
	if held, _ := a.lend.DepositsHeld(ctx); held != 0 {
		t.Fatalf("A holds %s", held)
	}
	ca, err := NewDayCloseService(a.db).CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b1.days.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ca.Money.Taken != ledger.Yuan(50) || ca.Money.Refunded != 0 || ca.Money.SettledElsewhere != ledger.Yuan(50) || ca.Expected() != ledger.Yuan(50) || !ca.Money.Balanced() {
		t.Fatalf("A's money %+v expected %s", ca.Money, ca.Expected())
	}
	if cb.Money.Refunded != ledger.Yuan(50) || cb.Money.SettledForOthers != ledger.Yuan(50) || cb.Money.Float != ledger.Yuan(200) ||
		cb.Expected() != ledger.Yuan(150) || !cb.Money.Balanced() {
		t.Fatalf("B1's money %+v expected %s", cb.Money, cb.Expected())
	}
	dca, err := NewDayCloseService(a.db).CloseDay(ctx, a.clerk, ledger.CloseRequest{CashCounted: ledger.Yuan(50), Approval: a.closeApproval(t, ledger.Yuan(50))})
	if err != nil {
		t.Fatal(err)
	}
	apprB := a.grant(t, ledger.DayCloseApproval(a.clerk.ID, cb.Day, cb.Expected(), ledger.Yuan(150)), "wang", "现金已复点")
	dcb, err := b1.days.CloseDay(ctx, a.clerk, ledger.CloseRequest{CashCounted: ledger.Yuan(150), Approval: apprB})
	if err != nil {
		t.Fatal(err)
	}
	if dca.No != "A-20261125-01" || dcb.No != "B1-20261125-01" || dca.Difference != 0 || dcb.Difference != 0 || dcb.Day.Desk != "B1" {
		t.Fatalf("closes %s %s diff %s %s", dca.No, dcb.No, dca.Difference, dcb.Difference)
	}
	text := func(id int64, h *DayCloseService) string {
		rep, err := h.Report(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, s := range rep.Sections {
			b.WriteString(s.Title + "\n")
			for _, row := range s.Rows {
				b.WriteString(strings.Join(row, "|") + "\n")
			}
			b.WriteString(strings.Join(s.Totals, "|") + "\n")
		}
		return b.String()
	}
	ta, tb := text(dca.Day.ID, NewDayCloseService(a.db)), text(dcb.Day.ID, b1.days)
	if !strings.Contains(ta, "本台借出，在 B1 归还") || !strings.Contains(ta, "应交出 ￥50.00") || strings.Contains(ta, "归还|"+r.ReturnNo) {
		t.Errorf("A's report:\n%s", ta)
	}
	if !strings.Contains(tb, "A 借出，在本台归还") || !strings.Contains(tb, "应补入 ￥50.00") || !strings.Contains(tb, r.ReturnNo) ||
		!strings.Contains(tb, "备用金") || strings.Contains(tb, "借出|"+l.ReceiptNo) {
		t.Errorf("B1's report:\n%s", tb)
	}
	mall, err := b1.days.MallReport(ctx, "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	if mall.CashExpected != ledger.Yuan(200) || mall.CashCounted != ledger.Yuan(200) || mall.Counter != "全馆（A、B1）" ||
		mall.Sections[0].Title != "各服务台汇总" || len(mall.Sections[0].Rows) != 2 {
		t.Fatalf("mall report %s/%s %s %+v", mall.CashExpected, mall.CashCounted, mall.Counter, mall.Sections[0])
	}
	var lent, returned int
	for _, row := range mall.Summary {
		lent, returned = lent+row.Lent, returned+row.Returned
	}
	if lent != 1 || returned != 1 {
		t.Fatalf("mall summary lent %d returned %d", lent, returned)
	}
	if res, err := a.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
}

// A desk prints only its own receipts.
func TestPrintJobsPerDesk(t *testing.T) {
	ctx := context.Background()
	a := newLendFixture(t)
	b1 := openDesk(t, a, "B1", "B1")
	l := a.mustLend(t, ledger.KindUmbrella, "U-001", "")
	r, err := b1.lend.Return(ctx, a.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
	if err != nil {
		t.Fatal(err)
	}
	pa, _ := a.queue.Pending(ctx)
	pb, _ := b1.queue.Pending(ctx)
	if len(pa) != 1 || pa[0].ReceiptNo != l.ReceiptNo || pa[0].Desk != "A" || len(pb) != 1 || pb[0].ReceiptNo != r.ReturnNo {
		t.Fatalf("pending A %+v, B1 %+v", pa, pb)
	}
	if n, _ := b1.queue.PendingCount(ctx); n != 1 {
		t.Fatalf("B1 pending count %d", n)
	}
	if _, err := b1.queue.Begin(ctx, pa[0].ID); ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "A") {
		t.Fatalf("B1 claimed A's job: %v", err)
	}
	if _, err := a.queue.Begin(ctx, pa[0].ID); err != nil {
		t.Fatalf("A's own job: %v", err)
	}
	// A reprint is printed where it is asked for.
	job, err := b1.queue.Reprint(ctx, a.clerk, l.ReceiptNo)
	if err != nil || job.Desk != "B1" || !job.Copy {
		t.Fatalf("reprint at B1: %+v %v", job, err)
	}
}

// Items away from home go back by a journaled transfer.
func TestTransferItemsHome(t *testing.T) {
	ctx := context.Background()
	a := newLendFixture(t)
	b1 := openDesk(t, a, "B1", "B1")
	l := a.mustLend(t, ledger.KindUmbrella, "U-001", "")
	if _, err := b1.lend.Return(ctx, a.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	it := a.item(t, ledger.KindUmbrella, "U-001")
	other := a.item(t, ledger.KindUmbrella, "U-002")
	for name, c := range map[string]struct {
		h    *LendingService
		ids  []int64
		to   string
		code string
	}{
		"not here":        {a.lend, []int64{it.ID}, "B1", ledger.ECONFLICT},
		"to itself":       {b1.lend, []int64{it.ID}, "B1", ledger.EINVALID},
		"unknown desk":    {b1.lend, []int64{it.ID}, "ZZ", ledger.ENOTFOUND},
		"bad code":        {b1.lend, []int64{it.ID}, "Z Z", ledger.EINVALID},
		"twice":           {b1.lend, []int64{it.ID, it.ID}, "A", ledger.EINVALID},
		"mixed: one away": {b1.lend, []int64{it.ID, other.ID}, "A", ledger.ECONFLICT},
		"none":            {b1.lend, nil, "A", ledger.EINVALID},
	} {
		if err := c.h.TransferItems(ctx, a.clerk, c.ids, c.to); ledger.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	if got := a.item(t, ledger.KindUmbrella, "U-001"); got.Desk != "B1" {
		t.Fatalf("a refused transfer moved the item: %+v", got)
	}
	if err := b1.lend.TransferItems(ctx, a.clerk, []int64{it.ID}, "a"); err != nil {
		t.Fatal(err)
	}
	if got := a.item(t, ledger.KindUmbrella, "U-001"); got.Desk != "A" || got.Away() {
		t.Fatalf("after transfer: %+v", got)
	}
	e := a.lastEntry(t)
	if e.Kind != "item.transfer" || !strings.Contains(string(e.Data), `"from":"B1"`) || !strings.Contains(string(e.Data), `"to":"A"`) {
		t.Fatalf("journal %s %s", e.Kind, e.Data)
	}
	a.mustLend(t, ledger.KindUmbrella, "U-001", "")
}

// A database from before desks becomes desk A: its counter name and
// devices are desk A's, its receipts keep their numbers and open the same
// loans, and numbering continues on the same date with the desk code.
func TestLegacyDatabaseBecomesDeskA(t *testing.T) {
	ctx := context.Background()
	addr := testAddr(t, "v6.db")
	c := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
	old, err := openAtVersion(ctx, addr, SchemaVersion()-1, c) // the schema just before desks
	if err != nil {
		t.Fatal(err)
	}
	set := ledger.DefaultSettings()
	set.MallName, set.CounterName = "老广场", "一楼总服务台"
	set.Devices.Printer.Name = "/dev/ttyUSB0"
	rawJSON, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	raw := string(rawJSON)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"INSERT INTO settings(id, value) VALUES (1, ?)", []any{raw}},
		{"INSERT INTO meta(key, value) VALUES ('token_key', ?)", []any{[]byte(strings.Repeat("k", 32))}},
		{"INSERT INTO staff(username, name, role, password_hash) VALUES ('li', '李', 'clerk', 'x')", nil},
		{"INSERT INTO items(kind, number, status, added_seq) VALUES ('umbrella', 'U-001', 'out', 1)", nil},
		{"INSERT INTO business_days(business_date, opened_at, open_seq, next_receipt) VALUES ('2026-11-25', '2026-11-25T01:00:00Z', 1, 2)", nil},
		{`INSERT INTO loans(kind, item_id, receipt_no, lent_at, lent_by, deposit, lend_seq) VALUES
			('umbrella', 1, '20261125-0001', '2026-11-25T01:00:00Z', 1, 5000, 2)`, nil},
	} {
		if _, err := old.db.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	old.Close()
	db, err := Open(ctx, addr, Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	desks, err := NewDeskService(db).Desks(ctx)
	if err != nil || len(desks) != 1 || desks[0] != (ledger.Desk{Code: "A", Name: "一楼总服务台"}) {
		t.Fatalf("desks %+v %v", desks, err)
	}
	got, err := NewSettingsService(db).Settings(ctx)
	if err != nil || got.CounterName != "一楼总服务台" || got.Devices.Printer.Name != "/dev/ttyUSB0" {
		t.Fatalf("settings after migration %+v %v", got, err)
	}
	lend := NewLendingService(db)
	l, err := lend.LoanByReceipt(ctx, "20261125-0001")
	if err != nil || l.ID != 1 || l.Desk != "A" {
		t.Fatalf("legacy receipt: %+v %v", l, err)
	}
	if held, _ := lend.DepositsHeld(ctx); held != ledger.Yuan(50) {
		t.Fatalf("held %s", held)
	}
	if err := lend.AddItems(ctx, ledger.Staff{ID: 1, Role: ledger.RoleClerk}, ledger.KindUmbrella, []string{"U-002"}); err != nil {
		t.Fatal(err)
	}
	n, err := lend.Lend(ctx, ledger.Staff{ID: 1, Role: ledger.RoleClerk}, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	if err != nil || n.ReceiptNo != "A-20261125-0002" {
		t.Fatalf("next receipt %q %v", n.ReceiptNo, err)
	}
}

// Whose a row is cannot be changed behind the journal's back: the triggers
// refuse it, and a change slipped past them (triggers dropped, as the
// database owner could) is named by verify.
func TestDeskColumnsGuarded(t *testing.T) {
	ctx := context.Background()
	a := newLendFixture(t)
	openDesk(t, a, "B1", "B1")
	l := a.mustLend(t, ledger.KindUmbrella, "U-001", "")
	for _, q := range []string{
		"UPDATE loans SET desk = 'B1' WHERE id = ?",
		"UPDATE business_days SET desk = 'B1' WHERE id = (SELECT max(id) FROM business_days) AND ? > 0",
		"UPDATE items SET home_desk = 'B1' WHERE id = (SELECT item_id FROM loans WHERE id = ?)",
	} {
		if _, err := a.db.db.Exec(q, l.ID); a.db.Classify(err) != ErrImmutable {
			t.Errorf("%s: %v (%v), want immutable", q, err, a.db.Classify(err))
		}
	}
	// Move an item to B1 without an entry: verify names the item.
	if _, err := a.db.db.Exec("UPDATE items SET desk = 'B1' WHERE number = 'U-002'"); err != nil {
		t.Fatal(err)
	}
	res, err := a.journal.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || !strings.Contains(strings.Join(res.Problems, "\n"), "U-002") || !strings.Contains(strings.Join(res.Problems, "\n"), "desk") {
		t.Fatalf("verify after moving U-002 silently: %+v", res)
	}
}

// A found item's label number typed without its desk code opens this
// desk's item, never another desk's with the same day number (the rule
// loans follow, written once in byReceiptNo).
func TestFoundItemNumbersPerDesk(t *testing.T) {
	ctx := context.Background()
	a := newLFFixture(t)
	if _, err := NewDeskService(a.db).AddDesk(ctx, a.admin, ledger.Desk{Code: "B1", Name: "B1 停车场服务台"}); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, a.db.addr, Options{Now: a.clock.Now, Desk: "B1"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b1 := &lfFixture{fixture: &fixture{db: db, clock: a.clock, staff: a.staff}, lf: NewLostFoundService(db)}
	b1.clerk = a.clerk
	ia := a.register(t, "钱包", "黑色皮钱包", "一楼大厅", "A柜-1")
	ib := b1.register(t, "钱包", "棕色皮钱包", "B1 车库", "B柜-1")
	if ia.No != "A-20261125-0001" || ib.No != "B1-20261125-0001" {
		t.Fatalf("numbers %s %s", ia.No, ib.No)
	}
	for _, c := range []struct {
		svc  *LostFoundService
		no   string
		want int64
	}{{a.lf, "20261125-0001", ia.ID}, {b1.lf, " 20261125-0001 ", ib.ID}, {a.lf, "b1-20261125-0001", ib.ID}} {
		got, err := c.svc.ItemByNo(ctx, c.no)
		if err != nil || got.ID != c.want {
			t.Fatalf("ItemByNo(%q) = %d %v, want %d", c.no, got.ID, err, c.want)
		}
	}
	if _, err := b1.lf.ItemByNo(ctx, "20261125-0002"); ledger.ErrorCode(err) != ledger.ENOTFOUND {
		t.Fatalf("unknown number: %v", err)
	}
}
