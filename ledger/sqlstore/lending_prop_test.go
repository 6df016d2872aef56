package sqlstore

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"servicedesk/ledger"
)

// setDefaultChecks lowers rapid's number of checks unless the run sets
// -rapid.checks itself: every check opens a database file.
func setDefaultChecks(n int) {
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "rapid.checks" })
	if !explicit {
		_ = flag.Set("rapid.checks", fmt.Sprint(n))
	}
}

// propLoan is the model's view of one loan.
type propLoan struct {
	id      int64
	kind    ledger.ItemKind
	number  string
	deposit ledger.Fen
	closed  bool
}

// lendingModel is the reference the database is compared against.
type lendingModel struct {
	items map[string]ledger.ItemStatus // kind/number -> status
	loans []*propLoan
}

// TestLendingProperties runs random sequences of add / lend / return (fine,
// damaged, lost) / double return / repair / deposit change over a few items
// and checks, after every step, that the money and the states add up three
// ways: the loans table, the journal entries' JSON and a model.
func TestLendingProperties(t *testing.T) {
	// Fewer checks on PostgreSQL: every check clones a database there,
	// which costs ten times a file copy; the rules under test are the same.
	if onPostgres() {
		setDefaultChecks(20)
	} else {
		setDefaultChecks(50)
	}
	ctx := context.Background()
	// One initialised template (argon2 hashing is slow); each check works on
	// its own copy of the file.
	tmpl := newFixture(t)
	set, _ := tmpl.settings.Settings(ctx)
	set.DamagePrices = append(set.DamagePrices, ledger.PriceItem{Name: "整伞丢失配件", Price: ledger.Yuan(80)})
	if err := tmpl.settings.UpdateSettings(ctx, tmpl.admin, set); err != nil {
		t.Fatal(err)
	}
	checkNo := 0
	numbers := map[ledger.ItemKind][]string{
		ledger.KindUmbrella: {"U-001", "U-002", "U-003"},
		ledger.KindStroller: {"S-01", "S-02"},
	}
	prices := []string{"伞骨折断", "伞面破损", "严重损坏无法修复", "整伞丢失配件"}
	staff := []ledger.Staff{tmpl.clerk, tmpl.sup, tmpl.admin}

	rapid.Check(t, func(rt *rapid.T) {
		checkNo++
		path, drop := cloneDB(t, tmpl.db, fmt.Sprintf("prop%d.db", checkNo))
		defer drop()
		db, err := Open(ctx, path, Options{Now: tmpl.clock.Now})
		if err != nil {
			rt.Fatal(err)
		}
		defer db.Close()
		svc, settings, staffSvc := NewLendingService(db), NewSettingsService(db), NewStaffService(db)
		m := &lendingModel{items: map[string]ledger.ItemStatus{}}
		key := func(k ledger.ItemKind, n string) string { return string(k) + "/" + n }
		drawKind := func(rt *rapid.T) ledger.ItemKind {
			return rapid.SampledFrom([]ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller}).Draw(rt, "kind")
		}
		drawLoan := func(rt *rapid.T, open bool) *propLoan {
			var c []*propLoan
			for _, l := range m.loans {
				if l.closed != open {
					c = append(c, l)
				}
			}
			if len(c) == 0 {
				rt.Skip("no such loan")
			}
			return rapid.SampledFrom(c).Draw(rt, "loan")
		}
		actor := func(rt *rapid.T) ledger.Staff { return rapid.SampledFrom(staff).Draw(rt, "actor") }
		closeLoan := func(rt *rapid.T, outcome ledger.ReturnOutcome) {
			l := drawLoan(rt, true)
			req := ledger.ReturnRequest{LoanID: l.id, Outcome: outcome}
			who := tmpl.clerk
			itemAfter := map[ledger.ReturnOutcome]ledger.ItemStatus{ledger.ReturnFine: ledger.ItemIn, ledger.ReturnDamaged: ledger.ItemDamaged, ledger.ReturnLost: ledger.ItemLost}[outcome]
			switch outcome {
			case ledger.ReturnDamaged:
				req.Damage = rapid.SampledFrom(prices).Draw(rt, "damage")
			case ledger.ReturnLost:
				loan := ledger.Loan{ID: l.id, Deposit: l.deposit}
				if rapid.Bool().Draw(rt, "self-approve") {
					// refused: the approver is the actor
					_, err := staffSvc.Approve(ctx, ledger.ForfeitApproval(tmpl.sup.ID, loan), "wang", testPassword, "自批")
					if ledger.ErrorCode(err) != ledger.EFORBIDDEN {
						rt.Fatalf("self-approved forfeit: %v", err)
					}
					_, err = svc.Return(ctx, tmpl.sup, ledger.ReturnRequest{LoanID: l.id, Outcome: outcome,
						Approval: &ledger.Approval{ApproverID: tmpl.sup.ID, Reason: "自批"}})
					if ledger.ErrorCode(err) != ledger.EFORBIDDEN {
						rt.Fatalf("forfeit with a caller-built approval: %v", err)
					}
				}
				a, err := staffSvc.Approve(ctx, ledger.ForfeitApproval(who.ID, loan), "wang", testPassword, "顾客未归还")
				if err != nil {
					rt.Fatal(err)
				}
				req.Approval = &a
			}
			r, err := svc.Return(ctx, who, req)
			if err != nil {
				rt.Fatalf("return %+v: %v", req, err)
			}
			if r.Refund+r.Forfeit+r.Charge-r.Collected != l.deposit || r.Deposit != l.deposit {
				rt.Fatalf("money of %+v does not add up to deposit %v", r, l.deposit)
			}
			l.closed = true
			m.items[key(l.kind, l.number)] = itemAfter
		}

		rt.Repeat(map[string]func(*rapid.T){
			"add": func(rt *rapid.T) {
				k := drawKind(rt)
				n := rapid.SampledFrom(numbers[k]).Draw(rt, "number")
				err := svc.AddItems(ctx, actor(rt), k, []string{strings.ToLower(n)})
				if _, exists := m.items[key(k, n)]; exists {
					if ledger.ErrorCode(err) != ledger.ECONFLICT {
						rt.Fatalf("duplicate add %s: %v", n, err)
					}
					return
				}
				if err != nil {
					rt.Fatalf("add %s: %v", n, err)
				}
				m.items[key(k, n)] = ledger.ItemIn
			},
			"lend": func(rt *rapid.T) {
				k := drawKind(rt)
				n := rapid.SampledFrom(numbers[k]).Draw(rt, "number")
				l, err := svc.Lend(ctx, actor(rt), ledger.LendRequest{Kind: k, ItemNumber: n})
				status, exists := m.items[key(k, n)]
				switch {
				case !exists:
					if ledger.ErrorCode(err) != ledger.ENOTFOUND && ledger.ErrorCode(err) != ledger.EINVALID {
						rt.Fatalf("lend of unknown %s: %v", n, err)
					}
				case status != ledger.ItemIn:
					if ledger.ErrorCode(err) != ledger.ECONFLICT {
						rt.Fatalf("lend of %s item %s: %v", status, n, err)
					}
				case err != nil:
					rt.Fatalf("lend %s: %v", n, err)
				default:
					m.items[key(k, n)] = ledger.ItemOut
					m.loans = append(m.loans, &propLoan{id: l.ID, kind: k, number: n, deposit: l.Deposit})
				}
			},
			"returnFine":    func(rt *rapid.T) { closeLoan(rt, ledger.ReturnFine) },
			"returnDamaged": func(rt *rapid.T) { closeLoan(rt, ledger.ReturnDamaged) },
			"returnLost":    func(rt *rapid.T) { closeLoan(rt, ledger.ReturnLost) },
			"doubleReturn": func(rt *rapid.T) {
				l := drawLoan(rt, false)
				outcome := rapid.SampledFrom([]ledger.ReturnOutcome{ledger.ReturnFine, ledger.ReturnDamaged, ledger.ReturnLost}).Draw(rt, "outcome")
				_, err := svc.Return(ctx, actor(rt), ledger.ReturnRequest{LoanID: l.id, Outcome: outcome, Damage: prices[0],
					Approval: &ledger.Approval{ApproverID: tmpl.admin.ID, Reason: "再次归还"}})
				if ledger.ErrorCode(err) != ledger.ECONFLICT {
					rt.Fatalf("second return of loan %d: %v", l.id, err)
				}
			},
			"repair": func(rt *rapid.T) {
				var c []string
				for k, s := range m.items {
					if s == ledger.ItemDamaged || s == ledger.ItemLost {
						c = append(c, k)
					}
				}
				if len(c) == 0 {
					rt.Skip("nothing to repair")
				}
				sort.Strings(c)
				k := rapid.SampledFrom(c).Draw(rt, "item")
				kind, number, _ := strings.Cut(k, "/")
				var id int64
				if err := db.db.QueryRow("SELECT id FROM items WHERE kind = ? AND number = ?", kind, number).Scan(&id); err != nil {
					rt.Fatal(err)
				}
				if err := svc.SetItemStatus(ctx, actor(rt), id, ledger.ItemIn, "修好/找回", nil); err != nil {
					rt.Fatalf("repair %s: %v", k, err)
				}
				m.items[k] = ledger.ItemIn
			},
			"setDeposit": func(rt *rapid.T) {
				s, _ := settings.Settings(ctx)
				s.UmbrellaDeposit = ledger.Fen(rapid.SampledFrom([]int64{0, 1000, 3050, 5000, 10000}).Draw(rt, "deposit"))
				if err := settings.UpdateSettings(ctx, tmpl.admin, s); err != nil {
					rt.Fatal(err)
				}
			},
			"": func(rt *rapid.T) { checkLendingInvariants(rt, db, svc, m) },
		})
	})
}

