//go:build !linux

package disktest

import "testing"

// SmallFS skips: mounting a small filesystem is only done on Linux.
func SmallFS(t testing.TB, sizeKiB int) string {
	t.Skip("the full-disk test mounts a tmpfs: Linux only")
	return ""
}

// Remount is never reached off Linux (SmallFS skipped).
func Remount(t testing.TB, dir string, ro bool) { t.Skip("Linux only") }
