//go:build windows

package cli

import (
	"strings"
	"syscall"
	"unsafe"
)

// messageBox is user32!MessageBoxW, present on every Windows.
var messageBox = syscall.NewLazyDLL("user32.dll").NewProc("MessageBoxW")

// nativeAlert shows msg in a Windows message box with an error icon, in
// front of other windows, and waits for OK. It needs no OpenGL, so it also
// works when the counter window itself cannot open.
func nativeAlert(title, msg string, _ bool) bool {
	t, err := syscall.UTF16PtrFromString(strings.ReplaceAll(title, "\x00", ""))
	if err != nil {
		return false
	}
	m, err := syscall.UTF16PtrFromString(strings.ReplaceAll(msg, "\x00", ""))
	if err != nil {
		return false
	}
	const mbIconError, mbSetForeground, mbTopmost = 0x10, 0x10000, 0x40000
	r, _, _ := messageBox.Call(0, uintptr(unsafe.Pointer(m)), uintptr(unsafe.Pointer(t)), mbIconError|mbSetForeground|mbTopmost)
	return r != 0
}
