package app

import (
	"context"
	"image/color"
	"log/slog"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// The customer kiosk (自助服务机, `servicedesk --kiosk`): a full-screen,
// touch-friendly window customers use alone. It is a desk with the least
// rights: what it can reach is exactly KioskServices (reads of the public
// parts, the rating, and a staff password check to leave), so no staff
// action and no personal data is in reach, whatever is tapped. It changes
// no money and no stock; its only write is a 1–5 rating.

// KioskSettings reads the mall's names, zone and deposit.
type KioskSettings interface {
	Settings(ctx context.Context) (ledger.Settings, error)
}

// KioskLoans finds the customer's own loan from the signed token of their
// receipt, as the public view (no phone, no staff).
type KioskLoans interface {
	PublicLoan(ctx context.Context, token string) (ledger.PublicLoan, error)
}

// KioskHours reads the opening hours (the broadcast calendar).
type KioskHours interface {
	BroadcastConfig(ctx context.Context) (ledger.BroadcastConfig, error)
}

// KioskExit checks a staff member's own password to leave kiosk mode
// (journaled as a login; failures count towards the lockout).
type KioskExit interface {
	Login(ctx context.Context, username, password string) (ledger.Staff, error)
}

// KioskServices is everything a kiosk can reach. Nil services make their
// tile say it is not available in this version.
type KioskServices struct {
	Settings KioskSettings
	Loans    KioskLoans
	Hours    KioskHours
	Ratings  ledger.RatingService
	Exit     KioskExit
	// Found lists the found items held (public fields); nil when this
	// version has no lost and found.
	Found KioskFound
	// Points reads a swiped point card's public view; nil when this
	// version has no point cards.
	Points KioskPoints
}

// KioskConfig carries the kiosk's clock, idle time and exit.
type KioskConfig struct {
	Now    func() time.Time
	Logger *slog.Logger
	// Idle is how long the kiosk waits untouched before it goes back to
	// the start screen with everything cleared (default 60 s).
	Idle time.Duration
	// Quit leaves kiosk mode once a staff password was accepted.
	Quit func()
}

// DefaultKioskIdle is the kiosk's idle timeout.
const DefaultKioskIdle = 60 * time.Second

// kioskRatingSource is the rating source of this kiosk.
const kioskRatingSource = ledger.RatingKiosk

// Kiosk is the customer kiosk window.
type Kiosk struct {
	win fyne.Window
	svc KioskServices
	cfg KioskConfig
	ctx context.Context

	mu           sync.Mutex
	lastActivity time.Time
	settings     ledger.Settings

	root  *fyne.Container // the themed frame; page content swaps inside
	frame *fyne.Container
	title *widget.Label
	page  string // start, loan, points, found, info, rate, exit

	start  *kioskStart
	loan   *kioskLoanPage
	info   *kioskInfoPage
	rate   *kioskRatePage
	found  *kioskFoundPage
	points *kioskPointsPage
	na     *kioskUnavailable
	exit   *kioskExitPage
}

// kioskStart is the start screen: one large tile per service.
type kioskStart struct {
	root   fyne.CanvasObject
	tiles  map[string]*widget.Button
	staff  *widget.Button // 员工 (leave kiosk mode, staff password)
	notice *widget.Label
}

// NewKiosk builds the kiosk in w; call Start to show the start screen.
func NewKiosk(w fyne.Window, svc KioskServices, cfg KioskConfig) *Kiosk {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultKioskIdle
	}
	k := &Kiosk{win: w, svc: svc, cfg: cfg, ctx: context.Background()}
	k.lastActivity = cfg.Now()
	w.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		k.touch()
		if e.Name == fyne.KeyEscape {
			k.Home()
		}
	})
	w.Canvas().SetOnTypedRune(k.strayRune)
	return k
}

// Start reads the settings and shows the start screen.
func (k *Kiosk) Start() error {
	if k.svc.Settings != nil {
		set, err := k.svc.Settings.Settings(k.ctx)
		if err != nil {
			return err
		}
		k.settings = set
	} else {
		k.settings = ledger.DefaultSettings()
	}
	k.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	k.title.SizeName = theme.SizeNameHeadingText
	k.title.SetText(T("%s · 自助服务", k.settings.MallName))
	k.frame = container.NewStack()
	k.root = container.NewStack(container.NewBorder(container.NewPadded(k.title), nil, nil, nil, container.NewPadded(k.frame)))
	// Kiosk mode is its own program: the whole app takes the touch theme.
	if a := fyne.CurrentApp(); a != nil {
		a.Settings().SetTheme(newKioskTheme())
	}
	k.win.SetContent(k.root)
	k.Home()
	return nil
}

// touch records customer activity for the idle timeout.
func (k *Kiosk) touch() {
	k.mu.Lock()
	k.lastActivity = k.cfg.Now()
	k.mu.Unlock()
}

// Tick goes back to the start screen, everything cleared, when nobody
// touched the kiosk for the idle time. The app calls it once a second.
func (k *Kiosk) Tick() {
	k.mu.Lock()
	idle := k.cfg.Now().Sub(k.lastActivity)
	k.mu.Unlock()
	if idle >= k.cfg.Idle && (k.page != "start" || k.start.notice.Text != "") {
		k.Home()
	}
}

// Page names the page shown (tests).
func (k *Kiosk) Page() string { return k.page }

// show puts a page in the frame.
func (k *Kiosk) show(name string, o fyne.CanvasObject) {
	k.page = name
	k.frame.Objects = []fyne.CanvasObject{o}
	k.frame.Refresh()
}

