package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver"

	"servicedesk/app"
	"servicedesk/app/instance"
	"servicedesk/app/paths"
	"servicedesk/app/printing"
	"servicedesk/app/version"
	"servicedesk/assets"
	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// appID is the Fyne application ID (also in FyneApp.toml).
const appID = "cn.mall.servicedesk"

// wmClass is the X11 WM_CLASS of the counter window, equal to
// StartupWMClass in packaging/linux/servicedesk.desktop so the taskbar groups
// the window under its menu entry. GLFW takes WM_CLASS from the title the
// window has when it is created, so the window is created with this title and
// renamed once it runs.
const wmClass = "servicedesk"

// gui starts the counter window. Every problem before the window opens (bad
// option, data folder, refused database, no OpenGL) is logged and shown in a
// message box in Chinese with what to do: a menu or desktop launch has no
// terminal to read stderr from.
func (e env) gui(args []string) (code int) {
	fs := e.newFlags("servicedesk")
	var flagErr bytes.Buffer
	fs.SetOutput(io.MultiWriter(e.stderr, &flagErr))
	dbPath := fs.String("db", os.Getenv(envDB), dbFlagHelp+"; default: servicedesk.db in the data folder")
	desk := deskFlag(fs)
	demo := fs.Bool("demo", false, "throw-away database with sample staff and data")
	showVersion := fs.Bool("version", false, "print the version")
	kioskMode := fs.Bool("kiosk", false, "customer self-service kiosk: full screen, no login, exit with a staff password")
	customerDisplay := fs.Bool("customer-display", false, "open a second window for a screen facing the customer (amount, receipt QR, thanks)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitUsage
		}
		return e.startupFailed(startupLog{}, defaultDataDir(), startupProblem{
			what: "启动参数有误：" + strings.TrimSpace(strings.SplitN(flagErr.String(), "\n", 2)[0]),
			todo: "检查桌面或开始菜单快捷方式“目标”一栏中程序名后面的参数，删去不认识的参数；可用参数见 servicedesk-cli help（Linux：servicedesk help）。",
			err:  err, code: exitUsage,
		})
	}
	if fs.NArg() > 0 {
		return e.startupFailed(startupLog{}, defaultDataDir(), startupProblem{
			what: "启动参数有误：多余的参数 " + strings.Join(fs.Args(), " "),
			todo: "检查快捷方式“目标”一栏中程序名后面的参数；命令行命令（verify、report、export）请用 servicedesk-cli。",
			err:  fmt.Errorf("unexpected arguments %q", fs.Args()), code: exitUsage,
		})
	}
	if *showVersion {
		fmt.Fprintln(e.stdout, "servicedesk", version.String())
		return exitOK
	}
	ctx := context.Background()
	var moved paths.Move
	if *dbPath == "" && !*demo {
		dir, err := paths.DataDir()
		if err != nil {
			return e.startupFailed(startupLog{}, "", startupProblem{
				what: "无法确定数据文件夹的位置",
				todo: "在快捷方式里用 --db 指定数据库文件，或设置环境变量 " + paths.EnvOverride + " 为一个完整路径。",
				err:  err, code: exitInternal,
			})
		}
		// Version 0.1 kept the Windows data in the roaming profile: move it
		// once. If that fails the counter does not start on an empty
		// database (which would ask for the first-start setup).
		moved, err = paths.MoveLegacy(paths.LegacyDataDir(), dir)
		if err != nil {
			return e.startupFailed(startupLog{}, dir, startupProblem{
				what: "无法把数据从旧位置 " + moved.From + " 移到 " + dir,
				todo: "关闭所有服务台窗口（包括其他账户里打开的）后重新启动；仍然不行请联系信息部，不要手工删除任何一个文件夹。",
				err:  err, code: exitInternal,
			})
		}
		*dbPath = filepath.Join(dir, paths.DBName)
	}
	if *demo {
		dir, err := os.MkdirTemp("", "servicedesk-demo-")
		if err != nil {
			return e.startupFailed(startupLog{}, defaultDataDir(), startupProblem{
				what: "无法创建演示数据库的临时文件夹", todo: "检查磁盘空间和临时文件夹（%TEMP%、/tmp）的权限后重试。",
				err: fmt.Errorf("demo dir: %w", err), code: exitInternal,
			})
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "demo.db")
	}
	if abs, err := filepath.Abs(*dbPath); err == nil && !sqlstore.IsPostgresAddr(*dbPath) {
		*dbPath = abs // messages and the log name the whole path
	}
	dataDir := localDir(*dbPath)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return e.startupFailed(startupLog{}, "", startupProblem{
			what: "无法创建数据文件夹 " + dataDir,
			todo: "检查它的上级文件夹是否存在、当前账户能否写入、磁盘是否已满；或在快捷方式里用 --db 指定其他位置的数据库文件。",
			err:  fmt.Errorf("create data dir: %w", err), code: exitInternal,
		})
	}
	// One counter window per database: a second one would print every
	// receipt again and race the first for the cash drawer's numbers.
	lockPath := instancePath(*dbPath, *desk)
	if *kioskMode {
		// A kiosk may run on the desk's own PC beside the counter window:
		// one kiosk per database, apart from the counter's lock.
		lockPath += ".kiosk"
	}
	lock, err := instance.Acquire(lockPath, time.Now())
	if err != nil {
		return e.startupFailed(startupLog{}, dataDir, startupProblem{
			what: ledger.ErrorMessage(err),
			todo: "在任务栏里切换到已经打开的服务台窗口；如果看不到它，注销后重新登录这台电脑再启动。",
			err:  err, code: exitFailure,
		})
	}
	defer lock.Release()
	logPath := filepath.Join(dataDir, "servicedesk.log")
	logFile, err := openRotating(logPath, 5<<20, 5)
	if err != nil {
		return e.startupFailed(startupLog{}, "", startupProblem{
			what: "无法写入日志文件 " + logPath,
			todo: "检查数据文件夹的权限和磁盘空间（日志与数据库在同一文件夹）。",
			err:  err, code: exitInternal,
		})
	}
	defer logFile.Close()
	log := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))
	sl := startupLog{log: log, path: logPath}
	// Fyne and GLFW report through the standard logger (no OpenGL, no
	// display): keep those lines in the counter's log too.
	prevLog := stdlog.Writer()
	stdlog.SetOutput(io.MultiWriter(e.stderr, logFile))
	defer stdlog.SetOutput(prevLog)
	log.Info("starting", "version", version.String(), "demo", *demo)
	if moved.Moved {
		log.Info("data moved from the old folder", "from", moved.From, "to", moved.To, "copied", moved.Copied)
	} else if moved.Skipped != "" {
		log.Warn("old data folder left alone", "from", moved.From, "why", moved.Skipped)
	}
	windowUp := false
	defer func() {
		// A bug must not vanish silently: log it with its stack for the
		// maintainer (no personal data is in the stack), tell the clerk in
		// Chinese, and exit non-zero. Committed ledger entries are safe.
		r := recover()
		if r == nil {
			return
		}
		log.Error("panic", "value", fmt.Sprint(r), "stack", string(debug.Stack()))
		e.fyneUsed = true
		if !windowUp {
			// GLFW panics when it has no display or no OpenGL.
			code = e.startupFailed(sl, "", windowProblem(fmt.Errorf("%v", r)))
			return
		}
		fmt.Fprintln(e.stderr, "服务台程序出错，已记录日志，请重新启动；已保存的业务不受影响。日志："+logPath)
		code = exitInternal
	}()

	db, err := openDB(ctx, *dbPath, *desk, log)
	if err != nil {
		return e.startupFailed(sl, "", dbProblem(*dbPath, err))
	}
	defer db.Close()
	// On a database shared by several desks this PC must say which desk it
	// is (--desk, SERVICEDESK_DESK), and that desk must be registered.
	if _, err := db.DeskCode(ctx); err != nil {
		return e.startupFailed(sl, "", dbProblem(*dbPath, err))
	}
	svc := services(db)
	if need, err := svc.Staff.NeedsSetup(ctx); err == nil && !need {
		// First start after an upgrade: the keys are made now (a fresh
		// install makes them at setup). A missing file for a database that
		// has keys is reported on the 个人信息 screen, never replaced.
		if err := db.EnsurePersonalKeys(ctx); err != nil {
			log.Error("personal-data keys", "err", err)
		}
	}

	if *demo {
		if err := seedDemo(ctx, db, time.Now); err != nil {
			return e.startupFailed(sl, "", dbProblem(*dbPath, err))
		}
		fmt.Fprintln(e.stdout, "演示模式 demo: 账户 li（柜员）/ wang（主管）/ admin（管理员），密码均为", demoPassword)
		receipts := filepath.Join(dataDir, "receipts.bin")
		if err := demoPrinter(ctx, db, receipts); err != nil {
			return e.startupFailed(sl, "", dbProblem(*dbPath, err))
		}
		fmt.Fprintln(e.stdout, "演示打印机 demo printer: file:"+receipts)
		capture := filepath.Join(filepath.Dir(*dbPath), "pa.wav")
		if err := demoPA(ctx, db, filepath.Dir(*dbPath), capture, time.Now); err != nil {
			return e.fail(err)
		}
		fmt.Fprintln(e.stdout, "演示广播 demo PA: "+capture)
	}
	set, err := svc.Settings.Settings(ctx)
	if err != nil {
		return e.startupFailed(sl, "", dbProblem(*dbPath, err))
	}
	if err := app.LoadLanguage(set.Language); err != nil {
		log.Warn("translations not loaded", "err", err)
	}

	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	app.ApplyTheme(a)
	w := a.NewWindow(wmClass)
	title := "服务台 Service Desk " + version.String()
	// Until the driver runs and the screen is known: a size that fits the
	// smallest counter screen (1024×768 with a task bar); then the window
	// takes the screen's work area (fitToScreen, when the window is up).
	w.Resize(fyne.NewSize(1000, 660))
	if *kioskMode {
		_, stopKiosk, err := startKiosk(a, w, db, log)
		if err != nil {
			return e.startupFailed(sl, "", dbProblem(*dbPath, err))
		}
		a.Lifecycle().SetOnStarted(func() {
			if windowCreated(w) {
				windowUp = true
				w.SetTitle(title)
				log.Info("kiosk window open", "title", title)
			}
		})
		w.ShowAndRun()
		stopKiosk()
		if !windowUp {
			e.fyneUsed = true
			return e.startupFailed(sl, "", windowProblem(errors.New("window not created (see the Fyne error above in the log)")))
		}
		log.Info("kiosk stopped")
		return exitOK
	}
	devs, worker, err := newDeskDevices(log, svc)
	if err != nil {
		return e.startupFailed(sl, "", startupProblem{what: "无法准备打印队列", todo: "重新启动服务台；仍然不行请联系信息部。", err: err, code: exitInternal})
	}
	pa, stopPA, err := startPA(ctx, log, svc)
	if err != nil {
		return e.fail(err)
	}
	defer stopPA()
	var display *app.CustomerDisplay
	if *customerDisplay {
		// The customer's screen: drag it to the second monitor; the
		// counter window stays the master (closing it quits).
		dw := a.NewWindow("顾客显示屏 Customer display")
		dw.Resize(fyne.NewSize(800, 600))
		display = app.NewCustomerDisplay(dw, time.Now)
		w.SetMaster()
		dw.Show()
	}
	u := app.New(a, w, svc, app.Config{
		CustomerDisplay: display,
		PA:              pa,
		Logger:          log,
		Version:         version.String(),
		DataPath:        db.Addr(),
		Printer:         devs.PrinterState,
		CardReader:      devs.ReaderState,
		Changed:         worker.Wake,
		Devices:         devs,
		OpenFile:        openFileFunc(),
		ExportDir:       filepath.Join(filepath.Dir(*dbPath), "exports"),
		// The daily automatic backup after each day close.
		AfterDayClose: dailyBackup(db, *dbPath),
	})
	routeDevices(devs, u)
	if err := u.Start(); err != nil {
		return e.startupFailed(sl, "", dbProblem(*dbPath, err))
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
	a.Lifecycle().SetOnStarted(func() {
		if windowCreated(w) {
			windowUp = true
			w.SetTitle(title)
			fitToScreen(w)
			log.Info("window open", "title", title)
		}
	})
	go tick(u, stop)
	go purgeLoop(ctx, svc.Personal, filepath.Join(filepath.Dir(*dbPath), "exports"), log, stop)
	go expireLoop(ctx, svc.Members, log, stop)
	w.ShowAndRun()
	close(stop)
	stopWorker()
	<-workerDone
	if !windowUp {
		// GLFW could not make a window and Fyne gave up (it logged why).
		e.fyneUsed = true
		return e.startupFailed(sl, "", windowProblem(errors.New("window not created (see the Fyne error above in the log)")))
	}
	log.Info("stopped")
	return exitOK
}

