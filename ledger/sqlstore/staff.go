package sqlstore

import (
	"context"
	"io"
	"strings"

	"servicedesk/ledger"
)

// StaffService implements ledger.StaffService.
type StaffService struct {
	db *DB
	// checkPassword and hashPassword are ledger.CheckPassword and
	// ledger.HashPassword; tests wrap them to see that they run outside
	// the write transaction.
	checkPassword func(password, phc string) bool
	hashPassword  func(password string, rand io.Reader) (string, error)
}

// NewStaffService returns the staff service on db.
func NewStaffService(db *DB) *StaffService {
	return &StaffService{db: db, checkPassword: ledger.CheckPassword, hashPassword: ledger.HashPassword}
}

var _ ledger.StaffService = (*StaffService)(nil)

const staffColumns = "id, username, name, role, disabled, must_change, locked_until"

// scanStaff reads one staff row (staffColumns order).
func scanStaff(sc interface{ Scan(...any) error }) (ledger.Staff, error) {
	var s ledger.Staff
	var role, locked string
	if err := sc.Scan(&s.ID, &s.Username, &s.Name, &role, &s.Disabled, &s.MustChange, &locked); err != nil {
		return s, err
	}
	s.Role = ledger.Role(role)
	t, err := parseTime(locked)
	s.LockedUntil = t
	return s, err
}

// staffByID loads one account inside a transaction.
func (t *tx) staffByID(id int64) (ledger.Staff, error) {
	s, err := scanStaff(t.QueryRowContext(t.ctx, "SELECT "+staffColumns+" FROM staff WHERE id = ?", id))
	if errNoRows(err) {
		return s, ledger.Errorf(ledger.ENOTFOUND, "找不到该员工账户")
	} else if err != nil {
		return s, internal("load staff", err)
	}
	return s, nil
}

// NeedsSetup reports whether no account exists yet.
func (s *StaffService) NeedsSetup(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM staff").Scan(&n); err != nil {
		return false, internal("count staff", err)
	}
	return n == 0, nil
}

// Setup stores the first settings, creates the token secret and the first admin.
func (s *StaffService) Setup(ctx context.Context, req ledger.SetupRequest) (ledger.Staff, error) {
	set := ledger.DefaultSettings()
	set.MallName, set.CounterName = strings.TrimSpace(req.MallName), strings.TrimSpace(req.CounterName)
	if err := set.Validate(); err != nil {
		return ledger.Staff{}, err
	}
	req.Admin.Role = ledger.RoleAdmin
	if err := req.Admin.Validate(); err != nil {
		return ledger.Staff{}, err
	}
	key := make([]byte, 32)
	if _, err := s.db.rand.Read(key); err != nil {
		return ledger.Staff{}, internal("token key", err)
	}
	hash, err := s.hash(req.Admin.Password)
	if err != nil {
		return ledger.Staff{}, err
	}
	desk := ledger.Desk{Code: ledger.DefaultDeskCode, Name: set.CounterName}
	switch {
	case strings.TrimSpace(req.DeskCode) != "":
		if desk.Code, err = ledger.NormalizeDeskCode(req.DeskCode); err != nil {
			return ledger.Staff{}, err
		}
	case s.db.desk.want != "":
		desk.Code = s.db.desk.want
	}
	var admin ledger.Staff
	err = s.db.inTx(ctx, func(t *tx) error {
		var n int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM staff").Scan(&n); err != nil {
			return internal("count staff", err)
		}
		if n > 0 {
			return ledger.Errorf(ledger.ECONFLICT, "系统已初始化")
		}
		if _, err := t.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('token_key', ?)", key); err != nil {
			return internal("store token key", err)
		}
		if _, err := t.append(0, "install.setup", map[string]any{"schema": SchemaVersion()}, 0); err != nil {
			return err
		}
		if err := t.insertDesk(0, desk, set); err != nil {
			return err
		}
		if err := t.saveSettings(0, set); err != nil {
			return err
		}
		var err error
		admin, err = t.addStaff(0, req.Admin, hash)
		return err
	})
	if err != nil {
		return admin, err
	}
	// The personal-data keys are made now, in their own file. If that
	// fails the counter still works; the personal-data screen says why.
	if err := s.db.EnsurePersonalKeys(ctx); err != nil {
		s.db.log.Error("personal-data keys not created at setup", "err", err)
	}
	return admin, nil
}

