//go:build windows

package cli

import "syscall"

// windowsGUI is "1" in servicedesk.exe, the GUI-subsystem build (set by
// scripts/build-windows.sh with -X); servicedesk-cli.exe, the console
// build of the same code, leaves it empty.
var windowsGUI string

// consoleless reports a GUI-subsystem process with no console and a stdout
// that goes nowhere: what a command prints would be lost and cmd.exe does
// not wait for its exit code. Redirected output (> file) still works.
func consoleless() bool {
	if windowsGUI != "1" {
		return false
	}
	kernel32 := syscall.NewLazyDLL("kernel32.dll")
	if w, _, _ := kernel32.NewProc("GetConsoleWindow").Call(); w != 0 {
		return false
	}
	h, err := syscall.GetStdHandle(syscall.STD_OUTPUT_HANDLE)
	if err != nil || h == 0 || h == syscall.InvalidHandle {
		return true
	}
	t, err := syscall.GetFileType(h)
	return err != nil || t == syscall.FILE_TYPE_UNKNOWN
}
