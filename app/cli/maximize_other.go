//go:build !windows

package cli

import "fyne.io/fyne/v2"

// maximize does nothing here: the window already has the work area's size
// (fitToScreen) and the window manager keeps it on screen.
func maximize(fyne.Window) {}
