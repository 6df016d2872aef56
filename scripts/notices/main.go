// Command notices writes assets/THIRD_PARTY_NOTICES.txt from the module graph
// of the release builds: the project's own LICENSE, then every Go module
// linked into servicedesk (go list -deps -tags release, linux/amd64 and
// windows/amd64) with the full text of each licence file it ships (its root
// and the folders of the linked packages, e.g. Fyne's bundled fonts and
// GLFW's C sources), the Go standard library, and what is bundled from
// outside the module graph (the Droid Sans Fallback font; mingw-w64's runtime
// and libgcc in the Windows build, from scripts/notices/extra).
//
//	go run ./scripts/notices           write the file (make notices)
//	go run ./scripts/notices -check    exit 1 when the file is out of date
//
// The file ships in both release artefacts and is shown in the About box;
// TestNoticesMatchModuleGraph fails when it no longer matches go list -deps.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// Output is the generated file, relative to the repository root.
const Output = "assets/THIRD_PARTY_NOTICES.txt"

func main() {
	check := flag.Bool("check", false, "only check that "+Output+" is up to date")
	flag.Parse()
	root, err := repoRoot()
	if err != nil {
		fail(err)
	}
	n, err := Collect(root)
	if err != nil {
		fail(err)
	}
	text := n.Render()
	path := filepath.Join(root, Output)
	if *check {
		old, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(old, text) {
			fail(fmt.Errorf("%s is out of date: run make notices", Output))
		}
		fmt.Printf("%s is up to date (%d modules)\n", Output, len(n.Modules))
		return
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("wrote %s (%d modules, %d bytes)\n", Output, len(n.Modules), len(text))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "notices:", err)
	os.Exit(1)
}

// repoRoot is the directory holding go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
