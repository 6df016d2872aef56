package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Targets are the release builds whose links are listed.
var Targets = []string{"linux", "windows"}

// Notices is everything the generated file lists.
type Notices struct {
	// Project is the project's own LICENSE.
	Project string
	// Modules are the linked Go modules, by path.
	Modules []*Module
	// Extras are the components from outside the module graph.
	Extras []Extra
}

// Module is one linked Go module.
type Module struct {
	Path, Version, Dir string
	// Builds are the targets that link it.
	Builds []string
	// Files are its licence files, relative to Dir, with their text.
	Files []File
	// pkgDirs are the folders of its linked packages.
	pkgDirs map[string]bool
}

// File is one licence file.
type File struct {
	Name, Text string
}

// Extra is a component bundled from outside the module graph.
type Extra struct {
	Name, Licence string
	Builds        []string
	Text          string
}

// listed is what go list -deps -json says about a package.
type listed struct {
	ImportPath, Dir string
	Standard        bool
	Module          *struct {
		Path, Version, Dir string
		Main               bool
		Replace            *struct{ Path, Version, Dir string }
	}
}

// GoListDeps runs go list -deps for the release build of goos/amd64 in root.
func GoListDeps(root, goos string) ([]listed, error) {
	cmd := exec.Command("go", "list", "-deps", "-tags", "release", "-json=ImportPath,Dir,Standard,Module", ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps (%s): %w: %s", goos, err, stderr.String())
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// Collect gathers the notices for the repository at root.
func Collect(root string) (*Notices, error) {
	project, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("project licence: %w", err)
	}
	n := &Notices{Project: string(project)}
	byPath := map[string]*Module{}
	for _, goos := range Targets {
		pkgs, err := GoListDeps(root, goos)
		if err != nil {
			return nil, err
		}
		for _, p := range pkgs {
			if p.Standard || p.Module == nil || p.Module.Main {
				continue
			}
			path, version, dir := p.Module.Path, p.Module.Version, p.Module.Dir
			if r := p.Module.Replace; r != nil {
				version, dir = r.Version, r.Dir
			}
			m := byPath[path]
			if m == nil {
				m = &Module{Path: path, Version: version, Dir: dir, pkgDirs: map[string]bool{}}
				byPath[path] = m
			}
			if len(m.Builds) == 0 || m.Builds[len(m.Builds)-1] != goos {
				m.Builds = append(m.Builds, goos)
			}
			m.pkgDirs[p.Dir] = true
		}
	}
	for _, m := range byPath {
		if m.Files, err = licenceFiles(m); err != nil {
			return nil, err
		}
		if len(m.Files) == 0 {
			return nil, fmt.Errorf("module %s %s ships no licence file: add its licence by hand before linking it", m.Path, m.Version)
		}
		n.Modules = append(n.Modules, m)
	}
	sort.Slice(n.Modules, func(i, j int) bool { return n.Modules[i].Path < n.Modules[j].Path })
	if n.Extras, err = extras(root); err != nil {
		return nil, err
	}
	return n, nil
}

// licenceName matches the file names that carry licence texts.
var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents|unlicense|ofl)([._-].*)?$`)

// licenceFiles finds m's licence files: in the module root and in the
// folders of linked packages, including folders below them without Go code
// (bundled fonts, C sources); never in testdata.
func licenceFiles(m *Module) ([]File, error) {
	var files []File
	err := filepath.WalkDir(m.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != m.Dir && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !licenceName.MatchString(d.Name()) || !d.Type().IsRegular() {
			return nil
		}
		if !covered(m, filepath.Dir(p)) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(m.Dir, p)
		files = append(files, File{Name: filepath.ToSlash(rel), Text: string(b)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("licences of %s: %w", m.Path, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// covered reports whether a licence in dir applies to linked code: dir is the
// module root, or the nearest folder at or above dir that holds Go code is a
// linked package.
func covered(m *Module, dir string) bool {
	for {
		if dir == m.Dir {
			return true
		}
		if hasGo(dir) {
			return m.pkgDirs[dir]
		}
		parent := filepath.Dir(dir)
		if parent == dir || !strings.HasPrefix(parent, m.Dir) {
			return false
		}
		dir = parent
	}
}

// hasGo reports whether dir holds non-test Go files.
func hasGo(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			return true
		}
	}
	return false
}

// extras are the components bundled from outside the module graph.
func extras(root string) ([]Extra, error) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	read := func(p string) (string, error) {
		b, err := os.ReadFile(p)
		return string(b), err
	}
	gor := strings.TrimSpace(string(goroot))
	goLicence, err := read(filepath.Join(gor, "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("Go licence: %w", err)
	}
	goPatents, err := read(filepath.Join(gor, "PATENTS"))
	if err != nil {
		return nil, fmt.Errorf("Go patents grant: %w", err)
	}
	out := []Extra{{Name: "Go standard library and runtime (go.dev)", Licence: "BSD-3-Clause", Builds: Targets,
		Text: goLicence + "\n---- PATENTS ----\n" + goPatents}}
	for _, x := range []struct{ name, licence, file string }{
		{"SQLite (compiled in by github.com/mattn/go-sqlite3)", "public domain", "sqlite.txt"},
		{"Droid Sans Fallback font (assets/DroidSansFallbackFull.ttf, embedded)", "Apache-2.0", "droid-sans-fallback.txt"},
		{"mingw-w64 runtime and winpthreads (linked statically into servicedesk.exe)", "ZPL-2.1, MIT and others", "mingw-w64.txt"},
		{"libgcc (linked statically into servicedesk.exe)", "GPL-3.0 with GCC Runtime Library Exception 3.1", "libgcc.txt"},
	} {
		text, err := read(filepath.Join(root, "scripts", "notices", "extra", x.file))
		if err != nil {
			return nil, fmt.Errorf("bundled licence: %w", err)
		}
		builds := Targets
		if strings.Contains(x.name, ".exe") {
			builds = []string{"windows"}
		}
		out = append(out, Extra{Name: x.name, Licence: x.licence, Builds: builds, Text: text})
	}
	return out, nil
}

// Identify names a licence text's kind for the summary table ("see text"
// when no rule matches: the text itself is always included).
func Identify(text string) string {
	t := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	has := func(s ...string) bool {
		for _, x := range s {
			if !strings.Contains(t, x) {
				return false
			}
		}
		return true
	}
	switch {
	case has("apache license", "version 2.0"):
		return "Apache-2.0"
	case has("mozilla public license", "2.0"):
		return "MPL-2.0"
	case has("sil open font license"):
		return "OFL-1.1"
	case has("permission is hereby granted, free of charge"):
		return "MIT"
	case has("redistribution and use in source and binary forms", "neither the name"):
		return "BSD-3-Clause"
	case has("redistribution and use in source and binary forms", "endorse or promote"):
		return "BSD-3-Clause"
	case has("redistribution and use in source and binary forms"):
		return "BSD-2-Clause"
	case has("permission to use, copy, modify, and/or distribute this software for any purpose"):
		return "ISC"
	case has("this software is provided 'as-is'", "altered source versions must be plainly marked"):
		return "Zlib"
	case has("this is free and unencumbered software released into the public domain"):
		return "Unlicense"
	case has("additional ip rights grant (patents)"):
		return "patent grant"
	}
	return "see text"
}

// licences summarises a module's licence kinds.
func (m *Module) licences() string {
	var kinds []string
	seen := map[string]bool{}
	for _, f := range m.Files {
		k := Identify(f.Text)
		if k == "patent grant" || seen[k] {
			continue
		}
		seen[k] = true
		kinds = append(kinds, k)
	}
	return strings.Join(kinds, ", ")
}

// Headers used in the generated file (the test parses them).
const (
	ModuleHeader = "==== "
	FileHeader   = "---- "
)

// Render is the text of the generated file.
func (n *Notices) Render() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `服务台 Service Desk — 许可证与第三方软件声明 / licences and third-party notices
==============================================================================

