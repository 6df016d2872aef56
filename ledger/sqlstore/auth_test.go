package sqlstore

import (
	"context"
	"database/sql"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// Unknown user names fail, count and lock exactly like accounts: same
// messages, the lock after the same number of attempts, for the same time.
// Fails on the old code (an unknown name was never locked, so the lockout
// told which names are accounts).
func TestUnknownNamesLockLikeAccounts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var real, ghost []string
	for range 6 {
		_, err := f.staff.Login(ctx, "li", "wrongpass1")
		real = append(real, ledger.ErrorCode(err)+" "+ledger.ErrorMessage(err))
		_, err = f.staff.Login(ctx, "nobody", "wrongpass1")
		ghost = append(ghost, ledger.ErrorCode(err)+" "+ledger.ErrorMessage(err))
	}
	for i := range real {
		if real[i] != ghost[i] {
			t.Fatalf("attempt %d: account %q, unknown name %q", i+1, real[i], ghost[i])
		}
	}
	if !strings.HasPrefix(ghost[5], ledger.ELOCKED+" ") {
		t.Fatalf("6th attempt on an unknown name: %q", ghost[5])
	}
	// Even the "right" password of a name that is no account stays locked,
	// as an account's does; after the lock the counting starts over.
	if _, err := f.staff.Login(ctx, " NOBODY ", testPassword); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("normalised unknown name while locked: %v", err)
	}
	f.clock.Add(5*time.Minute + time.Second)
	if _, err := f.staff.Login(ctx, "nobody", testPassword); ledger.ErrorCode(err) != ledger.EUNAUTHORIZED {
		t.Fatalf("after the lock: %v", err)
	}
	// The journal says unknown_user with a keyed hash, never the name.
	es, _ := f.journal.Entries(ctx, 0, 1000)
	locks := 0
	for _, e := range es {
		if strings.Contains(string(e.Data), "nobody") || strings.Contains(string(e.Data), "wrongpass1") {
			t.Fatalf("entry %d carries the name or password: %s", e.Seq, e.Data)
		}
		if e.Kind == "auth.locked" && strings.Contains(string(e.Data), "unknown_user") {
			locks++
		}
	}
	if locks != 1 {
		t.Fatalf("auth.locked entries for the unknown name = %d", locks)
	}
}

// writeLockFree reports whether another connection can take the write lock
// right now: on SQLite BEGIN IMMEDIATE with a short busy timeout, on
// PostgreSQL the journal head row (every write transaction locks it first)
// with FOR UPDATE NOWAIT.
func writeLockFree(t testing.TB, db *DB) bool {
	t.Helper()
	if db.Engine() == "postgres" {
		tx, err := db.SQL().Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		_, err = tx.Exec("SELECT 1 FROM journal_head WHERE id = 1 FOR UPDATE NOWAIT")
		return err == nil
	}
	path := db.Path()
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Set("_busy_timeout", "50")
	probe, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	tx, err := probe.Begin()
	if err != nil {
		return false
	}
	tx.Rollback()
	return true
}

// Password hashing and checking (argon2id: tens of milliseconds, 19 MiB)
// run before the write transaction, never while holding the write lock:
// while the password is checked or hashed another connection can write.
// Fails on the old code (authenticate and setPassword hashed inside the
// transaction).
func TestPasswordWorkOutsideTheWriteLock(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var checks, hashes, busy int
	f.staff.checkPassword = func(pw, phc string) bool {
		checks++
		if !writeLockFree(t, f.db) {
			busy++
		}
		return ledger.CheckPassword(pw, phc)
	}
	f.staff.hashPassword = func(pw string, r io.Reader) (string, error) {
		hashes++
		if !writeLockFree(t, f.db) {
			busy++
		}
		return ledger.HashPassword(pw, r)
	}
	if _, err := f.staff.Login(ctx, "li", testPassword); err != nil {
		t.Fatal(err)
	}
	f.staff.Login(ctx, "li", "wrongpass1")
	f.staff.Login(ctx, "nobody", "wrongpass1")
	if err := f.staff.Unlock(ctx, f.clerk.ID, testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := f.staff.Approve(ctx, ledger.VoidApproval(f.clerk.ID, ledger.Loan{ID: 1}), "wang", testPassword, "登记错误"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "zhao", Name: "赵", Role: ledger.RoleClerk, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	if err := f.staff.ResetPassword(ctx, f.admin, f.clerk.ID, "temp12345"); err != nil {
		t.Fatal(err)
	}
	if err := f.staff.ChangePassword(ctx, f.clerk.ID, "temp12345", "newpass678"); err != nil {
		t.Fatal(err)
	}
	if checks < 6 || hashes < 3 {
		t.Fatalf("checks %d, hashes %d: the wrappers were not used", checks, hashes)
	}
	if busy != 0 {
		t.Fatalf("%d of %d password checks/hashes ran while the write lock was held", busy, checks+hashes)
	}
	// The probe does see a held write lock.
	f.db.inTx(ctx, func(*tx) error {
		if writeLockFree(t, f.db) {
			t.Fatal("probe took the write lock inside a write transaction")
		}
		return nil
	})
}
