package disktest

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// SmallFS mounts a tmpfs of sizeKiB on a fresh temporary directory and
// unmounts it at cleanup. Without the privilege to mount it skips the test
// with a message saying so.
func SmallFS(t testing.TB, sizeKiB int) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "servicedesk-smallfs-")
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%dk,mode=0700", sizeKiB)); err != nil {
		os.Remove(dir)
		t.Skipf("cannot mount a small tmpfs for the full-disk test (needs root or CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
		os.Remove(dir)
	})
	return dir
}

// Remount makes the filesystem mounted by SmallFS read-only (ro) or
// writable again.
func Remount(t testing.TB, dir string, ro bool) {
	t.Helper()
	flags := uintptr(syscall.MS_REMOUNT)
	if ro {
		flags |= syscall.MS_RDONLY
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, ""); err != nil {
		t.Fatalf("remount %s (ro=%v): %v", dir, ro, err)
	}
}
