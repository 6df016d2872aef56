package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// TestLoginWarnsBeforeLockoutAlikeForUnknownNames: each failure says how
// many attempts are left, the last one locks, and an unknown username gets
// exactly the same messages and lock, so nothing tells which accounts
// exist. The unknown name never enters the journal.
func TestLoginWarnsBeforeLockoutAlikeForUnknownNames(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var real, unknown []string
	for i := 0; i < 6; i++ {
		_, e1 := f.staff.Login(ctx, "li", "badpass99")
		_, e2 := f.staff.Login(ctx, "secretpw77", "badpass99")
		real = append(real, ledger.ErrorCode(e1)+" "+ledger.ErrorMessage(e1))
		unknown = append(unknown, ledger.ErrorCode(e2)+" "+ledger.ErrorMessage(e2))
	}
	want := []string{"用户名或密码错误，还可尝试 4 次", "还可尝试 3 次", "还可尝试 2 次", "还可尝试 1 次", "账户已锁定", "账户已锁定"}
	for i := range want {
		if !strings.Contains(real[i], want[i]) {
			t.Errorf("attempt %d: %q, want %q", i+1, real[i], want[i])
		}
		if real[i] != unknown[i] {
			t.Errorf("attempt %d: account %q, unknown name %q", i+1, real[i], unknown[i])
		}
	}
	if !strings.HasPrefix(real[4], ledger.ELOCKED) {
		t.Fatalf("5th failure = %q, want locked", real[4])
	}
	// After the lock time both start counting again.
	f.clock.Add(5*time.Minute + time.Second)
	_, e1 := f.staff.Login(ctx, "li", "badpass99")
	_, e2 := f.staff.Login(ctx, "secretpw77", "badpass99")
	if ledger.ErrorMessage(e1) != ledger.ErrorMessage(e2) || !strings.Contains(ledger.ErrorMessage(e1), "还可尝试 4 次") {
		t.Fatalf("after the lock: %q / %q", ledger.ErrorMessage(e1), ledger.ErrorMessage(e2))
	}
	entries, _ := f.journal.Entries(ctx, 0, 10000)
	for _, e := range entries {
		if strings.Contains(string(e.Data), "secretpw77") {
			t.Fatalf("the unknown name is in journal entry %d: %s", e.Seq, e.Data)
		}
	}
}

// TestUnlockAccount: an admin lifts a failed-login lock (journaled); a
// clerk may not; an account that is not locked is refused with a reason.
func TestUnlockAccount(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		f.staff.Login(ctx, "li", "badpass99")
	}
	list, _ := f.staff.ListStaff(ctx)
	for _, st := range list {
		if st.ID == f.clerk.ID && !st.Locked(f.clock.Now()) {
			t.Fatalf("li not locked: %+v", st)
		}
	}
	wantCode(t, f.staff.UnlockAccount(ctx, f.sup, f.clerk.ID), ledger.EFORBIDDEN)
	if err := f.staff.UnlockAccount(ctx, f.admin, f.clerk.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatalf("login after unlock: %v", err)
	}
	wantCode(t, f.staff.UnlockAccount(ctx, f.admin, f.clerk.ID), ledger.ECONFLICT)
	entries, _ := f.journal.Entries(ctx, 0, 10000)
	n := 0
	for _, e := range entries {
		if e.Kind == "staff.unlocked" && e.StaffID == f.admin.ID && strings.Contains(string(e.Data), `"staff_id"`) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("staff.unlocked entries = %d", n)
	}
}

// TestFirstLogin: Login tells a new account's first login from later ones.
func TestFirstLogin(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	st, err := f.staff.Login(ctx, "li", testPassword)
	if err != nil || !st.FirstLogin {
		t.Fatalf("first login = %+v, %v", st, err)
	}
	st, err = f.staff.Login(ctx, "li", testPassword)
	if err != nil || st.FirstLogin {
		t.Fatalf("second login = %+v, %v", st, err)
	}
}
