package sqlstore

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"servicedesk/ledger"
)

// unknownLoginFailed counts a failed login for a username that has no
// account exactly as for a real one: the failures so far, the warning
// (还可尝试 N 次), and the lock after too many, so neither the message nor
// the lock tells which accounts exist. The count lives in the journal
// (auth.login_failed / auth.locked entries carrying a keyed hash of the
// name, never the name: it may be a password typed in the wrong field).
func (t *tx) unknownLoginFailed(username string, set ledger.Settings) (error, error) {
	var key []byte
	if err := t.QueryRowContext(t.ctx, "SELECT value FROM meta WHERE key = 'token_key'").Scan(&key); err != nil && !errNoRows(err) {
		return nil, internal("load token key", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("login-name\x00" + username))
	name := hex.EncodeToString(mac.Sum(nil))[:32]

	rows, err := t.QueryContext(t.ctx, `SELECT kind, data FROM journal
		WHERE kind IN ('auth.login_failed', 'auth.locked') AND staff_id = 0 AND data LIKE ? ORDER BY seq`, `%"name":"`+name+`"%`)
	if err != nil {
		return nil, internal("count unknown login failures", err)
	}
	failed := 0
	var lockedUntil time.Time
	for rows.Next() {
		var kind, data string
		if err := rows.Scan(&kind, &data); err != nil {
			rows.Close()
			return nil, internal("scan login failures", err)
		}
		if kind == "auth.login_failed" {
			failed++
			continue
		}
		var d struct {
			LockedUntil string `json:"locked_until"`
		}
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			rows.Close()
			return nil, internal("decode auth.locked", err)
		}
		failed = 0
		if lockedUntil, err = parseTime(d.LockedUntil); err != nil {
			rows.Close()
			return nil, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("read login failures", err)
	}
	now := t.now
	if now.Before(lockedUntil) {
		return lockedError(lockedUntil, set), nil
	}
	failed++
	data := map[string]any{"reason": "unknown_user", "name": name}
	if failed >= set.MaxFailedLogins {
		until := now.Add(set.LockDuration)
		data["locked_until"] = formatTime(until)
		if _, err := t.append(0, "auth.locked", data, 0); err != nil {
			return nil, err
		}
		return lockedError(until, set), nil
	}
	if _, err := t.append(0, "auth.login_failed", data, 0); err != nil {
		return nil, err
	}
	return ledger.ErrBadLogin(set.MaxFailedLogins - failed), nil
}

// lockedError is the message of a login refused while the account (or the
// unknown name) is locked.
func lockedError(until time.Time, set ledger.Settings) error {
	return ledger.Errorf(ledger.ELOCKED, "登录失败次数过多，账户已锁定，请于 %s 后再试", until.In(set.Location()).Format("15:04:05"))
}
