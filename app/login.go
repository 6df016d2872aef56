package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// loginScreen asks for the clerk's own account.
type loginScreen struct {
	root     fyne.CanvasObject
	title    *widget.Label
	username *keyEntry
	password *keyEntry
	submit   *widget.Button
	message  *widget.Label
}

// showLogin shows the login screen (building it once).
func (u *UI) showLogin() {
	if u.login == nil {
		u.login = u.newLoginScreen()
	}
	l := u.login
	l.title.SetText(u.settings.MallName + " · " + u.settings.CounterName)
	// Empty after a hand-over: the next clerk types their own name.
	l.username.SetText("")
	l.password.SetText("")
	l.message.SetText("")
	u.win.SetContent(l.root)
	u.win.Canvas().Focus(l.username)
}

func (u *UI) newLoginScreen() *loginScreen {
	l := &loginScreen{}
	l.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.title.SizeName = theme.SizeNameHeadingText
	l.username = u.newKeyEntry(T("用户名"))
	l.password = u.newPasswordEntry(T("密码"))
	l.message = widget.NewLabel("")
	l.message.Importance = widget.DangerImportance
	l.submit = widget.NewButtonWithIcon(T("登录"), theme.LoginIcon(), func() { u.doLogin() })
	l.submit.Importance = widget.HighImportance
	l.username.OnSubmitted = func(string) { u.win.Canvas().Focus(l.password) }
	l.password.OnSubmitted = func(string) { u.doLogin() }
	form := container.NewVBox(
		l.title,
		widget.NewLabelWithStyle(T("服务台 · 请使用本人账户登录"), fyne.TextAlignCenter, fyne.TextStyle{}),
		widget.NewForm(
			widget.NewFormItem(T("用户名"), l.username),
			widget.NewFormItem(T("密码"), l.password),
		),
		l.submit,
		l.message,
	)
	l.root = container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 320), form))
	return l
}

// doLogin checks the credentials and opens the counter.
func (u *UI) doLogin() {
	l := u.login
	st, err := u.svc.Staff.Login(u.ctx, l.username.Text, l.password.Text)
	l.password.SetText("")
	if err != nil {
		l.message.SetText(errText(err))
		if ledger.ErrorCode(err) == ledger.EINTERNAL {
			u.cfg.Logger.Error("login failed", "err", err)
		}
		u.win.Canvas().Focus(l.password)
		return
	}
	l.message.SetText("")
	u.startShift(st)
}

// startShift puts st on duty with fresh settings and opens the counter (or
// the forced password change after a reset).
func (u *UI) startShift(st ledger.Staff) {
	u.reloadSettings()
	u.applyTheme()
	u.mu.Lock()
	u.staff = st
	u.mu.Unlock()
	u.touch()
	u.cfg.Logger.Info("staff on duty", "staff_id", st.ID)
	if st.MustChange {
		u.showChangePassword(true)
		return
	}
	u.showShell()
}

// Logout ends the shift of the staff member on duty.
func (u *UI) Logout() {
	u.mu.Lock()
	id := u.staff.ID
	u.staff = ledger.Staff{}
	u.mu.Unlock()
	u.cfg.Logger.Info("staff logged out", "staff_id", id)
	if u.lock != nil {
		u.lock.hide()
	}
	u.shell = nil // the next clerk starts with fresh screens
	u.showLogin()
}

// spacer returns an expanding spacer (kept here for the screens' layouts).
func spacer() fyne.CanvasObject { return layout.NewSpacer() }
