package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCleanExports(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	files := map[string]time.Duration{
		"personal-copy-20261123-100000.pdf": 50 * time.Hour, // old: removed
		"personal-copy-20261124-110000.txt": 25 * time.Hour, // old: removed
		"personal-copy-20261125-090000.pdf": 3 * time.Hour,  // fresh: kept
		"notes.txt":                         90 * time.Hour, // not a copy: kept
	}
	for name, age := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := cleanExports(dir, now, exportsMaxAge)
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v", n, err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 2 {
		t.Fatalf("left %v", left)
	}
	if n, err := cleanExports(filepath.Join(dir, "none"), now, exportsMaxAge); n != 0 || err != nil {
		t.Fatalf("missing folder: %d %v", n, err)
	}
}
