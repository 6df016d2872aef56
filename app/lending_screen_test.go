package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
)

// lendThroughScreen lends item via the screen: type, Enter, confirm.
func (h *harness) lendThroughScreen(s *lendingScreen, item, phone string) ledger.Loan {
	h.t.Helper()
	test.Type(s.item, item)
	if phone != "" {
		test.Type(s.phone, phone)
	}
	s.item.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.confirm == nil {
		h.t.Fatalf("no confirmation (error: %q)", h.ui.LastError())
	}
	s.confirm.Confirm()
	s.confirm = nil
	loans, _, err := h.svc.Lending.OpenLoans(context.Background(), s.kind, 0, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, l := range loans {
		if l.ItemNumber == item {
			return l
		}
	}
	h.t.Fatalf("%s not lent (error: %q)", item, h.ui.LastError())
	return ledger.Loan{}
}

func TestUmbrellaLendAndReturnThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	if !strings.Contains(s.reminder.Text, "￥50.00押金") {
		t.Fatalf("reminder = %q", s.reminder.Text)
	}
	// The common case: pick an item on hand, lend, confirm.
	if len(s.picker.Options) != 3 {
		t.Fatalf("picker options = %v", s.picker.Options)
	}
	s.picker.SetSelected("U-002")
	test.Type(s.phone, "13812341234")
	test.Tap(s.lend)
	if s.confirm == nil {
		t.Fatalf("no confirmation: %q", h.ui.LastError())
	}
	s.confirm.Confirm()
	loans, _, _ := h.svc.Lending.OpenLoans(h.ui.ctx, ledger.KindUmbrella, 0, 10)
	if len(loans) != 1 || loans[0].ItemNumber != "U-002" || loans[0].Deposit != ledger.Yuan(50) || loans[0].PhoneMasked != "138****1234" {
		t.Fatalf("loans = %+v", loans)
	}
	l := loans[0]
	// The receipt preview shows the deposit card with its QR code.
	if s.preview == nil || s.preview.doc.QR != l.Token || s.preview.qr == nil {
		t.Fatalf("preview = %+v", s.preview)
	}
	text := s.preview.text.Text
	for _, want := range []string{"测试广场", "北门服务台", "U-002", "50.00", "李柜员", "138****1234"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "13812341234") {
		t.Fatal("receipt shows the whole phone number")
	}
	// Live counts everywhere.
	if sh.glance.deposits.Text != "￥50.00" || !strings.Contains(sh.nav[0].button.Text, "1 借出") {
		t.Fatalf("glance=%q nav=%q", sh.glance.deposits.Text, sh.nav[0].button.Text)
	}
	if len(s.loans) != 1 || !strings.Contains(s.loanLine(s.loans[0]), "138****1234") {
		t.Fatalf("open list = %v", s.loans)
	}

	// Return: scan the receipt's QR token into the scan box from anywhere.
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF2})
	test.Type(sh.scan, l.Token)
	sh.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if sh.Current() != "umbrella" || s.loan == nil || s.loan.ID != l.ID {
		t.Fatalf("scan did not open the loan: current=%s err=%q", sh.Current(), h.ui.LastError())
	}
	if s.fine.Disabled() {
		t.Fatal("return button disabled for an open loan")
	}
	test.Tap(s.fine)
	s.confirm.Confirm()
	got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID)
	if got.Status != ledger.LoanReturned || got.Refund != ledger.Yuan(50) {
		t.Fatalf("after return: %+v", got)
	}
	if sh.glance.deposits.Text != "￥0.00" {
		t.Fatalf("deposits held = %q", sh.glance.deposits.Text)
	}
	// A second return of the same loan is refused with a clear message.
	test.Type(s.code, l.ReceiptNo)
	test.Tap(s.find)
	if !s.fine.Disabled() || !strings.Contains(s.loanInfo.Text, "不能再次归还") {
		t.Fatalf("closed loan offered for return again: %q", s.loanInfo.Text)
	}
	_, err := h.svc.Lending.Return(h.ui.ctx, h.ui.Staff(), ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
	if ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "不能重复归还") {
		t.Fatalf("double return: %v", err)
	}
	h.verify()
}

