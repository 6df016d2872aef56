package sqlstore

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// The role matrix (issue 19): every method of every service interface is
// listed below, either with the roles allowed to act through it or as
// taking no acting staff member (with the reason). The test walks the
// interfaces by reflection, so a new method that is not in the tables
// fails it: a new action cannot be forgotten. Each method taking an actor
// is then called as every role, as a disabled, a locked and a
// password-reset admin, as nobody (ID 0: a kiosk or any caller without an
// account), as an account that does not exist and as a clerk claiming to
// be admin; all other arguments are zero values. A refused principal must
// get the actor refusal and change nothing (journal head unchanged); an
// allowed one must never get it.

var (
	everyone    = []ledger.Role{ledger.RoleClerk, ledger.RoleSupervisor, ledger.RoleAdmin}
	supervising = []ledger.Role{ledger.RoleSupervisor, ledger.RoleAdmin}
	adminOnly   = []ledger.Role{ledger.RoleAdmin}
)

// actorPolicy is who may call each method that takes an acting Staff.
var actorPolicy = map[string][]ledger.Role{
	"StaffService.AddStaff":                  adminOnly,
	"DeskService.AddDesk":                    adminOnly,
	"StaffService.ResetPassword":             adminOnly,
	"StaffService.SetDisabled":               adminOnly,
	"StaffService.UnlockAccount":             adminOnly,
	"SettingsService.UpdateSettings":         supervising,
	"BroadcastService.UpdateBroadcastConfig": supervising,
	"BroadcastService.Enqueue":               everyone,
	"BroadcastService.Finish":                everyone,
	"DayCloseService.CloseDay":               everyone, // the supervisor's approval is checked separately
	"LendingService.AddItems":                everyone,
	"LendingService.TransferItems":           everyone, // any clerk sends stock home (journaled item.transfer)
	"LendingService.SetItemStatus":           everyone, // retiring needs an approval
	"LendingService.Lend":                    everyone,
	"LendingService.Return":                  everyone,
	"LendingService.Void":                    everyone, // with a supervisor's approval
	"PrintQueue.Reprint":                     everyone,
	"LostFoundService.Register":              everyone,
	"LostFoundService.ReprintLabel":          everyone,
	"LostFoundService.Report":                everyone,
	"LostFoundService.CloseReport":           everyone,
	"LostFoundService.Claim":                 everyone,
	"LostFoundService.Dispose":               everyone, // with two supervisors' approvals
	"LostFoundService.DraftFromReport":       everyone,
	"LostFoundService.DraftFromItem":         everyone,
	"LostFoundService.QueueDraft":            everyone,
	"MedicineService.AddMedicine":            everyone,
	"MedicineService.SetReorderLevel":        everyone,
	"MedicineService.Restock":                everyone,
	"MedicineService.Dispense":               everyone,
	"MedicineService.PrintSlip":              everyone,
	"MedicineService.Count":                  everyone,
	"MedicineService.WriteOff":               everyone, // with a supervisor's approval
	"PersonalService.Collect":                everyone,
	"PersonalService.Close":                  everyone,
	"PersonalService.Find":                   supervising,
	"PersonalService.Reveal":                 supervising,
	"PersonalService.Export":                 supervising,
	"PersonalService.Erase":                  supervising,
	"PersonalService.Purge":                  supervising,
	"FeedbackService.LogFeedback":            everyone,
	"FeedbackService.AnswerFeedback":         supervising,
	"HandoverService.HandoverCheck":          everyone,
	"HandoverService.Handover":               everyone, // the incoming clerk's password is checked too
	"MemberService.Signup":                   everyone,
	"MemberService.Find":                     everyone, // by mobile journaled without the number
	"MemberService.ReportLoss":               everyone,
	"MemberService.Reissue":                  everyone,
	"MemberService.Backfill":                 everyone,
	"MemberService.Adjust":                   everyone, // with a supervisor's approval
	"MemberService.ExpirePoints":             supervising,
	"MemberService.AddShop":                  supervising,
	"InvoiceService.Issue":                   everyone,
	"InvoiceService.Void":                    everyone, // with a supervisor's approval
	"InvoiceService.Reverse":                 everyone,
}

