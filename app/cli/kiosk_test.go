package cli

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"servicedesk/ledger/sqlstore"
)

// TestKioskServicesWired: every service of the kiosk is wired (a nil one
// would grey its tile out at the mall), and nothing else is reachable: the
// kiosk is built from KioskServices alone.
func TestKioskServicesWired(t *testing.T) {
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "k.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v := reflect.ValueOf(kioskServices(db))
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsNil() {
			t.Errorf("kiosk service %s is not wired", v.Type().Field(i).Name)
		}
	}
}
