package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// ask shows a confirmation with the amount and the item before money moves.
// Enter confirms and Esc cancels, wherever the focus is, so a clerk can
// serve the queue without the mouse.
func (u *UI) ask(title, msg string, ok func()) *dialog.ConfirmDialog {
	d := dialog.NewConfirm(title, msg, func(yes bool) {
		u.pending = nil
		if yes {
			ok()
		}
	}, u.win)
	d.SetConfirmText(T("确认（Enter）"))
	d.SetDismissText(T("取消（Esc）"))
	u.pending = d
	u.win.Canvas().Unfocus()
	d.Show()
	return d
}

// dialogKey answers Enter and Esc for the open confirmation or message;
// it reports whether the key was used.
func (u *UI) dialogKey(k fyne.KeyName) bool {
	enter := k == fyne.KeyReturn || k == fyne.KeyEnter
	if u.pending != nil && (enter || k == fyne.KeyEscape) {
		d := u.pending
		u.pending = nil
		if enter {
			d.Confirm()
		} else {
			d.Dismiss()
		}
		return true
	}
	if u.message != nil && (enter || k == fyne.KeyEscape) {
		u.closeMessage()
		return true
	}
	return false
}

// closeMessage hides the open message dialog, if any.
func (u *UI) closeMessage() {
	if d := u.message; d != nil {
		u.message = nil
		d.Hide()
	}
}
