package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"servicedesk/ledger"
)

// A desk connecting as a role GrantDesk prepared works at the counter
// (lend, return, print, close the day, verify) but cannot change history
// even by hand: UPDATE, DELETE and TRUNCATE on the journal, DELETE
// anywhere, dropping or disabling a trigger are all refused by PostgreSQL's
// privileges, before any trigger runs. The owner and superusers are refused
// as desk roles.
func TestDeskRoleCannotRewriteHistory(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	f := newLendFixture(t) // set up by the owner (the test server's superuser)
	b := make([]byte, 6)
	rand.Read(b)
	role, password := "desk_"+hex.EncodeToString(b), hex.EncodeToString(b)+"Pw"
	if _, err := adminDB(t).Exec("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = f.db.SQL().Exec("DROP OWNED BY " + role)
		_, _ = adminDB(t).Exec("DROP ROLE IF EXISTS " + role)
	})
	_, err := GrantDesk(ctx, f.db, "postgres")
	wantCode(t, err, ledger.ECONFLICT)
	_, err = GrantDesk(ctx, f.db, "desk; DROP TABLE journal")
	wantCode(t, err, ledger.EINVALID)
	_, err = GrantDesk(ctx, f.db, "no_such_role")
	wantCode(t, err, ledger.ENOTFOUND)
	stmts, err := GrantDesk(ctx, f.db, role)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("grants: %q", stmts)

	u := mustURL(t, f.db.addr)
	u.User = url.UserPassword(role, password)
	desk, err := Open(ctx, u.String(), Options{Now: f.clock.Now})
	if err != nil {
		t.Fatalf("open as the desk role: %v", err)
	}
	defer desk.Close()
	lend, queue, days := NewLendingService(desk), NewPrintQueue(desk), NewDayCloseService(desk)
	l, err := lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"})
	if err != nil {
		t.Fatalf("lend as the desk role: %v", err)
	}
	if _, err := lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatalf("return as the desk role: %v", err)
	}
	jobs, err := queue.Pending(ctx)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("pending %v %v", jobs, err)
	}
	if _, err := queue.Begin(ctx, jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := queue.MarkPrinted(ctx, jobs[0].ID); err != nil {
		t.Fatalf("print as the desk role: %v", err)
	}
	chk, err := days.CloseCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := days.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(t, chk.Expected())}); err != nil {
		t.Fatalf("close the day as the desk role: %v", err)
	}
	mustVerify(t, desk)

	for _, q := range []string{
		"UPDATE journal SET data = data WHERE seq = 1",
		"DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)",
		"TRUNCATE journal",
		"DELETE FROM loans",
		"UPDATE print_attempts SET outcome = outcome",
		"ALTER TABLE journal DISABLE TRIGGER journal_no_update",
		"DROP TRIGGER journal_no_update ON journal",
		"UPDATE journal_head SET last_seq = last_seq",
	} {
		_, err := desk.SQL().Exec(q)
		var pe *pgconn.PgError
		if q == "UPDATE journal_head SET last_seq = last_seq" {
			// The head moves with every append: the desk may update it, and
			// its trigger keeps it naming the last entry.
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			continue
		}
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Fatalf("%s as the desk role: %v, want permission denied", q, err)
		}
	}
	mustVerify(t, f.db)
}

// A new program on a desk whose role may not change the schema says who
// must upgrade it and how, and changes nothing; after the owner's upgrade
// and grant the desk starts.
func TestDeskRoleCannotUpgradeSchema(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	role, password := "desk_"+hex.EncodeToString(b), hex.EncodeToString(b)+"Pw"
	if _, err := adminDB(t).Exec("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = adminDB(t).Exec("DROP ROLE IF EXISTS " + role) })
	addr := testAddr(t, "")
	t.Cleanup(func() { // before the database goes: the role's grants in it
		if db, err := openPostgres(addr, false); err == nil {
			_, _ = db.Exec("DROP OWNED BY " + role)
			db.Close()
		}
	})
	old, err := connect(addr, Options{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := old.migrations()
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrateWith(ctx, ms[:len(ms)-1]); err != nil {
		t.Fatal(err)
	}
	if _, err := GrantDesk(ctx, old, role); err != nil {
		t.Fatal(err)
	}
	old.Close()

	u := mustURL(t, addr)
	u.User = url.UserPassword(role, password)
	_, err = Open(ctx, u.String(), Options{})
	wantCode(t, err, ledger.EFORBIDDEN)
	if msg := ledger.ErrorMessage(err); !strings.Contains(msg, "servicedesk migrate --to") || strings.Contains(msg, password) {
		t.Fatalf("message %q", msg)
	}
	owner, err := Open(ctx, addr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := GrantDesk(ctx, owner, role); err != nil {
		t.Fatal(err)
	}
	desk, err := Open(ctx, u.String(), Options{})
	if err != nil {
		t.Fatalf("desk after the owner's upgrade: %v", err)
	}
	desk.Close()
}
