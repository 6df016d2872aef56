package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"servicedesk/ledger"
)

// migrationFS holds both engines' migrations: the same numbers, tables and
// columns in each directory (TestMigrationListsMatch).
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// mustSub returns a directory of migrationFS; the directories are embedded,
// so a failure is a build mistake.
func mustSub(dir string) fs.FS {
	sub, err := fs.Sub(migrationFS, dir)
	if err != nil {
		panic(fmt.Sprintf("embedded migrations %s: %v", dir, err))
	}
	return sub
}

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads NNNN_name.sql files in order; the numbers must run
// 1, 2, 3 … without a gap.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	files, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, f := range files {
		num, _, ok := strings.Cut(f.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(f.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: bad name", f.Name())
		}
		b, err := fs.ReadFile(fsys, f.Name())
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

// migrations returns the embedded migrations of the database's engine.
func (d *DB) migrations() ([]migration, error) { return loadMigrations(d.dialect.Migrations()) }

// SchemaVersion is the newest schema this program knows (the same on both
// engines).
func SchemaVersion() int {
	ms, err := loadMigrations(sqliteDialect{}.Migrations())
	if err != nil {
		return 0
	}
	return len(ms)
}

// migrate brings the schema to the newest version, one transaction per step.
func (d *DB) migrate(ctx context.Context) error {
	ms, err := d.migrations()
	if err != nil {
		return err
	}
	return d.migrateWith(ctx, ms)
}

// backupper is a dialect that can copy the database before a migration.
type backupper interface {
	backup(ctx context.Context, conn *sql.Conn, dest string) error
}

// backup copies the SQLite file (complete and consistent) to dest.
func (sqliteDialect) backup(ctx context.Context, conn *sql.Conn, dest string) error {
	_, err := conn.ExecContext(ctx, "VACUUM INTO ?", dest)
	return err
}

// migrateWith applies the steps in ms that the database does not have yet.
// The steps run on one pinned connection under the dialect's migration lock
// (a PostgreSQL advisory lock: two desks starting a new program at once
// migrate once), and each step re-reads the version inside its own
// transaction before applying itself.
func (d *DB) migrateWith(ctx context.Context, ms []migration) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	current, err := d.dialect.schemaVersion(ctx, conn)
	if err != nil {
		return err
	}
	if current == len(ms) {
		return nil // up to date: no lock, no DDL (a desk's role may not have the right)
	}
	unlock, err := d.dialect.LockMigrations(ctx, conn)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.dialect.prepareMigrations(ctx, conn); err != nil {
		return upgradeNotAllowed(err, current, len(ms))
	}
	if current, err = d.dialect.schemaVersion(ctx, conn); err != nil {
		return err
	}
	if current > len(ms) {
		return ledger.Errorf(ledger.ECONFLICT, "数据库版本（%d）比本程序（%d）新，请升级程序；数据库未作任何改动", current, len(ms))
	}
	if current == len(ms) {
		return nil
	}
	if b, ok := d.dialect.(backupper); ok && current > 0 && d.path != "" {
		backup := fmt.Sprintf("%s.v%d-%s.bak", d.path, current, d.Now().Format("20060102T150405Z"))
		if d.backupDir != "" {
			if err := os.MkdirAll(d.backupDir, 0o700); err != nil {
				return fmt.Errorf("backup dir: %w", err)
			}
			backup = filepath.Join(d.backupDir, filepath.Base(backup))
		}
		if err := b.backup(ctx, conn, backup); err != nil {
			// Another process opening the same old file this very second
			// took the same backup: one copy is enough.
			if _, serr := os.Stat(backup); serr != nil {
				return fmt.Errorf("backup before migration: %w", err)
			}
		}
		d.log.Info("database backed up before migration", "backup", backup, "from", current, "to", len(ms))
	}
	for _, m := range ms[current:] {
		if err := d.applyMigration(ctx, conn, m); err != nil {
			return upgradeNotAllowed(err, current, len(ms))
		}
	}
	return nil
}

// upgradeNotAllowed says what to do when a desk's role may not change the
// schema of a shared database that this program needs upgraded: the owner
// runs the upgrade (servicedesk migrate --to). Other errors pass unchanged.
func upgradeNotAllowed(err error, from, to int) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != pgInsufficientPrivilege {
		return err
	}
	return errors.Join(ledger.Errorf(ledger.EFORBIDDEN,
		"共享数据库需要从版本 %d 升级到 %d，本服务台的数据库角色无权升级（这是有意的：服务台角色不能改动表和触发器）。请管理员以数据库所有者身份运行 servicedesk migrate --to postgres://所有者@主机/库名 --grant 服务台角色，然后重新启动。数据库未作任何改动。",
		from, to), err)
}

// applyMigration runs one step in its own transaction unless another
// process applied it meanwhile. The file runs as one argument-free Exec
// (pgx then uses the simple protocol, which takes several statements).
func (d *DB) applyMigration(ctx context.Context, conn *sql.Conn, m migration) error {
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration %s: %w", m.name, err)
	}
	defer stx.Rollback() //nolint:errcheck // a no-op after Commit
	v, err := d.dialect.schemaVersion(ctx, stx)
	if err != nil {
		return err
	}
	if v >= m.version {
		return nil
	}
	if err := d.runMigration(ctx, stx, m); err != nil {
		return err
	}
	if err := d.dialect.setSchemaVersion(ctx, stx, m.version, m.name, formatTime(d.Now())); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit migration %s: %w", m.name, err)
	}
	d.log.Info("migrated", "version", m.version, "engine", d.dialect.Name())
	return nil
}
