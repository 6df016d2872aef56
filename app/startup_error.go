package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// StartupError is the small window that says why the app could not start
// (a refused database, a data folder that cannot be made, a bad option) on
// systems without a native message box. Its widgets are kept for tests.
type StartupError struct {
	Window  fyne.Window
	Message *widget.Label
	Close   *widget.Button
}

// NewStartupError builds the window with title and msg (Chinese first; the
// language setting is in the database, which may be what failed). Close
// (or the window's own close button) ends the app: it is the master window.
func NewStartupError(a fyne.App, title, msg string) *StartupError {
	s := &StartupError{Window: a.NewWindow(title)}
	s.Message = widget.NewLabel(msg)
	s.Message.Wrapping = fyne.TextWrapWord
	s.Close = widget.NewButton(T("关闭"), func() { s.Window.Close() })
	s.Close.Importance = widget.HighImportance
	icon := widget.NewIcon(theme.ErrorIcon())
	body := container.NewBorder(nil, container.NewCenter(s.Close), container.NewVBox(icon), nil,
		container.NewVScroll(s.Message))
	s.Window.SetContent(body)
	s.Window.Resize(fyne.NewSize(600, 340))
	s.Window.CenterOnScreen()
	s.Window.SetMaster()
	return s
}
