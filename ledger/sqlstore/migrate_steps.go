package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// runMigration runs one migration's SQL in stx, with the Go steps a few
// migrations need around it in the same transaction. The file runs as one
// argument-free Exec (pgx then uses the simple protocol, which takes
// several statements).
func (d *DB) runMigration(ctx context.Context, stx *sql.Tx, m migration) error {
	erased := 0
	if strings.HasSuffix(m.name, "_trust.sql") {
		// The full mobile numbers the migration erases are counted first,
		// so the erasure is journaled with the count (never the numbers).
		if err := stx.QueryRowContext(ctx, "SELECT count(*) FROM loans WHERE phone <> ''").Scan(&erased); err != nil {
			return fmt.Errorf("count stored phone numbers: %w", err)
		}
	}
	if _, err := stx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("apply migration %s: %w", m.name, err)
	}
	if erased > 0 {
		t := &tx{sqlTx: sqlTx{Tx: stx, d: d.dialect}, ctx: ctx, db: d, now: d.Now()}
		if err := t.lockHead(); err != nil {
			return err
		}
		if _, err := t.append(0, "privacy.erase", map[string]any{"what": "loans.phone", "rows": erased,
			"why": "full mobile numbers were stored and never used; only the mask stays", "migration": m.version}, 0); err != nil {
			return fmt.Errorf("journal migration %s: %w", m.name, err)
		}
		d.log.Info("erased stored mobile numbers", "rows", erased)
	}
	return nil
}
