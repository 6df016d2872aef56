// Package app is the Fyne GUI of the service desk: one window laid out for a
// clerk serving a queue, one file per screen, widget references kept on
// structs so tests can tap and type through them.
package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// Services are the ledger services the screens call. Optional services may
// be nil; their screens then say the service is not available.
type Services struct {
	Staff    ledger.StaffService
	Settings ledger.SettingsService
	Journal  ledger.JournalService
	Lending  Lending
	Print    ledger.PrintQueue
	// DayClose closes business days and builds their reports.
	DayClose DayClose
	// Personal is the personal-data store (个人信息); nil hides nothing
	// but the screen then says it is not available.
	Personal ledger.PersonalService
	// Broadcasts stores the PA console's settings and broadcasts.
	Broadcasts ledger.BroadcastService
	// Medicine keeps the emergency medicine ledger (F3).
	Medicine ledger.MedicineService
	// LostFound keeps the lost-and-found ledger (F4).
	LostFound ledger.LostFoundService
	// Handover runs the shift handover (交接班); nil keeps 交班 a plain
	// logout after the shift's summary.
	Handover ledger.HandoverService
	// Feedback logs customer feedback (顾客意见) and shows the ratings.
	Feedback ledger.FeedbackService
	// Members is the point-card ledger (积分卡); nil shows the screen as
	// not available.
	Members ledger.MemberService
	// Invoices issues invoices on the shops' behalf (代开发票).
	Invoices ledger.InvoiceService
}

// Lending is the lending service with the lookups the screens need.
type Lending interface {
	ledger.LendingService
	// LoanByToken verifies a scanned QR token and returns its loan.
	LoanByToken(ctx context.Context, token string) (ledger.Loan, error)
	// StillOut lists every umbrella and stroller still out.
	StillOut(ctx context.Context) ([]ledger.Loan, error)
}

// DeviceState is what the status bar shows about one device.
type DeviceState struct {
	Label string // Chinese state, e.g. 正常, 缺纸, 未连接
	OK    bool
	// Off means the device is not configured (shown greyed, not as a fault).
	Off bool
	// Unknown means the device is there but its state is not asked (a
	// printer with status checks off): shown plainly, neither OK nor fault.
	Unknown bool
}

// Config carries the injected clock, logger and device state sources.
type Config struct {
	Now    func() time.Time
	Logger *slog.Logger
	// Printer and CardReader report device state for the status bar; nil
	// means "not configured".
	Printer    func() DeviceState
	CardReader func() DeviceState
	// Version is the build's version, shown in the About box.
	Version string
	// DataPath is the database file, shown in the About box.
	DataPath string
	// Changed is called after every change of state (e.g. to wake the print
	// worker); nil for none.
	Changed func()
	// OpenFile shows a file (a report) in the system's viewer and returns
	// an error when that failed; nil means the toolkit's OpenURL.
	OpenFile func(path string) error
	// Devices backs the devices screen (ports, reader diagnostics, test
	// page, re-opening devices after a save); nil means no devices wired.
	Devices DevicePanel
	// ExportDir receives a person's copy of their data (个人信息副本);
	// "" means the system's temporary folder.
	ExportDir string
	// CustomerDisplay is the optional second window facing the customer
	// (amount, receipt QR, thanks); nil for none.
	CustomerDisplay *CustomerDisplay
	// PA is the broadcast console's station (schedule, queue, music); nil
	// means the console runs without sound and says so.
	PA BroadcastConsole
	// AfterDayClose runs in the background after every day close (the
	// daily automatic backup) and returns what it wrote; nil for nothing.
	AfterDayClose func(ledger.DayClose) (string, error)
}

// UI is the whole counter application window.
type UI struct {
	app fyne.App
	win fyne.Window
	svc Services
	cfg Config
	ctx context.Context
	// seenHead is the journal seq checkRemote last saw; offline is set
	// while the shared database cannot be reached (remote.go).
	seenHead  int64
	offline   bool
	deskCount int // desks sharing the database, 0 = not counted yet

	mu           sync.Mutex
	staff        ledger.Staff // on duty; zero when logged out
	settings     ledger.Settings
	lastActivity time.Time
	lastError    string
	lastInfo     string

	setup  *setupScreen
	login  *loginScreen
	shell  *shell
	lock   *lockScreen
	passwd *changePasswordScreen
	// lastApproval is the approval dialog shown last (tests tap through it).
	lastApproval *approvalDialog
	// dlgMu guards pending and message: background jobs (reports, the
	// print worker) open dialogs through fyne.Do, which the test driver
	// runs on the job's own goroutine.
	dlgMu sync.Mutex
	// pending is the open confirmation, answered by Enter or Esc.
	pending *dialog.ConfirmDialog
	// message is the open error or info dialog, closed by Enter or Esc.
	message dialog.Dialog
	// handover is the 交班 confirmation, last shown (tests).
	handover *dialog.ConfirmDialog
	// handoverForm is the shift handover screen while it shows.
	handoverForm *handoverScreen
	// preview is the receipt preview on screen, nil when none.
	preview *receiptPreview
	// lastMoney is the amount shown large by the last confirmation (tests).
	lastMoney *canvas.Text
	// about holds the About box's widgets.
	about aboutBox
}

// New builds the UI in window w. Call Start to show the first screen.
func New(a fyne.App, w fyne.Window, svc Services, cfg Config) *UI {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	u := &UI{app: a, win: w, svc: svc, cfg: cfg, ctx: context.Background()}
	u.lastActivity = cfg.Now()
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		u.touch()
		u.globalKey(k.Name)
	})
	w.Canvas().SetOnTypedRune(u.strayRune)
	return u
}

