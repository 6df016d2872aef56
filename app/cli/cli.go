// Package cli is the servicedesk command: the GUI by default and the
// back-office subcommands (verify, report, export, devices, print-test).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	_ "servicedesk/app/cli/localefix" // before Fyne's init: no locale noise on C.UTF-8
	"servicedesk/app/paths"
	"servicedesk/app/version"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailure  = 1 // the command ran and found a problem (e.g. a broken journal)
	exitUsage    = 2 // bad command line
	exitInternal = 3 // could not run (database unreadable, …)
)

const usage = `服务台 Service Desk %s

用法 Usage:
  servicedesk [--db PATH|URL] [--demo]      启动服务台界面 (start the counter GUI)
  servicedesk verify [--db PATH] [--anchor SEQ:HASH]
                                            校验流水账、链头与当前数据；--anchor 核对日结单上的链头
                                            (verify the journal chain, its head and the state tables;
                                            --anchor checks the head printed on a day-close PDF)
  servicedesk devices                       列出串口 (list serial ports)
  servicedesk print-test --port P [--baud N] [--raster] [--no-status] [--width 32|48]
                                            打印中文测试页 (print a Chinese test page)
  servicedesk report --date D --out F.pdf [--close N] [--db PATH]
                                            生成日结报表 PDF (end-of-day ledger PDF)
  servicedesk export --from D --to D --out F.xlsx [--db PATH]
                                            导出财务表格 (export for finance)
  servicedesk demo --db FILE                写入演示数据库，不开窗口 (write the demo database, no window)
  servicedesk backup [--db PATH] [--dir DIR] [--keys-dir DIR] [--keep 14]
                                            在线备份数据库和个人信息密钥，保留最近 N 份
                                            (online backup of the database and the keys, rotated)
  servicedesk restore --from BACKUP.db --db NEWPATH
                                            把备份恢复到新路径并校验 (restore onto a fresh path, verified)
  servicedesk migrate [--from FILE] --to postgres://所有者@主机/库名 [--grant 角色]
                                            建立/升级共享数据库；--from 把单机服务台的数据库原样迁入空库并两边校验；
                                            --grant 给服务台角色授权（不能改写流水账）
                                            (create/upgrade the shared database; --from moves a desk's SQLite file
                                            into it, verified on both sides; --grant sets up the desks' role)
  servicedesk desk list|add [--db URL]      列出/登记服务台 (list or register desks; add reads the admin password on stdin)
  servicedesk help | --version

--db 数据库文件，或多个服务台共用的 PostgreSQL 地址 postgres://用户@主机/库名
     （密码放在 ~/.pgpass 或 PGPASSWORD，不写在地址里；也可用环境变量 SERVICEDESK_DB）
     database file, or the shared PostgreSQL URL (password from ~/.pgpass or PGPASSWORD)
默认数据库 Default database: %s
退出码 Exit codes: 0 正常, 1 发现问题, 2 用法错误, 3 无法运行
`

// env is what a command needs from the process.
type env struct {
	stdout, stderr io.Writer
	// alert shows a startup problem to the person at the PC (a message box;
	// useFyne says whether a Fyne window may still be started in this
	// process). nil shows nothing (stderr and the log still get it).
	alert func(title, msg string, useFyne bool)
	// fyneUsed is set once Fyne has run in this process.
	fyneUsed bool
	// tmp is the folder for the last-resort startup log ("" = os.TempDir()).
	tmp string
	// noConsole is set in the Windows GUI build started without a console:
	// commands are refused with a pointer to servicedesk-cli.exe.
	noConsole bool
}

// wantsOutput reports GUI options that only print (--version, -h).
func wantsOutput(args []string) bool {
	for _, a := range args {
		switch strings.TrimLeft(a, "-") {
		case "version", "h", "help":
			return true
		}
	}
	return false
}

// Run dispatches the command line; it returns the process exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	e := env{stdout: stdout, stderr: stderr, alert: func(title, msg string, useFyne bool) { nativeAlert(title, msg, useFyne) }, noConsole: consoleless()}
	return e.run(args)
}

// cliOnly is the message box for a command started from servicedesk.exe,
// which has no console on Windows.
const cliOnly = "servicedesk.exe 是窗口程序，不显示命令行输出。\n\n命令行命令（verify、report、export、devices、print-test、help、--version）请用同一文件夹里的 servicedesk-cli.exe，例如：\n\n    servicedesk-cli verify\n\n它在命令提示符或脚本里输出结果并返回退出码。\n\nservicedesk.exe is the window program: use servicedesk-cli.exe for commands."