// newDeskDevices builds the device set and the print worker that drains
// the queue through it.
func newDeskDevices(log *slog.Logger, svc app.Services) (*deskDevices, *printing.Worker, error) {
	devs := &deskDevices{log: log}
	worker, err := printing.New(printing.Config{Queue: svc.Print, Printer: devs, Options: devs.Options, Logger: log,
		OnChange: func() {
			if devs.onPrinted != nil {
				devs.onPrinted()
			}
		}})
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
	devs.onCard = func(c devices.Card) { fyne.Do(func() { u.HandleCard(c) }) }
	devs.onPrinted = func() { fyne.Do(u.PrintChanged) }
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
		Personal: sqlstore.NewPersonalService(db),
		// Broadcasts backs the PA console (F7).
		Broadcasts: sqlstore.NewBroadcastService(db),
		Medicine:   sqlstore.NewMedicineService(db),
		LostFound:  sqlstore.NewLostFoundService(db),
		Handover:   sqlstore.NewHandoverService(db),
		Feedback:   sqlstore.NewFeedbackService(db),
		Members:    sqlstore.NewMemberService(db),
		Invoices:   sqlstore.NewInvoiceService(db),
	}
}

// purgeEvery is how often the running counter erases personal data past
// its retention time (also once at start).
const purgeEvery = time.Hour

