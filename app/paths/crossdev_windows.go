//go:build windows

package paths

import (
	"errors"
	"syscall"
)

// isCrossDevice reports a rename that failed because the two paths are on
// different drives (ERROR_NOT_SAME_DEVICE).
func isCrossDevice(err error) bool {
	return errors.Is(err, syscall.Errno(17))
}
