package sqlstore

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"servicedesk/ledger"
)

// storageError turns a full disk into the ledger's disk-full error and an
// unreachable database server into its offline error (either way the
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
	var pe *pgconn.PgError
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull || ledger.IsNoSpace(err) || errors.As(err, &pe) && pe.Code == pgDiskFull {
		return ledger.DiskFull(err)
	}
	if (postgresDialect{}).Classify(err) == ErrUnavailable {
		return ledger.Offline(err)
	}
	return err
}
