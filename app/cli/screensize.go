package cli

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// decorations is the room left for the window's title bar and border
// (the work area already leaves out the task bar).
const decorations = 40

// fitToScreen sizes the window to the primary screen's work area (the
// screen minus the task bar) and maximises it where the system lets us, so
// a 1024×768 or 1366×768 counter PC shows the whole counter. It must run on
// the main thread after the driver started (Lifecycle OnStarted).
func fitToScreen(w fyne.Window) {
	mon := glfw.GetPrimaryMonitor()
	if mon == nil {
		return
	}
	_, _, width, height := mon.GetWorkarea()
	if width <= 0 || height <= 0 {
		if mode := mon.GetVideoMode(); mode != nil {
			width, height = mode.Width, mode.Height-decorations
		}
	}
	scale := w.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	if width > 0 && height > decorations {
		w.Resize(fyne.NewSize(float32(width)/scale, float32(height-decorations)/scale))
		w.CenterOnScreen()
	}
	maximize(w)
}
