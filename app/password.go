package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// changePasswordScreen lets staff change their own password; after an admin
// reset it is forced before the counter opens.
type changePasswordScreen struct {
	root     fyne.CanvasObject
	head     *widget.Label
	old      *keyEntry
	new1     *keyEntry
	new2     *keyEntry
	submit   *widget.Button
	message  *widget.Label
	required bool
}

// showChangePassword shows the form; required means it cannot be skipped.
func (u *UI) showChangePassword(required bool) {
	c := &changePasswordScreen{required: required}
	c.old = u.newPasswordEntry(T("当前密码"))
	c.new1 = u.newPasswordEntry(T("至少8位，含字母和数字"))
	c.new2 = u.newPasswordEntry(T("再输入一次"))
	c.message = widget.NewLabel("")
	c.message.Importance = widget.DangerImportance
	c.submit = widget.NewButton(T("修改密码"), func() { u.doChangePassword() })
	c.submit.Importance = widget.HighImportance
	c.new2.OnSubmitted = func(string) { u.doChangePassword() }
	head := T("修改密码")
	if required && u.Staff().FirstLogin {
		head = T("首次登录：请设置新密码")
	} else if required {
		head = T("密码已被重置，请先设置新密码")
	}
	c.head = widget.NewLabelWithStyle(head, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	c.old.OnSubmitted = func(string) { u.win.Canvas().Focus(c.new1) }
	c.new1.OnSubmitted = func(string) { u.win.Canvas().Focus(c.new2) }
	items := []fyne.CanvasObject{
		c.head,
		widget.NewForm(
			widget.NewFormItem(T("当前密码"), c.old),
			widget.NewFormItem(T("新密码"), c.new1),
			widget.NewFormItem(T("确认新密码"), c.new2)),
		c.submit, c.message,
	}
	if !required {
		items = append(items, widget.NewButton(T("返回"), func() { u.showShell() }))
	}
	c.root = container.NewCenter(container.NewGridWrap(fyne.NewSize(480, 340), container.NewVBox(items...)))
	u.passwd = c
	u.win.SetContent(c.root)
	u.win.Canvas().Focus(c.old)
}

// doChangePassword stores the new password.
func (u *UI) doChangePassword() {
	c := u.passwd
	if c.new1.Text != c.new2.Text {
		c.message.SetText(T("两次输入的密码不一致"))
		return
	}
	st := u.Staff()
	if err := u.svc.Staff.ChangePassword(u.ctx, st.ID, c.old.Text, c.new1.Text); err != nil {
		c.message.SetText(errText(err))
		return
	}
	u.mu.Lock()
	u.staff.MustChange = false
	u.mu.Unlock()
	u.passwd = nil
	u.showShell()
}
