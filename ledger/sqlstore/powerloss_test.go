package sqlstore

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// Power loss (issue 19): the database lives on an ext4 filesystem in a
// loop device the test sets up (direct I/O to its image file). A child
// works on it as in the crash loop; at a random moment it is SIGKILLed and
// the image is copied at once: the copy is what the disk held at that
// instant, i.e. what survives a power cut (every write the kernel had not
// yet put on the device is gone, fsynced ones are there). The copy is
// checked with e2fsck, mounted, and must hold every acknowledged operation
// (synchronous=FULL) with the books whole. Needs root and losetup,
// mkfs.ext4, e2fsck; skipped with a message otherwise.
// SERVICEDESK_POWERLOSS_CYCLES=N runs N cycles.

func TestPowerLoss(t *testing.T) {
	requireSQLite(t)
	if os.Geteuid() != 0 {
		t.Skip("power-loss test skipped: needs root to set up a loop device")
	}
	for _, tool := range []string{"losetup", "mkfs.ext4", "e2fsck", "mount", "umount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("power-loss test skipped: %s not installed", tool)
		}
	}
	cycles := 3
	if v := os.Getenv("SERVICEDESK_POWERLOSS_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SERVICEDESK_POWERLOSS_CYCLES=%q", v)
		}
		cycles = n
	}
	work := t.TempDir()
	img := filepath.Join(work, "disk.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 64<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.ext4", "-q", "-F", img).CombinedOutput(); err != nil {
		t.Skipf("power-loss test skipped: mkfs.ext4: %v %s", err, out)
	}
	mnt := mountImage(t, img, filepath.Join(work, "live"), false)
	path := filepath.Join(mnt, "desk.db")
	f := newFixtureAt(t, path)
	var syncMode int
	if err := f.db.SQL().QueryRow("PRAGMA synchronous").Scan(&syncMode); err != nil || syncMode != 2 {
		t.Fatalf("synchronous = %d (%v), want 2 (FULL)", syncMode, err)
	}
	lend := NewLendingService(f.db)
	if err := lend.AddItems(context.Background(), f.admin, ledger.KindUmbrella, []string{"U-001", "U-002", "U-003", "U-004", "U-005", "U-006"}); err != nil {
		t.Fatal(err)
	}
	if err := lend.AddItems(context.Background(), f.admin, ledger.KindStroller, []string{"S-01", "S-02"}); err != nil {
		t.Fatal(err)
	}
	f.db.Close()

	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	var reported []crashOp
	start := time.Now()
	for cycle := 0; cycle < cycles; cycle++ {
		snap := filepath.Join(work, fmt.Sprintf("cut%d.img", cycle))
		ops, _, _ := runCrashChildThen(t, path, rng, func() {
			// The power cut: the device's content right now.
			copyImage(t, img, snap)
		})
		reported = append(reported, ops...)
		if out, err := exec.Command("e2fsck", "-fy", snap).CombinedOutput(); err != nil {
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
				t.Fatalf("e2fsck of the cut image: %v\n%s", err, out)
			}
		}
		cut := mountImage(t, snap, filepath.Join(work, fmt.Sprintf("cut%d", cycle)), true)
		checkAfterCrash(t, filepath.Join(cut, "desk.db"), reported)
		unmountImage(t, cut)
		os.Remove(snap)
		if t.Failed() {
			t.Fatalf("power cut %d lost acknowledged work (%d operations reported)", cycle+1, len(reported))
		}
	}
	t.Logf("power loss (ext4 on a loop device, synchronous=FULL): %d cuts, %d acknowledged operations, none lost, %.1f minutes",
		cycles, len(reported), time.Since(start).Minutes())
}

// mountImage attaches img to a loop device (direct I/O: the image file is
// the device's content, no page cache in between) and mounts it on dir.
func mountImage(t *testing.T, img, dir string, once bool) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("losetup", "-f", "--show", "--direct-io=on", img).CombinedOutput()
	if err != nil {
		t.Skipf("power-loss test skipped: no loop device (%v %s)", err, strings.TrimSpace(string(out)))
	}
	loop := strings.TrimSpace(string(out))
	if out, err := exec.Command("mount", "-t", "ext4", loop, dir).CombinedOutput(); err != nil {
		exec.Command("losetup", "-d", loop).Run()
		t.Skipf("power-loss test skipped: cannot mount a loop device (%v %s)", err, out)
	}
	cleanup := func() {
		exec.Command("umount", dir).Run()
		exec.Command("losetup", "-d", loop).Run()
	}
	mounted[dir] = cleanup
	if !once {
		t.Cleanup(func() { unmountImage(t, dir) })
	}
	return dir
}

// mounted maps a mount point to its cleanup (tests in this file are not
// parallel).
var mounted = map[string]func(){}

func unmountImage(t *testing.T, dir string) {
	t.Helper()
	if c, ok := mounted[dir]; ok {
		c()
		delete(mounted, dir)
	}
}

// copyImage copies the loop device's image file as it is now.
func copyImage(t *testing.T, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		t.Error(err)
		return
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Error(err)
		return
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		t.Error(err)
	}
}
