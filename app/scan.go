package app

import (
	"regexp"
	"strings"

	"servicedesk/ledger"
)

// receiptNoPattern matches a typed receipt number such as 1F-20261125-0007
// (or 20261125-0007: from before desks, or this desk's without its code).
var receiptNoPattern = regexp.MustCompile(`^(?:[A-Za-z0-9]{1,6}-)?\d{8}-\d{4,}$`)

// lookupLoan finds a loan from a scanned QR token or a typed receipt number.
// Anything else, and any forged or altered token, is refused as 无效凭证.
func (u *UI) lookupLoan(code string) (ledger.Loan, error) {
	code = strings.TrimSpace(code)
	if u.svc.Lending == nil {
		return ledger.Loan{}, ledger.Errorf(ledger.ENOTFOUND, "借用服务未开启")
	}
	if receiptNoPattern.MatchString(code) {
		return u.svc.Lending.LoanByReceipt(u.ctx, code)
	}
	if strings.HasPrefix(strings.ToUpper(code), "SD") {
		return u.svc.Lending.LoanByToken(u.ctx, strings.ToUpper(code))
	}
	return ledger.Loan{}, ledger.Errorf(ledger.EINVALID, "无效凭证")
}

// handleScan opens the record behind a scan-box code from anywhere.
func (u *UI) handleScan(code string) {
	code = strings.TrimSpace(code)
	if code == "" {
		return
	}
	if u.scanMedLost(code) {
		return
	}
	if u.openCardsToken(code) {
		return
	}
	l, err := u.lookupLoan(code)
	if err != nil {
		if ledger.ErrorCode(err) == ledger.ENOTFOUND && u.scanMedLostNumber(code) {
			return
		}
		u.showError(err)
		return
	}
	u.openLoan(l)
}

// openLoan switches to the loan's service and loads it for return.
func (u *UI) openLoan(l ledger.Loan) {
	if u.shell == nil {
		return
	}
	u.shell.open(string(l.Kind))
	if s, ok := u.shell.screens[string(l.Kind)].(*lendingScreen); ok {
		s.showLoan(&l)
	}
}

// afterChange refreshes every count after a change of state and wakes the
// print worker.
func (u *UI) afterChange() {
	if u.shell == nil {
		return
	}
	if s := u.shell.screens[u.shell.current]; s != nil {
		s.refresh()
	}
	u.shell.refreshAll()
	if u.cfg.Changed != nil {
		u.cfg.Changed()
	}
}
