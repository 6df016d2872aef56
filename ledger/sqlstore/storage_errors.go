package sqlstore

import (
	"errors"

	"github.com/mattn/go-sqlite3"

	"servicedesk/ledger"
)

// storageError turns a full disk into the ledger's disk-full error (the
// transaction has rolled back: nothing was saved); anything else is
// returned as it is.
func storageError(err error) error {
	if err == nil {
		return nil
	}
	var le *ledger.Error
	if errors.As(err, &le) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull || ledger.IsNoSpace(err) {
		return ledger.DiskFull(err)
	}
	return err
}