// run is Run with the process's environment in e.
func (e env) run(args []string) int {
	cmd := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if e.noConsole && (cmd != "" || wantsOutput(args)) {
		if e.alert != nil {
			e.alert("服务台 Service Desk — servicedesk-cli.exe", cliOnly, true)
		}
		return exitUsage
	}
	switch cmd {
	case "":
		return e.gui(args)
	case "help":
		e.help()
		return exitOK
	case "verify":
		return e.verify(args)
	case "devices":
		return e.devices(args)
	case "print-test":
		return e.printTest(args)
	case "report":
		return e.report(args)
	case "export":
		return e.export(args)
	case "demo":
		return e.demo(args)
	case "backup":
		return e.backup(args)
	case "restore":
		return e.restore(args)
	case "desk":
		return e.desk(args)
	case "migrate":
		return e.migrate(args)
	}
	fmt.Fprintf(e.stderr, "未知命令 unknown command: %s\n", cmd)
	e.help()
	return exitUsage
}

// help prints the usage text.
func (e env) help() {
	fmt.Fprintf(e.stdout, usage, version.String(), defaultDBPath())
}

// defaultDataDir is the data folder ("" when it cannot be determined).
func defaultDataDir() string {
	dir, err := paths.DataDir()
	if err != nil {
		return ""
	}
	return dir
}

// dbFlagHelp describes --db.
const dbFlagHelp = "database file or postgres://user@host/db URL (env SERVICEDESK_DB)"

// envDesk names this PC's desk when --desk is not given.
const envDesk = "SERVICEDESK_DESK"

// deskFlag registers --desk: this PC's desk code, needed when the database
// is shared by several desks.
func deskFlag(fs *flag.FlagSet) *string {
	return fs.String("desk", os.Getenv(envDesk), "this PC's desk code, e.g. 1F (env SERVICEDESK_DESK; needed when several desks share the database)")
}

// envDB names the database when --db is not given: a file path or a
// postgres:// URL of the mall's shared database.
const envDB = "SERVICEDESK_DB"

// defaultDBPath is the counter database the back-office commands read:
// $SERVICEDESK_DB, else in the data folder or, until the app has moved it
// from there, in version 0.1's Windows place (these commands only read, so
// they never move it).
func defaultDBPath() string {
	if v := os.Getenv(envDB); v != "" {
		return v
	}
	dir, err := paths.DataDir()
	if err != nil {
		return paths.DBName
	}
	p := filepath.Join(dir, paths.DBName)
	if _, err := os.Stat(p); err != nil {
		if old := paths.LegacyDataDir(); old != "" {
			if _, err := os.Stat(filepath.Join(old, paths.DBName)); err == nil {
				return filepath.Join(old, paths.DBName)
			}
		}
	}
	return p
}

// instancePath is what the one-window-per-database lock is taken beside:
// the SQLite file, or for a shared PostgreSQL database a name in this PC's
// data directory (one counter window per desk and PC on the shared ledger).
func instancePath(db, desk string) string {
	if sqlstore.IsPostgresAddr(db) {
		return filepath.Join(localDir(db), "shared-ledger-"+strings.ToUpper(strings.TrimSpace(desk)))
	}
	return db
}

// localDir is where this PC keeps its own files (log, backups, reports,
// captured receipts): beside a SQLite file, or the user's data directory
// when the database is a PostgreSQL server.
func localDir(db string) string {
	if sqlstore.IsPostgresAddr(db) {
		if dir, err := paths.DataDir(); err == nil {
			return dir
		}
		return "."
	}
	return filepath.Dir(db)
}

// newFlags returns a flag set that reports errors to stderr.
func (e env) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// openDB opens the database at path (a file or a postgres:// URL),
// creating the local data directory.
func openDB(ctx context.Context, path, desk string, log *slog.Logger) (*sqlstore.DB, error) {
	dir := localDir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	return sqlstore.Open(ctx, path, sqlstore.Options{Logger: log, BackupDir: filepath.Join(dir, "backups"), DataDir: dir,
		KeysPath: keysPathFor(path), Desk: desk})
}

// keysPathFor is the personal-data keys file of the database at path: in
// the same folder, named after it (servicedesk.db → servicedesk.keys), so
// copying the data folder keeps both and copying the database file alone
// carries no keys. A desk on the shared PostgreSQL database keeps
// servicedesk.keys in its data folder (the same file on every desk).
func keysPathFor(dbPath string) string {
	if sqlstore.IsPostgresAddr(dbPath) {
		return filepath.Join(localDir(dbPath), "servicedesk.keys")
	}
	return strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".keys"
}

