// Command distzip writes a reproducible zip of a folder for the Windows
// release: entries sorted by name under one top folder, every time set to
// SOURCE_DATE_EPOCH (the release commit's time), no extra fields, no
// owners, deflate at a fixed level, so the same files give the same bytes.
//
//	SOURCE_DATE_EPOCH=1764000000 go run ./scripts/distzip OUT.zip DIR
package main

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: distzip OUT.zip DIR")
		os.Exit(2)
	}
	epoch, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "distzip: SOURCE_DATE_EPOCH must be set (seconds since 1970)")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2], time.Unix(epoch, 0).UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "distzip:", err)
		os.Exit(1)
	}
}

// write zips dir (as a top folder named like dir) into out with every
// entry dated mod.
func write(out, dir string, mod time.Time) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			names = append(names, p)
		} else if !d.IsDir() {
			return fmt.Errorf("%s: only files and folders can be zipped", p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	top := filepath.Base(filepath.Clean(dir))
	for _, p := range names {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: top + "/" + filepath.ToSlash(rel), Method: zip.Deflate, Modified: mod}
		h.SetMode(st.Mode().Perm() | 0o644) // readable by everyone; umask does not leak in
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
