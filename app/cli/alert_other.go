//go:build !windows

package cli

import (
	"os"
	"os/exec"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"servicedesk/app"
	"servicedesk/assets"
)

// nativeAlert shows msg where a desktop is there to show it: a small Fyne
// window when Fyne may still be started (useFyne: nothing has run it yet in
// this process), else zenity, kdialog or xmessage, whichever is installed. It
// reports whether anything was shown; without a display nothing is.
func nativeAlert(title, msg string, useFyne bool) bool {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return false
	}
	if useFyne && fyneAlert(title, msg) {
		return true
	}
	for _, tool := range [][]string{
		{"zenity", "--error", "--no-markup", "--title", title, "--text", msg},
		{"kdialog", "--title", title, "--error", msg},
		{"xmessage", "-center", "-buttons", "OK", title + "\n\n" + strings.TrimSpace(msg)},
	} {
		path, err := exec.LookPath(tool[0])
		if err != nil {
			continue
		}
		if exec.Command(path, tool[1:]...).Run() == nil {
			return true
		}
	}
	return false
}

// fyneAlert shows the message in app.StartupError and waits until it is
// closed; false when the window never came up (no OpenGL, no display).
func fyneAlert(title, msg string) bool {
	_ = app.LoadLanguage("zh") // the setting is in the database, which may be what failed
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	app.ApplyTheme(a)
	s := app.NewStartupError(a, title, msg)
	var shown atomic.Bool
	a.Lifecycle().SetOnStarted(func() { shown.Store(true) })
	s.Window.ShowAndRun()
	return shown.Load()
}
