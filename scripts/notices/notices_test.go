package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// root is the repository root (tests run in scripts/notices).
var root = filepath.Join("..", "..")

// section is one module's part of the generated file.
type section struct {
	path, version string
	builds        []string
	files         map[string]string // licence file name → text
}

var moduleLine = regexp.MustCompile(`^==== (\S+) (v\S+) \(([a-z, ]+)\)$`)

// parseNotices reads the committed file's module sections.
func parseNotices(t *testing.T) (string, map[string]*section) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, Output))
	if err != nil {
		t.Fatalf("read %s: %v (run make notices)", Output, err)
	}
	out := map[string]*section{}
	var cur *section
	var file string
	var text strings.Builder
	// flush ends the current licence text; before a module header Render
	// wrote one blank line, which is not part of the text.
	flush := func(beforeModule bool) {
		if cur != nil && file != "" {
			t := text.String()
			if beforeModule {
				t = strings.TrimSuffix(t, "\n")
			}
			cur.files[file] = t
		}
		file = ""
		text.Reset()
	}
	// Lines keep their \r\n: licence files are compared byte for byte.
	for _, line := range strings.SplitAfter(string(b), "\n") {
		bare := strings.TrimRight(line, "\n")
		if strings.HasPrefix(bare, ModuleHeader) {
			flush(true)
			cur = nil
			if m := moduleLine.FindStringSubmatch(bare); m != nil {
				cur = &section{path: m[1], version: m[2], builds: strings.Split(m[3], ", "), files: map[string]string{}}
				out[cur.path] = cur
			}
			continue
		}
		if cur != nil && strings.HasPrefix(bare, FileHeader) && strings.HasSuffix(bare, " ----") {
			flush(false)
			file = strings.TrimSuffix(strings.TrimPrefix(bare, FileHeader), " ----")
			continue
		}
		if file != "" {
			text.WriteString(line)
		}
	}
	flush(true)
	return string(b), out
}

// linkedModules asks go list -deps (independently of the generator) which
// modules the release build for goos links: "path version".
func linkedModules(t *testing.T, goos string) map[string]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-tags", "release", "-f", "{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}}{{end}}{{end}}", ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps for %s: %v", goos, err)
	}
	mods := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if path, version, ok := strings.Cut(strings.TrimSpace(l), " "); ok {
			mods[path] = version
		}
	}
	if len(mods) < 10 {
		t.Fatalf("go list -deps for %s found only %v", goos, mods)
	}
	return mods
}

// Every module linked into either release build has a section with its
// version and builds, and nothing else is listed (a module dropped from
// the build must leave the notices too).
func TestNoticesMatchModuleGraph(t *testing.T) {
	_, sections := parseNotices(t)
	want := map[string][]string{}
	versions := map[string]string{}
	for _, goos := range Targets {
		for path, version := range linkedModules(t, goos) {
			want[path] = append(want[path], goos)
			versions[path] = version
		}
	}
	var problems []string
	for path, builds := range want {
		s := sections[path]
		switch {
		case s == nil:
			problems = append(problems, "missing "+path+" "+versions[path])
		case s.version != versions[path]:
			problems = append(problems, path+": notices say "+s.version+", the build links "+versions[path])
		case strings.Join(s.builds, ",") != strings.Join(builds, ","):
			problems = append(problems, path+": builds "+strings.Join(s.builds, ",")+", want "+strings.Join(builds, ","))
		}
	}
	for path := range sections {
		if want[path] == nil {
			problems = append(problems, "not linked any more: "+path)
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Fatalf("%s does not match go list -deps (run make notices):\n  %s", Output, strings.Join(problems, "\n  "))
	}
}

// Each section carries the module's licence files word for word: the root
// licence at least, and the text equals the file in the module cache.
func TestNoticesCarryLicenceTexts(t *testing.T) {
	_, sections := parseNotices(t)
	for path, s := range sections {
		cmd := exec.Command("go", "list", "-m", "-json", path)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -m %s: %v", path, err)
		}
		var m struct{ Dir string }
		if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
			t.Fatalf("module %s has no directory (go mod download): %v", path, err)
		}
		rootLicence := false
		for name, text := range s.files {
			b, err := os.ReadFile(filepath.Join(m.Dir, filepath.FromSlash(name)))
			if err != nil {
				t.Errorf("%s: %s listed but not in the module: %v", path, name, err)
				continue
			}
			want := string(b)
			if !strings.HasSuffix(want, "\n") {
				want += "\n"
			}
			if text != want {
				t.Errorf("%s: the text of %s differs from the module's file", path, name)
			}
			if !strings.Contains(name, "/") && Identify(text) != "patent grant" {
				rootLicence = true
			}
		}
		if !rootLicence {
			t.Errorf("%s: no licence text from the module root", path)
		}
	}
}

// The file is exactly what the generator writes now (nothing edited by hand,
// nothing stale), and it opens with the project's own licence.
func TestNoticesUpToDate(t *testing.T) {
	text, _ := parseNotices(t)
	licence, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(text, string(licence)); i < 0 || i > 1000 {
		t.Errorf("the project's LICENSE is not at the top of %s", Output)
	}
	abs, _ := filepath.Abs(root)
	n, err := Collect(abs)
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Render(); !bytes.Equal(got, []byte(text)) {
		t.Fatalf("%s is out of date: run make notices", Output)
	}
	for _, want := range []string{"Go standard library", "SQLite", "Droid Sans Fallback", "mingw-w64", "libgcc"} {
		if !strings.Contains(text, ModuleHeader+want) {
			t.Errorf("no section for %s", want)
		}
	}
}

func TestIdentify(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"LICENSE", "MIT"},
		{"scripts/notices/extra/droid-sans-fallback.txt", "Apache-2.0"},
	} {
		b, err := os.ReadFile(filepath.Join(root, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if got := Identify(string(b)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.file, got, tc.want)
		}
	}
	bsd := "Redistribution and use in source and binary forms, with or without modification, are permitted ... Neither the name of Google Inc. nor"
	if got := Identify(bsd); got != "BSD-3-Clause" {
		t.Errorf("BSD-3: %s", got)
	}
	if got := Identify("all rights reserved"); got != "see text" {
		t.Errorf("unknown: %s", got)
	}
}
