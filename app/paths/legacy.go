package paths

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// DBName is the counter database's file name inside the data directory.
const DBName = "servicedesk.db"

// MovedNote is the file left in the old data folder after MoveLegacy, naming
// the new one (for IT looking for the data where it used to be).
const MovedNote = "数据已迁移 MOVED.txt"

// Move is what MoveLegacy did.
type Move struct {
	From, To string
	// Moved is true when the data was moved now.
	Moved bool
	// Copied is true when it had to be copied (another drive, e.g. a
	// redirected roaming profile); the old folder is then renamed to
	// From+".old" instead of being deleted.
	Copied bool
	// Skipped says why nothing was moved ("" when moved or nothing to move).
	Skipped string
}

// MoveLegacy moves the data folder from (the old place, LegacyDataDir) to to
// (DataDir), once: only when from holds a database and to does not. The
// folder is renamed as a whole (same drive: atomic, nothing copied); across
// drives it is copied into a temporary folder beside to, renamed into place,
// and from is kept as from+".old". A database in use (another instance of
// the old program still running) makes the rename fail, and nothing is
// copied then: the caller reports the error and the data stays where it was.
// A note naming the new place is left in from.
func MoveLegacy(from, to string) (Move, error) {
	return mover{rename: os.Rename, crossDevice: isCrossDevice, now: time.Now}.move(from, to)
}

// mover holds the file operations MoveLegacy uses, so tests can fail them.
type mover struct {
	rename      func(from, to string) error
	crossDevice func(error) bool
	now         func() time.Time
}

func (m mover) move(from, to string) (Move, error) {
	res := Move{From: from, To: to}
	if from == "" || filepath.Clean(from) == filepath.Clean(to) {
		return res, nil
	}
	if _, err := os.Stat(filepath.Join(from, DBName)); err != nil {
		return res, nil // nothing (left) there
	}
	if _, err := os.Stat(filepath.Join(to, DBName)); err == nil {
		res.Skipped = "both folders hold a database; the new one is used, the old one is left alone"
		return res, nil
	}
	// to may exist without a database (a log written by a failed start):
	// an empty or database-less folder is set aside, never merged into.
	if err := setAside(to, m.now); err != nil {
		return res, err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return res, fmt.Errorf("move data: %w", err)
	}
	err := m.rename(from, to)
	switch {
	case err == nil:
		res.Moved = true
	case m.crossDevice(err):
		tmp := to + ".moving"
		_ = os.RemoveAll(tmp)
		if err := copyTree(from, tmp); err != nil {
			_ = os.RemoveAll(tmp)
			return res, fmt.Errorf("copy data to %s: %w", to, err)
		}
		if err := m.rename(tmp, to); err != nil {
			_ = os.RemoveAll(tmp)
			return res, fmt.Errorf("move data: %w", err)
		}
		if err := m.rename(from, from+".old"); err != nil {
			return res, fmt.Errorf("set old data folder aside: %w", err)
		}
		res.Moved, res.Copied = true, true
	default:
		return res, fmt.Errorf("move data from %s (is another 服务台 still running?): %w", from, err)
	}
	note := fmt.Sprintf("服务台的数据已于 %s 迁移到：\r\n%s\r\n\r\nService Desk data moved to the folder above.\r\n",
		m.now().Format("2006-01-02 15:04"), to)
	if err := os.MkdirAll(from, 0o700); err == nil {
		_ = os.WriteFile(filepath.Join(from, MovedNote), []byte(note), 0o644)
	}
	return res, nil
}

// setAside renames an existing folder at dir that has no database to
// dir.before-move-<time>, so the moved data never mixes with it.
func setAside(dir string, now func() time.Time) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("move data: %w", err)
	}
	if len(entries) == 0 {
		return os.Remove(dir)
	}
	aside := dir + ".before-move-" + now().Format("20060102T150405")
	if err := os.Rename(dir, aside); err != nil {
		return fmt.Errorf("move data: set %s aside: %w", dir, err)
	}
	return nil
}

// copyTree copies the folder from to a new folder to, files and folders
// only, keeping modification times.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, dst)
	})
}

// copyFile copies one file and syncs it to disk.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chtimes(to, st.ModTime(), st.ModTime())
}