本文件由 scripts/notices 根据发布版本实际链接的 Go 模块自动生成（make notices），
请勿手工修改。This file is generated by scripts/notices (make notices) from the
module graph of the release builds (go list -deps -tags release, linux/amd64 and
windows/amd64); a test fails when it no longer matches. Do not edit.

1. 服务台 Service Desk (LICENSE)
------------------------------------------------------------------------------

%s
2. 链接进程序的第三方组件 Third-party components linked into servicedesk
------------------------------------------------------------------------------

%d Go modules, the Go standard library and %d bundled components.

`, n.Project, len(n.Modules), len(n.Extras)-1)
	w := 0
	for _, m := range n.Modules {
		if l := len(m.Path) + 1 + len(m.Version); l > w {
			w = l
		}
	}
	for _, m := range n.Modules {
		fmt.Fprintf(&b, "  %-*s  %-28s %s\n", w, m.Path+" "+m.Version, m.licences(), strings.Join(m.Builds, " "))
	}
	for _, x := range n.Extras {
		fmt.Fprintf(&b, "  %s: %s (%s)\n", x.Name, x.Licence, strings.Join(x.Builds, " "))
	}
	b.WriteString("\n3. 许可证全文 Licence texts\n------------------------------------------------------------------------------\n")
	for _, m := range n.Modules {
		fmt.Fprintf(&b, "\n%s%s %s (%s)\n", ModuleHeader, m.Path, m.Version, strings.Join(m.Builds, ", "))
		for _, f := range m.Files {
			fmt.Fprintf(&b, "%s%s ----\n%s", FileHeader, f.Name, f.Text)
			if !strings.HasSuffix(f.Text, "\n") {
				b.WriteString("\n")
			}
		}
	}
	for _, x := range n.Extras {
		fmt.Fprintf(&b, "\n%s%s (%s)\n%s", ModuleHeader, x.Name, strings.Join(x.Builds, ", "), x.Text)
		if !strings.HasSuffix(x.Text, "\n") {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}
