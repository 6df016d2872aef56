//go:build !windows

package paths

import (
	"errors"
	"syscall"
)

// isCrossDevice reports a rename that failed because the two paths are on
// different file systems (EXDEV).
func isCrossDevice(err error) bool {
	return errors.Is(err, syscall.EXDEV)
}
