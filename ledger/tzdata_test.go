package ledger

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestZoneLoadsWithoutSystemZoneinfo loads Asia/Shanghai in a child process
// that sees no zone database: ZONEINFO points at an empty folder, GOROOT
// at a missing one and, where the test may mount (Linux as root), an empty
// tmpfs hides /usr/share/zoneinfo as on a Windows PC without Go. Fails on
// the old code (nothing embedded time/tzdata).
func TestZoneLoadsWithoutSystemZoneinfo(t *testing.T) {
	if os.Getenv("SERVICEDESK_TZ_CHILD") == "1" {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Fatalf("load zone: %v", err)
		}
		if _, off := time.Date(2026, 11, 25, 0, 0, 0, 0, loc).Zone(); off != 8*3600 {
			t.Fatalf("offset %d", off)
		}
		if err := DefaultSettings().Validate(); err != nil {
			t.Fatalf("default settings: %v", err)
		}
		return
	}
	empty := t.TempDir()
	args := []string{"-test.run=^TestZoneLoadsWithoutSystemZoneinfo$", "-test.count=1"}
	cmd := exec.Command(os.Args[0], args...)
	hidden := false
	if unshare, err := exec.LookPath("unshare"); err == nil && os.Geteuid() == 0 {
		probe := exec.Command(unshare, "-m", "true")
		if probe.Run() == nil {
			script := `mount -t tmpfs tmpfs /usr/share/zoneinfo 2>/dev/null || mount -t tmpfs tmpfs /usr/share 2>/dev/null || true; exec "$@"`
			cmd = exec.Command(unshare, append([]string{"-m", "--propagation", "private", "sh", "-c", script, "sh", os.Args[0]}, args...)...)
			hidden = true
		}
	}
	cmd.Env = append(os.Environ(), "SERVICEDESK_TZ_CHILD=1", "ZONEINFO="+empty, "GOROOT="+empty+"/no-go", "TZ=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("zone does not load without a zone database (system zoneinfo hidden: %v): %v\n%s", hidden, err, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatalf("child did not run the check:\n%s", out)
	}
	if !hidden {
		t.Log("system zoneinfo not hidden (needs root and unshare); checked with ZONEINFO and GOROOT only")
	}
}
