package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// Approvals are records made from a supervisor's credentials, single-use,
// bound to one action, record, amount and actor, short-lived, and checked
// against the approver's account as it is when used. Each case fails on
// the old code, where an Approval value naming a supervisor was enough.
func TestApprovalsCannotBeForgedOrReused(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	a := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	b := f.mustLend(t, ledger.KindUmbrella, "U-002", "")
	void := func(l ledger.Loan, actor ledger.Staff, ap *ledger.Approval) error {
		_, err := f.lend.Void(ctx, actor, l.ID, ap)
		return err
	}
	refused := func(what string, err error, msg string) {
		t.Helper()
		if ledger.ErrorCode(err) != ledger.EFORBIDDEN || !strings.Contains(ledger.ErrorMessage(err), msg) {
			t.Fatalf("%s: %v, want EFORBIDDEN with %q", what, err, msg)
		}
	}
	granted := f.grant(t, ledger.VoidApproval(f.clerk.ID, a), "wang", "编号登记错误")
	if granted.ID == 0 || len(granted.Token) < 32 || granted.ApproverID != f.sup.ID || !granted.ExpiresAt.Equal(f.clock.Now().Add(5*time.Minute)) {
		t.Fatalf("granted = %+v", granted)
	}
	before := f.counts(t)

	// Forged: built without a password, naming a real (even locked) supervisor.
	refused("value naming wang", void(a, f.clerk, &ledger.Approval{ApproverID: f.sup.ID, ApproverName: "王主管", Reason: "同意"}), "须主管审批")
	refused("real id, no token", void(a, f.clerk, &ledger.Approval{ID: granted.ID, ApproverID: f.sup.ID}), "审批无效")
	refused("real id, guessed token", void(a, f.clerk, &ledger.Approval{ID: granted.ID, Token: strings.Repeat("0", 32)}), "审批无效")
	refused("unknown id", void(a, f.clerk, &ledger.Approval{ID: 999, Token: granted.Token}), "审批无效")
	// Bound: another record, another action, another actor.
	refused("other record", void(b, f.clerk, granted), "审批与本次操作不符")
	_, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: a.ID, Outcome: ledger.ReturnLost, Approval: granted})
	refused("other action", err, "审批与本次操作不符")
	refused("other actor", void(a, f.admin, granted), "审批与本次操作不符")
	if after := f.counts(t); after != before {
		t.Fatalf("refused uses changed state: %v -> %v", before, after)
	}
	// Used once; the second use is refused.
	if err := void(a, f.clerk, granted); err != nil {
		t.Fatal(err)
	}
	c := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	reuse := *granted
	refused("reused", void(c, f.clerk, &reuse), "已使用过")
	var usedSeq int64
	f.db.db.QueryRow("SELECT used_seq FROM approvals WHERE id = ?", granted.ID).Scan(&usedSeq)
	if e := f.entry(t, usedSeq); e.Kind != "umbrella.void" {
		t.Fatalf("approval used by entry %d %s", usedSeq, e.Kind)
	}

	// Expired after 5 minutes.
	late := f.grant(t, ledger.VoidApproval(f.clerk.ID, b), "wang", "编号登记错误")
	f.clock.Add(5 * time.Minute)
	refused("expired", void(b, f.clerk, late), "审批已过期")

	// The approver's account as it is at the action: disabled, locked, or
	// with an admin-issued temporary password since the approval.
	for _, tc := range []struct {
		name  string
		spoil func()
		heal  func()
		msg   string
	}{
		{"approver disabled", func() { f.staff.SetDisabled(ctx, f.admin, f.sup.ID, true) }, func() { f.staff.SetDisabled(ctx, f.admin, f.sup.ID, false) }, "已停用"},
		{"approver locked", func() {
			for range 5 {
				f.staff.Login(ctx, "wang", "wrongpass1")
			}
		}, func() { f.clock.Add(6 * time.Minute) }, "已锁定"},
		{"approver on a temporary password", func() { f.staff.ResetPassword(ctx, f.admin, f.sup.ID, testPassword) }, func() {
			f.staff.ChangePassword(ctx, f.sup.ID, testPassword, "counter2027")
			f.staff.ChangePassword(ctx, f.sup.ID, "counter2027", testPassword)
		}, "临时密码"},
	} {
		ap := f.grant(t, ledger.VoidApproval(f.clerk.ID, b), "wang", "编号登记错误")
		tc.spoil()
		refused(tc.name+" (at use)", void(b, f.clerk, ap), tc.msg)
		tc.heal()
	}
	// …and at the time of approving: a locked supervisor and one whose
	// password an admin has just reset cannot approve at all.
	for range 5 {
		f.staff.Login(ctx, "wang", "wrongpass1")
	}
	if _, err := f.staff.Approve(ctx, ledger.VoidApproval(f.clerk.ID, b), "wang", testPassword, "编号登记错误"); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("locked supervisor approves: %v", err)
	}
	f.clock.Add(6 * time.Minute)
	if err := f.staff.ResetPassword(ctx, f.admin, f.sup.ID, "temp12345"); err != nil {
		t.Fatal(err)
	}
	_, err = f.staff.Approve(ctx, ledger.VoidApproval(f.clerk.ID, b), "wang", "temp12345", "编号登记错误")
	refused("temporary password approves", err, "临时密码")

	// The refusals and grants are all in the journal; the chain verifies.
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("journal: %+v %v", res, err)
	}
}

