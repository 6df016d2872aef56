package releasetest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// root is the repository root (tests run in scripts/releasetest).
var root, _ = filepath.Abs(filepath.Join("..", ".."))

// run runs name with args in dir and returns its exit code and output.
func run(t *testing.T, dir string, env []string, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return 0, out.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(from)
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, st.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

// make dist refuses a dirty tree unless ALLOW_DIRTY=1, and says whether the
// commit is a tagged release or a snapshot.
func TestDistGuard(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	for _, f := range []string{"scripts/dist-guard.sh", "scripts/version.sh", "FyneApp.toml"} {
		copyFile(t, filepath.Join(root, f), filepath.Join(repo, f))
	}
	git := func(args ...string) {
		env := []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
		if code, out := run(t, repo, env, "git", args...); code != 0 {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-qm", "first")
	guard := filepath.Join(repo, "scripts", "dist-guard.sh")

	if code, out := run(t, repo, nil, guard); code != 0 || !strings.Contains(out, "snapshot") {
		t.Fatalf("clean untagged tree: exit %d\n%s", code, out)
	}
	git("tag", "v1.2.3")
	if code, out := run(t, repo, nil, guard); code != 0 || !strings.Contains(out, "release v1.2.3") {
		t.Fatalf("clean tagged tree: exit %d\n%s", code, out)
	}
	os.WriteFile(filepath.Join(repo, "FyneApp.toml"), []byte("changed"), 0o644)
	os.WriteFile(filepath.Join(repo, "stray.txt"), []byte("x"), 0o644)
	code, out := run(t, repo, nil, guard)
	if code == 0 || !strings.Contains(out, "refusing") || !strings.Contains(out, "FyneApp.toml") || !strings.Contains(out, "stray.txt") {
		t.Fatalf("dirty tree: exit %d\n%s", code, out)
	}
	if code, out := run(t, repo, []string{"ALLOW_DIRTY=1"}, guard); code != 0 || !strings.Contains(out, "WARNING") {
		t.Fatalf("dirty tree with ALLOW_DIRTY=1: exit %d\n%s", code, out)
	}
	if _, v := run(t, repo, nil, filepath.Join(repo, "scripts", "version.sh")); strings.TrimSpace(v) != "v1.2.3-dirty" {
		t.Errorf("dirty version = %q, want v1.2.3-dirty", v)
	}
}

// The Windows file version follows the tag (the fourth number counts the
// commits since it); without a tag FyneApp.toml's version is used.
func TestWindowsFileVersionFollowsTag(t *testing.T) {
	toml, err := os.ReadFile(filepath.Join(root, "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var app string
	for _, l := range strings.Split(string(toml), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Version = "); ok {
			app = strings.Trim(v, `"`)
		}
	}
	for in, want := range map[string]string{
		"v1.2.3":                   "1.2.3.0",
		"v1.2.3-5-gabc1234":        "1.2.3.5",
		"v0.2.0-12-g0123abc-dirty": "0.2.0.12",
		"v10.20.30":                "10.20.30.0",
		"20e224a":                  app + ".0",
		"20e224a-dirty":            app + ".0",
	} {
		code, out := run(t, root, nil, filepath.Join(root, "scripts", "winres.sh"), "--file-version", in)
		if code != 0 || strings.TrimSpace(out) != want {
			t.Errorf("%s: %q (exit %d), want %s", in, out, code, want)
		}
	}
}

// install.sh warns when the PC does not meet the requirements (glibc 2.34,
// an OpenGL library) and still installs; a PC that meets them gets no warning.
func TestInstallScriptWarnsOnRequirements(t *testing.T) {
	for _, tc := range []struct {
		name, glibc, ldconfig string
		warns                 []string
	}{
		{"old glibc, no OpenGL", "glibc 2.31", "", []string{"glibc 2.31 is older than 2.34", "no OpenGL library"}},
		{"Debian 12 desktop", "glibc 2.36", "\tlibGL.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libGL.so.1", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pkg, fake, home := t.TempDir(), t.TempDir(), t.TempDir()
			for _, f := range []string{"install.sh", "servicedesk.desktop"} {
				copyFile(t, filepath.Join(root, "packaging", "linux", f), filepath.Join(pkg, f))
			}
			os.WriteFile(filepath.Join(pkg, "servicedesk"), []byte("#!/bin/sh\n"), 0o755)
			os.WriteFile(filepath.Join(pkg, "servicedesk.png"), []byte("png"), 0o644)
			os.WriteFile(filepath.Join(fake, "getconf"), []byte("#!/bin/sh\necho '"+tc.glibc+"'\n"), 0o755)
			os.WriteFile(filepath.Join(fake, "ldconfig"), []byte("#!/bin/sh\nprintf '%s\\n' '"+tc.ldconfig+"'\n"), 0o755)
			env := []string{"HOME=" + home, "PATH=" + fake + ":" + os.Getenv("PATH")}
			code, out := run(t, pkg, env, filepath.Join(pkg, "install.sh"))
			if code != 0 {
				t.Fatalf("install.sh: exit %d\n%s", code, out)
			}
			for _, w := range tc.warns {
				if !strings.Contains(out, w) {
					t.Errorf("no warning %q:\n%s", w, out)
				}
			}
			if tc.warns == nil && strings.Contains(out, "warning") {
				t.Errorf("unexpected warning:\n%s", out)
			}
			if _, err := os.Stat(filepath.Join(home, ".local", "bin", "servicedesk")); err != nil {
				t.Errorf("not installed: %v", err)
			}
		})
	}
}
