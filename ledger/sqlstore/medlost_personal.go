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
