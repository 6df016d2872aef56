package ledger

import (
	"time"
	"unicode/utf8"
)

// Role is a staff member's role at the counter.
type Role string

// Roles: clerks serve customers, supervisors approve voids, forfeits and
// write-offs, admins manage accounts and settings.
const (
	RoleClerk      Role = "clerk"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Label returns the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleClerk:
		return "柜员"
	case RoleSupervisor:
		return "主管"
	case RoleAdmin:
		return "管理员"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleClerk || r == RoleSupervisor || r == RoleAdmin
}

// CanApprove reports whether the role may approve supervised actions.
func (r Role) CanApprove() bool { return r == RoleSupervisor || r == RoleAdmin }

// Staff is one staff member's own account. Accounts are never deleted, only
// disabled.
type Staff struct {
	ID          int64
	Username    string
	Name        string
	Role        Role
	Disabled    bool
	MustChange  bool      // password was reset: change it at next login
	LockedUntil time.Time // zero unless locked after failed logins
	// FirstLogin is set by Login when the account never logged in before
	// (a new account choosing its own password, not a reset one).
	FirstLogin bool
}

// Locked reports whether the account is locked after failed logins at now.
func (s Staff) Locked(now time.Time) bool { return now.Before(s.LockedUntil) }

// NewStaff is the input for creating an account.
type NewStaff struct {
	Username string
	Name     string
	Role     Role
	Password string
}

// Validate checks a new account's fields and returns a Chinese message.
func (n NewStaff) Validate() error {
	if err := ValidateUsername(n.Username); err != nil {
		return err
	}
	if _, err := FieldStaffName.Clean(n.Name); err != nil {
		return err
	}
	if !n.Role.Valid() {
		return Errorf(EINVALID, "未知角色")
	}
	return ValidatePassword(n.Password)
}

// ValidateUsername accepts 2–32 lowercase letters, digits, '.', '_' or '-'.
func ValidateUsername(u string) error {
	if len(u) < 2 || len(u) > 32 {
		return Errorf(EINVALID, "用户名须为2到32个字符")
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return Errorf(EINVALID, "用户名只能包含小写字母、数字和 . _ -")
		}
	}
	return nil
}

// ValidatePassword requires 8–128 characters with at least a letter and a digit.
func ValidatePassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < 8 || n > 128 {
		return Errorf(EINVALID, "密码须为8到128个字符")
	}
	var letter, digit bool
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		}
	}
	if !letter || !digit {
		return Errorf(EINVALID, "密码须同时包含字母和数字")
	}
	return nil
}

// ErrBadLogin is the one message for unknown user and wrong password alike.
// remaining > 0 warns how many attempts are left before the account locks
// (还可尝试 N 次); a store must give unknown usernames the same warning as
// real ones, so the message never tells which accounts exist.
func ErrBadLogin(remaining int) error {
	if remaining > 0 {
		return Errorf(EUNAUTHORIZED, "用户名或密码错误，还可尝试 %d 次", remaining)
	}
	return Errorf(EUNAUTHORIZED, "用户名或密码错误")
}
