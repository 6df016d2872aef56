package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// lockScreen covers the counter after idle time. It is a modal pop-up over
// the screen, so whatever the clerk had typed is still there after
// unlocking, and it is opaque and as large as the window: nothing behind it
// (a phone number being typed, the open loans) is readable at an
// unattended counter.
type lockScreen struct {
	pop      *widget.PopUp
	who      *widget.Label
	password *keyEntry
	unlock   *widget.Button
	logout   *widget.Button
	message  *widget.Label
}

// shown reports whether the lock is up.
func (l *lockScreen) shown() bool { return l.pop != nil && l.pop.Visible() }

// hide takes the lock down.
func (l *lockScreen) hide() {
	if l.pop != nil {
		l.pop.Hide()
	}
}

// showLock puts the lock up over the current screen.
func (u *UI) showLock() {
	if u.lock == nil {
		l := &lockScreen{}
		l.who = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		l.password = u.newPasswordEntry(T("输入密码解锁"))
		l.message = widget.NewLabel("")
		l.message.Importance = widget.DangerImportance
		l.unlock = widget.NewButtonWithIcon(T("解锁"), theme.LoginIcon(), func() { u.doUnlock() })
		l.unlock.Importance = widget.HighImportance
		l.logout = widget.NewButton(T("换人登录"), func() { u.Logout() })
		l.password.OnSubmitted = func(string) { u.doUnlock() }
		box := container.NewVBox(
			widget.NewLabelWithStyle(T("服务台已锁定"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
			l.who, l.password, container.NewGridWithColumns(2, l.logout, l.unlock), l.message)
		l.pop = widget.NewModalPopUp(container.NewStack(newBackground(theme.ColorNameBackground),
			container.NewCenter(container.NewGridWrap(fyne.NewSize(380, 250), box))), u.win.Canvas())
		u.lock = l
	}
	l := u.lock
	st := u.Staff()
	l.who.SetText(T("当班：%s（%s）", st.Name, T(st.Role.Label())))
	l.password.SetText("")
	l.message.SetText("")
	l.cover()
	u.win.Canvas().Focus(l.password)
}

// cover (re)shows the lock over the whole window and on top of any
// dialog opened behind it (a report that finished while locked); it
// reports whether it had to come back on top.
func (l *lockScreen) cover() bool {
	c := l.pop.Canvas
	raised := false
	if top := c.Overlays().Top(); top != nil && top != l.pop && l.pop.Visible() {
		l.pop.Hide()
		raised = true
	}
	l.pop.Resize(c.Size())
	l.pop.Show()
	return raised
}

// doUnlock re-checks the password of the staff member on duty.
func (u *UI) doUnlock() {
	l := u.lock
	err := u.svc.Staff.Unlock(u.ctx, u.Staff().ID, l.password.Text)
	l.password.SetText("")
	if err != nil {
		l.message.SetText(errText(err))
		return
	}
	l.pop.Hide()
	u.touch()
}