// purgeLoop runs the personal-data purge at start and every purgeEvery
// until stop closes, and removes a person's copies older than a day from
// exportsDir (handed over, not kept). It logs counts only.
func purgeLoop(ctx context.Context, pd ledger.PersonalService, exportsDir string, log *slog.Logger, stop <-chan struct{}) {
	t := time.NewTicker(purgeEvery)
	defer t.Stop()
	for {
		if _, err := pd.PurgeScheduled(ctx); err != nil {
			log.Error("personal-data purge failed", "err", err)
		}
		if n, err := cleanExports(exportsDir, time.Now(), exportsMaxAge); err != nil {
			log.Warn("old personal-data copies not removed", "err", err)
		} else if n > 0 {
			log.Info("old personal-data copies removed", "files", n)
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
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

// windowCreated reports whether the platform window behind w exists (GLFW
// made it); false when window creation failed and Fyne gave up.
func windowCreated(w fyne.Window) bool {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return true
	}
	created := true
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.X11WindowContext:
			created = c.WindowHandle != 0
		case driver.WindowsWindowContext:
			created = c.HWND != 0
		case driver.WaylandWindowContext:
			created = c.WaylandSurface != 0
		case driver.MacWindowContext:
			created = c.NSWindow != 0
		}
	})
	return created
}
