package app

import "fyne.io/fyne/v2/dialog"

// pendingDialog returns the open confirmation, nil when none.
func (u *UI) pendingDialog() *dialog.ConfirmDialog {
	u.dlgMu.Lock()
	defer u.dlgMu.Unlock()
	return u.pending
}

// setPending records the open confirmation (nil when it closed).
func (u *UI) setPending(d *dialog.ConfirmDialog) {
	u.dlgMu.Lock()
	u.pending = d
	u.dlgMu.Unlock()
}

// messageDialog returns the open error or info dialog, nil when none.
func (u *UI) messageDialog() dialog.Dialog {
	u.dlgMu.Lock()
	defer u.dlgMu.Unlock()
	return u.message
}

// setMessage records the open error or info dialog (nil when it closed).
func (u *UI) setMessage(d dialog.Dialog) {
	u.dlgMu.Lock()
	u.message = d
	u.dlgMu.Unlock()
}
