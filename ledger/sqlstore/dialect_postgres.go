package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// postgresDialect is the shared ledger of a mall with several desks.
type postgresDialect struct{}

// SQLSTATE codes the store relies on.
const (
	pgUniqueViolation       = "23505"
	pgForeignKeyViolation   = "23503"
	pgSerialization         = "40001"
	pgDeadlock              = "40P01"
	pgLockNotAvailable      = "55P03"
	pgDiskFull              = "53100"
	pgInsufficientPrivilege = "42501"
	// pgImmutable is raised by the append-only triggers (migrations/postgres).
	pgImmutable = "SD001"
)

// migrationLockKey is the pg_advisory_lock key held while migrating
// ("servicedesk" folded into 63 bits; any fixed number works).
const migrationLockKey = 0x5365727669636544

// IsPostgresAddr reports whether addr names a PostgreSQL server
// (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresAddr(addr string) bool {
	return strings.HasPrefix(addr, "postgres://") || strings.HasPrefix(addr, "postgresql://")
}

// openPostgres opens a pgx connection pool through database/sql. The
// password comes from the address, PGPASSWORD or a .pgpass file (PGPASSFILE
// or ~/.pgpass): pgx reads all three. A read-only pool makes every
// transaction READ ONLY on the server.
func openPostgres(addr string, readOnly bool) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(addr)
	if err != nil {
		// pgx's message may quote the address: never pass it on.
		return nil, fmt.Errorf("parse postgres address %s: invalid", RedactAddr(addr))
	}
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	return stdlib.OpenDB(*cfg), nil
}

// RedactAddr returns a database address fit for the log: a file path as is,
// a PostgreSQL URL without its password (user, host, port, database and the
// non-secret options only).
func RedactAddr(addr string) string {
	if !IsPostgresAddr(addr) {
		return addr
	}
	u, err := url.Parse(addr)
	if err != nil {
		return "postgres://(unparseable address)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		if lk := strings.ToLower(k); lk == "password" || strings.Contains(lk, "key") || strings.Contains(lk, "secret") {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (postgresDialect) Name() string               { return "postgres" }
func (postgresDialect) Rebind(query string) string { return rebindDollar(query) }
func (postgresDialect) ForUpdate() string          { return " FOR UPDATE" }
func (postgresDialect) Migrations() fs.FS          { return mustSub("migrations/postgres") }

func (postgresDialect) ILike(column string) string { return column + ` ILIKE ? ESCAPE '\'` }

// BeginWrite uses READ COMMITTED: every statement sees what committed
// before it, and the journal head row locked FOR UPDATE at the start of the
// transaction queues the desks one after another.
func (postgresDialect) BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	return db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
}

func (postgresDialect) LockMigrations(ctx context.Context, conn *sql.Conn) (func(), error) {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLockKey)); err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", int64(migrationLockKey))
	}, nil
}

func (postgresDialect) Classify(err error) ErrClass {
	if err == nil {
		return ErrOther
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUniqueViolation:
			return ErrConflict
		case pgForeignKeyViolation:
			return ErrForeignKey
		case pgImmutable:
			return ErrImmutable
		case pgSerialization, pgDeadlock, pgLockNotAvailable:
			return ErrRetry
		}
		if strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") { // connection exception, operator intervention (shutdown)
			return ErrUnavailable
		}
		return ErrOther
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, sql.ErrConnDone) {
		return ErrUnavailable
	}
	return ErrOther
}

func (postgresDialect) prepareMigrations(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create version table: %w", err)
	}
	return nil
}

// schemaVersion is 0 on a database without the version table (empty).
func (postgresDialect) schemaVersion(ctx context.Context, q queryer) (int, error) {
	var exists bool
	if err := q.QueryRowContext(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func (postgresDialect) setSchemaVersion(ctx context.Context, tx *sql.Tx, version int, name, at string) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)", version, name, at); err != nil {
		return fmt.Errorf("set schema version %d: %w", version, err)
	}
	return nil
}