func TestUmbrellaDamagedReturn(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	l := h.lendThroughScreen(s, "U-001", "")
	s.open.Select(0)
	if s.loan == nil || s.loan.ID != l.ID {
		t.Fatal("selecting the open loan did not load it")
	}
	// 2 損坏 lists the price list; cancelling changes nothing.
	test.Tap(s.damaged)
	if s.damagePick == nil || len(s.damagePick.buttons) != len(h.ui.settings.DamagePrices) || !strings.HasPrefix(s.damagePick.buttons[0].Text, "1  伞骨折断") {
		t.Fatalf("damage choices = %+v", s.damagePick)
	}
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID); got.Status != ledger.LoanOpen || s.confirm != nil {
		t.Fatalf("cancelled damage changed the loan: %+v", got)
	}
	test.Tap(s.damaged)
	s.damagePick.buttons[0].TypedRune('1') // 伞骨折断 ￥20.00
	if s.confirm == nil {
		t.Fatal("no confirmation for the damage charge")
	}
	if h.ui.lastMoney == nil || h.ui.lastMoney.Text != "应退 ￥30.00" {
		t.Fatalf("money shown = %+v", h.ui.lastMoney)
	}
	s.confirm.Confirm()
	got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID)
	if got.Status != ledger.LoanDamaged || got.Charge != ledger.Yuan(20) || got.Refund != ledger.Yuan(30) {
		t.Fatalf("damaged return: %+v", got)
	}
	if s.preview == nil || !strings.Contains(s.preview.text.Text, "20.00") {
		t.Fatal("return slip not shown")
	}
	st, _ := h.svc.Lending.Stock(h.ui.ctx, ledger.KindUmbrella)
	if st.Damaged != 1 {
		t.Fatalf("stock = %+v", st)
	}
}

func TestUmbrellaLostNeedsAnotherSupervisor(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("wang") // a supervisor serving the counter
	s := h.lending(ledger.KindUmbrella)
	l := h.lendThroughScreen(s, "U-003", "")
	s.showLoan(&l)
	test.Tap(s.lost)
	d := h.ui.lastApproval
	if d == nil {
		t.Fatal("no approval dialog")
	}
	for _, want := range []string{"没收押金", "U-003", l.ReceiptNo, "￥50.00"} {
		if !strings.Contains(d.what.Text, want) {
			t.Fatalf("approval shows %q, lacks %q", d.what.Text, want)
		}
	}
	// The acting supervisor cannot approve their own forfeit.
	test.Type(d.username, "wang")
	test.Type(d.password, pw)
	test.Type(d.reason, "顾客告知遗失")
	test.Tap(d.approve)
	if !strings.Contains(d.message.Text, "不能审批自己的操作") {
		t.Fatalf("self approval message = %q", d.message.Text)
	}
	if got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID); got.Status != ledger.LoanOpen {
		t.Fatal("self-approved forfeit went through")
	}
	d.username.SetText("")
	test.Type(d.username, "zhao")
	test.Type(d.password, pw)
	test.Tap(d.approve)
	got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID)
	if got.Status != ledger.LoanLost || got.Forfeit != ledger.Yuan(50) || got.ApproverID == 0 || got.ApproverID == h.sup.ID {
		t.Fatalf("lost: %+v (err %q)", got, d.message.Text)
	}
	entries, _ := h.svc.Journal.Entries(h.ui.ctx, 0, 1000)
	last := entries[len(entries)-1]
	if last.Kind != "umbrella.return" || !strings.Contains(string(last.Data), "顾客告知遗失") || !strings.Contains(string(last.Data), "赵主管") {
		t.Fatalf("journal entry %s %s lacks the approval", last.Kind, last.Data)
	}
	h.verify()
}

func TestForgedTokenRefused(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	l := h.lendThroughScreen(s, "U-001", "")
	before := len(h.journalKinds())
	flip := byte('A')
	if l.Token[len(l.Token)-1] == 'A' {
		flip = 'B'
	}
	forged := l.Token[:len(l.Token)-1] + string(flip)
	for _, code := range []string{forged, strings.Replace(l.Token, ".U.", ".S.", 1), "SD1.U.999.AAAAAAAAAAAAAAAA", "hello"} {
		test.Type(sh.scan, code)
		sh.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if h.ui.LastError() != "无效凭证" {
			t.Fatalf("scan %q: message %q", code, h.ui.LastError())
		}
	}
	if len(h.journalKinds()) != before {
		t.Fatal("a refused token changed the journal")
	}
	if got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID); got.Status != ledger.LoanOpen {
		t.Fatal("a refused token changed the loan")
	}
}

