package sqlstore

import (
	"strings"

	"servicedesk/ledger"
)

// keepMedicinePerson keeps a dispense's optional contact and health note
// in the personal-data store and returns the record id and masks.
// TODO(medlost): wire to the personal-data store when it lands on main.
func (t *tx) keepMedicinePerson(actorID int64, req ledger.DispenseRequest) (id, mobileMasked string, health bool, err error) {
	if strings.TrimSpace(req.Mobile) == "" && strings.TrimSpace(req.HealthNote) == "" {
		return "", "", false, nil
	}
	return "", "", false, ledger.Errorf(ledger.EINVALID, "个人信息存储尚未开放，请不要填写联系电话和健康状况")
}

// keepFinder keeps a finder's optional name and mobile in the
// personal-data store (purpose finder).
// TODO(medlost): wire to the personal-data store when it lands on main.
func (t *tx) keepFinder(actorID int64, req ledger.RegisterFoundRequest) (id, masked string, err error) {
	if strings.TrimSpace(req.FinderName) == "" && strings.TrimSpace(req.FinderMobile) == "" {
		return "", "", nil
	}
	return "", "", ledger.Errorf(ledger.EINVALID, "个人信息存储尚未开放，请不要填写联系电话和健康状况")
}

// keepReportContact keeps a lost report's contact.
// TODO(medlost): wire to the personal-data store when it lands on main.
func (t *tx) keepReportContact(actorID int64, req ledger.LostReportRequest) (id, name, phone string, err error) {
	if strings.TrimSpace(req.Name) == "" && strings.TrimSpace(req.Mobile) == "" {
		return "", "", "", nil
	}
	return "", "", "", ledger.Errorf(ledger.EINVALID, "个人信息存储尚未开放，请不要填写联系电话和健康状况")
}

// keepClaimant keeps the claimant's identity.
// TODO(medlost): wire to the personal-data store when it lands on main.
func (t *tx) keepClaimant(actorID int64, req ledger.ClaimRequest) (id, name, phone, idMasked string, err error) {
	return "", "", "", "", ledger.Errorf(ledger.EINVALID, "个人信息存储尚未开放，请不要填写联系电话和健康状况")
}
