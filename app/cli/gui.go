package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/app"
	"servicedesk/app/instance"
	"servicedesk/app/printing"
	"servicedesk/app/version"
	"servicedesk/assets"
	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// appID is the Fyne application ID (also in FyneApp.toml).
const appID = "cn.mall.servicedesk"

// gui starts the counter window.
func (e env) gui(args []string) (code int) {
	fs := e.newFlags("servicedesk")
	dbPath := fs.String("db", defaultDBPath(), "database file")
	demo := fs.Bool("demo", false, "throw-away database with sample staff and data")
	showVersion := fs.Bool("version", false, "print the version")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintln(e.stdout, "servicedesk", version.String())
		return exitOK
	}
	ctx := context.Background()
	if *demo {
		dir, err := os.MkdirTemp("", "servicedesk-demo-")
		if err != nil {
			return e.fail(fmt.Errorf("demo dir: %w", err))
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "demo.db")
	}
	if err := os.MkdirAll(filepath.Dir(*dbPath), 0o700); err != nil {
		return e.fail(fmt.Errorf("create data dir: %w", err))
	}
	// One counter window per database: a second one would print every
	// receipt again and race the first for the cash drawer's numbers.
	lock, err := instance.Acquire(*dbPath, time.Now())
	if err != nil {
		code := e.fail(err)
		e.alert(ledger.ErrorMessage(err))
		return code
	}
	defer lock.Release()
	logFile, err := openRotating(filepath.Join(filepath.Dir(*dbPath), "servicedesk.log"), 5<<20, 5)
	if err != nil {
		return e.fail(err)
	}
	defer logFile.Close()
	log := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))
	log.Info("starting", "version", version.String(), "demo", *demo)
	defer func() {
		// A bug must not vanish silently: log it with its stack for the
		// maintainer (no personal data is in the stack), tell the clerk in
		// Chinese, and exit non-zero. Committed ledger entries are safe.
		if r := recover(); r != nil {
			log.Error("panic", "value", fmt.Sprint(r), "stack", string(debug.Stack()))
			fmt.Fprintln(e.stderr, "服务台程序出错，已记录日志，请重新启动；已保存的业务不受影响。")
			code = exitInternal
		}
	}()

	db, err := openDB(ctx, *dbPath, log)
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	svc := services(db)
	if *demo {
		if err := seedDemo(ctx, db, time.Now); err != nil {
			return e.fail(err)
		}
		fmt.Fprintln(e.stdout, "演示模式 demo: 账户 li（柜员）/ wang（主管）/ admin（管理员），密码均为", demoPassword)
		receipts := filepath.Join(filepath.Dir(*dbPath), "receipts.bin")
		if err := demoPrinter(ctx, db, receipts); err != nil {
			return e.fail(err)
		}
		fmt.Fprintln(e.stdout, "演示打印机 demo printer: file:"+receipts)
	}
	set, err := svc.Settings.Settings(ctx)
	if err != nil {
		return e.fail(err)
	}
	if err := app.LoadLanguage(set.Language); err != nil {
		log.Warn("translations not loaded", "err", err)
	}

	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	app.ApplyTheme(a)
	w := a.NewWindow("服务台 Service Desk " + version.String())
	w.Resize(fyne.NewSize(1280, 800))
	devs, worker, err := newDeskDevices(log, svc)
	if err != nil {
		return e.fail(err)
	}
	u := app.New(a, w, svc, app.Config{
		Logger:     log,
		Version:    version.String(),
		DataPath:   *dbPath,
		Printer:    devs.PrinterState,
		CardReader: devs.ReaderState,
		Changed:    worker.Wake,
		Devices:    devs,
	})
	routeDevices(devs, u)
	if err := u.Start(); err != nil {
		return e.fail(err)
	}
	if err := devs.Apply(set.Devices); err != nil {
		log.Warn("devices not opened", "err", err)
	}
	defer devs.Close()
	workCtx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		_ = worker.Run(workCtx)
	}()
	stop := make(chan struct{})
	go tick(u, stop)
	w.ShowAndRun()
	close(stop)
	stopWorker()
	<-workerDone
	log.Info("stopped")
	return exitOK
}

// startupAlert shows why the counter cannot start in a small window (on
// Windows the program has no console for stderr) and returns when it is
// closed.
func startupAlert(msg string) {
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	app.ApplyTheme(a)
	w := a.NewWindow("服务台 Service Desk")
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton("退出 Quit", a.Quit)
	quit.Importance = widget.HighImportance
	w.SetContent(container.NewPadded(container.NewVBox(text, container.NewCenter(quit))))
	w.Resize(fyne.NewSize(520, 200))
	w.CenterOnScreen()
	w.ShowAndRun()
}

// newDeskDevices builds the device set and the print worker that drains
// the queue through it.
func newDeskDevices(log *slog.Logger, svc app.Services) (*deskDevices, *printing.Worker, error) {
	devs := &deskDevices{log: log}
	worker, err := printing.New(printing.Config{Queue: svc.Print, Printer: devs, Options: devs.Options, Logger: log})
	if err != nil {
		return nil, nil, fmt.Errorf("print worker: %w", err)
	}
	devs.retry = worker.Wake
	devs.onPrinter = func(st devices.PrinterStatus) {
		log.Info("printer status", "state", st.String())
		if st.Ready() {
			worker.Wake()
		}
	}
	return devs, worker, nil
}

// routeDevices sends scanner codes and card reads to the UI. They arrive
// on device goroutines, so they go through fyne.Do.
func routeDevices(devs *deskDevices, u *app.UI) {
	devs.onScan = func(code string) { fyne.Do(func() { u.HandleScan(code) }) }
	devs.onCard = func(c devices.Card) { fyne.Do(func() { u.HandleCard(c.ID) }) }
}

// services wires the SQLite implementations to the GUI's interfaces.
func services(db *sqlstore.DB) app.Services {
	return app.Services{
		Staff:    sqlstore.NewStaffService(db),
		Settings: sqlstore.NewSettingsService(db),
		Journal:  sqlstore.NewJournalService(db),
		Lending:  sqlstore.NewLendingService(db),
		Print:    sqlstore.NewPrintQueue(db),
		DayClose: sqlstore.NewDayCloseService(db),
	}
}

// tick refreshes the status bar and checks the idle lock once a second.
func tick(u *app.UI, stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fyne.Do(u.Tick)
		}
	}
}