// noActor lists the methods without an acting Staff and why that is right.
var noActor = map[string]string{
	"StaffService.NeedsSetup":     "read: whether the install has accounts",
	"StaffService.Setup":          "first start only: refused once an account exists",
	"StaffService.Login":          "authenticates itself (password, lockout)",
	"StaffService.Unlock":         "re-checks the password of the staff member on duty",
	"StaffService.ChangePassword": "checks the old password",
	"StaffService.ListStaff":      "read (no password hashes)",
	"StaffService.Approve":        "authenticates the approver by password",
	"SettingsService.Settings":    "read",
	"SettingsService.TokenKey":    "the program's own QR key, never shown",
	"JournalService.Entries":      "read",
	"JournalService.Verify":       "read",

	"BroadcastService.BroadcastConfig":    "read",
	"BroadcastService.QueueScheduled":     "the PA station's schedule (system, staff 0)",
	"BroadcastService.RecordScheduled":    "the PA station's schedule (system, staff 0)",
	"BroadcastService.Start":              "the PA station playing a queued item",
	"BroadcastService.Requeue":            "the PA station putting back an interrupted item",
	"BroadcastService.RecoverInterrupted": "the PA station at start",
	"BroadcastService.Queue":              "read",
	"BroadcastService.Scheduled":          "read",
	"BroadcastService.Recent":             "read",

	"DayCloseService.CloseCheck": "read",
	"DayCloseService.Close":      "read",
	"DayCloseService.Days":       "read",
	"DayCloseService.DayByDate":  "read",
	"DayCloseService.Shift":      "read",

	"LendingService.Items":         "read",
	"LendingService.Stock":         "read",
	"LendingService.Loan":          "read",
	"LendingService.LoanByReceipt": "read",
	"LendingService.OpenLoans":     "read",
	"LendingService.RecentLoans":   "read",
	"LendingService.DepositsHeld":  "read",

	"PrintQueue.Pending":      "read",
	"PrintQueue.PendingCount": "read",
	"PrintQueue.Begin":        "the print worker",
	"PrintQueue.MarkPrinted":  "the print worker",
	"PrintQueue.MarkFailed":   "the print worker",
	"PrintQueue.Recover":      "the print worker at start",
	"PrintQueue.Attempts":     "read",
	"PrintQueue.Job":          "read",
	"PrintQueue.Original":     "read",

	"LostFoundService.Item":        "read (masked)",
	"LostFoundService.ItemByToken": "read (signed label token)",
	"LostFoundService.ItemByNo":    "read (masked)",
	"LostFoundService.Photo":       "read",
	"LostFoundService.Search":      "read (masked)",
	"LostFoundService.LostReport":  "read (masked)",
	"LostFoundService.OpenReports": "read (masked)",
	"LostFoundService.Matches":     "read",
	"LostFoundService.Due":         "read",
	"LostFoundService.Drafts":      "read",
	"LostFoundService.Summary":     "read",

	"MedicineService.Medicines":         "read",
	"MedicineService.Medicine":          "read",
	"MedicineService.Batches":           "read",
	"MedicineService.PlanDispense":      "read: the plan, nothing written",
	"MedicineService.Dispensed":         "read (masked)",
	"MedicineService.DispenseByToken":   "read (signed slip token)",
	"MedicineService.DispenseByReceipt": "read (masked)",
	"MedicineService.RecentDispenses":   "read (masked)",
	"MedicineService.Moves":             "read",
	"MedicineService.Alerts":            "read",

	"FeedbackService.FeedbackByID":    "read (masked)",
	"FeedbackService.Feedbacks":       "read (masked)",
	"FeedbackService.FeedbackSummary": "read: counts",
	"FeedbackService.Supervisors":     "read: names to forward to",
	"RatingService.Rate":              "the kiosk's only write: journaled by the system, one per source",
	"HandoverService.Handovers":       "read",
	"DeskService.Desks":               "read: codes and names",
	"DeskService.Current":             "read: this program's desk",

	"PersonalService.KeyStatus":      "read: whether the keys file is there",
	"PersonalService.Record":         "read (masked)",
	"PersonalService.Records":        "read (masked)",
	"PersonalService.PurgeDue":       "read: counts what is due",
	"PersonalService.PurgeScheduled": "the program's own retention purge (system, staff 0)",

	"MemberService.Member":                "read (masked)",
	"MemberService.MemberByToken":         "read (signed slip token)",
	"MemberService.PointEntries":          "read",
	"MemberService.Shops":                 "read",
	"MemberService.ExpirePointsScheduled": "the program's own points expiry (system, staff 0)",
	"InvoiceService.Invoice":              "read",
	"InvoiceService.InvoiceByNo":          "read",
	"InvoiceService.InvoiceByToken":       "read (signed slip token)",
	"InvoiceService.Register":             "read",
}

