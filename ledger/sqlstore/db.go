// Package sqlstore implements the ledger services on a SQLite file through
// mattn/go-sqlite3: WAL, foreign keys, BEGIN IMMEDIATE writes, a busy
// timeout and embedded, versioned migrations.
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"servicedesk/ledger"
)

// Options configure a DB. Zero values mean: real clock, crypto/rand, no log.
type Options struct {
	Now    func() time.Time
	Rand   io.Reader
	Logger *slog.Logger
	// BackupDir receives the copy taken before a migration; "" means beside
	// the database file.
	BackupDir string
	// ReadOnly opens an existing database for reading only: no migration,
	// no backup, no write (verify, report, export; old databases). It works
	// on a full disk. A database newer than the program is still refused.
	ReadOnly bool
	// KeysPath is the personal-data keys file (kept in the data folder,
	// never in the database); "" means this process handles no personal
	// data in full (verify, reports).
	KeysPath string
}

// DB is an open service-desk database.
type DB struct {
	db   *sql.DB
	path string
	now  func() time.Time
	rand io.Reader
	log  *slog.Logger
	// backupDir is where pre-migration backups go ("" = beside the file).
	backupDir string
	// readOnly is set for Options.ReadOnly opens; schema is the file's
	// schema version then (it may be older than the program's).
	readOnly bool
	schema   int
	// keys are the personal-data store's keys and their state.
	keys *keyring
}

// Open opens (creating if needed) and migrates the database at path. A
// database written by a newer program is refused and left byte-identical (its
// version is read through a read-only connection before any pragma that
// writes, such as journal_mode=WAL); before migrating an existing database a
// backup copy is written beside it.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.ReadOnly {
		return openReadOnly(ctx, path, opt)
	}
	if err := refuseNewer(ctx, path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "FULL")
	// Erased personal data is overwritten, not left in free pages.
	q.Set("_secure_delete", "on")
	sdb, err := sql.Open("sqlite3", fileDSN(path, q))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	d := &DB{db: sdb, path: path, now: opt.Now, rand: opt.Rand, log: opt.Logger, backupDir: opt.BackupDir,
		keys: &keyring{path: opt.KeysPath}}
	if err := d.migrate(ctx); err != nil {
		sdb.Close()
		return nil, storageError(err)
	}
	d.schema = SchemaVersion()
	d.loadKeys(ctx)
	return d, nil
}

// fileDSN is the go-sqlite3 URI of the file at path with the options q.
func fileDSN(path string, q url.Values) string {
	return "file:" + url.PathEscape(path) + "?" + q.Encode()
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Path returns the database file's path.
func (d *DB) Path() string { return d.path }

// ReadOnly reports whether the database was opened read-only.
func (d *DB) ReadOnly() bool { return d.readOnly }

// Schema returns the file's schema version (older than SchemaVersion only
// for a read-only open of an old database).
func (d *DB) Schema() int { return d.schema }

// SQL exposes the underlying handle for tests and maintenance commands.
func (d *DB) SQL() *sql.DB { return d.db }

// Now returns the injected current time in UTC.
func (d *DB) Now() time.Time { return d.now().UTC() }

// tx is a write transaction that appends to the journal.
type tx struct {
	*sql.Tx
	ctx context.Context
	db  *DB
	now time.Time
}

// inTx runs fn in one BEGIN IMMEDIATE transaction; an error rolls back all.
func (d *DB) inTx(ctx context.Context, fn func(*tx) error) error {
	if d.readOnly {
		return ledger.Errorf(ledger.EFORBIDDEN, "数据库以只读方式打开，不能修改")
	}
	stx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return storageError(fmt.Errorf("begin: %w", err))
	}
	t := &tx{Tx: stx, ctx: ctx, db: d, now: d.Now()}
	if err := fn(t); err != nil {
		_ = stx.Rollback()
		return storageError(err)
	}
	if err := stx.Commit(); err != nil {
		return storageError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// errNoRows reports whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// formatTime stores a time as RFC 3339 UTC with nanoseconds.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// parseTime reads a time stored by formatTime ("" is the zero time).
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t, nil
}

// internal wraps an unexpected error with context; the GUI shows a generic message.
func internal(what string, err error) error {
	return fmt.Errorf("%s: %w", what, err)
}
