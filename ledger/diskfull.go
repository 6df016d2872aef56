package ledger

import (
	"errors"
	"fmt"
	"syscall"
)

// DiskFullMessage tells the clerk what happened and what to do.
const DiskFullMessage = "磁盘空间已满，本次操作未保存。请删除不需要的文件、清空回收站，腾出空间后重试；如仍不行请联系管理员。"

// DiskFull wraps a storage error caused by a full disk: the message is
// DiskFullMessage, the cause stays in the chain for the log.
func DiskFull(cause error) error {
	return fmt.Errorf("%w: %w", Errorf(ENOSPACE, DiskFullMessage), cause)
}

// IsNoSpace reports whether err says the disk is full (ENOSPC, or on
// Windows ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL).
func IsNoSpace(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	return errno == syscall.ENOSPC || isWindowsDiskFull(errno)
}
