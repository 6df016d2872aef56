package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// migrate prepares the mall's shared PostgreSQL database and moves a desk
// that ran on its own SQLite file into it:
//
//	servicedesk migrate --to postgres://owner@host/db [--grant ROLE]
//	servicedesk migrate --from FILE --to postgres://owner@host/db [--keys-to PATH] [--grant ROLE]
//
// Run as the database owner. Without --from it creates or upgrades the
// schema only. --grant then gives the desks' role what a counter needs
// and nothing more (sqlstore.GrantDesk): run it again after every upgrade.
//
// The target must be a new, empty database: the file's journal is copied
// entry for entry (same seqs and hashes, nothing re-chained) with every
// table, in one transaction, and both sides are verified afterwards. The
// personal-data keys file beside FILE goes to the shared database's keys
// path (this PC's data folder, or --keys-to) unless an identical one is
// there already; a different one there stops the migration before
// anything is copied.
func (e env) migrate(args []string) int {
	fs := e.newFlags("migrate")
	from := fs.String("from", "", "the desk's SQLite database file")
	to := fs.String("to", "", "the new, empty shared database: postgres://user@host/db (password from ~/.pgpass or PGPASSWORD)")
	keysTo := fs.String("keys-to", "", "where the shared database's personal-data keys file goes (default: the data folder's servicedesk.keys)")
	grant := fs.String("grant", "", "the role the desks connect as: gets what a counter needs, no UPDATE/DELETE/TRUNCATE on the journal")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *to == "" || fs.NArg() > 0 || sqlstore.IsPostgresAddr(*from) || !sqlstore.IsPostgresAddr(*to) {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk migrate [--from FILE] --to postgres://所有者@主机/库名 [--grant 服务台角色] [--keys-to PATH]")
		fmt.Fprintln(e.stderr, "  --to 是共享的 PostgreSQL 数据库（以所有者身份连接）；--from 是要迁入的服务台 SQLite 文件（目标须为空库）")
		return exitUsage
	}
	if *from == "" {
		return e.prepareShared(*to, *grant)
	}
	if _, err := os.Stat(*from); err != nil {
		fmt.Fprintf(e.stderr, "错误 error: 数据库不存在 %s\n", *from)
		return exitInternal
	}
	srcKeys, dstKeys := keysPathFor(*from), *keysTo
	if dstKeys == "" {
		dstKeys = keysPathFor(*to)
	}
	keys, err := keysToCarry(srcKeys, dstKeys)
	if err != nil {
		return e.fail(err)
	}

	ctx := context.Background()
	src, err := openDB(ctx, *from, "", nil) // brings an older file up to date (backup first)
	if err != nil {
		return e.fail(err)
	}
	defer src.Close()
	dst, err := sqlstore.Open(ctx, *to, sqlstore.Options{KeysPath: dstKeys, DataDir: localDir(*to)})
	if err != nil {
		return e.fail(err)
	}
	defer dst.Close()
	rep, err := sqlstore.Copy(ctx, src, dst)
	if err != nil {
		return e.fail(err)
	}
	if keys != nil {
		if err := writeKeys(dstKeys, keys); err != nil {
			return e.fail(err)
		}
		fmt.Fprintf(e.stdout, "个人信息密钥文件已复制 personal-data keys copied: %s\n", dstKeys)
	}
	tables := make([]string, 0, len(rep.Rows))
	for t := range rep.Rows {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	fmt.Fprintf(e.stdout, "已迁移 copied %s → %s\n", src.Addr(), dst.Addr())
	for _, t := range tables {
		fmt.Fprintf(e.stdout, "  %-16s %d\n", t, rep.Rows[t])
	}

	code := exitOK
	for _, side := range []struct {
		name string
		db   *sqlstore.DB
	}{{"源 from", src}, {"目标 to", dst}} {
		res, err := sqlstore.NewJournalService(side.db).Verify(ctx)
		switch {
		case err != nil:
			return e.fail(err)
		case !res.OK:
			fmt.Fprintf(e.stdout, "%s: BROKEN %s\n", side.name, res.Reason)
			code = exitFailure
		case int64(res.Count) != rep.Entries || res.LastHash != rep.LastHash:
			fmt.Fprintf(e.stdout, "%s: 链头不符 head differs: %d %s (copied %d %s)\n", side.name, res.Count, res.LastHash, rep.Entries, rep.LastHash)
			code = exitFailure
		default:
			fmt.Fprintf(e.stdout, "%s: verify OK %d entries, last hash %s\n", side.name, res.Count, res.LastHash)
		}
	}
	if code != exitOK {
		return code
	}
	if *grant != "" && e.grant(ctx, dst, *grant) != nil {
		return exitFailure
	}
	desk, err := dst.DeskCode(ctx)
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "流水账已原样迁移（未重新链接），两边校验通过。\n"+
		"本服务台今后这样启动 start this desk with: servicedesk --db %s --desk %s\n"+
		"原文件 %s 保留作存档，不要再用它营业 (keep the file as an archive; do not work on it any more).\n",
		dst.Addr(), desk, *from)
	return exitOK
}

// prepareShared creates or upgrades the shared database's schema (the
// owner runs it: desks' roles may not create tables) and grants the desks'
// role its rights.
func (e env) prepareShared(to, role string) int {
	ctx := context.Background()
	d, err := sqlstore.Open(ctx, to, sqlstore.Options{DataDir: localDir(to)})
	if err != nil {
		return e.fail(err)
	}
	defer d.Close()
	fmt.Fprintf(e.stdout, "数据库结构已是最新 schema up to date: %s (version %d)\n", d.Addr(), d.Schema())
	if role != "" && e.grant(ctx, d, role) != nil {
		return exitFailure
	}
	return exitOK
}

// grant gives the desks' role its rights and prints what was run.
func (e env) grant(ctx context.Context, d *sqlstore.DB, role string) error {
	stmts, err := sqlstore.GrantDesk(ctx, d, role)
	if err != nil {
		e.fail(err)
		return err
	}
	for _, q := range stmts {
		fmt.Fprintf(e.stdout, "  %s;\n", q)
	}
	fmt.Fprintf(e.stdout, "已为服务台角色 %s 授权：可登记、可查询，不能改写或删除流水账 (role %s may work at the counter, never rewrite the journal)\n", role, role)
	return nil
}

// keysToCarry reads the keys file beside the SQLite database when it has
// to go to dstPath: nil when there is none, or when dstPath already holds
// the same bytes. A different file at dstPath is an error: the shared
// database would then hold personal data no desk could read.
func keysToCarry(srcPath, dstPath string) ([]byte, error) {
	src, err := os.ReadFile(srcPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read keys file: %w", err)
	}
	same, _ := filepath.Abs(srcPath)
	other, _ := filepath.Abs(dstPath)
	if same == other {
		return nil, nil
	}
	dst, err := os.ReadFile(dstPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return src, nil
	case err != nil:
		return nil, fmt.Errorf("read keys file: %w", err)
	case bytes.Equal(src, dst):
		return nil, nil
	}
	return nil, ledger.Errorf(ledger.ECONFLICT, "%s 已有另一个个人信息密钥文件，与 %s 不同：迁移后个人信息将无法读取。请先移走它，或用 --keys-to 指定别的位置。未作任何改动。", dstPath, srcPath)
}

// writeKeys writes the keys file for the shared database (owner-only, no
// overwrite: keysToCarry found no file there).
func writeKeys(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create keys folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write keys file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write keys file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write keys file: %w", err)
	}
	return f.Close()
}