// hash computes a password hash before the transaction that stores it
// (argon2id takes tens of milliseconds and 19 MiB: never under the write
// lock).
func (s *StaffService) hash(password string) (string, error) {
	h, err := s.hashPassword(password, s.db.rand)
	if err != nil {
		return "", internal("hash password", err)
	}
	return h, nil
}

// addStaff inserts an account with the password hash computed before the
// transaction and journals it (without the hash).
func (t *tx) addStaff(actorID int64, n ledger.NewStaff, hash string) (ledger.Staff, error) {
	if err := n.Validate(); err != nil {
		return ledger.Staff{}, err
	}
	var exists int
	if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM staff WHERE username = ?", n.Username).Scan(&exists); err != nil {
		return ledger.Staff{}, internal("check username", err)
	}
	if exists > 0 {
		return ledger.Staff{}, ledger.Errorf(ledger.ECONFLICT, "用户名 %s 已存在", n.Username)
	}
	var id int64
	if err := t.QueryRowContext(t.ctx, "INSERT INTO staff(username, name, role, password_hash) VALUES (?, ?, ?, ?) RETURNING id",
		n.Username, strings.TrimSpace(n.Name), string(n.Role), hash).Scan(&id); err != nil {
		return ledger.Staff{}, internal("insert staff", err)
	}
	if _, err := t.append(actorID, "staff.add", map[string]any{"id": id, "username": n.Username, "name": strings.TrimSpace(n.Name), "role": n.Role}, 0); err != nil {
		return ledger.Staff{}, err
	}
	return t.staffByID(id)
}

// Login checks credentials and journals the login in the same transaction
// that records the attempt. FirstLogin says the account never logged in
// before.
func (s *StaffService) Login(ctx context.Context, username, password string) (ledger.Staff, error) {
	first := false
	st, err := s.authenticate(ctx, username, password, func(t *tx, st ledger.Staff) error {
		var before int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM journal WHERE kind = 'auth.login' AND staff_id = ?", st.ID).Scan(&before); err != nil {
			return internal("count logins", err)
		}
		first = before == 0
		data := map[string]any{"staff_id": st.ID}
		if desk, _ := t.db.deskCode(t.ctx, t); desk != "" {
			data["desk"] = desk // whose day report lists the login
		}
		_, err := t.append(st.ID, "auth.login", data, 0)
		return err
	})
	st.FirstLogin = first && err == nil
	return st, err
}

// UnlockAccount lifts the lock of an account locked after failed logins
// (admin only), journaled as staff.unlocked.
func (s *StaffService) UnlockAccount(ctx context.Context, actor ledger.Staff, staffID int64) error {
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, ledger.RoleAdmin); err != nil {
			return err
		}
		st, err := t.staffByID(staffID)
		if err != nil {
			return err
		}
		if !t.now.Before(st.LockedUntil) {
			return ledger.Errorf(ledger.ECONFLICT, "%s 的账户未被锁定", st.Name)
		}
		if _, err := t.ExecContext(ctx, "UPDATE staff SET failed_count = 0, locked_until = '' WHERE id = ?", staffID); err != nil {
			return internal("unlock staff", err)
		}
		_, err = t.append(actor.ID, "staff.unlocked", map[string]any{"staff_id": staffID}, 0)
		return err
	})
}

// Unlock re-checks the password of the staff member on duty after an idle lock.
func (s *StaffService) Unlock(ctx context.Context, staffID int64, password string) error {
	var username string
	if err := s.db.db.QueryRowContext(ctx, "SELECT username FROM staff WHERE id = ?", staffID).Scan(&username); err != nil {
		if errNoRows(err) {
			return ledger.Errorf(ledger.ENOTFOUND, "找不到该员工账户")
		}
		return internal("load staff", err)
	}
	_, err := s.authenticate(ctx, username, password, nil)
	return err
}