// Start shows the setup screen on a fresh install, the login screen otherwise.
func (u *UI) Start() error {
	set, err := u.svc.Settings.Settings(u.ctx)
	if err != nil {
		return err
	}
	u.settings = set
	u.applyTheme()
	need, err := u.svc.Staff.NeedsSetup(u.ctx)
	if err != nil {
		return err
	}
	if need {
		u.showSetup()
	} else {
		u.showLogin()
	}
	return nil
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Staff returns the staff member on duty (zero when logged out).
func (u *UI) Staff() ledger.Staff {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.staff
}

// touch records user activity for the idle lock.
func (u *UI) touch() {
	u.mu.Lock()
	u.lastActivity = u.cfg.Now()
	u.mu.Unlock()
}

// CheckIdle locks the counter when nobody touched it for the configured
// idle time. The app calls it every few seconds; tests call it directly.
func (u *UI) CheckIdle() {
	u.mu.Lock()
	idle := u.cfg.Now().Sub(u.lastActivity)
	onDuty := u.staff.ID != 0
	limit := u.settings.IdleLock
	u.mu.Unlock()
	if onDuty && limit > 0 && idle >= limit && (u.lock == nil || !u.lock.shown()) {
		u.cfg.Logger.Info("counter locked after idle time", "idle", idle.Round(time.Second).String())
		u.showLock()
	}
}

// Locked reports whether the idle lock is showing.
func (u *UI) Locked() bool { return u.lock != nil && u.lock.shown() }

// showMessage shows a message dialog that Enter or Esc closes.
func (u *UI) showMessage(d dialog.Dialog) {
	u.setMessage(d)
	d.SetOnClosed(func() {
		if u.messageDialog() == d {
			u.setMessage(nil)
		}
		u.refocus()
	})
	u.win.Canvas().Unfocus()
	d.Show()
}

// globalKey handles the window's keys; it reports whether k was used.
func (u *UI) globalKey(k fyne.KeyName) bool {
	if u.Locked() {
		return isGlobalKey(k)
	}
	if d := u.lastApproval; d != nil && d.pop.Visible() {
		if k == fyne.KeyEscape {
			d.hide()
			return true
		}
		return isGlobalKey(k)
	}
	if u.dialogKey(k) {
		return true
	}
	if !isGlobalKey(k) {
		return false
	}
	if u.Locked() {
		return true
	}
	if u.HandoverShown() {
		if k == fyne.KeyEscape {
			u.handoverForm.back()
		}
		return true
	}
	if u.shell != nil && u.win.Content() == u.shell.root {
		return u.shell.key(k)
	}
	return false
}

// strayRune sends typing that lands on no widget (a keyboard-wedge scanner
// with nothing focused) to the scan box.
func (u *UI) strayRune(r rune) {
	u.touch()
	if u.shell == nil || u.Locked() || u.win.Content() != u.shell.root {
		return
	}
	u.shell.scan.TypedRune(r)
	u.win.Canvas().Focus(u.shell.scan)
}

// showError shows err's Chinese message; the details go to the log.
func (u *UI) showError(err error) {
	if err == nil {
		return
	}
	if ledger.ErrorCode(err) == ledger.EINTERNAL {
		u.cfg.Logger.Error("operation failed", "err", err)
	}
	msg := errText(err)
	u.mu.Lock()
	u.lastError = msg
	u.mu.Unlock()
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(T("无法完成操作"), T("知道了"), container.NewGridWrap(fyne.NewSize(420, 80), label), u.win)
	u.showMessage(d)
}

// LastError returns the last error message shown to the clerk.
func (u *UI) LastError() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.lastError
}

// info shows a short confirmation message.
func (u *UI) info(title, msg string) {
	u.mu.Lock()
	u.lastInfo = msg
	u.mu.Unlock()
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	u.showMessage(dialog.NewCustom(title, T("知道了"), container.NewGridWrap(fyne.NewSize(420, 80), label), u.win))
}

// now returns the counter's current time in its zone.
func (u *UI) now() time.Time { return u.cfg.Now().In(u.settings.Location()) }

// reloadSettings refreshes the cached settings after a change.
func (u *UI) reloadSettings() {
	if set, err := u.svc.Settings.Settings(u.ctx); err == nil {
		u.mu.Lock()
		u.settings = set
		u.mu.Unlock()
	}
}

// ApplyTheme installs the counter theme (bundled CJK font, larger type).
// It follows the system's light or dark variant until the counter's
// settings choose one (applyTheme).
func ApplyTheme(a fyne.App) { a.Settings().SetTheme(newDeskTheme(themeSystem)) }

// applyTheme installs the theme the settings choose (light, dark or the
// system's).
func (u *UI) applyTheme() {
	if t, ok := u.app.Settings().Theme().(*deskTheme); ok && t.choice == u.settings.Theme {
		return
	}
	u.app.Settings().SetTheme(newDeskTheme(u.settings.Theme))
}

// Tick refreshes the clock and device state and checks the idle lock. The
// app calls it once a second on the UI goroutine (fyne.Do).
func (u *UI) Tick() {
	u.CheckIdle()
	if d := u.cfg.CustomerDisplay; d != nil {
		d.Tick()
	}
	if u.Locked() && u.lock.cover() {
		u.win.Canvas().Focus(u.lock.password)
	}
	if u.shell != nil && u.win.Content() == u.shell.root {
		u.checkRemote()
		u.shell.status.refresh()
		if sc, ok := u.shell.screens[u.shell.current].(interface{ tick() }); ok {
			sc.tick()
		}
	}
}