// Home clears every page (nothing of the last customer stays) and shows
// the start screen.
func (k *Kiosk) Home() {
	k.touch()
	// Pages are built afresh: no entry, result or message survives.
	k.start = k.newStart()
	k.loan = k.newLoanPage()
	k.info = k.newInfoPage()
	k.rate = k.newRatePage()
	if k.svc.Found != nil {
		k.found = k.newFoundPage()
	}
	k.points = k.newPointsPage()
	k.na = k.newUnavailable()
	k.exit = k.newExitPage()
	k.win.Canvas().Unfocus()
	k.show("start", k.start.root)
}

// kioskTile is one large touch tile of the start screen: a button the size
// of the tile under a large icon and label (which take no taps).
func kioskTile(label, caption string, icon fyne.Resource, tap func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButton("", tap)
	b.Importance = widget.HighImportance
	// Drawn text of fixed sizes: the tile's colour is the theme's
	// primary, its text the colour on primary (white in both variants).
	text := canvas.NewText(label, color.White)
	text.TextSize, text.TextStyle.Bold, text.Alignment = 34, true, fyne.TextAlignCenter
	img := widget.NewIcon(icon)
	face := container.NewVBox(container.NewCenter(container.NewGridWrap(fyne.NewSize(72, 72), img)), text)
	if caption != "" {
		c := canvas.NewText(caption, color.White)
		c.TextSize, c.Alignment = 22, fyne.TextAlignCenter
		face.Add(c)
	}
	return b, container.NewStack(b, container.NewCenter(face))
}

func (k *Kiosk) newStart() *kioskStart {
	s := &kioskStart{tiles: map[string]*widget.Button{}}
	faces := map[string]fyne.CanvasObject{}
	add := func(id, label, caption string, icon fyne.Resource, open func()) {
		s.tiles[id], faces[id] = kioskTile(label, caption, icon, func() { k.touch(); open() })
	}
	add("loan", T("借用查询"), T("扫描押金卡二维码"), theme.SearchIcon(), k.openLoan)
	add("points", T("积分查询"), T("刷积分卡"), theme.AccountIcon(), k.openPoints)
	add("found", T("失物招领"), T("按类别和日期查找"), theme.FolderOpenIcon(), func() {
		if k.svc.Found == nil {
			k.openUnavailable("found", T("失物招领"))
			return
		}
		k.openFound()
	})
	add("info", T("服务与营业时间"), T("服务项目、今日营业时间"), theme.InfoIcon(), k.openInfo)
	add("rate", T("服务评价"), T("1 到 5 分"), theme.ConfirmIcon(), k.openRate)
	if k.svc.Loans == nil {
		s.tiles["loan"].Disable()
	}
	if k.svc.Ratings == nil {
		s.tiles["rate"].Disable()
	}
	grid := container.NewGridWithColumns(3)
	for _, id := range []string{"loan", "found", "info", "rate", "points"} {
		grid.Add(faces[id])
	}
	s.notice = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.notice.Wrapping = fyne.TextWrapWord
	hintText := widget.NewLabelWithStyle(T("请点选您需要的服务；如需人工服务，请到服务台。"), fyne.TextAlignCenter, fyne.TextStyle{})
	hintText.Wrapping = fyne.TextWrapWord
	s.staff = widget.NewButton(T("员工"), func() { k.touch(); k.openExit() })
	s.staff.Importance = widget.LowImportance
	s.root = container.NewBorder(hintText, container.NewBorder(nil, nil, nil, s.staff, s.notice), nil, nil, grid)
	return s
}

// back is the large 返回首页 button of every page.
func (k *Kiosk) backButton() *widget.Button {
	b := widget.NewButtonWithIcon(T("返回首页"), theme.HomeIcon(), k.Home)
	return b
}

// kioskUnavailable says a service is not available in this version.
type kioskUnavailable struct {
	root    fyne.CanvasObject
	message *widget.Label
	back    *widget.Button
}

func (k *Kiosk) newUnavailable() *kioskUnavailable {
	p := &kioskUnavailable{message: widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), back: k.backButton()}
	p.message.Wrapping = fyne.TextWrapWord
	p.root = container.NewBorder(nil, container.NewCenter(p.back), nil, nil, container.NewVBox(layout.NewSpacer(), p.message, layout.NewSpacer()))
	return p
}

// openUnavailable shows that service id is not available in this version.
func (k *Kiosk) openUnavailable(id, name string) {
	k.na.message.SetText(T("“%s”本版本暂未开放自助查询，请到服务台办理。", name))
	k.show(id, k.na.root)
}

// strayRune sends typing that lands on no widget (a keyboard-wedge
// scanner) to the loan page's code field: a scan from the start screen
// opens the loan page.
func (k *Kiosk) strayRune(r rune) {
	k.touch()
	if k.svc.Loans == nil || k.page == "exit" {
		return
	}
	if k.page != "loan" {
		k.openLoan()
	}
	k.loan.code.TypedRune(r)
	k.win.Canvas().Focus(k.loan.code)
}

// HandleScan opens the loan of a scanned receipt token (a serial scanner).
func (k *Kiosk) HandleScan(code string) {
	k.touch()
	if k.svc.Loans == nil || k.page == "exit" {
		return
	}
	k.openLoan()
	k.loan.code.SetText(strings.TrimSpace(code))
	k.loan.lookup()
}

// AskExit shows the staff exit page (the window's close button).
func (k *Kiosk) AskExit() {
	k.touch()
	k.openExit()
}
