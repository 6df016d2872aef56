package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// desk lists or registers the desks of a database shared by several PCs:
//
//	servicedesk desk list [--db URL]
//	servicedesk desk add --code B1 --name "B1 停车场服务台" --admin USER [--db URL]
//
// add reads the admin's password from the first line of standard input
// (never from the command line, where other users and the shell history
// would see it) and is journaled as desk.add by that admin.
func (e env) desk(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk desk list|add …")
		return exitUsage
	}
	switch args[0] {
	case "list":
		return e.deskList(args[1:])
	case "add":
		return e.deskAdd(args[1:], os.Stdin)
	}
	fmt.Fprintf(e.stderr, "未知命令 unknown command: desk %s\n", args[0])
	return exitUsage
}

// deskList prints every desk: code and name.
func (e env) deskList(args []string) int {
	fs := e.newFlags("desk list")
	db := fs.String("db", defaultDBPath(), dbFlagHelp)
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitUsage
	}
	ctx := context.Background()
	d, code := e.openExisting(ctx, *db, "", true)
	if d == nil {
		return code
	}
	defer d.Close()
	desks, err := sqlstore.NewDeskService(d).Desks(ctx)
	if err != nil {
		return e.fail(err)
	}
	for _, k := range desks {
		fmt.Fprintf(e.stdout, "%s\t%s\n", k.Code, k.Name)
	}
	return exitOK
}

// deskAdd registers a desk with an admin's credentials.
func (e env) deskAdd(args []string, stdin io.Reader) int {
	fs := e.newFlags("desk add")
	db := fs.String("db", defaultDBPath(), dbFlagHelp)
	code := fs.String("code", "", "the new desk's code, e.g. B1 (1–6 letters or digits)")
	name := fs.String("name", "", "the new desk's name on receipts, e.g. B1 停车场服务台")
	admin := fs.String("admin", "", "an admin's username (password on the first line of standard input)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *code == "" || *name == "" || *admin == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "用法 usage: echo PASSWORD | servicedesk desk add --code B1 --name NAME --admin USER [--db URL]")
		return exitUsage
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && password == "" {
		fmt.Fprintln(e.stderr, "错误 error: 请在标准输入的第一行给出管理员密码 (password expected on standard input)")
		return exitUsage
	}
	password = strings.TrimRight(password, "\r\n")
	ctx := context.Background()
	if _, err := os.Stat(*db); err != nil && !sqlstore.IsPostgresAddr(*db) {
		fmt.Fprintf(e.stderr, "错误 error: 数据库不存在 %s\n", *db)
		return exitInternal
	}
	// The desk adding another runs as none in particular: any desk code of
	// the database will do, so open without one.
	d, err := openDB(ctx, *db, "", nil)
	if err != nil {
		return e.fail(err)
	}
	defer d.Close()
	st, err := sqlstore.NewStaffService(d).Login(ctx, *admin, password)
	if err != nil {
		return e.fail(err)
	}
	if st.Role != ledger.RoleAdmin {
		return e.fail(ledger.Errorf(ledger.EFORBIDDEN, "当前账户（%s）无权执行此操作", st.Role.Label()))
	}
	k, err := sqlstore.NewDeskService(d).AddDesk(ctx, st, ledger.Desk{Code: *code, Name: *name})
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "已登记服务台 desk added: %s\t%s\n", k.Code, k.Name)
	return exitOK
}
