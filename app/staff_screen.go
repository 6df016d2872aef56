package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// staffScreen is the admin's account list: add staff, reset a password,
// disable or re-enable an account (accounts are never deleted).
type staffScreen struct {
	u        *UI
	root     fyne.CanvasObject
	username *keyEntry
	name     *keyEntry
	role     *widget.Select
	password *keyEntry
	add      *widget.Button
	list     *widget.List
	staff    []ledger.Staff
	selected int
	temp     *keyEntry
	reset    *widget.Button
	disable  *widget.Button
	unlock   *widget.Button
	message  *widget.Label
}

var roleChoices = []ledger.Role{ledger.RoleClerk, ledger.RoleSupervisor, ledger.RoleAdmin}

func (u *UI) newStaffScreen() screen {
	s := &staffScreen{u: u, selected: -1}
	s.username = u.newKeyEntry(T("用户名"))
	s.name = u.newKeyEntry(T("姓名"))
	var labels []string
	for _, r := range roleChoices {
		labels = append(labels, T(r.Label()))
	}
	s.role = widget.NewSelect(labels, nil)
	s.role.SetSelectedIndex(0)
	s.password = u.newPasswordEntry(T("初始密码（首次登录须修改）"))
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.add = widget.NewButton(T("添加员工"), s.doAdd)
	s.add.Importance = widget.HighImportance
	// Enter in any field of the form adds the account.
	for _, e := range []*keyEntry{s.username, s.name, s.password} {
		e.OnSubmitted = func(string) { s.doAdd() }
	}
	s.list = widget.NewList(func() int { return len(s.staff) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText(s.line(s.staff[i]))
			l.Importance = widget.MediumImportance
			if s.staff[i].Locked(u.cfg.Now()) {
				l.Importance = widget.DangerImportance
			}
			l.Refresh()
		})
	s.list.OnSelected = func(i widget.ListItemID) { s.selected = i; s.updateButtons() }
	s.temp = u.newPasswordEntry(T("临时密码"))
	s.temp.OnSubmitted = func(string) { s.doReset() }
	s.reset = widget.NewButton(T("重置密码"), s.doReset)
	s.disable = widget.NewButton(T("停用账户"), s.doDisable)
	s.unlock = widget.NewButton(T("解锁"), s.doUnlock)
	form := widget.NewForm(
		widget.NewFormItem(T("用户名"), s.username),
		widget.NewFormItem(T("姓名"), s.name),
		widget.NewFormItem(T("角色"), s.role),
		widget.NewFormItem(T("初始密码"), s.password))
	actions := container.NewBorder(nil, nil, nil, container.NewHBox(s.reset, s.disable, s.unlock), s.temp)
	s.root = container.NewBorder(container.NewVBox(form, s.add, s.message, widget.NewSeparator(), actions), nil, nil, nil, s.list)
	return s
}

// line is one row of the account list.
func (s *staffScreen) line(st ledger.Staff) string {
	return staffLine(st, s.u.cfg.Now(), s.u.settings.Location())
}

// staffLine is one row of the account list at now: a locked account says
// 已锁定 and until when.
func staffLine(st ledger.Staff, now time.Time, loc *time.Location) string {
	state := T("在用")
	switch {
	case st.Disabled:
		state = T("已停用")
	case st.Locked(now):
		state = T("已锁定（至 %s）", st.LockedUntil.In(loc).Format("15:04"))
	case st.MustChange:
		state = T("待改密码")
	}
	return fmt.Sprintf("%-12s %s · %s · %s", st.Username, st.Name, T(st.Role.Label()), state)
}

func (s *staffScreen) content() fyne.CanvasObject { return s.root }
func (s *staffScreen) focus()                     { s.u.win.Canvas().Focus(s.username) }

func (s *staffScreen) refresh() {
	list, err := s.u.svc.Staff.ListStaff(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.staff = list
	s.list.Refresh()
	s.updateButtons()
}

// updateButtons enables the row actions for the selected account.
func (s *staffScreen) updateButtons() {
	if s.selected < 0 || s.selected >= len(s.staff) {
		s.reset.Disable()
		s.disable.Disable()
		s.unlock.Disable()
		return
	}
	s.reset.Enable()
	s.disable.Enable()
	setEnabled(s.unlock, s.staff[s.selected].Locked(s.u.cfg.Now()))
	if s.staff[s.selected].Disabled {
		s.disable.SetText(T("重新启用"))
	} else {
		s.disable.SetText(T("停用账户"))
	}
}

func (s *staffScreen) doAdd() {
	n := ledger.NewStaff{Username: strings.ToLower(strings.TrimSpace(s.username.Text)), Name: s.name.Text,
		Role: roleChoices[max(0, s.role.SelectedIndex())], Password: s.password.Text}
	st, err := s.u.svc.Staff.AddStaff(s.u.ctx, s.u.Staff(), n)
	if err != nil {
		s.message.Importance = widget.DangerImportance
		s.message.SetText(errText(err))
		return
	}
	// New accounts must choose their own password at first login.
	if err := s.u.svc.Staff.ResetPassword(s.u.ctx, s.u.Staff(), st.ID, n.Password); err != nil {
		s.u.showError(err)
	}
	s.username.SetText("")
	s.name.SetText("")
	s.password.SetText("")
	s.role.SetSelectedIndex(0) // the next account starts as a clerk again
	s.message.Importance = widget.SuccessImportance
	s.message.SetText(T("已添加员工 %s", st.Name))
	s.refresh()
	s.focus()
}

// doUnlock lifts the selected account's failed-login lock (journaled).
func (s *staffScreen) doUnlock() {
	if s.selected < 0 || s.selected >= len(s.staff) {
		return
	}
	st := s.staff[s.selected]
	if err := s.u.svc.Staff.UnlockAccount(s.u.ctx, s.u.Staff(), st.ID); err != nil {
		s.message.Importance = widget.DangerImportance
		s.message.SetText(errText(err))
		return
	}
	s.message.Importance = widget.SuccessImportance
	s.message.SetText(T("已解锁 %s 的账户", st.Name))
	s.refresh()
}

func (s *staffScreen) doReset() {
	st := s.staff[s.selected]
	if err := s.u.svc.Staff.ResetPassword(s.u.ctx, s.u.Staff(), st.ID, s.temp.Text); err != nil {
		s.message.Importance = widget.DangerImportance
		s.message.SetText(errText(err))
		return
	}
	s.temp.SetText("")
	s.message.Importance = widget.SuccessImportance
	s.message.SetText(T("已重置 %s 的密码，下次登录须修改", st.Name))
	s.refresh()
}

func (s *staffScreen) doDisable() {
	st := s.staff[s.selected]
	if err := s.u.svc.Staff.SetDisabled(s.u.ctx, s.u.Staff(), st.ID, !st.Disabled); err != nil {
		s.message.Importance = widget.DangerImportance
		s.message.SetText(errText(err))
		return
	}
	s.message.Importance = widget.SuccessImportance
	if st.Disabled {
		s.message.SetText(T("已重新启用 %s", st.Name))
	} else {
		s.message.SetText(T("已停用 %s", st.Name))
	}
	s.refresh()
}
