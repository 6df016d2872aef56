package ledger

import "syscall"

// isWindowsDiskFull matches ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112).
func isWindowsDiskFull(errno syscall.Errno) bool { return errno == 39 || errno == 112 }