// serviceImpls pairs each service interface with its implementation.
func serviceImpls(db *DB) map[string]struct {
	iface reflect.Type
	impl  any
} {
	type pair = struct {
		iface reflect.Type
		impl  any
	}
	return map[string]pair{
		"StaffService":     {reflect.TypeFor[ledger.StaffService](), NewStaffService(db)},
		"SettingsService":  {reflect.TypeFor[ledger.SettingsService](), NewSettingsService(db)},
		"JournalService":   {reflect.TypeFor[ledger.JournalService](), NewJournalService(db)},
		"BroadcastService": {reflect.TypeFor[ledger.BroadcastService](), NewBroadcastService(db)},
		"DayCloseService":  {reflect.TypeFor[ledger.DayCloseService](), NewDayCloseService(db)},
		"LendingService":   {reflect.TypeFor[ledger.LendingService](), NewLendingService(db)},
		"PrintQueue":       {reflect.TypeFor[ledger.PrintQueue](), NewPrintQueue(db)},
		"LostFoundService": {reflect.TypeFor[ledger.LostFoundService](), NewLostFoundService(db)},
		"MedicineService":  {reflect.TypeFor[ledger.MedicineService](), NewMedicineService(db)},
		"PersonalService":  {reflect.TypeFor[ledger.PersonalService](), NewPersonalService(db)},
		"FeedbackService":  {reflect.TypeFor[ledger.FeedbackService](), NewFeedbackService(db)},
		"RatingService":    {reflect.TypeFor[ledger.RatingService](), NewFeedbackService(db)},
		"HandoverService":  {reflect.TypeFor[ledger.HandoverService](), NewHandoverService(db)},
		"MemberService":    {reflect.TypeFor[ledger.MemberService](), NewMemberService(db)},
		"InvoiceService":   {reflect.TypeFor[ledger.InvoiceService](), NewInvoiceService(db)},
		"DeskService":      {reflect.TypeFor[ledger.DeskService](), NewDeskService(db)},
	}
}

// ledgerServiceInterfaces parses the ledger package's source and lists
// every interface type whose methods all take a context.Context first:
// the services. A new service the matrix does not cover fails the test.
func ledgerServiceInterfaces(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("../*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("ledger sources: %v", err)
	}
	var names []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok || len(it.Methods.List) == 0 {
				return false
			}
			for _, m := range it.Methods.List {
				ft, ok := m.Type.(*ast.FuncType)
				if !ok || len(ft.Params.List) == 0 {
					return false
				}
				sel, ok := ft.Params.List[0].Type.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Context" {
					return false
				}
			}
			names = append(names, ts.Name.Name)
			return false
		})
	}
	sort.Strings(names)
	return names
}

// actorRefusals are the messages of the actor check (actor.go).
var actorRefusals = []string{"请先登录", "当前账户无效", "该账户已停用", "账户已锁定", "密码已被管理员重置", "无权执行此操作"}

func isActorRefusal(err error) bool {
	if err == nil {
		return false
	}
	msg := ledger.ErrorMessage(err)
	for _, r := range actorRefusals {
		if strings.Contains(msg, r) {
			return true
		}
	}
	return false
}

