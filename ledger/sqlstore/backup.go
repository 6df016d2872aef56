package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"servicedesk/ledger"
)

// BackupPrefix starts the name of every backup file Backup writes:
// servicedesk-20261125T150405Z.db (and .keys beside it).
const BackupPrefix = "servicedesk-"

// BackupSet is one backup written by Backup.
type BackupSet struct {
	DB      string   // the database copy
	Keys    string   // the personal-data keys copy ("" when the desk has no keys file)
	Size    int64    // bytes of the database copy
	Removed []string // older backups rotated away
}

// BackupOptions says where Backup writes and how many backups it keeps.
type BackupOptions struct {
	Dir      string // folder of the database copies
	KeysFile string // the desk's personal-data keys file ("" or missing: none copied)
	KeysDir  string // folder of the keys copies ("" = Dir)
	Keep     int    // newest backups kept; older ones are removed (<= 0 keeps all)
}

// Backup writes an online, consistent copy of the SQLite database into
// o.Dir (VACUUM INTO a temporary file, which the copy's own integrity_check
// must pass, fsync, rename, fsync of the folder), then the personal-data
// keys file the same way into o.KeysDir, and finally removes all but the
// o.Keep newest backups. It works on a read-only open. A backup killed at any
// moment leaves at most a temporary file: every earlier backup is whole.
// Desks keep working meanwhile (a read transaction on a WAL database).
// A PostgreSQL database is backed up with pg_dump (see the README).
func (d *DB) Backup(ctx context.Context, o BackupOptions) (BackupSet, error) {
	var set BackupSet
	dir, keysDir, keep := o.Dir, o.KeysDir, o.Keep
	if d.path == "" {
		return set, ledger.Errorf(ledger.EINVALID, "共用的 PostgreSQL 数据库请由管理员用 pg_dump 备份")
	}
	if keysDir == "" {
		keysDir = dir
	}
	for _, p := range []string{dir, keysDir} {
		if err := os.MkdirAll(p, 0o700); err != nil {
			return set, storageErr("backup folder", err)
		}
	}
	name := BackupPrefix + d.now().UTC().Format("20060102T150405.000Z")
	name = strings.Replace(name, ".", "", 1)
	set.DB = filepath.Join(dir, name+".db")
	if _, err := os.Stat(set.DB); err == nil {
		return set, ledger.Errorf(ledger.ECONFLICT, "同名备份已存在：%s", set.DB)
	}
	tmp := filepath.Join(dir, "."+name+".db.tmp")
	_ = os.Remove(tmp) // VACUUM INTO refuses an existing file
	defer os.Remove(tmp)
	// Its own connection: VACUUM INTO only reads the source, but SQLite
	// refuses it on a query-only (read-only) connection.
	src, err := sql.Open("sqlite3", fileDSN(d.path, url.Values{"_busy_timeout": {"10000"}}))
	if err != nil {
		return set, fmt.Errorf("open for backup: %w", err)
	}
	_, err = src.ExecContext(ctx, "VACUUM INTO ?", tmp)
	src.Close()
	if err != nil {
		return set, storageErr("backup copy", err)
	}
	if err := checkCopy(ctx, tmp); err != nil {
		return set, err
	}
	if err := syncFile(tmp); err != nil {
		return set, storageErr("backup fsync", err)
	}
	if err := os.Rename(tmp, set.DB); err != nil {
		return set, storageErr("backup rename", err)
	}
	if err := syncDir(dir); err != nil {
		return set, storageErr("backup fsync folder", err)
	}
	if fi, err := os.Stat(set.DB); err == nil {
		set.Size = fi.Size()
	}
	if kp := o.KeysFile; kp != "" {
		if _, err := os.Stat(kp); err == nil {
			set.Keys = filepath.Join(keysDir, name+".keys")
			if err := copyFileSynced(kp, set.Keys, 0o600); err != nil {
				return set, storageErr("backup keys", err)
			}
		}
	}
	removed, err := rotateBackups(dir, keysDir, keep)
	set.Removed = removed
	return set, err
}

// storageErr wraps err with context, classifying a full disk (SQLite's
// SQLITE_FULL or ENOSPC) as the ledger's disk-full error.
func storageErr(what string, err error) error {
	return storageError(fmt.Errorf("%s: %w", what, err))
}

// checkCopy opens the copy at path and requires integrity_check ok.
func checkCopy(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite3", fileDSN(path, url.Values{"mode": {"ro"}}))
	if err != nil {
		return fmt.Errorf("open backup copy: %w", err)
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("check backup copy: %w", err)
	}
	if res != "ok" {
		return ledger.Errorf(ledger.EINTERNAL, "备份副本校验失败：%s", res)
	}
	return nil
}

// BackupFiles lists the database backups in dir, oldest first.
func BackupFiles(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, BackupPrefix+"*.db"))
	if err != nil {
		return nil, err
	}
	sort.Strings(m) // the names sort by time
	return m, nil
}

// rotateBackups removes all but the keep newest backups (and their keys).
func rotateBackups(dir, keysDir string, keep int) ([]string, error) {
	if keep <= 0 {
		return nil, nil
	}
	all, err := BackupFiles(dir)
	if err != nil || len(all) <= keep {
		return nil, err
	}
	var removed []string
	for _, p := range all[:len(all)-keep] {
		if err := os.Remove(p); err != nil {
			return removed, fmt.Errorf("rotate backups: %w", err)
		}
		removed = append(removed, p)
		k := filepath.Join(keysDir, strings.TrimSuffix(filepath.Base(p), ".db")+".keys")
		if err := os.Remove(k); err == nil {
			removed = append(removed, k)
		}
	}
	return removed, syncDir(dir)
}

// copyFileSynced copies src to dst through a temporary file, fsynced and
// renamed into place.
func copyFileSynced(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp")
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
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
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

// RestoreFile copies the backup at src to dst, which must not exist yet,
// (temporary file, fsync, rename) and the keys file beside it to keysDst
// when there is one; the copy is then opened read-only and its journal
// verified. It returns the verification.
func RestoreFile(ctx context.Context, src, dst, keysDst string) (ledger.VerifyResult, error) {
	var res ledger.VerifyResult
	if IsPostgresAddr(dst) {
		return res, ledger.Errorf(ledger.EINVALID, "恢复到 PostgreSQL 请用 pg_restore/psql（见说明书）")
	}
	if _, err := os.Stat(dst); err == nil {
		return res, ledger.Errorf(ledger.ECONFLICT, "目标已存在：%s（只恢复到新的路径，不覆盖）", dst)
	}
	if err := checkCopy(ctx, src); err != nil {
		return res, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return res, storageErr("restore folder", err)
	}
	if err := copyFileSynced(src, dst, 0o600); err != nil {
		return res, storageErr("restore copy", err)
	}
	if keysSrc := strings.TrimSuffix(src, ".db") + ".keys"; keysDst != "" {
		if _, err := os.Stat(keysSrc); err == nil {
			if err := copyFileSynced(keysSrc, keysDst, 0o600); err != nil {
				return res, storageErr("restore keys", err)
			}
		}
	}
	db, err := Open(ctx, dst, Options{ReadOnly: true})
	if err != nil {
		return res, err
	}
	defer db.Close()
	return NewJournalService(db).Verify(ctx)
}

// syncFile fsyncs the file at path.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir fsyncs a folder so a rename in it survives a power cut (a no-op
// where folders cannot be opened for sync, as on Windows).
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && runtime.GOOS != "windows" {
		return err
	}
	return nil
}
