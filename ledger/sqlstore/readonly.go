package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"

	"servicedesk/ledger"
)

// openReadOnly opens an existing database for reading: SQLite's mode=ro
// with query_only, no migration and no backup. A WAL database opened
// read-only needs its -shm index; when that cannot be created (a full
// disk) and no -wal file holds uncheckpointed pages, the file is opened as
// immutable instead, which needs no side files at all.
func openReadOnly(ctx context.Context, path string, opt Options) (*DB, error) {
	if IsPostgresAddr(path) {
		return openReadOnlyPostgres(ctx, path, opt)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_query_only", "1")
	q.Set("_busy_timeout", "5000")
	d, err := openRO(ctx, path, q, opt)
	if err == nil {
		return d, nil
	}
	if ledger.ErrorCode(err) != ledger.EINTERNAL || walHasPages(path) {
		return nil, err
	}
	q.Set("immutable", "1")
	d, err2 := openRO(ctx, path, q, opt)
	if err2 != nil {
		return nil, err
	}
	opt.Logger.Info("database opened immutable (read-only side files unavailable)", "err", err)
	return d, nil
}

// openRO opens with the URI options q and reads the schema version.
func openRO(ctx context.Context, path string, q url.Values, opt Options) (*DB, error) {
	sdb, err := sql.Open("sqlite3", fileDSN(path, q))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	want, err := wantDesk(opt.Desk)
	if err != nil {
		sdb.Close()
		return nil, err
	}
	d := &DB{db: sqlDB{DB: sdb, d: sqliteDialect{}}, dialect: sqliteDialect{}, addr: path, path: path,
		now: opt.Now, rand: opt.Rand, log: opt.Logger, readOnly: true, desk: deskState{want: want}}
	return d.checkReadOnly(ctx)
}

// openReadOnlyPostgres opens a shared database whose every transaction is
// READ ONLY on the server, without migrating it.
func openReadOnlyPostgres(ctx context.Context, addr string, opt Options) (*DB, error) {
	d, err := connect(addr, opt)
	if err != nil {
		return nil, err
	}
	d.readOnly = true
	return d.checkReadOnly(ctx)
}

// checkReadOnly reads the schema version of a read-only open and refuses
// a newer or an empty database (closing it).
func (d *DB) checkReadOnly(ctx context.Context) (*DB, error) {
	// Read-only opens (verify, reports) handle no personal data in full.
	d.keys = &keyring{}
	ro := ledger.Errorf(ledger.ECONFLICT, "数据库以只读方式打开，个人信息只能以脱敏形式显示")
	d.keys.set(nil, ledger.KeyStatus{Reason: ro.Message, Err: ro})
	var err error
	if d.schema, err = d.dialect.schemaVersion(ctx, d.db); err != nil {
		d.db.Close()
		return nil, d.openError(err)
	}
	if d.schema > SchemaVersion() {
		d.db.Close()
		return nil, ledger.Errorf(ledger.ECONFLICT, "数据库版本（%d）比本程序（%d）新，请升级程序；数据库未作任何改动", d.schema, SchemaVersion())
	}
	if d.schema == 0 {
		d.db.Close()
		return nil, ledger.Errorf(ledger.ENOTFOUND, "不是服务台数据库，或数据库为空")
	}
	return d, nil
}

// walHasPages reports whether the database's -wal file holds pages that an
// immutable open would miss.
func walHasPages(path string) bool {
	fi, err := os.Stat(path + "-wal")
	return err == nil && fi.Size() > 0
}
