package sqlstore

import (
	"context"
	"testing"
	"time"

	"servicedesk/ledger"
)

func TestLoginSameMessageForUnknownUserAndWrongPassword(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, e1 := f.staff.Login(ctx, "nobody", testPassword)
	_, e2 := f.staff.Login(ctx, "li", "wrongpass1")
	if e1 == nil || e2 == nil || ledger.ErrorMessage(e1) != ledger.ErrorMessage(e2) {
		t.Fatalf("messages differ: %q vs %q", ledger.ErrorMessage(e1), ledger.ErrorMessage(e2))
	}
	st, err := f.staff.Login(ctx, " LI ", testPassword)
	if err != nil || st.ID != f.clerk.ID {
		t.Fatalf("login = %+v, %v", st, err)
	}
}

func TestLoginLockout(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		want := ledger.EUNAUTHORIZED
		if i == 4 {
			want = ledger.ELOCKED // the failure that locks says so
		}
		if _, err := f.staff.Login(ctx, "li", "badpass99"); ledger.ErrorCode(err) != want {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	// Locked: even the right password is refused for 5 minutes.
	if _, err := f.staff.Login(ctx, "li", testPassword); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("after 5 failures: %v, want locked", err)
	}
	f.clock.Add(4*time.Minute + 59*time.Second)
	if _, err := f.staff.Login(ctx, "li", testPassword); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("at 4:59: %v, want still locked", err)
	}
	f.clock.Add(2 * time.Second)
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatalf("after 5 minutes: %v", err)
	}
	// The lock was journaled, without the password.
	entries, _ := f.journal.Entries(ctx, 0, 1000)
	var locked int
	for _, e := range entries {
		if e.Kind == "auth.locked" {
			locked++
		}
		if string(e.Data) != "" && (contains(string(e.Data), "badpass99") || contains(string(e.Data), testPassword)) {
			t.Fatalf("password in journal entry %d", e.Seq)
		}
	}
	if locked != 1 {
		t.Fatalf("auth.locked entries = %d, want 1", locked)
	}
}

func contains(s, sub string) bool {
	return len(sub) > 0 && len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestLockoutIsConfigurable(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	set, _ := f.settings.Settings(ctx)
	set.MaxFailedLogins, set.LockDuration = 2, time.Minute
	if err := f.settings.UpdateSettings(ctx, f.admin, set); err != nil {
		t.Fatal(err)
	}
	f.staff.Login(ctx, "li", "badpass99")
	f.staff.Login(ctx, "li", "badpass99")
	if _, err := f.staff.Login(ctx, "li", testPassword); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("want locked after 2: %v", err)
	}
	f.clock.Add(61 * time.Second)
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatal(err)
	}
}

func TestSelfApprovalRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	req := ledger.ApprovalRequest{Action: ledger.ActionForfeit, Record: "loan:1", Amount: ledger.Yuan(50), ActorID: f.sup.ID}
	if _, err := f.staff.Approve(ctx, req, "wang", testPassword, "顾客遗失"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("self approval: %v", err)
	}
	req.ActorID = f.clerk.ID
	if _, err := f.staff.Approve(ctx, req, "li", testPassword, "顾客遗失"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk approval: %v", err)
	}
	if _, err := f.staff.Approve(ctx, req, "wang", "wrongpass1", "顾客遗失"); ledger.ErrorCode(err) != ledger.EUNAUTHORIZED {
		t.Fatalf("bad password approval: %v", err)
	}
	a, err := f.staff.Approve(ctx, req, "wang", testPassword, "顾客遗失")
	if err != nil || a.ApproverID != f.sup.ID || a.Reason != "顾客遗失" {
		t.Fatalf("approval = %+v, %v", a, err)
	}
}

func TestAdminManagesStaff(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.staff.AddStaff(ctx, f.clerk, ledger.NewStaff{Username: "zhao", Name: "赵", Role: ledger.RoleClerk, Password: testPassword}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk adds staff: %v", err)
	}
	if _, err := f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "li", Name: "重名", Role: ledger.RoleClerk, Password: testPassword}); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("duplicate username: %v", err)
	}
	if err := f.staff.ResetPassword(ctx, f.admin, f.clerk.ID, "temp12345"); err != nil {
		t.Fatal(err)
	}
	st, err := f.staff.Login(ctx, "li", "temp12345")
	if err != nil || !st.MustChange {
		t.Fatalf("after reset: %+v, %v", st, err)
	}
	if err := f.staff.ChangePassword(ctx, st.ID, "temp12345", "newpass678"); err != nil {
		t.Fatal(err)
	}
	st, err = f.staff.Login(ctx, "li", "newpass678")
	if err != nil || st.MustChange {
		t.Fatalf("after change: %+v, %v", st, err)
	}
	if err := f.staff.SetDisabled(ctx, f.admin, f.clerk.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.staff.Login(ctx, "li", "newpass678"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("disabled login: %v", err)
	}
	if err := f.staff.SetDisabled(ctx, f.admin, f.admin.ID, true); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("disable self: %v", err)
	}
	list, _ := f.staff.ListStaff(ctx)
	if len(list) != 3 {
		t.Fatalf("accounts = %d; disabled accounts must stay", len(list))
	}
	res, _ := f.journal.Verify(ctx)
	if !res.OK {
		t.Fatalf("journal: %+v", res)
	}
}

func TestSettingsValidatedAndJournaled(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	set, _ := f.settings.Settings(ctx)
	if set.MallName != "测试广场" || set.UmbrellaDeposit != ledger.Yuan(50) {
		t.Fatalf("settings = %+v", set)
	}
	bad := set
	bad.UmbrellaDeposit = -1
	if err := f.settings.UpdateSettings(ctx, f.admin, bad); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("negative deposit: %v", err)
	}
	if err := f.settings.UpdateSettings(ctx, f.clerk, set); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk changes settings: %v", err)
	}
	set.UmbrellaDeposit = ledger.Yuan(30)
	if err := f.settings.UpdateSettings(ctx, f.sup, set); err != nil {
		t.Fatal(err)
	}
	got, _ := f.settings.Settings(ctx)
	if got.UmbrellaDeposit != ledger.Yuan(30) {
		t.Fatalf("deposit = %v", got.UmbrellaDeposit)
	}
	key, err := f.settings.TokenKey(ctx)
	if err != nil || len(key) != 32 {
		t.Fatalf("token key = %d bytes, %v", len(key), err)
	}
}

func TestReceiptNumbersGaplessPerDay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var got []string
	for i := 0; i < 3; i++ {
		_ = f.db.inTx(ctx, func(tx *tx) error {
			n, err := tx.nextReceiptNo(f.clerk.ID)
			got = append(got, n)
			if i == 1 {
				return err
			}
			return err
		})
	}
	// A rolled-back action does not use up a number.
	_ = f.db.inTx(ctx, func(tx *tx) error {
		tx.nextReceiptNo(f.clerk.ID)
		return ledger.Errorf(ledger.EINVALID, "abort")
	})
	_ = f.db.inTx(ctx, func(tx *tx) error {
		n, err := tx.nextReceiptNo(f.clerk.ID)
		got = append(got, n)
		return err
	})
	want := []string{"A-20261125-0001", "A-20261125-0002", "A-20261125-0003", "A-20261125-0004"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("receipt numbers = %v, want %v", got, want)
		}
	}
}
