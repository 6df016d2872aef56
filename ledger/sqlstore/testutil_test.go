package sqlstore

import (
	"context"
	"math/rand"
	"sync"
	"testing"
	"time"

	"servicedesk/ledger"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is an initialised database with an admin, a supervisor and a clerk.
type fixture struct {
	db                *DB
	clock             *clock
	staff             *StaffService
	settings          *SettingsService
	journal           *JournalService
	admin, sup, clerk ledger.Staff
	path              string
}

const testPassword = "counter2026"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureAt(t, testAddr(t, "desk.db"))
}

// newFixtureTB is newFixture for any testing.TB (benchmarks).
func newFixtureTB(tb testing.TB) *fixture {
	tb.Helper()
	return newFixtureAt(tb, testAddr(tb, "desk.db"))
}

// newFixtureAt is newFixture with the database at addr (a file path, or a
// PostgreSQL address from testAddr).
func newFixtureAt(t testing.TB, path string) *fixture {
	t.Helper()
	return newFixtureWith(t, path, nil)
}

// newFixtureWith is newFixtureAt with options adjusted by opt (nil for none).
func newFixtureWith(t testing.TB, path string, opt func(*Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
	o := Options{Now: c.Now, Rand: rand.New(rand.NewSource(1))}
	if opt != nil {
		opt(&o)
	}
	db, err := Open(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, clock: c, staff: NewStaffService(db), settings: NewSettingsService(db), journal: NewJournalService(db), path: path}
	f.admin, err = f.staff.Setup(ctx, ledger.SetupRequest{MallName: "测试广场", CounterName: "北门服务台",
		Admin: ledger.NewStaff{Username: "admin", Name: "管理员甲", Password: testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	f.sup, err = f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "wang", Name: "王主管", Role: ledger.RoleSupervisor, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	f.clerk, err = f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "li", Name: "李柜员", Role: ledger.RoleClerk, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// grant has username approve req with the test password, as the approval
// dialog does, and returns the recorded approval.
func (f *fixture) grant(t testing.TB, req ledger.ApprovalRequest, username, reason string) *ledger.Approval {
	t.Helper()
	a, err := f.staff.Approve(context.Background(), req, username, testPassword, reason)
	if err != nil {
		t.Fatalf("approve %s by %s: %v", req.Action, username, err)
	}
	return &a
}
