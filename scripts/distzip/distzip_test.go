package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Two zips of the same files are byte-identical even when the files' own
// times differ; entries are sorted under one top folder, dated mod.
func TestZipIsReproducible(t *testing.T) {
	mod := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	zipOf := func(stamp time.Time) []byte {
		dir := filepath.Join(t.TempDir(), "servicedesk-v1.2.3-windows-amd64")
		os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
		for name, body := range map[string]string{"servicedesk.exe": "MZ gui", "servicedesk-cli.exe": "MZ cli", "README.txt": "说明\r\n", "sub/x.txt": "x"} {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.WriteFile(p, []byte(body), 0o644)
			os.Chtimes(p, stamp, stamp)
		}
		out := filepath.Join(t.TempDir(), "a.zip")
		if err := write(out, dir, mod); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out)
		return b
	}
	a := zipOf(time.Now())
	b := zipOf(time.Now().Add(-48 * time.Hour))
	if !bytes.Equal(a, b) {
		t.Fatal("two zips of the same files differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"README.txt", "servicedesk-cli.exe", "servicedesk.exe", "sub/x.txt"}
	if len(zr.File) != len(want) {
		t.Fatalf("%d entries", len(zr.File))
	}
	for i, f := range zr.File {
		if f.Name != "servicedesk-v1.2.3-windows-amd64/"+want[i] {
			t.Errorf("entry %d = %s", i, f.Name)
		}
		if !f.Modified.Equal(mod) {
			t.Errorf("%s dated %v, want %v", f.Name, f.Modified, mod)
		}
	}
}
