package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// demo writes the demo database (the --demo sample data) to a new file
// without opening a window, for training copies and command-line checks:
//
//	servicedesk demo --db FILE
//
// An existing file is never overwritten. The demo printer is a capture
// file beside it (FILE without extension + "-receipts.bin").
func (e env) demo(args []string) int {
	fs := e.newFlags("demo")
	db := fs.String("db", "", "database file to create")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *db == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk demo --db FILE")
		return exitUsage
	}
	if _, err := os.Stat(*db); err == nil {
		fmt.Fprintf(e.stderr, "错误 error: 文件已存在，不会覆盖 %s\n", *db)
		return exitFailure
	} else if !errors.Is(err, os.ErrNotExist) {
		return e.fail(err)
	}
	ctx := context.Background()
	d, err := openDB(ctx, *db, "", nil)
	if err != nil {
		return e.fail(err)
	}
	defer d.Close()
	if err := seedDemo(ctx, d, time.Now); err != nil {
		return e.fail(err)
	}
	capture := strings.TrimSuffix(*db, filepath.Ext(*db)) + "-receipts.bin"
	if err := demoPrinter(ctx, d, capture); err != nil {
		return e.fail(err)
	}
	pa := strings.TrimSuffix(*db, filepath.Ext(*db)) + "-pa.wav"
	if err := demoPA(ctx, d, filepath.Dir(*db), pa, time.Now); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "%s\n演示数据库已生成 demo database written: 账户 li（柜员）/ wang（主管）/ admin（管理员），密码均为 %s\n演示打印机 demo printer: file:%s\n演示广播 demo PA: file:%s\n",
		*db, demoPassword, capture, pa)
	return exitOK
}
