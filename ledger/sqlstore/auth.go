package sqlstore

import (
	"context"
	"strings"
	"time"

	"servicedesk/ledger"
)

// dummyHash is checked against for unknown users so that both failures cost
// the same time.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$Z2l2ZW5HaXZlbkdpdmVuR2l2ZW5HaXZlbkdpdmVuISE"

// login is what an authentication reads about a user name: the account,
// if there is one.
type login struct {
	known  bool
	st     ledger.Staff
	hash   string
	failed int
	locked time.Time
}

// loginName normalises a typed user name.
func loginName(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// readLogin loads the login state of name; a name that is no account
// gets the dummy hash, so checking it costs the same.
func readLogin(ctx context.Context, q queryer, name string) (login, error) {
	l := login{hash: dummyHash}
	var role, locked string
	err := q.QueryRowContext(ctx, "SELECT "+staffColumns+", password_hash, failed_count FROM staff WHERE username = ?", name).
		Scan(&l.st.ID, &l.st.Username, &l.st.Name, &role, &l.st.Disabled, &l.st.MustChange, &locked, &l.hash, &l.failed)
	if errNoRows(err) {
		return login{hash: dummyHash}, nil
	} else if err != nil {
		return l, internal("load staff", err)
	}
	l.known, l.st.Role = true, ledger.Role(role)
	if l.locked, err = parseTime(locked); err != nil {
		return l, err
	}
	l.st.LockedUntil = l.locked
	return l, nil
}

// authenticate checks a user name and password. The password hash is
// checked before the write transaction (argon2id never runs under the
// write lock), for every name and also while an account is locked, so
// every attempt costs the same; the transaction then re-reads the account,
// counts a failure (locking after too many, journaled) or clears the
// counter and runs onSuccess, so what the login or approval records
// commits together with the attempt. Names that are no account fail,
// count and lock exactly like accounts (unknownLoginFailed), so neither
// the messages nor the lockout reveal which accounts exist.
func (s *StaffService) authenticate(ctx context.Context, username, password string, onSuccess func(t *tx, st ledger.Staff) error) (ledger.Staff, error) {
	set, err := NewSettingsService(s.db).Settings(ctx)
	if err != nil {
		return ledger.Staff{}, err
	}
	name := loginName(username)
	before, err := readLogin(ctx, s.db.db, name)
	if err != nil {
		return ledger.Staff{}, err
	}
	ok := s.checkPassword(password, before.hash) && before.known
	var authErr error
	var st ledger.Staff
	err = s.db.inTx(ctx, func(t *tx) error {
		authErr = nil
		l, err := readLogin(ctx, t, name)
		if err != nil {
			return err
		}
		if !l.known {
			authErr, err = t.unknownLoginFailed(name, set)
			return err
		}
		if t.now.Before(l.locked) {
			authErr = lockedError(l.locked, set)
			return nil
		}
		if !ok || l.hash != before.hash {
			authErr, err = t.countFailure(l, set)
			return err
		}
		if l.st.Disabled {
			authErr = ledger.Errorf(ledger.EFORBIDDEN, "该账户已停用，请联系管理员")
			return nil
		}
		if l.failed != 0 || !l.locked.IsZero() {
			if _, err := t.ExecContext(ctx, "UPDATE staff SET failed_count = 0, locked_until = '' WHERE id = ?", l.st.ID); err != nil {
				return internal("reset failures", err)
			}
		}
		st = l.st
		st.LockedUntil = time.Time{}
		if onSuccess != nil {
			return onSuccess(t, st)
		}
		return nil
	})
	if err != nil {
		return ledger.Staff{}, err
	}
	if authErr != nil {
		return ledger.Staff{}, authErr
	}
	return st, nil
}

// countFailure counts a failed attempt on an account, locking it once the
// settings' limit is reached; journaled as auth.login_failed {staff_id,
// reason} or auth.locked {…, locked_until}. It returns the message for
// the person at the counter (attempts left, or locked until when).
func (t *tx) countFailure(l login, set ledger.Settings) (error, error) {
	failed := l.failed + 1
	lockedUntil := ""
	if failed >= set.MaxFailedLogins {
		lockedUntil = formatTime(t.now.Add(set.LockDuration))
		failed = 0
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE staff SET failed_count = ?, locked_until = ? WHERE id = ?", failed, lockedUntil, l.st.ID); err != nil {
		return nil, internal("count failure", err)
	}
	data := map[string]any{"staff_id": l.st.ID, "reason": "bad_password"}
	kind := "auth.login_failed"
	authErr := ledger.ErrBadLogin(set.MaxFailedLogins - failed)
	if lockedUntil != "" {
		kind, data["locked_until"] = "auth.locked", lockedUntil
		authErr = lockedError(t.now.Add(set.LockDuration), set)
		t.db.log.Warn("account locked after failed logins", "staff_id", l.st.ID)
	}
	if _, err := t.append(l.st.ID, kind, data, 0); err != nil {
		return nil, err
	}
	return authErr, nil
}
