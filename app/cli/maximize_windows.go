//go:build windows

package cli

import (
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

var showWindow = syscall.NewLazyDLL("user32.dll").NewProc("ShowWindow")

// maximize maximises the window (ShowWindow SW_MAXIMIZE).
func maximize(w fyne.Window) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		if c, ok := ctx.(driver.WindowsWindowContext); ok && c.HWND != 0 {
			const swMaximize = 3
			showWindow.Call(c.HWND, swMaximize)
		}
	})
}
