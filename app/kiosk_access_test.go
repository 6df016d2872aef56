package app

import (
	"reflect"
	"testing"

	"servicedesk/ledger"
)

// kioskSurface is everything a kiosk may call, with why it is safe for a
// customer at an unattended screen. The kiosk is deny by default: a new
// method on any of KioskServices' interfaces fails
// TestKioskSurfaceDenyByDefault until it is listed here, and no method
// reachable from the kiosk may take a ledger.Staff (the kiosk never acts
// as a staff member).
var kioskSurface = map[string]string{
	"Settings.Settings":     "names, hours and the price list shown on screen",
	"Loans.PublicLoan":      "a loan by its signed receipt QR; public view without phone or staff",
	"Hours.BroadcastConfig": "today's opening hours",
	"Ratings.Rate":          "the only write: a 1–5 rating journaled by the system, one per customer",
	"Exit.Login":            "a staff password to leave kiosk mode (lockout applies)",
	"Found.FoundCategories": "category names",
	"Found.PublicFound":     "held found items' public fields",
	"Points.PublicCard":     "a swiped point card: balance and dated entries; card masked, no name, phone, receipt or note; writes nothing",
}

func TestKioskSurfaceDenyByDefault(t *testing.T) {
	typ := reflect.TypeFor[KioskServices]()
	staff := reflect.TypeFor[ledger.Staff]()
	seen := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		fld := typ.Field(i)
		if fld.Type.Kind() != reflect.Interface {
			t.Errorf("KioskServices.%s is a %s: the kiosk reaches services only through narrow interfaces", fld.Name, fld.Type)
			continue
		}
		for j := 0; j < fld.Type.NumMethod(); j++ {
			m := fld.Type.Method(j)
			key := fld.Name + "." + m.Name
			seen[key] = true
			if _, ok := kioskSurface[key]; !ok {
				t.Errorf("%s is reachable from the kiosk but not allowed: list it in kioskSurface with the reason, or take it off the kiosk", key)
			}
			for a := 0; a < m.Type.NumIn(); a++ {
				if m.Type.In(a) == staff {
					t.Errorf("%s takes a ledger.Staff: the kiosk must never act as a staff member", key)
				}
			}
		}
	}
	for key := range kioskSurface {
		if !seen[key] {
			t.Errorf("kioskSurface lists %s, which the kiosk cannot reach", key)
		}
	}
	if len(seen) < 5 {
		t.Fatalf("only %d kiosk methods found", len(seen))
	}
}
