package sqlstore

import (
	"strings"

	"servicedesk/ledger"
)

// Personal data of the medicine and lost-and-found ledgers goes to the
// personal-data store in the action's own transaction (collectPerson);
// their rows and journal entries keep the record id and masks only.

// keep collects vals for purpose unless they are all empty, and returns
// the record ("" id when nothing was given).
func (t *tx) keep(actorID int64, purpose ledger.Purpose, vals map[ledger.DataKind]string) (ledger.PersonRecord, error) {
	given := false
	for _, v := range vals {
		given = given || strings.TrimSpace(v) != ""
	}
	if !given {
		return ledger.PersonRecord{}, nil
	}
	return t.collectPerson(actorID, ledger.CollectRequest{Purpose: purpose, Values: vals})
}

// joinMasks joins masked values with a space, skipping empty ones.
func joinMasks(ms ...string) string {
	var out []string
	for _, m := range ms {
		if m != "" {
			out = append(out, m)
		}
	}
	return strings.Join(out, " ")
}

// keepMedicinePerson keeps a dispense's optional mobile and health note
// (purpose medicine; the health note is sensitive and never shown whole).
func (t *tx) keepMedicinePerson(actorID int64, req ledger.DispenseRequest) (id, mobileMasked string, health bool, err error) {
	r, err := t.keep(actorID, ledger.PurposeMedicine, map[ledger.DataKind]string{
		ledger.DataMobile: req.Mobile, ledger.DataHealth: req.HealthNote})
	if err != nil {
		return "", "", false, err
	}
	return r.ID, r.Masked(ledger.DataMobile), r.Masked(ledger.DataHealth) != "", nil
}

// keepFinder keeps a finder's optional name and mobile (purpose finder).
func (t *tx) keepFinder(actorID int64, req ledger.RegisterFoundRequest) (id, masked string, err error) {
	r, err := t.keep(actorID, ledger.PurposeFinder, map[ledger.DataKind]string{
		ledger.DataName: req.FinderName, ledger.DataMobile: req.FinderMobile})
	if err != nil {
		return "", "", err
	}
	return r.ID, joinMasks(r.Masked(ledger.DataName), r.Masked(ledger.DataMobile)), nil
}

// keepReportContact keeps a lost report's contact: the customer's name and
// mobile (purpose claimant), or for a missing person the person's name and
// the family's mobile (purpose missing).
func (t *tx) keepReportContact(actorID int64, req ledger.LostReportRequest) (id, name, phone string, err error) {
	purpose := ledger.PurposeClaimant
	if req.Kind == ledger.LostPerson {
		purpose = ledger.PurposeMissing
	}
	r, err := t.keep(actorID, purpose, map[ledger.DataKind]string{ledger.DataName: req.Name, ledger.DataMobile: req.Mobile})
	if err != nil {
		return "", "", "", err
	}
	return r.ID, r.Masked(ledger.DataName), r.Masked(ledger.DataMobile), nil
}

// keepClaimant keeps the claimant's name, mobile and ID number (purpose
// claimant; the ID number only as mask and keyed hash).
func (t *tx) keepClaimant(actorID int64, req ledger.ClaimRequest) (id, name, phone, idMasked string, err error) {
	r, err := t.collectPerson(actorID, ledger.CollectRequest{Purpose: ledger.PurposeClaimant, Values: map[ledger.DataKind]string{
		ledger.DataName: req.Name, ledger.DataMobile: req.Mobile, ledger.DataResidentID: req.ResidentID}})
	if err != nil {
		return "", "", "", "", err
	}
	return r.ID, r.Masked(ledger.DataName), r.Masked(ledger.DataMobile), r.Masked(ledger.DataResidentID), nil
}