// entry returns the journal entry seq.
func (f *fixture) entry(t testing.TB, seq int64) ledger.Entry {
	t.Helper()
	es, err := f.journal.Entries(context.Background(), seq-1, 1)
	if err != nil || len(es) != 1 {
		t.Fatalf("entry %d: %v", seq, err)
	}
	return es[0]
}

// Two-approver actions (lost-and-found disposal) use the same records: two
// distinct supervisors, neither the actor, each approval single-use.
func TestTwoApprovers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhao, err := f.staff.AddStaff(ctx, f.admin, ledger.NewStaff{Username: "zhao", Name: "赵主管", Role: ledger.RoleSupervisor, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	req := ledger.ApprovalRequest{Action: ledger.ActionDisposal, Record: "found:7", ActorID: f.clerk.ID, Detail: "失物 7：黑色雨伞"}
	if req.Action.Approvers() != 2 {
		t.Fatal("disposal needs two approvers")
	}
	dispose := func(as ...*ledger.Approval) error {
		return f.db.inTx(ctx, func(t *tx) error {
			used, err := t.useApprovals(req, as...)
			if err != nil {
				return err
			}
			e, err := t.append(f.clerk.ID, "test.dispose", map[string]any{"approvals": used}, 0)
			if err != nil {
				return err
			}
			return t.spendApprovals(e.Seq, used...)
		})
	}
	w1 := f.grant(t, req, "wang", "超过保管期限")
	w2 := f.grant(t, req, "wang", "超过保管期限")
	if _, err := f.staff.Approve(ctx, ledger.ApprovalRequest{Action: ledger.ActionDisposal, Record: "found:7", ActorID: zhao.ID}, "zhao", testPassword, "自己处置"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("actor approves own disposal: %v", err)
	}
	for name, as := range map[string][]*ledger.Approval{
		"none":           nil,
		"one":            {w1},
		"same approver":  {w1, w2},
		"forged partner": {w1, {ApproverID: zhao.ID, Reason: "同意"}},
	} {
		if err := dispose(as...); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
			t.Fatalf("%s: %v", name, err)
		}
	}
	z := f.grant(t, req, "zhao", "超过保管期限")
	if err := dispose(w1, z); err != nil {
		t.Fatal(err)
	}
	if err := dispose(w2, z); ledger.ErrorCode(err) != ledger.EFORBIDDEN || !strings.Contains(ledger.ErrorMessage(err), "已使用过") {
		t.Fatalf("second disposal with a used approval: %v", err)
	}
}

// The caller's Staff value is an identity, never an authority: roles and
// account state are re-read in every transaction. Fails on the old code
// (a clerk's value edited to Role=admin created an admin; a disabled
// account's open session kept lending).
func TestActorIsReadFromTheDatabase(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	promoted := f.clerk
	promoted.Role = ledger.RoleAdmin
	before := f.counts(t)
	if _, err := f.staff.AddStaff(ctx, promoted, ledger.NewStaff{Username: "mole", Name: "内鬼", Role: ledger.RoleAdmin, Password: testPassword}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk edited to admin adds an admin: %v", err)
	}
	if err := f.staff.ResetPassword(ctx, promoted, f.sup.ID, "temp12345"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk edited to admin resets a password: %v", err)
	}
	if err := f.staff.SetDisabled(ctx, promoted, f.admin.ID, true); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk edited to admin disables the admin: %v", err)
	}
	set, _ := f.settings.Settings(ctx)
	set.UmbrellaDeposit = 0
	if err := f.settings.UpdateSettings(ctx, promoted, set); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk edited to admin changes settings: %v", err)
	}
	ghost := ledger.Staff{ID: 999, Username: "ghost", Role: ledger.RoleAdmin}
	if err := f.lend.AddItems(ctx, ghost, ledger.KindUmbrella, []string{"U-999"}); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("unknown actor adds items: %v", err)
	}
	if after := f.counts(t); after != before {
		t.Fatalf("refused actors changed state: %v -> %v", before, after)
	}
	if list, _ := f.staff.ListStaff(ctx); len(list) != 3 {
		t.Fatalf("staff = %d", len(list))
	}

	// li is disabled while signed in: the next action of the open session
	// stops, whatever li's copy of the account says.
	l := f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	if err := f.staff.SetDisabled(ctx, f.admin, f.clerk.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); ledger.ErrorCode(err) != ledger.EFORBIDDEN ||
		!strings.Contains(ledger.ErrorMessage(err), "已停用") {
		t.Fatalf("disabled session returns: %v", err)
	}
	if _, err := f.queue.Reprint(ctx, f.clerk, l.ReceiptNo); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("disabled session reprints: %v", err)
	}
	f.staff.SetDisabled(ctx, f.admin, f.clerk.ID, false)
	// Locked after failed logins (someone tried li's password at the
	// unlock screen): the session's actions stop until the lock ends.
	for range 5 {
		f.staff.Login(ctx, "li", "wrongpass1")
	}
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); ledger.ErrorCode(err) != ledger.ELOCKED {
		t.Fatalf("locked session returns: %v", err)
	}
	f.clock.Add(6 * time.Minute)
	// A supervisor demoted to clerk in the database approves nothing.
	if _, err := f.db.db.Exec("UPDATE staff SET role = 'clerk' WHERE id = ?", f.sup.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.staff.Approve(ctx, ledger.ForfeitApproval(f.clerk.ID, l), "wang", testPassword, "顾客遗失"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("demoted supervisor approves: %v", err)
	}
	if _, err := f.lend.Return(ctx, f.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatalf("after the lock ended: %v", err)
	}
}
