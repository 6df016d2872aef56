package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"servicedesk/ledger"
)

// tx is a write transaction that appends to the journal. It holds the
// journal head, read (and on PostgreSQL locked) when it began.
type tx struct {
	sqlTx
	ctx      context.Context
	db       *DB
	now      time.Time
	headSeq  int64
	headHash string
}

// Bounded retry of write transactions that failed on a Retry-class error
// (SQLite busy past its timeout, a PostgreSQL deadlock or serialization
// failure): the whole transaction runs again from the start.
const (
	maxTxAttempts = 5
	txRetryBase   = 20 * time.Millisecond
)

// inTx runs fn in one write transaction; an error rolls back all. The
// transaction first takes the journal head (FOR UPDATE on PostgreSQL), so
// writers from every desk queue one behind the other and see each other's
// committed rows: the journal stays one gapless chain. A Retry-class error
// reruns fn up to maxTxAttempts times; fn must only assign, never
// accumulate, what it returns through its closure.
func (d *DB) inTx(ctx context.Context, fn func(*tx) error) error {
	if d.readOnly {
		return ledger.Errorf(ledger.EFORBIDDEN, "数据库以只读方式打开，不能修改")
	}
	for attempt := 1; ; attempt++ {
		err := d.tryTx(ctx, fn)
		if err == nil || d.dialect.Classify(err) != ErrRetry {
			return storageError(err)
		}
		if attempt >= maxTxAttempts || ctx.Err() != nil {
			return errors.Join(ledger.Errorf(ledger.ECONFLICT, "数据库繁忙，请稍后再试"), err)
		}
		d.log.Warn("write transaction retried", "attempt", attempt, "engine", d.dialect.Name())
		wait := txRetryBase<<(attempt-1) + time.Duration(rand.Int64N(int64(txRetryBase)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// tryTx is one attempt of inTx.
func (d *DB) tryTx(ctx context.Context, fn func(*tx) error) error {
	stx, err := d.dialect.BeginWrite(ctx, d.db.DB)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{sqlTx: sqlTx{Tx: stx, d: d.dialect}, ctx: ctx, db: d, now: d.Now()}
	if err := t.lockHead(); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := fn(t); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lockHead reads the one-row journal head, locking it on PostgreSQL.
func (t *tx) lockHead() error {
	err := t.QueryRowContext(t.ctx, "SELECT last_seq, last_hash FROM journal_head WHERE id = 1"+t.d.ForUpdate()).Scan(&t.headSeq, &t.headHash)
	if err != nil {
		return internal("lock journal head", err)
	}
	return nil
}
