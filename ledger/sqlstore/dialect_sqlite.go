package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"

	"github.com/mattn/go-sqlite3"
)

// sqliteDialect is the embedded default: one desk, one file.
type sqliteDialect struct{}

// sqliteDSN is the mattn/go-sqlite3 address of the file at path: WAL,
// foreign keys, BEGIN IMMEDIATE for every transaction (so a writer takes the
// lock up front and never fails half-way on SQLITE_BUSY), a busy timeout and
// synchronous=FULL (a committed loan survives a power cut) and
// secure_delete.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "FULL")
	// Erased personal data is overwritten, not left in free pages.
	q.Set("_secure_delete", "on")
	return fileDSN(path, q)
}

// fileDSN is the go-sqlite3 URI of the file at path with the options q.
func fileDSN(path string, q url.Values) string {
	return "file:" + url.PathEscape(path) + "?" + q.Encode()
}

func (sqliteDialect) Name() string               { return "sqlite" }
func (sqliteDialect) Rebind(query string) string { return query }
func (sqliteDialect) ForUpdate() string          { return "" }
func (sqliteDialect) Migrations() fs.FS          { return mustSub("migrations/sqlite") }

// ILike: SQLite's LIKE is already case-insensitive for ASCII.
func (sqliteDialect) ILike(column string) string { return column + ` LIKE ? ESCAPE '\'` }

func (sqliteDialect) BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	return db.BeginTx(ctx, nil) // BEGIN IMMEDIATE through _txlock in the DSN
}

// LockMigrations is a no-op: every migration step runs under BEGIN
// IMMEDIATE and re-reads the version first.
func (sqliteDialect) LockMigrations(context.Context, *sql.Conn) (func(), error) {
	return func() {}, nil
}

func (sqliteDialect) Classify(err error) ErrClass {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return ErrOther
	}
	switch se.ExtendedCode {
	case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintRowID:
		return ErrConflict
	case sqlite3.ErrConstraintForeignKey:
		return ErrForeignKey
	case sqlite3.ErrConstraintTrigger:
		return ErrImmutable
	}
	switch se.Code {
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		return ErrRetry
	}
	return ErrOther
}

func (sqliteDialect) schemaVersion(ctx context.Context, q queryer) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func (sqliteDialect) setSchemaVersion(ctx context.Context, tx *sql.Tx, version int, _, _ string) error {
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		return fmt.Errorf("set schema version %d: %w", version, err)
	}
	return nil
}

func (sqliteDialect) prepareMigrations(context.Context, *sql.Conn) error { return nil }
