package app

import (
	"strings"

	"servicedesk/receipts"
)

// openCardsToken opens the record behind a point-card or invoice slip's QR
// token (SD1.P.… / SD1.I.…) on its screen; it reports whether the code was
// such a token. A forged or altered one is refused as 无效凭证.
func (u *UI) openCardsToken(code string) bool {
	c := strings.ToUpper(strings.TrimSpace(code))
	switch {
	case strings.HasPrefix(c, receipts.TokenPrefix+"."+receipts.KindPointCard+".") && u.svc.Members != nil:
		m, err := u.svc.Members.MemberByToken(u.ctx, c)
		if err != nil {
			u.showError(err)
			return true
		}
		u.shell.open("points")
		if s, ok := u.shell.screens["points"].(*memberScreen); ok {
			s.open(m)
		}
		return true
	case strings.HasPrefix(c, receipts.TokenPrefix+"."+receipts.KindInvoice+".") && u.svc.Invoices != nil:
		inv, err := u.svc.Invoices.InvoiceByToken(u.ctx, c)
		if err != nil {
			u.showError(err)
			return true
		}
		u.shell.open("invoice")
		if s, ok := u.shell.screens["invoice"].(*invoiceScreen); ok {
			s.open(inv)
		}
		return true
	}
	return false
}