// sampleArgs gives valid arguments (all but ctx and the actor) to methods
// that validate their input before looking at the actor, so that the
// actor check itself is what refuses; the others get zero values.
func sampleArgs(t *testing.T, f *fixture) map[string][]any {
	ctx := context.Background()
	set, err := f.settings.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lend := NewLendingService(f.db)
	if err := lend.AddItems(ctx, f.admin, ledger.KindUmbrella, []string{"U-001", "U-002"}); err != nil {
		t.Fatal(err)
	}
	loan, err := lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]any{
		"SettingsService.UpdateSettings": {set},
		"StaffService.AddStaff":          {ledger.NewStaff{Username: "newbie", Name: "新人", Role: ledger.RoleAdmin, Password: testPassword}},
		"StaffService.ResetPassword":     {f.clerk.ID, "Temp2026pass"},
		"LendingService.AddItems":        {ledger.KindUmbrella, []string{"U-900"}},
		"LendingService.Lend":            {ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"}},
		"LendingService.Return":          {ledger.ReturnRequest{LoanID: loan.ID, Outcome: ledger.ReturnFine}},
		"PrintQueue.Reprint":             {loan.ReceiptNo},
		"PersonalService.Find":           {"13800138000"},
		"PersonalService.Collect": {ledger.CollectRequest{Purpose: ledger.PurposeFinder,
			Values: map[ledger.DataKind]string{ledger.DataName: "张三", ledger.DataMobile: "13800138000"}}},
	}
}

type principal struct {
	name  string
	staff ledger.Staff
	roles []ledger.Role // the roles it may act as; nil: none
}

