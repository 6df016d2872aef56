package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// Another desk on the same database returns an umbrella lent here: within
// one tick (the app ticks every second) the glance panel, the umbrella
// screen's stock line and open loans show it, without a restart; the
// status bar names this desk; the item picker offers only items here.
func TestOtherDesksChangesShowUp(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, true)
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	l, err := h.svc.Lending.Lend(ctx, h.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"})
	if err != nil {
		t.Fatal(err)
	}
	sh.refreshAll()
	s.refresh()
	h.ui.Tick() // remembers the head
	if sh.glance.deposits.Text != "￥50.00" || len(s.loans) != 1 || strings.Contains(sh.status.staff.Text, "服务台") {
		t.Fatalf("before: deposits %q, open %d, status %q", sh.glance.deposits.Text, len(s.loans), sh.status.staff.Text)
	}

	if _, err := sqlstore.NewDeskService(h.db).AddDesk(ctx, h.admin, ledger.Desk{Code: "B1", Name: "B1 停车场服务台"}); err != nil {
		t.Fatal(err)
	}
	b1, err := sqlstore.Open(ctx, h.db.Path(), sqlstore.Options{Now: h.clock.Now, Desk: "B1"})
	if err != nil {
		t.Fatal(err)
	}
	defer b1.Close()
	if _, err := sqlstore.NewLendingService(b1).Return(ctx, h.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	if sh.glance.deposits.Text != "￥50.00" {
		t.Fatalf("changed before the tick: %q", sh.glance.deposits.Text)
	}
	start := time.Now()
	h.ui.Tick()
	took := time.Since(start)
	if sh.glance.deposits.Text != "￥0.00" || len(s.loans) != 0 || !strings.Contains(s.stock.Text, "在其他服务台 1") ||
		!strings.HasPrefix(sh.status.staff.Text, "服务台 A · ") {
		t.Fatalf("after the tick: deposits %q, open %d, stock %q, status %q", sh.glance.deposits.Text, len(s.loans), s.stock.Text, sh.status.staff.Text)
	}
	t.Logf("another desk's return shown by one tick in %v (the app ticks every second)", took)
	s.refresh()
	for _, n := range s.picker.Options {
		if n == "U-001" {
			t.Fatalf("U-001 is at B1 but offered here: %v", s.picker.Options)
		}
	}
	var listed bool
	for _, o := range s.itemPick.Options {
		listed = listed || strings.HasPrefix(o, "U-001") && strings.Contains(o, "在 B1（属 A）")
	}
	if !listed {
		t.Fatalf("item list does not say U-001 is at B1: %v", s.itemPick.Options)
	}

	// B1's umbrella comes back here: the stock tab sends it home.
	b1lend := sqlstore.NewLendingService(b1)
	if err := b1lend.AddItems(ctx, h.admin, ledger.KindUmbrella, []string{"U-101"}); err != nil {
		t.Fatal(err)
	}
	lb, err := b1lend.Lend(ctx, h.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-101"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Lending.Return(ctx, h.clerk, ledger.ReturnRequest{LoanID: lb.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	s.refresh()
	test.Tap(s.sendHome)
	if !strings.Contains(s.stockInfo.Text, "已送回所属服务台：U-101") {
		t.Fatalf("send home: %q", s.stockInfo.Text)
	}
	items, err := b1lend.Items(ctx, ledger.KindUmbrella)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Number == "U-101" && (it.Desk != "B1" || it.Away()) {
			t.Fatalf("U-101 after sending home: %+v", it)
		}
	}
	test.Tap(s.sendHome) // nothing left to send
	if !strings.Contains(h.ui.lastError, "没有其他服务台的物品") {
		t.Fatalf("nothing to send: %q", h.ui.lastError)
	}
}

// flakyJournal is the journal of a shared database whose server can be
// switched off.
type flakyJournal struct {
	ledger.JournalService
	head func(context.Context) (int64, error)
	down bool
}

func (j *flakyJournal) Head(ctx context.Context) (int64, error) {
	if j.down {
		return 0, ledger.Offline(errors.New("dial unix /run/postgresql/.s.PGSQL.5432: connect: no such file or directory"))
	}
	return j.head(ctx)
}

// The shared database goes away: the status bar says so in plain Chinese
// within a tick, and clears itself when it is back.
func TestStatusBarSaysDatabaseOffline(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	j := &flakyJournal{JournalService: h.svc.Journal, head: h.svc.Journal.(headWatcher).Head}
	h.ui.svc.Journal = j
	h.ui.Tick()
	if strings.Contains(sh.status.queue.Text, "数据库") {
		t.Fatalf("offline before the server went: %q", sh.status.queue.Text)
	}
	j.down = true
	h.ui.Tick()
	if sh.status.queue.Text != "数据库未连接：暂停借还，恢复后自动继续" || sh.status.queue.Importance != widget.DangerImportance {
		t.Fatalf("status while down: %q (%v)", sh.status.queue.Text, sh.status.queue.Importance)
	}
	j.down = false
	h.ui.Tick()
	if strings.Contains(sh.status.queue.Text, "数据库") {
		t.Fatalf("status after the server came back: %q", sh.status.queue.Text)
	}
}
