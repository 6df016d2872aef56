package sqlstore

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"servicedesk/ledger"
)

// The services apply the shared text rule to every free-text field: names,
// notes, damage descriptions, close notes and settings with control
// characters, bidi overrides or beyond their length are refused, change
// nothing, and the message quotes at most 20 characters of the input.
// (Fails on the old code: ESC/NUL/U+202E were stored.)
func TestServicesApplyTheTextRule(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	huge := strings.Repeat("伞", 100*1024/3)
	s := f.mustLend(t, ledger.KindStroller, "S-01", "")
	before := f.counts(t)
	check := func(what string, err error) {
		t.Helper()
		msg := ledger.ErrorMessage(err)
		if ledger.ErrorCode(err) != ledger.EINVALID {
			t.Errorf("%s: %v, want EINVALID", what, err)
		}
		if strings.ContainsFunc(msg, ledger.Forbidden) || utf8.RuneCountInString(msg) > 120 {
			t.Errorf("%s: message %q", what, msg)
		}
	}
	_, err := f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "zhao", Name: "赵\u202e明", Role: ledger.RoleClerk, Password: testPassword})
	check("staff name with RLO", err)
	_, err = f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "zhao", Name: "赵\x1b[2J", Role: ledger.RoleClerk, Password: testPassword})
	check("staff name with ESC", err)
	u1 := f.item(t, ledger.KindUmbrella, "U-001")
	check("item note with NUL", f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemDamaged, "伞骨\x00断", nil))
	check("100 kB item note", f.lend.SetItemStatus(ctx, f.clerk, u1.ID, ledger.ItemDamaged, huge, nil))
	_, err = f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: s.ID, Outcome: ledger.ReturnDamaged, Damage: "轮子\u202e坏"})
	check("stroller damage with RLO", err)
	_, err = f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: huge})
	check("100 kB item number", err)
	_, err = f.lend.LoanByReceipt(ctx, huge)
	if msg := ledger.ErrorMessage(err); utf8.RuneCountInString(msg) > 60 {
		t.Errorf("receipt lookup quotes %d characters", utf8.RuneCountInString(msg))
	}
	dc := NewDayCloseService(f.db)
	_, err = dc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: 0, Note: "差额\x07原因"})
	check("close note with BEL", err)
	set, _ := f.settings.Settings(ctx)
	set.CounterName = "北门\u2066服务台"
	check("counter name with LRI", f.settings.UpdateSettings(ctx, f.admin, set))
	set, _ = f.settings.Settings(ctx)
	set.DamagePrices[0].Name = huge
	check("100 kB price name", f.settings.UpdateSettings(ctx, f.admin, set))

	if after := f.counts(t); after != before {
		t.Fatalf("refused input changed something: %v -> %v", before, after)
	}
	if it := f.item(t, ledger.KindUmbrella, "U-001"); it.Status != ledger.ItemIn || it.Note != "" {
		t.Fatalf("item after refused notes: %+v", it)
	}
}
