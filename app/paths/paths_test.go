package paths

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func homeAt(h string) func() (string, error) {
	return func() (string, error) { return h, nil }
}

func noHome() (string, error) { return "", errors.New("no home") }

func TestDataDir(t *testing.T) {
	for _, tc := range []struct {
		name string
		goos string
		env  map[string]string
		home func() (string, error)
		want string
	}{
		{"windows localappdata, not roaming", "windows",
			map[string]string{"APPDATA": `C:\Users\wang\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\wang\AppData\Local`}, noHome,
			`C:\Users\wang\AppData\Local\ServiceDesk`},
		{"windows localappdata trailing slash", "windows",
			map[string]string{"LOCALAPPDATA": `D:\Profiles\li\`}, noHome,
			`D:\Profiles\li\ServiceDesk`},
		{"linux xdg", "linux",
			map[string]string{"XDG_DATA_HOME": "/srv/xdg"}, homeAt("/home/zhang"),
			"/srv/xdg/servicedesk"},
		{"linux home", "linux", nil, homeAt("/home/zhang"),
			"/home/zhang/.local/share/servicedesk"},
		{"linux relative xdg ignored", "linux",
			map[string]string{"XDG_DATA_HOME": "rel/dir"}, homeAt("/home/zhang"),
			"/home/zhang/.local/share/servicedesk"},
		{"darwin", "darwin", nil, homeAt("/Users/chen"),
			"/Users/chen/Library/Application Support/ServiceDesk"},
		{"override linux", "linux",
			map[string]string{EnvOverride: "/tmp/demo", "XDG_DATA_HOME": "/srv/xdg"}, homeAt("/h"),
			"/tmp/demo"},
		{"override windows", "windows",
			map[string]string{EnvOverride: `E:\counter2`, "APPDATA": `C:\x`}, noHome,
			`E:\counter2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dataDir(tc.goos, env(tc.env), tc.home)
			if err != nil {
				t.Fatalf("dataDir: %v", err)
			}
			if got != tc.want {
				t.Errorf("dataDir = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDataDirErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		goos string
		env  map[string]string
		home func() (string, error)
	}{
		{"windows without LOCALAPPDATA", "windows", map[string]string{"APPDATA": `C:\Users\x\AppData\Roaming`}, homeAt(`C:\Users\x`)},
		{"linux without home", "linux", nil, noHome},
		{"relative override", "linux", map[string]string{EnvOverride: "data"}, homeAt("/h")},
		{"relative windows override", "windows", map[string]string{EnvOverride: `data\x`, "APPDATA": `C:\a`}, noHome},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := dataDir(tc.goos, env(tc.env), tc.home); err == nil {
				t.Errorf("dataDir = %q, want an error", got)
			}
		})
	}
}

// TestHostDataDir checks the real entry points on the machine running the test.
func TestHostDataDir(t *testing.T) {
	if runtime.GOOS == "linux" {
		t.Setenv("XDG_DATA_HOME", "/var/tmp/xdg-test")
		t.Setenv(EnvOverride, "")
		d, err := DataDir()
		if err != nil || d != "/var/tmp/xdg-test/servicedesk" {
			t.Fatalf("DataDir() = %q, %v", d, err)
		}
		b, err := BackupDir()
		if err != nil || b != "/var/tmp/xdg-test/servicedesk/backups" {
			t.Fatalf("BackupDir() = %q, %v", b, err)
		}
	}
	dir := filepath.Join(t.TempDir(), "a", "b")
	t.Setenv(EnvOverride, dir)
	d, err := DataDir()
	if err != nil || d != dir {
		t.Fatalf("DataDir() with override = %q, %v", d, err)
	}
	if err := Ensure(d); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		t.Fatalf("Ensure did not create %s: %v", d, err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(d); fi.Mode().Perm() != 0o700 {
			t.Errorf("mode = %v, want 0700", fi.Mode().Perm())
		}
	}
}