func TestStrollerLendAndReturn(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindStroller)
	if !strings.Contains(s.reminder.Text, "仅限在广场内使用") {
		t.Fatalf("stroller reminder = %q", s.reminder.Text)
	}
	l := h.lendThroughScreen(s, "C-01", "13900001111")
	if l.Deposit != 0 || l.PhoneMasked != "139****1111" {
		t.Fatalf("stroller loan = %+v", l)
	}
	if s.preview == nil || !strings.Contains(s.preview.text.Text, "仅限在广场内使用") {
		t.Fatal("stroller receipt lacks the in-mall rule")
	}
	test.Type(s.code, l.ReceiptNo)
	s.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Tap(s.fine)
	s.confirm.Confirm()
	got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID)
	if got.Status != ledger.LoanReturned || got.Status.Label() != "已还" {
		t.Fatalf("stroller return: %+v", got)
	}
}

func TestLendBadInputChangesNothing(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	before := len(h.journalKinds())
	test.Tap(s.lend)
	if h.ui.LastError() != "请先选择或输入爱心雨伞编号" {
		t.Fatalf("empty item: %q", h.ui.LastError())
	}
	test.Type(s.item, "U-001")
	test.Type(s.phone, "12345")
	test.Tap(s.lend)
	if h.ui.LastError() != "手机号码无效" {
		t.Fatalf("bad phone: %q", h.ui.LastError())
	}
	s.phone.SetText("")
	s.item.SetText("U-999")
	test.Tap(s.lend)
	s.confirm.Confirm()
	if h.ui.LastError() == "" || len(h.journalKinds()) != before {
		t.Fatalf("unknown item: %q, journal grew", h.ui.LastError())
	}
}

func TestVoidThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	l := h.lendThroughScreen(s, "U-002", "")
	s.showLoan(&l)
	test.Tap(s.void)
	d := h.ui.lastApproval
	if d == nil || !strings.Contains(d.what.Text, "冲正") || !strings.Contains(d.what.Text, "￥50.00") {
		t.Fatal("void approval does not show what is approved")
	}
	test.Type(d.username, "wang")
	test.Type(d.password, pw)
	test.Type(d.reason, "伞号登记错误")
	test.Tap(d.approve)
	got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID)
	if got.Status != ledger.LoanVoided || got.Refund != ledger.Yuan(50) {
		t.Fatalf("void: %+v (%q)", got, d.message.Text)
	}
	if s.preview == nil || !strings.Contains(s.preview.text.Text, "冲正单") {
		t.Fatal("void slip not shown")
	}
	if h.ui.shell.glance.deposits.Text != "￥0.00" {
		t.Fatalf("deposits held = %q", h.ui.shell.glance.deposits.Text)
	}
}

func TestStockManagementThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	s.tabs.SelectIndex(1)
	test.Type(s.addItems, "U-010，u-011 U-012")
	test.Tap(s.add)
	if s.confirm == nil {
		t.Fatalf("no preview: %q", h.ui.LastError())
	}
	s.confirm.Confirm()
	st, _ := h.svc.Lending.Stock(h.ui.ctx, ledger.KindUmbrella)
	if st.OnHand != 6 || s.stockInfo.Text != "已入库 3 件" {
		t.Fatalf("after adding: %+v %q", st, s.stockInfo.Text)
	}
	// A duplicate number is refused and nothing is added.
	test.Type(s.addItems, "U-010")
	test.Tap(s.add)
	s.confirm.Confirm()
	if h.ui.LastError() == "" {
		t.Fatal("duplicate item accepted")
	}
	pick := func(number string) {
		for i, it := range s.items {
			if it.Number == number {
				s.itemPick.SetSelectedIndex(i)
				return
			}
		}
		t.Fatalf("%s not listed", number)
	}
	pick("U-011")
	test.Tap(s.markBad)
	if st, _ := h.svc.Lending.Stock(h.ui.ctx, ledger.KindUmbrella); st.Damaged != 1 || st.OnHand != 5 {
		t.Fatalf("after marking damaged: %+v", st)
	}
	if strings.Contains(strings.Join(s.picker.Options, ","), "U-011") {
		t.Fatal("a damaged umbrella is offered for lending")
	}
	// Writing off needs a supervisor's approval.
	pick("U-011")
	test.Tap(s.retire)
	d := h.ui.lastApproval
	if d == nil || !strings.Contains(d.what.Text, "U-011") {
		t.Fatal("retiring did not ask for approval")
	}
	test.Type(d.username, "wang")
	test.Type(d.password, pw)
	test.Type(d.reason, "伞骨断裂无法修复")
	test.Tap(d.approve)
	if st, _ := h.svc.Lending.Stock(h.ui.ctx, ledger.KindUmbrella); st.Retired != 1 || st.Damaged != 0 {
		t.Fatalf("after retiring: %+v (%q)", st, d.message.Text)
	}
	h.verify()
}
