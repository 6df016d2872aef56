package app

import (
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// tokenKind returns the record kind of a scanned token ("U", "M", "L" …),
// or "" when code does not look like a token. The signature is checked by
// the service that opens the record.
func tokenKind(code string) string {
	parts := strings.Split(strings.ToUpper(strings.TrimSpace(code)), ".")
	if len(parts) != 4 || parts[0] != receipts.TokenPrefix {
		return ""
	}
	return parts[1]
}

// scanMedLost opens a medicine slip's or a found item's record from a
// scanned token; it reports whether the code was one of theirs.
func (u *UI) scanMedLost(code string) bool {
	switch tokenKind(code) {
	case receipts.KindMedicine:
		if u.svc.Medicine == nil {
			u.showError(ledger.Errorf(ledger.ENOTFOUND, "药品服务未开启"))
			return true
		}
		d, err := u.svc.Medicine.DispenseByToken(u.ctx, code)
		if err != nil {
			u.showError(err)
			return true
		}
		u.openDispense(d)
		return true
	case receipts.KindLostFound:
		if u.svc.LostFound == nil {
			u.showError(ledger.Errorf(ledger.ENOTFOUND, "失物招领服务未开启"))
			return true
		}
		f, err := u.svc.LostFound.ItemByToken(u.ctx, code)
		if err != nil {
			u.showError(err)
			return true
		}
		u.openFoundItem(f)
		return true
	}
	return false
}

// scanMedLostNumber opens a dispense or a found item by a typed slip,
// label or handover receipt number that is no loan's; it reports whether
// one was found.
func (u *UI) scanMedLostNumber(code string) bool {
	code = strings.TrimSpace(code)
	if !receiptNoPattern.MatchString(code) {
		return false
	}
	if u.svc.Medicine != nil {
		if d, err := u.svc.Medicine.DispenseByReceipt(u.ctx, code); err == nil {
			u.openDispense(d)
			return true
		}
	}
	if u.svc.LostFound != nil {
		if f, err := u.svc.LostFound.ItemByNo(u.ctx, code); err == nil {
			u.openFoundItem(f)
			return true
		}
	}
	return false
}

// openDispense switches to the medicine screen and shows the dispense.
func (u *UI) openDispense(d ledger.Dispense) {
	if u.shell == nil {
		return
	}
	u.shell.open("medicine")
	if s, ok := u.shell.screens["medicine"].(*medicineScreen); ok {
		s.openDispense(d)
	}
}

// openFoundItem switches to the lost-and-found screen and shows the item.
func (u *UI) openFoundItem(f ledger.FoundItem) {
	if u.shell == nil {
		return
	}
	u.shell.open("lost")
	if s, ok := u.shell.screens["lost"].(*lostFoundScreen); ok {
		s.openItem(f)
	}
}

// medLostAlerts are the side panel's medicine and lost-and-found alerts.
func (u *UI) medLostAlerts() []string {
	var out []string
	if u.svc.Medicine != nil {
		if as, err := u.svc.Medicine.Alerts(u.ctx); err == nil {
			n := map[ledger.MedicineAlertKind]int{}
			for _, a := range as {
				n[a.Kind]++
			}
			if n[ledger.AlertExpired] > 0 {
				out = append(out, T("药品已过期 %d 批", n[ledger.AlertExpired]))
			}
			if n[ledger.AlertExpiring] > 0 {
				out = append(out, T("药品临期 %d 批", n[ledger.AlertExpiring]))
			}
			if n[ledger.AlertLow] > 0 {
				out = append(out, T("药品低于补货线 %d 种", n[ledger.AlertLow]))
			}
		}
	}
	if u.svc.LostFound != nil {
		if sum, err := u.svc.LostFound.Summary(u.ctx); err == nil && sum.Due > 0 {
			out = append(out, T("失物保管到期 %d 件", sum.Due))
		}
	}
	return out
}
