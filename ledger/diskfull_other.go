//go:build !windows

package ledger

import "syscall"

// isWindowsDiskFull is false off Windows (ENOSPC covers it).
func isWindowsDiskFull(syscall.Errno) bool { return false }
