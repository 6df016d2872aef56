package sqlstore

import (
	"context"
	"errors"
	"io/fs"
	"sync"

	"servicedesk/ledger"
)

// metaKeyID is the meta row holding the fingerprint of the personal-data
// keys the database was sealed with (the fingerprint, never the keys).
const metaKeyID = "personal_key_id"

// keyring is the database's view of the personal-data keys file.
type keyring struct {
	mu     sync.Mutex
	path   string
	keys   *ledger.PersonalKeys // nil unless the file matches the database
	status ledger.KeyStatus
}

// snapshot returns the status and the usable keys (nil when not ready).
func (k *keyring) snapshot() (ledger.KeyStatus, *ledger.PersonalKeys) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.status, k.keys
}

// set records the outcome of loading the keys.
func (k *keyring) set(keys *ledger.PersonalKeys, st ledger.KeyStatus) {
	k.mu.Lock()
	k.keys, k.status = keys, st
	k.mu.Unlock()
}

// storedKeyID reads the fingerprint recorded in the database ("" for none).
func (d *DB) storedKeyID(ctx context.Context) (string, error) {
	var id []byte
	err := d.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", metaKeyID).Scan(&id)
	if errNoRows(err) {
		return "", nil
	}
	return string(id), err
}

// loadKeys reads the keys file and checks it against the database. Every
// outcome but a match leaves the store showing masked values only, with a
// Chinese reason for the screens.
func (d *DB) loadKeys(ctx context.Context) {
	path := d.keys.path
	st := ledger.KeyStatus{Path: path}
	fail := func(e *ledger.Error) {
		st.Reason, st.Err = e.Message, e
		d.keys.set(nil, st)
	}
	if path == "" {
		fail(ledger.Errorf(ledger.ECONFLICT, "本程序未配置个人信息密钥文件，个人信息只能以脱敏形式显示"))
		return
	}
	dbID, err := d.storedKeyID(ctx)
	if err != nil {
		d.log.Error("read personal key id", "err", err)
		fail(ledger.Errorf(ledger.ECONFLICT, "无法读取数据库中的密钥标识，个人信息只能以脱敏形式显示"))
		return
	}
	keys, err := ledger.LoadPersonalKeys(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && dbID != "":
		d.log.Warn("personal-data keys file missing", "path", path, "key_id", dbID)
		fail(ledger.Errorf(ledger.ECONFLICT, "本机缺少个人信息密钥文件（%s），数据库中的个人信息只能以脱敏形式显示。请从备份或本商场的其他服务台复制该文件后重新启动。", path))
		return
	case errors.Is(err, fs.ErrNotExist):
		fail(ledger.Errorf(ledger.ECONFLICT, "个人信息密钥尚未创建（首次设置时创建）"))
		return
	case err != nil:
		d.log.Error("personal-data keys file unreadable", "path", path, "err", err)
		fail(ledger.Errorf(ledger.ECONFLICT, "个人信息密钥文件（%s）无法读取或已损坏，个人信息只能以脱敏形式显示。请从备份恢复该文件。", path))
		return
	}
	st.KeyID = keys.ID()
	switch dbID {
	case keys.ID():
		st.Ready = true
		d.keys.set(keys, st)
	case "":
		fail(ledger.Errorf(ledger.ECONFLICT, "个人信息密钥尚未启用"))
	default:
		d.log.Warn("personal-data keys do not match the database", "path", path, "file_key_id", keys.ID(), "db_key_id", dbID)
		fail(ledger.Errorf(ledger.ECONFLICT, "个人信息密钥文件（%s）与本数据库不匹配（数据库密钥 %s，文件密钥 %s），个人信息只能以脱敏形式显示。请换上本商场正确的密钥文件。",
			path, dbID, keys.ID()))
	}
}

// EnsurePersonalKeys creates the keys file (when there is none) and binds
// it to the database (when the database has no keys yet): at setup, and at
// the first start after an upgrade. A database that already has keys is
// never given new ones: a missing or wrong file stays an error to fix by
// copying the right file, since new keys could not open the data.
func (d *DB) EnsurePersonalKeys(ctx context.Context) error {
	if st, _ := d.keys.snapshot(); st.Ready || d.keys.path == "" {
		return nil
	}
	dbID, err := d.storedKeyID(ctx)
	if err != nil {
		return internal("read personal key id", err)
	}
	if dbID != "" {
		d.loadKeys(ctx)
		return nil
	}
	keys, err := ledger.LoadPersonalKeys(d.keys.path)
	if errors.Is(err, fs.ErrNotExist) {
		keys, err = ledger.CreatePersonalKeysFile(d.keys.path, d.rand, d.Now())
		if err == nil {
			d.log.Info("personal-data keys created", "path", d.keys.path, "key_id", keys.ID())
		}
	}
	if err != nil {
		d.loadKeys(ctx)
		return internal("personal-data keys", err)
	}
	err = d.inTx(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING", metaKeyID, []byte(keys.ID()))
		if err != nil {
			return internal("store personal key id", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another desk bound its keys first; loadKeys reports the mismatch
		}
		_, err = t.append(0, "personal.keys", map[string]any{"key_id": keys.ID()}, 0)
		return err
	})
	d.loadKeys(ctx)
	return err
}

// personalKeys returns the usable keys or the reason, as a Chinese error.
func (d *DB) personalKeys() (*ledger.PersonalKeys, error) {
	st, keys := d.keys.snapshot()
	if keys == nil {
		if st.Err == nil {
			return nil, ledger.Errorf(ledger.ECONFLICT, "本程序未配置个人信息密钥文件，个人信息只能以脱敏形式显示")
		}
		return nil, st.Err
	}
	return keys, nil
}