// checkLendingInvariants compares the loans table, the journal and the model.
func checkLendingInvariants(rt *rapid.T, db *DB, svc *LendingService, m *lendingModel) {
	ctx := context.Background()
	held, err := svc.DepositsHeld(ctx)
	if err != nil {
		rt.Fatal(err)
	}
	var modelHeld ledger.Fen
	openByItem := map[string]int{}
	for _, l := range m.loans {
		if !l.closed {
			modelHeld += l.deposit
			openByItem[string(l.kind)+"/"+l.number]++
		}
	}
	var tableHeld ledger.Fen
	open, total, err := svc.OpenLoans(ctx, "", 0, maxPage)
	if err != nil || total != len(open) {
		rt.Fatalf("open loans %d/%d: %v", len(open), total, err)
	}
	for _, l := range open {
		tableHeld += l.Deposit
	}

	// From the journal alone: deposits taken minus refunds, forfeits and the
	// deposit part of charges; every loan closed at most once.
	entries, err := NewJournalService(db).Entries(ctx, 0, 1<<30)
	if err != nil {
		rt.Fatal(err)
	}
	var journalHeld ledger.Fen
	closes := map[int64]int{}
	lent := map[int64]ledger.Fen{}
	receiptNos := map[string]bool{}
	for _, e := range entries {
		var d struct {
			LoanID    int64      `json:"loan_id"`
			ReceiptNo string     `json:"receipt_no"`
			ReturnNo  string     `json:"return_no"`
			Deposit   ledger.Fen `json:"deposit"`
			Refund    ledger.Fen `json:"refund"`
			Charge    ledger.Fen `json:"charge"`
			Collected ledger.Fen `json:"collected"`
			Forfeit   ledger.Fen `json:"forfeit"`
		}
		switch e.Kind {
		case "umbrella.lend", "stroller.lend":
			if err := json.Unmarshal(e.Data, &d); err != nil {
				rt.Fatal(err)
			}
			journalHeld += d.Deposit
			lent[d.LoanID] = d.Deposit
			receiptNos[d.ReceiptNo] = true
		case "umbrella.return", "stroller.return":
			if err := json.Unmarshal(e.Data, &d); err != nil {
				rt.Fatal(err)
			}
			if d.Deposit != lent[d.LoanID] {
				rt.Fatalf("return of loan %d names deposit %v, lent with %v", d.LoanID, d.Deposit, lent[d.LoanID])
			}
			journalHeld -= d.Refund + d.Forfeit + (d.Charge - d.Collected)
			closes[d.LoanID]++
			receiptNos[d.ReturnNo] = true
		}
	}
	if held != modelHeld || tableHeld != modelHeld || journalHeld != modelHeld {
		rt.Fatalf("deposits held: service %v, table %v, journal %v, model %v", held, tableHeld, journalHeld, modelHeld)
	}
	for _, l := range m.loans {
		want := 0
		if l.closed {
			want = 1
		}
		if closes[l.id] != want {
			rt.Fatalf("loan %d closed %d times in the journal, want %d", l.id, closes[l.id], want)
		}
	}
	// Receipt numbers of the day are 1..n without gaps.
	for i := 1; i <= len(receiptNos); i++ {
		if !receiptNos[ledger.ReceiptNo(ledger.DefaultDeskCode, "2026-11-25", int64(i))] {
			rt.Fatalf("receipt number %d missing from %v", i, receiptNos)
		}
	}
	// Items: as the model says; out exactly when an open loan holds them.
	for _, kind := range []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller} {
		items, err := svc.Items(ctx, kind)
		if err != nil {
			rt.Fatal(err)
		}
		for _, it := range items {
			k := string(kind) + "/" + it.Number
			if it.Status != m.items[k] {
				rt.Fatalf("item %s is %s, model %s", k, it.Status, m.items[k])
			}
			if (it.Status == ledger.ItemOut) != (openByItem[k] == 1) || openByItem[k] > 1 {
				rt.Fatalf("item %s is %s with %d open loans", k, it.Status, openByItem[k])
			}
		}
		if len(items) != countKindItems(m, kind) {
			rt.Fatalf("%d %s items, model %d", len(items), kind, countKindItems(m, kind))
		}
	}
	if res, err := NewJournalService(db).Verify(ctx); err != nil || !res.OK {
		rt.Fatalf("journal verify: %+v %v", res, err)
	}
}

// countKindItems counts the model's items of a kind.
func countKindItems(m *lendingModel, kind ledger.ItemKind) int {
	n := 0
	for k := range m.items {
		if strings.HasPrefix(k, string(kind)+"/") {
			n++
		}
	}
	return n
}
