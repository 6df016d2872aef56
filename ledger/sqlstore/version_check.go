package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"servicedesk/ledger"
)

// refuseNewer reads the schema version of an existing file at path through a
// read-only connection (no journal_mode, no synchronous: nothing that writes)
// and refuses a database written by a newer program before the read-write
// open's pragmas touch it. A missing or empty file is a new database.
func refuseNewer(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && st.Size() == 0 {
		return nil
	} else if err != nil {
		return fmt.Errorf("stat database: %w", err)
	}
	d, err := openReadOnly(ctx, path, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if ledger.ErrorCode(err) == ledger.ECONFLICT {
		return err
	} else if err != nil {
		return nil // not readable as a service-desk database: the read-write open reports it
	}
	return d.Close()
}
