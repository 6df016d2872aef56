package sqlstore

import (
	"context"
	"database/sql"
)

// queryer is a *sql.DB, a transaction or a connection, wrapped or not.
type queryer interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// sqlDB is the connection pool with every query rebound for the dialect:
// the services write `?` on both engines.
type sqlDB struct {
	*sql.DB
	d Dialect
}

// QueryContext runs a query after rebinding its placeholders.
func (h sqlDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return h.DB.QueryContext(ctx, h.d.Rebind(q), args...)
}

// QueryRowContext runs a one-row query after rebinding its placeholders.
func (h sqlDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return h.DB.QueryRowContext(ctx, h.d.Rebind(q), args...)
}

// ExecContext runs a statement after rebinding its placeholders.
func (h sqlDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return h.DB.ExecContext(ctx, h.d.Rebind(q), args...)
}

// Exec is ExecContext with the background context (tests, maintenance).
func (h sqlDB) Exec(q string, args ...any) (sql.Result, error) {
	return h.ExecContext(context.Background(), q, args...)
}

// QueryRow is QueryRowContext with the background context.
func (h sqlDB) QueryRow(q string, args ...any) *sql.Row {
	return h.QueryRowContext(context.Background(), q, args...)
}

// Query is QueryContext with the background context.
func (h sqlDB) Query(q string, args ...any) (*sql.Rows, error) {
	return h.QueryContext(context.Background(), q, args...)
}

// sqlTx is a transaction with every query rebound for the dialect.
type sqlTx struct {
	*sql.Tx
	d Dialect
}

// QueryContext runs a query after rebinding its placeholders.
func (h sqlTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return h.Tx.QueryContext(ctx, h.d.Rebind(q), args...)
}

// QueryRowContext runs a one-row query after rebinding its placeholders.
func (h sqlTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return h.Tx.QueryRowContext(ctx, h.d.Rebind(q), args...)
}

// ExecContext runs a statement after rebinding its placeholders.
func (h sqlTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return h.Tx.ExecContext(ctx, h.d.Rebind(q), args...)
}
