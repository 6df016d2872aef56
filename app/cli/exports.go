package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// exportsMaxAge is how long a person's copy of their data may stay in the
// exports folder: long enough to hand it over, not long enough to become a
// second store of personal data.
const exportsMaxAge = 24 * time.Hour

// cleanExports removes the person's copies (personal-copy-*) older than
// maxAge from dir and returns how many it removed. Other files are left
// alone.
func cleanExports(dir string, now time.Time, maxAge time.Duration) (int, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read exports: %w", err)
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), "personal-copy-") {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < maxAge {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return n, fmt.Errorf("remove old export: %w", err)
		}
		n++
	}
	return n, nil
}
