package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// keyEntry is an Entry that hands the counter's global keys (F1–F12, Esc) to
// the window even while it has the focus, reports activity for the idle lock,
// and submits on Enter.
type keyEntry struct {
	widget.Entry
	ui *UI
}

// newKeyEntry returns a single-line entry wired to the UI's keys.
func (u *UI) newKeyEntry(placeholder string) *keyEntry {
	e := &keyEntry{ui: u}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	return e
}

// newPasswordEntry returns a masked keyEntry.
func (u *UI) newPasswordEntry(placeholder string) *keyEntry {
	e := u.newKeyEntry(placeholder)
	e.Password = true
	return e
}

// TypedKey forwards global keys and records activity. Enter in an entry
// that holds text (a scan, a typed code) closes an open message and submits,
// so a message never swallows the next customer's scan.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	e.ui.touch()
	enter := k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter
	if enter && e.ui.pendingDialog() == nil && e.ui.messageDialog() != nil && e.Text != "" {
		e.ui.closeMessage()
	} else if e.ui.globalKey(k.Name) {
		return
	}
	e.Entry.TypedKey(k)
}

// TypedRune records activity.
func (e *keyEntry) TypedRune(r rune) {
	e.ui.touch()
	e.Entry.TypedRune(r)
}

// isGlobalKey reports whether the key belongs to the window, not the entry.
func isGlobalKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5, fyne.KeyF6,
		fyne.KeyF7, fyne.KeyF8, fyne.KeyF9, fyne.KeyF10, fyne.KeyF11, fyne.KeyF12, fyne.KeyEscape:
		return true
	}
	return false
}

// entryMinWidth caps the width an entry asks for: a long placeholder (or a
// longer English one) must not widen a form beyond a 1024-pixel screen;
// the entry still takes all the width its layout gives it.
const entryMinWidth = 180

// MinSize is the entry's own, no wider than entryMinWidth.
func (e *keyEntry) MinSize() fyne.Size {
	m := e.Entry.MinSize()
	m.Width = min(m.Width, entryMinWidth)
	return m
}