// ChangePassword checks the old password and stores the new one.
func (s *StaffService) ChangePassword(ctx context.Context, staffID int64, oldPassword, newPassword string) error {
	if err := ledger.ValidatePassword(newPassword); err != nil {
		return err
	}
	if oldPassword == newPassword {
		return ledger.Errorf(ledger.EINVALID, "新密码不能与旧密码相同")
	}
	if err := s.Unlock(ctx, staffID, oldPassword); err != nil {
		return err
	}
	hash, err := s.hash(newPassword)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(t *tx) error {
		return t.setPassword(staffID, staffID, hash, false)
	})
}

// setPassword stores a new hash (computed before the transaction);
// mustChange forces a change at next login.
func (t *tx) setPassword(actorID, staffID int64, hash string, mustChange bool) error {
	if _, err := t.ExecContext(t.ctx, "UPDATE staff SET password_hash = ?, must_change = ?, failed_count = 0, locked_until = '' WHERE id = ?",
		hash, mustChange, staffID); err != nil {
		return internal("store password", err)
	}
	kind := "staff.password_changed"
	if mustChange {
		kind = "staff.password_reset"
	}
	_, err := t.append(actorID, kind, map[string]any{"staff_id": staffID}, 0)
	return err
}

// ListStaff lists every account.
func (s *StaffService) ListStaff(ctx context.Context) ([]ledger.Staff, error) {
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+staffColumns+" FROM staff ORDER BY id")
	if err != nil {
		return nil, internal("list staff", err)
	}
	defer rows.Close()
	var out []ledger.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, internal("scan staff", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// AddStaff creates an account (admin only, as stored now).
func (s *StaffService) AddStaff(ctx context.Context, actor ledger.Staff, req ledger.NewStaff) (ledger.Staff, error) {
	req.Username = strings.ToLower(strings.TrimSpace(req.Username))
	if err := req.Validate(); err != nil {
		return ledger.Staff{}, err
	}
	hash, err := s.hash(req.Password)
	if err != nil {
		return ledger.Staff{}, err
	}
	var st ledger.Staff
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, ledger.RoleAdmin); err != nil {
			return err
		}
		var err error
		st, err = t.addStaff(actor.ID, req, hash)
		return err
	})
	return st, err
}

// ResetPassword sets a temporary password that must be changed at next login.
func (s *StaffService) ResetPassword(ctx context.Context, actor ledger.Staff, staffID int64, temporary string) error {
	if err := ledger.ValidatePassword(temporary); err != nil {
		return err
	}
	hash, err := s.hash(temporary)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, ledger.RoleAdmin); err != nil {
			return err
		}
		if _, err := t.staffByID(staffID); err != nil {
			return err
		}
		return t.setPassword(actor.ID, staffID, hash, true)
	})
}

// SetDisabled disables or re-enables an account. An admin cannot disable
// their own account (the counter would lose its last admin).
func (s *StaffService) SetDisabled(ctx context.Context, actor ledger.Staff, staffID int64, disabled bool) error {
	if staffID == actor.ID && disabled {
		return ledger.Errorf(ledger.ECONFLICT, "不能停用自己的账户")
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, ledger.RoleAdmin); err != nil {
			return err
		}
		st, err := t.staffByID(staffID)
		if err != nil {
			return err
		}
		if st.Disabled == disabled {
			return nil
		}
		if _, err := t.ExecContext(ctx, "UPDATE staff SET disabled = ? WHERE id = ?", disabled, staffID); err != nil {
			return internal("disable staff", err)
		}
		kind := "staff.enabled"
		if disabled {
			kind = "staff.disabled"
		}
		_, err = t.append(actor.ID, kind, map[string]any{"staff_id": staffID}, 0)
		return err
	})
}
