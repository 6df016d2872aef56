package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"servicedesk/ledger"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order.
func migrations() ([]migration, error) {
	files, err := migrationFS.ReadDir("migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, f := range files {
		num, _, ok := strings.Cut(f.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: bad name", f.Name())
		}
		b, err := migrationFS.ReadFile(path.Join("migrations", f.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", f.Name(), err)
		}
		out = append(out, migration{version: v, name: f.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the newest schema this program knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// migrate brings the schema to the newest version, one transaction per step.
func (d *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return d.migrateWith(ctx, ms)
}

// migrateWith applies the steps in ms that the file does not have yet.
func (d *DB) migrateWith(ctx context.Context, ms []migration) error {
	var current int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return ledger.Errorf(ledger.ECONFLICT, "数据库版本（%d）比本程序（%d）新，请升级程序；数据库未作任何改动", current, len(ms))
	}
	if current == len(ms) {
		return nil
	}
	if current > 0 {
		backup := fmt.Sprintf("%s.v%d-%s.bak", d.path, current, d.Now().Format("20060102T150405Z"))
		if d.backupDir != "" {
			if err := os.MkdirAll(d.backupDir, 0o700); err != nil {
				return fmt.Errorf("backup dir: %w", err)
			}
			backup = filepath.Join(d.backupDir, filepath.Base(backup))
		}
		if _, err := d.db.ExecContext(ctx, "VACUUM INTO ?", backup); err != nil {
			return fmt.Errorf("backup before migration: %w", err)
		}
		d.log.Info("database backed up before migration", "backup", backup, "from", current, "to", len(ms))
	}
	for _, m := range ms[current:] {
		stx, err := d.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin migration %s: %w", m.name, err)
		}
		if _, err := stx.ExecContext(ctx, m.sql); err != nil {
			_ = stx.Rollback()
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
		if _, err := stx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			_ = stx.Rollback()
			return fmt.Errorf("set schema version %d: %w", m.version, err)
		}
		if err := stx.Commit(); err != nil {
			return fmt.Errorf("commit migration %s: %w", m.name, err)
		}
		d.log.Info("migrated", "version", m.version)
	}
	return nil
}
