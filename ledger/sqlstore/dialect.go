package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"
)

// Dialect is what differs between the engines. The services are written
// once, with `?` placeholders and portable SQL; the few places where SQLite
// and PostgreSQL disagree ask the dialect.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Rebind rewrites `?` placeholders for the engine ($1, $2 … on
	// PostgreSQL), leaving `?` inside literals, identifiers and comments alone.
	Rebind(query string) string
	// BeginWrite starts a transaction that will write. SQLite takes the
	// write lock up front (BEGIN IMMEDIATE through the DSN); PostgreSQL runs
	// READ COMMITTED and serialises writers on the journal head row.
	BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error)
	// ForUpdate is the clause that locks the selected rows until commit:
	// "" on SQLite (one writer at a time already), " FOR UPDATE" on PostgreSQL.
	ForUpdate() string
	// LockMigrations serialises migrating processes on conn and returns the
	// unlock function (a no-op on SQLite, where each step re-checks the
	// version under the write lock).
	LockMigrations(ctx context.Context, conn *sql.Conn) (func(), error)
	// Classify maps a driver error to a class by its code, never its text.
	Classify(err error) ErrClass
	// Migrations is the engine's embedded migration files, NNNN_name.sql.
	Migrations() fs.FS
	// ILike is a case-insensitive match of column against a pattern
	// parameter, with `\` as the escape character (see likePattern).
	ILike(column string) string

	// schemaVersion reads the applied schema version (0 for an empty database).
	schemaVersion(ctx context.Context, q queryer) (int, error)
	// setSchemaVersion records migration m as applied inside its transaction.
	setSchemaVersion(ctx context.Context, tx *sql.Tx, version int, name string, at string) error
	// prepareMigrations creates what schemaVersion needs (PostgreSQL's
	// version table); run under the migration lock.
	prepareMigrations(ctx context.Context, conn *sql.Conn) error
}

// ErrClass is the kind of a driver error, as far as the services care.
type ErrClass int

// Error classes returned by Dialect.Classify.
const (
	ErrOther       ErrClass = iota // anything else (or nil)
	ErrConflict                    // unique or primary-key violation
	ErrForeignKey                  // foreign-key violation
	ErrImmutable                   // refused by an append-only trigger
	ErrRetry                       // busy, locked, serialization failure or deadlock: try again
	ErrUnavailable                 // the server cannot be reached
)

// String names the class for logs and test messages.
func (c ErrClass) String() string {
	switch c {
	case ErrConflict:
		return "conflict"
	case ErrForeignKey:
		return "foreign-key"
	case ErrImmutable:
		return "immutable"
	case ErrRetry:
		return "retry"
	case ErrUnavailable:
		return "unavailable"
	}
	return "other"
}

// Classify returns the class of err on db's engine.
func (d *DB) Classify(err error) ErrClass { return d.dialect.Classify(err) }

// Engine names the database engine: "sqlite" or "postgres".
func (d *DB) Engine() string { return d.dialect.Name() }

// likePattern escapes the LIKE wildcards in s (`%`, `_` and the escape `\`
// itself) and wraps it in % for a substring match with Dialect.ILike.
func likePattern(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '%')
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%', '_', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(append(b, '%'))
}
