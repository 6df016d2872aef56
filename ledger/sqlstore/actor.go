package sqlstore

import (
	"slices"
	"time"

	"servicedesk/ledger"
)

// allRoles is every active role: lending is the counter's daily work.
var allRoles = []ledger.Role{ledger.RoleClerk, ledger.RoleSupervisor, ledger.RoleAdmin}

// actor re-reads the acting staff member inside the transaction and checks
// the account as it is now, never the caller's copy: it exists, is not
// disabled, not locked, not waiting for a forced password change, and has
// one of roles. A disabled account's open session stops at its next
// action; a Staff value edited by the caller (Role=admin) gains nothing.
// It returns the stored account (its current name is what receipts show).
func (t *tx) actor(who ledger.Staff, roles ...ledger.Role) (ledger.Staff, error) {
	if who.ID <= 0 {
		return ledger.Staff{}, ledger.Errorf(ledger.EFORBIDDEN, "请先登录")
	}
	st, err := t.staffByID(who.ID)
	if ledger.ErrorCode(err) == ledger.ENOTFOUND {
		return st, ledger.Errorf(ledger.EFORBIDDEN, "当前账户无效，请重新登录")
	} else if err != nil {
		return st, err
	}
	return st, refuseAccount(st, t.now, t.location, roles)
}

// refuseAccount is the account part of the actor check on a stored
// account st at now: disabled, locked, waiting for a password change or
// without one of roles is refused (nil otherwise). loc gives the zone of
// the lock's end in the message.
func refuseAccount(st ledger.Staff, now time.Time, loc func() *time.Location, roles []ledger.Role) error {
	switch {
	case st.Disabled:
		return ledger.Errorf(ledger.EFORBIDDEN, "该账户已停用，请联系管理员")
	case now.Before(st.LockedUntil):
		return ledger.Errorf(ledger.ELOCKED, "账户已锁定，请于 %s 后重新登录", st.LockedUntil.In(loc()).Format("15:04:05"))
	case st.MustChange:
		return ledger.Errorf(ledger.EFORBIDDEN, "密码已被管理员重置，请重新登录并修改密码")
	case !slices.Contains(roles, st.Role):
		return ledger.Errorf(ledger.EFORBIDDEN, "当前账户（%s）无权执行此操作", st.Role.Label())
	}
	return nil
}

// location is the counter's time zone for messages (Asia/Shanghai when
// the settings cannot be read).
func (t *tx) location() *time.Location {
	set, err := t.settings()
	if err != nil {
		return ledger.DefaultSettings().Location()
	}
	return set.Location()
}