func TestRoleMatrix(t *testing.T) {
	ctx := context.Background()
	f := newFixtureWith(t, testAddr(t, "matrix.db"), func(o *Options) { o.KeysPath = filepath.Join(t.TempDir(), "matrix.keys") })
	if err := f.db.EnsurePersonalKeys(ctx); err != nil {
		t.Fatal(err)
	}
	mk := func(user string, role ledger.Role) ledger.Staff {
		s, err := f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: user, Name: "测试" + user, Role: role, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	disabled, locked, reset := mk("dis", ledger.RoleAdmin), mk("lock", ledger.RoleAdmin), mk("reset", ledger.RoleAdmin)
	if err := f.staff.SetDisabled(ctx, f.admin, disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	set, _ := f.settings.Settings(ctx)
	for i := 0; i < set.MaxFailedLogins; i++ {
		_, _ = f.staff.Login(ctx, "lock", "wrong-password")
	}
	if _, err := f.staff.Login(ctx, "lock", testPassword); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("account not locked: %v", err)
	}
	if err := f.staff.ResetPassword(ctx, f.admin, reset.ID, "Temp2026pass"); err != nil {
		t.Fatal(err)
	}
	escalated := f.clerk
	escalated.Role = ledger.RoleAdmin
	principals := []principal{
		{"admin", f.admin, []ledger.Role{ledger.RoleAdmin}},
		{"supervisor", f.sup, []ledger.Role{ledger.RoleSupervisor}},
		{"clerk", f.clerk, []ledger.Role{ledger.RoleClerk}},
		{"clerk claiming admin", escalated, []ledger.Role{ledger.RoleClerk}},
		{"disabled admin", disabled, nil},
		{"locked admin", locked, nil},
		{"password-reset admin", reset, nil},
		{"nobody (kiosk, no account)", ledger.Staff{}, nil},
		{"unknown account", ledger.Staff{ID: 9999, Username: "ghost", Role: ledger.RoleAdmin}, nil},
	}

	samples := sampleArgs(t, f)
	impls := serviceImpls(f.db)
	declared := ledgerServiceInterfaces(t)
	for _, name := range declared {
		if _, ok := impls[name]; !ok {
			t.Errorf("ledger.%s is a service the role matrix does not call: add it to serviceImpls and classify its methods", name)
		}
	}
	if len(declared) < 10 || len(impls) != len(declared) {
		t.Fatalf("the ledger declares %d services %v, the matrix covers %d", len(declared), declared, len(impls))
	}
	staffType := reflect.TypeFor[ledger.Staff]()
	ctxType := reflect.TypeFor[context.Context]()
	seen := map[string]bool{}
	var names []string
	for svc := range impls {
		names = append(names, svc)
	}
	sort.Strings(names)
	calls, refused := 0, 0
	inputFirst := map[string]bool{}
	for _, svc := range names {
		p := impls[svc]
		impl := reflect.ValueOf(p.impl)
		for i := 0; i < p.iface.NumMethod(); i++ {
			m := p.iface.Method(i)
			key := svc + "." + m.Name
			seen[key] = true
			actorArg := -1
			for a := 0; a < m.Type.NumIn(); a++ {
				if m.Type.In(a) == staffType {
					actorArg = a
				}
			}
			allowed, listed := actorPolicy[key]
			_, readOnly := noActor[key]
			switch {
			case actorArg < 0 && listed:
				t.Errorf("%s takes no Staff but is in actorPolicy", key)
				continue
			case actorArg < 0 && !readOnly:
				t.Errorf("%s: new method without an acting Staff: add it to noActor with the reason, or give it an actor", key)
				continue
			case actorArg < 0:
				continue
			case !listed:
				t.Errorf("%s: new action: add it to actorPolicy with the roles allowed", key)
				continue
			}
			fn := impl.MethodByName(m.Name)
			if !fn.IsValid() {
				t.Fatalf("%s: implementation lacks the method", key)
			}
			// Refused principals first, on the state as it is; then the
			// allowed ones (whose zero-argument calls may write).
			ordered := slices.Clone(principals)
			sort.SliceStable(ordered, func(a, b int) bool {
				return !allowedAny(ordered[a].roles, allowed) && allowedAny(ordered[b].roles, allowed)
			})
			sample, hasSample := samples[key]
			refusedErrs := map[string]error{}
			for _, pr := range ordered {
				args := make([]reflect.Value, m.Type.NumIn())
				next := 0
				for a := range args {
					switch {
					case m.Type.In(a) == ctxType:
						args[a] = reflect.ValueOf(ctx)
					case a == actorArg:
						args[a] = reflect.ValueOf(pr.staff)
					case hasSample:
						args[a] = reflect.ValueOf(sample[next]).Convert(m.Type.In(a))
						next++
					default:
						args[a] = reflect.Zero(m.Type.In(a))
					}
				}
				before, err := journalHead(ctx, f.db.db)
				if err != nil {
					t.Fatal(err)
				}
				err = callCatching(fn, args)
				calls++
				after, _ := journalHead(ctx, f.db.db)
				if allowedAny(pr.roles, allowed) {
					if isActorRefusal(err) {
						t.Errorf("%s as %s: refused (%v), the policy allows %v", key, pr.name, err, allowed)
					}
					// A refusal before the actor check must be the
					// input's fault: the allowed caller gets it too.
					for who, rerr := range refusedErrs {
						if err == nil || ledger.ErrorMessage(err) != ledger.ErrorMessage(rerr) {
							t.Errorf("%s: %s was refused with %v, but %s got %v with the same input", key, who, rerr, pr.name, err)
						}
					}
					refusedErrs = map[string]error{}
					continue
				}
				refused++
				switch {
				case isActorRefusal(err):
				case hasSample:
					t.Errorf("%s as %s with valid input: want the actor refusal, got %v", key, pr.name, err)
				case err == nil:
					t.Errorf("%s as %s: succeeded", key, pr.name)
				default:
					// Zero-value input refused before the actor was looked
					// at: checked against the allowed caller below.
					refusedErrs[pr.name] = err
					inputFirst[key] = true
				}
				if after != before {
					t.Errorf("%s as %s: refused but the journal went from %d to %d", key, pr.name, before, after)
				}
			}
		}
	}
	for key := range actorPolicy {
		if !seen[key] {
			t.Errorf("actorPolicy lists %s, which no service interface has", key)
		}
	}
	for key := range noActor {
		if !seen[key] {
			t.Errorf("noActor lists %s, which no service interface has", key)
		}
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("journal after the matrix: %+v %v", res, err)
	}
	t.Logf("role matrix: %d methods with an actor, %d without; %d calls, %d refused as they must be (%d with valid input; %d methods refuse zero input before the actor check, the same for every caller)",
		len(actorPolicy), len(noActor), calls, refused, len(samples), len(inputFirst))
}

// allowedAny reports whether any of roles is in allowed.
func allowedAny(roles, allowed []ledger.Role) bool {
	for _, r := range roles {
		if slices.Contains(allowed, r) {
			return true
		}
	}
	return false
}

// callCatching calls fn and returns its error result; a panic is an error
// (and fails the caller's expectations: no panic may reach the user).
func callCatching(fn reflect.Value, args []reflect.Value) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("PANIC: %v", r)
		}
	}()
	out := fn.Call(args)
	if len(out) == 0 {
		return nil
	}
	if e, ok := out[len(out)-1].Interface().(error); ok {
		return e
	}
	return nil
}