// fail prints an error for a person and returns the exit code for it.
func (e env) fail(err error) int {
	fmt.Fprintln(e.stderr, "错误 error:", ledger.ErrorMessage(err))
	var le *ledger.Error
	if !errors.As(err, &le) {
		fmt.Fprintln(e.stderr, "  ", err)
		return exitInternal
	}
	return exitFailure
}

// verify walks the journal chain.
func (e env) verify(args []string) int {
	fs := e.newFlags("verify")
	db := fs.String("db", defaultDBPath(), dbFlagHelp)
	anchorText := fs.String("anchor", "", "journal head printed on a day-close PDF, SEQ:HASHPREFIX")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	var anchor ledger.JournalAnchor
	if *anchorText != "" {
		var err error
		if anchor, err = ledger.ParseJournalAnchor(*anchorText); err != nil {
			fmt.Fprintln(e.stderr, "错误 error:", ledger.ErrorMessage(err))
			return exitUsage
		}
	}
	ctx := context.Background()
	d, code := e.openExisting(ctx, *db, "", true)
	if d == nil {
		return code
	}
	defer d.Close()
	journal := sqlstore.NewJournalService(d)
	res, err := journal.Verify(ctx)
	if err != nil {
		return e.fail(err)
	}
	code = exitOK
	switch {
	case !res.OK && res.BadSeq != 0:
		fmt.Fprintf(e.stdout, "BROKEN at seq %d: %s (%d entries good before it)\n流水账在第 %d 条被篡改或损坏\n", res.BadSeq, res.Reason, res.Count, res.BadSeq)
		code = exitFailure
	case !res.OK:
		fmt.Fprintf(e.stdout, "BROKEN at %s\n", res.Reason)
		for i, p := range res.Problems[1:] {
			if i == 9 {
				fmt.Fprintf(e.stdout, "  … %d more\n", len(res.Problems)-10)
				break
			}
			fmt.Fprintf(e.stdout, "  also %s\n", p)
		}
		fmt.Fprintf(e.stdout, "流水账本身完整（%d 条），但 %s 与流水账不符：数据被绕过流水账改动，或流水账末尾被删除\n", res.Count, res.Where)
		code = exitFailure
	default:
		fmt.Fprintf(e.stdout, "OK %d entries, last hash %s\n", res.Count, res.LastHash)
		if s := res.State; s != nil {
			fmt.Fprintf(e.stdout, "state agrees with the journal: %d items, %d loans (%d open, deposits held %s), %d closed days, %d approvals\n",
				s.Items, s.Loans, s.OpenLoans, s.DepositsHeld, s.ClosedDays, s.Approvals)
		}
		fmt.Fprintln(e.stdout, "流水账校验通过")
	}
	if anchor.Seq != 0 && e.checkAnchor(ctx, journal, anchor, res) != nil {
		code = exitFailure
	}
	return code
}

// errAnchor marks an anchor that does not match.
var errAnchor = errors.New("anchor does not match")

// checkAnchor compares the journal with a head printed on paper (a
// day-close PDF): the entry must exist and its hash begin with the printed
// digits. A chain rebuilt or cut short after the paper was printed fails.
func (e env) checkAnchor(ctx context.Context, journal *sqlstore.JournalService, a ledger.JournalAnchor, res ledger.VerifyResult) error {
	es, err := journal.Entries(ctx, a.Seq-1, 1)
	if err != nil {
		return err
	}
	switch {
	case len(es) == 0 || es[0].Seq != a.Seq:
		fmt.Fprintf(e.stdout, "ANCHOR MISMATCH %s: the journal ends at entry %d\n链头不符：纸面链头为第 %d 条，数据库流水账只到第 %d 条（末尾被删除）\n", a, res.Count, a.Seq, res.Count)
		return errAnchor
	case !a.Matches(es[0]):
		fmt.Fprintf(e.stdout, "ANCHOR MISMATCH %s: entry %d has hash %s\n链头不符：第 %d 条的哈希与纸面不同（流水账被改写）\n", a, a.Seq, es[0].Hash[:ledger.AnchorHexLen], a.Seq)
		return errAnchor
	case res.BadSeq != 0 && res.BadSeq <= a.Seq:
		fmt.Fprintf(e.stdout, "ANCHOR UNCHECKED %s: the chain is broken at entry %d, before it\n", a, res.BadSeq)
		return errAnchor
	}
	fmt.Fprintf(e.stdout, "ANCHOR OK %s\n与纸面链头一致\n", a)
	return nil
}
