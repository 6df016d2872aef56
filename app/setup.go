package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// setupScreen is the first-start form: mall, counter and the first admin.
type setupScreen struct {
	root      fyne.CanvasObject
	mall      *keyEntry
	counter   *keyEntry
	username  *keyEntry
	name      *keyEntry
	password  *keyEntry
	password2 *keyEntry
	submit    *widget.Button
	message   *widget.Label
}

// showSetup shows the first-start form.
func (u *UI) showSetup() {
	s := &setupScreen{}
	s.mall = u.newKeyEntry(T("例如：某购物广场"))
	s.mall.SetText(u.settings.MallName)
	s.counter = u.newKeyEntry(T("例如：一楼总服务台"))
	s.counter.SetText(u.settings.CounterName)
	s.username = u.newKeyEntry(T("小写字母或数字，如 admin"))
	s.name = u.newKeyEntry(T("姓名"))
	s.password = u.newPasswordEntry(T("至少8位，含字母和数字"))
	s.password2 = u.newPasswordEntry(T("再输入一次"))
	s.message = widget.NewLabel("")
	s.message.Importance = widget.DangerImportance
	s.message.Wrapping = fyne.TextWrapWord
	s.submit = widget.NewButton(T("完成设置"), func() { u.doSetup() })
	s.submit.Importance = widget.HighImportance
	s.password2.OnSubmitted = func(string) { u.doSetup() }
	form := container.NewVBox(
		widget.NewLabelWithStyle(T("首次使用：设置服务台"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		widget.NewForm(
			widget.NewFormItem(T("商场名称"), s.mall),
			widget.NewFormItem(T("服务台名称"), s.counter),
			widget.NewFormItem(T("管理员用户名"), s.username),
			widget.NewFormItem(T("管理员姓名"), s.name),
			widget.NewFormItem(T("密码"), s.password),
			widget.NewFormItem(T("确认密码"), s.password2),
		),
		s.submit, s.message,
	)
	s.root = container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 480), form))
	u.setup = s
	u.win.SetContent(s.root)
	u.win.Canvas().Focus(s.mall)
}

// doSetup creates the install and logs the admin in.
func (u *UI) doSetup() {
	s := u.setup
	if s.password.Text != s.password2.Text {
		s.message.SetText(T("两次输入的密码不一致"))
		return
	}
	st, err := u.svc.Staff.Setup(u.ctx, ledger.SetupRequest{
		MallName: s.mall.Text, CounterName: s.counter.Text,
		Admin: ledger.NewStaff{Username: s.username.Text, Name: s.name.Text, Role: ledger.RoleAdmin, Password: s.password.Text},
	})
	if err != nil {
		s.message.SetText(errText(err))
		return
	}
	u.setup = nil
	u.startShift(st)
}
