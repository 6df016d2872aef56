package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// defaultBackupKeep is how many backups `servicedesk backup` and the
// automatic backup after a day close keep.
const defaultBackupKeep = 14

// backupDir is where backups of the database at db go by default.
func backupDir(db string) string { return filepath.Join(localDir(db), "backups") }

// backup writes an online copy of the database and the personal-data keys:
//
//	servicedesk backup [--db PATH] [--dir DIR] [--keys-dir DIR] [--keep N]
func (e env) backup(args []string) int {
	fs := e.newFlags("backup")
	db := fs.String("db", defaultDBPath(), dbFlagHelp)
	dir := fs.String("dir", "", "backup folder (default: backups/ beside the database)")
	keysDir := fs.String("keys-dir", "", "folder for the keys file copy (default: the backup folder; better a USB key kept apart)")
	keep := fs.Int("keep", defaultBackupKeep, "backups kept (older ones are removed; 0 keeps all)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || *keep < 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk backup [--db PATH] [--dir DIR] [--keys-dir DIR] [--keep N]")
		return exitUsage
	}
	if sqlstore.IsPostgresAddr(*db) {
		fmt.Fprintln(e.stderr, "错误 error: 共用的 PostgreSQL 数据库请由管理员用 pg_dump 备份（见说明书“备份”一节）")
		fmt.Fprintln(e.stderr, "  back up the shared PostgreSQL database with pg_dump (see the README)")
		return exitUsage
	}
	if *dir == "" {
		*dir = backupDir(*db)
	}
	ctx := context.Background()
	d, code := e.openExisting(ctx, *db, "", true)
	if d == nil {
		return code
	}
	defer d.Close()
	set, err := d.Backup(ctx, sqlstore.BackupOptions{Dir: *dir, KeysFile: keysPathFor(*db), KeysDir: *keysDir, Keep: *keep})
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "备份 backup: %s (%d bytes)\n", set.DB, set.Size)
	if set.Keys != "" {
		fmt.Fprintf(e.stdout, "密钥 keys:   %s（请与数据库备份分开保管 keep apart from the database copy）\n", set.Keys)
	}
	for _, r := range set.Removed {
		fmt.Fprintf(e.stdout, "轮换删除 rotated: %s\n", r)
	}
	return exitOK
}

// restore copies a backup onto a fresh path and verifies it:
//
//	servicedesk restore --from BACKUP.db --db NEWPATH
func (e env) restore(args []string) int {
	fs := e.newFlags("restore")
	from := fs.String("from", "", "backup file written by servicedesk backup")
	db := fs.String("db", "", "new database file (must not exist)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *from == "" || *db == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk restore --from BACKUP.db --db NEWPATH")
		return exitUsage
	}
	if _, err := os.Stat(*from); err != nil {
		fmt.Fprintf(e.stderr, "错误 error: 备份文件不存在 %s\n", *from)
		return exitUsage
	}
	res, err := sqlstore.RestoreFile(context.Background(), *from, *db, keysPathFor(*db))
	if err != nil {
		return e.fail(err)
	}
	if !res.OK {
		fmt.Fprintf(e.stderr, "错误 error: 恢复的数据库校验失败（第 %d 条）：%s\n", res.BadSeq, res.Reason)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "已恢复 restored: %s（%d 条流水，校验通过 journal verified）\n", *db, res.Count)
	return exitOK
}

// dailyBackup is the automatic backup after a day close (the counter
// window's AfterDayClose): backups/ beside the database, the keys file
// with it, the newest defaultBackupKeep kept. nil on PostgreSQL (pg_dump).
func dailyBackup(db *sqlstore.DB, dbPath string) func(ledger.DayClose) (string, error) {
	if sqlstore.IsPostgresAddr(dbPath) {
		return nil
	}
	return func(ledger.DayClose) (string, error) {
		set, err := db.Backup(context.Background(), sqlstore.BackupOptions{Dir: backupDir(dbPath), KeysFile: keysPathFor(dbPath), Keep: defaultBackupKeep})
		return set.DB, err
	}
}
