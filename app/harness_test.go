package app

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

func TestMain(m *testing.M) {
	code := "zh"
	if os.Getenv("SD_TEST_LANG") == "en" {
		code = "en" // set by TestEnglishUI for its child process
	}
	if err := LoadLanguage(code); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// testClock is a settable clock shared by the store and the UI.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const pw = "counter2026"

// harness is a UI on a real SQLite file with an admin, a supervisor (wang),
// a second supervisor (zhao), a clerk (li) and some stock.
type harness struct {
	t     *testing.T
	ui    *UI
	win   fyne.Window
	db    *sqlstore.DB
	svc   Services
	clock *testClock
	admin ledger.Staff
	clerk ledger.Staff
	sup   ledger.Staff
}

// newHarness builds the UI; setup=false leaves the database uninitialised.
func newHarness(t *testing.T, setup bool) *harness {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	db, err := sqlstore.Open(ctx, filepath.Join(dir, "desk.db"), sqlstore.Options{Now: clock.Now, Rand: rand.New(rand.NewSource(7)),
		KeysPath: filepath.Join(dir, "desk.keys")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := &harness{t: t, db: db, clock: clock}
	h.svc = Services{
		Staff:     sqlstore.NewStaffService(db),
		Settings:  sqlstore.NewSettingsService(db),
		Journal:   sqlstore.NewJournalService(db),
		Lending:   sqlstore.NewLendingService(db),
		Print:     sqlstore.NewPrintQueue(db),
		Personal:  sqlstore.NewPersonalService(db),
		Medicine:  sqlstore.NewMedicineService(db),
		LostFound: sqlstore.NewLostFoundService(db),
		Members:   sqlstore.NewMemberService(db),
		Invoices:  sqlstore.NewInvoiceService(db),
	}
	if setup {
		h.admin, err = h.svc.Staff.Setup(ctx, ledger.SetupRequest{MallName: "测试广场", CounterName: "北门服务台",
			Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: pw}})
		if err != nil {
			t.Fatal(err)
		}
		h.sup = h.addStaff("wang", "王主管", ledger.RoleSupervisor)
		h.addStaff("zhao", "赵主管", ledger.RoleSupervisor)
		h.clerk = h.addStaff("li", "李柜员", ledger.RoleClerk)
		if err := h.svc.Lending.AddItems(ctx, h.admin, ledger.KindUmbrella, []string{"U-001", "U-002", "U-003"}); err != nil {
			t.Fatal(err)
		}
		if err := h.svc.Lending.AddItems(ctx, h.admin, ledger.KindStroller, []string{"C-01", "C-02"}); err != nil {
			t.Fatal(err)
		}
	}
	a := test.NewTempApp(t)
	ApplyTheme(a)
	h.win = a.NewWindow("服务台")
	h.win.Resize(fyne.NewSize(1280, 800))
	h.ui = New(a, h.win, h.svc, Config{Now: clock.Now, ExportDir: filepath.Join(dir, "exports")})
	if err := h.ui.Start(); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) addStaff(user, name string, role ledger.Role) ledger.Staff {
	h.t.Helper()
	st, err := h.svc.Staff.AddStaff(context.Background(), h.admin, ledger.NewStaff{Username: user, Name: name, Role: role, Password: pw})
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

// login types credentials into the login screen and presses Enter.
func (h *harness) login(user, password string) {
	h.t.Helper()
	l := h.ui.login
	if l == nil || h.win.Content() != l.root {
		h.t.Fatal("login screen not shown")
	}
	l.username.SetText("")
	test.Type(l.username, user)
	test.Type(l.password, password)
	l.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// mustShell logs in and fails unless the counter opened.
func (h *harness) mustShell(user string) *shell {
	h.t.Helper()
	h.login(user, pw)
	if h.ui.shell == nil || h.win.Content() != h.ui.shell.root {
		h.t.Fatalf("counter not shown after login as %s: %q", user, h.ui.login.message.Text)
	}
	return h.ui.shell
}

// lending returns the open lending screen of kind.
func (h *harness) lending(kind ledger.ItemKind) *lendingScreen {
	h.t.Helper()
	h.ui.shell.open(string(kind))
	s, ok := h.ui.shell.screens[string(kind)].(*lendingScreen)
	if !ok {
		h.t.Fatalf("no lending screen for %s", kind)
	}
	return s
}

// journalKinds lists the kinds of all journal entries.
func (h *harness) journalKinds() []string {
	entries, err := h.svc.Journal.Entries(context.Background(), 0, 100000)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Kind)
	}
	return out
}

// verify fails unless the journal chain verifies.
func (h *harness) verify() {
	h.t.Helper()
	res, err := h.svc.Journal.Verify(context.Background())
	if err != nil || !res.OK {
		h.t.Fatalf("journal verify: %+v, %v", res, err)
	}
}
