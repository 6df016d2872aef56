// Package sqlstore implements the ledger services once, on database/sql,
// for two engines: a SQLite file through mattn/go-sqlite3 (the embedded
// default: WAL, foreign keys, BEGIN IMMEDIATE writes, a busy timeout) and a
// shared PostgreSQL database through jackc/pgx (several desks, one ledger).
// What differs between them sits behind Dialect; the migrations are
// versioned together (migrations/sqlite, migrations/postgres).
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"servicedesk/ledger"
)

// Options configure a DB. Zero values mean: real clock, crypto/rand, no log.
type Options struct {
	Now    func() time.Time
	Rand   io.Reader
	Logger *slog.Logger
	// BackupDir receives the copy of a SQLite file taken before a migration;
	// "" means beside the database file. (A PostgreSQL database is backed up
	// with pg_dump by its administrator.)
	BackupDir string
	// ReadOnly opens an existing database for reading only: no migration,
	// no backup, no write (verify, report, export; old databases). It works
	// on a full disk. A database newer than the program is still refused.
	ReadOnly bool
	// KeysPath is the personal-data keys file (kept in the data folder,
	// never in the database); "" means this process handles no personal
	// data in full (verify, reports).
	KeysPath string
	// Desk is the code of the desk this program runs as ("1F"); "" means
	// the database's only desk (a single desk, or before setup).
	Desk string
	// DataDir is where files that belong beside the database go when it is
	// not a file (PostgreSQL): the default report folder. "" means the
	// working directory.
	DataDir string
}

// DB is an open service-desk database on either engine.
type DB struct {
	db      sqlDB
	dialect Dialect
	addr    string // the address as given (may hold a password: never log it)
	path    string // the SQLite file, "" on PostgreSQL
	dataDir string
	now     func() time.Time
	rand    io.Reader
	log     *slog.Logger
	// backupDir is where pre-migration backups go ("" = beside the file).
	backupDir string
	// readOnly is set for Options.ReadOnly opens; schema is the database's
	// schema version then (it may be older than the program's).
	readOnly bool
	schema   int
	// keys are the personal-data store's keys and their state.
	keys *keyring
	// desk is the desk this handle runs as (desk.go).
	desk deskState
}

// Open opens and migrates the database at addr. A `postgres://` or
// `postgresql://` URL is a shared PostgreSQL database (the password from
// the URL, PGPASSWORD or a .pgpass file); anything else is the path of a
// SQLite file, created if needed. A database written by a newer program is
// refused and left byte-identical (a SQLite file's version is read through a
// read-only connection before any pragma that writes, such as
// journal_mode=WAL); before migrating an existing SQLite file a backup copy
// is written beside it (or into Options.BackupDir).
func Open(ctx context.Context, addr string, opt Options) (*DB, error) {
	opt = opt.withDefaults()
	if opt.ReadOnly {
		return openReadOnly(ctx, addr, opt)
	}
	if !IsPostgresAddr(addr) {
		if err := refuseNewer(ctx, addr); err != nil {
			return nil, err
		}
	}
	d, err := connect(addr, opt)
	if err != nil {
		return nil, err
	}
	if err := d.migrate(ctx); err != nil {
		d.db.Close()
		return nil, d.openError(err)
	}
	d.schema = SchemaVersion()
	d.loadKeys(ctx)
	d.log.Info("database open", "engine", d.dialect.Name(), "addr", d.Addr())
	return d, nil
}

// openError says in Chinese why the database could not be opened when the
// server is unreachable or the disk is full; the cause stays in the chain.
func (d *DB) openError(err error) error {
	if d.dialect.Classify(err) == ErrUnavailable {
		return errors.Join(ledger.Errorf(ledger.EOFFLINE, "无法连接数据库服务器 %s，请检查网络或联系管理员", d.Addr()), err)
	}
	return storageError(err)
}

// withDefaults fills in the zero values: real clock, crypto/rand, no log.
func (opt Options) withDefaults() Options {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return opt
}

// connect opens the connection pool for addr without touching the schema
// (opt has its defaults).
func connect(addr string, opt Options) (*DB, error) {
	want, err := wantDesk(opt.Desk)
	if err != nil {
		return nil, err
	}
	d := &DB{addr: addr, now: opt.Now, rand: opt.Rand, log: opt.Logger, backupDir: opt.BackupDir, dataDir: opt.DataDir,
		keys: &keyring{path: opt.KeysPath}, desk: deskState{want: want}}
	var sdb *sql.DB
	if IsPostgresAddr(addr) {
		d.dialect = postgresDialect{}
		sdb, err = openPostgres(addr, opt.ReadOnly)
	} else {
		d.dialect, d.path = sqliteDialect{}, addr
		sdb, err = sql.Open("sqlite3", sqliteDSN(addr))
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	d.db = sqlDB{DB: sdb, d: d.dialect}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Path returns the SQLite file's path ("" on PostgreSQL).
func (d *DB) Path() string { return d.path }

// ReadOnly reports whether the database was opened read-only.
func (d *DB) ReadOnly() bool { return d.readOnly }

// Schema returns the database's schema version (older than SchemaVersion
// only for a read-only open of an old database).
func (d *DB) Schema() int { return d.schema }

// Addr returns the database address fit for the log and the screen: the
// file path, or the PostgreSQL URL without its password.
func (d *DB) Addr() string { return RedactAddr(d.addr) }

// SQL exposes the underlying handle for tests and maintenance commands.
// Its queries are not rebound: use the engine's own placeholders.
func (d *DB) SQL() *sql.DB { return d.db.DB }

// Now returns the injected current time in UTC.
func (d *DB) Now() time.Time { return d.now().UTC() }

// errNoRows reports whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// formatTime stores a time as RFC 3339 UTC with nanoseconds. Times are text
// on both engines, so a journal entry hashes the same bytes it stores.
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

// internal wraps an unexpected error with context; the GUI shows a generic
// message, except for an unreachable database server (the offline message).
func internal(what string, err error) error {
	err = fmt.Errorf("%s: %w", what, err)
	if (postgresDialect{}).Classify(err) == ErrUnavailable {
		return ledger.Offline(err)
	}
	return err
}
