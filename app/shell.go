package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// screen is one desk service's work area.
type screen interface {
	// content is the screen's widget tree, built once.
	content() fyne.CanvasObject
	// refresh reloads the screen's data.
	refresh()
	// focus puts the cursor where the common action starts.
	focus()
}

// navItem is one entry of the left-hand service list.
type navItem struct {
	key   fyne.KeyName
	id    string
	label string
	admin bool // only admins and supervisors see it
	// soon marks a service this version does not run yet: its entry is
	// greyed and says 未开放.
	soon   bool
	make   func() screen
	count  func() string // live count shown beside the label; nil for none
	button *widget.Button
}

// glanceWidth is the width of the "today at a glance" panel; below
// wideWindow the panel folds away (a summary line and a button in the top
// bar open it over the work area), so a 1024-pixel screen keeps its room
// for the work.
const (
	glanceWidth = 230
	navWidth    = 172
	wideWindow  = 1280
)

// shell is the counter's main window layout: scan box on top, services on
// the left, the work area in the centre, today at a glance on the right and
// the status bar at the bottom.
type shell struct {
	u       *UI
	root    fyne.CanvasObject
	title   *widget.Label
	scan    *keyEntry
	nav     []*navItem
	screens map[string]screen
	current string
	work    *fyne.Container
	heading *widget.Label
	glance  *glance
	status  *statusBar
	// summary is the glance panel's gist shown in the top bar while the
	// panel is folded; glanceBtn opens and closes the panel.
	summary   *widget.Label
	glanceBtn *widget.Button
	middle    *shellLayout
	// activity hears mouse movement for the idle lock.
	activity *activityLayer
}

// showShell shows the counter, building it on first use after login.
func (u *UI) showShell() {
	if u.shell == nil {
		u.shell = u.newShell()
	}
	u.shell.title.SetText(u.settings.MallName + " · " + u.settings.CounterName)
	u.win.SetContent(u.shell.root)
	if u.shell.current == "" {
		u.shell.open("umbrella")
	}
	u.shell.refreshAll()
	if s := u.shell.screens[u.shell.current]; s != nil {
		s.focus()
	}
}

func (u *UI) newShell() *shell {
	s := &shell{u: u, screens: map[string]screen{}}
	// A label follows theme changes (light/dark), a canvas.Text would not.
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.Importance = widget.HighImportance
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.scan = u.newKeyEntry(T("扫描或输入凭证号（F12）"))
	s.scan.OnSubmitted = func(text string) {
		s.scan.SetText("")
		u.handleScan(text)
	}
	s.nav = u.navItems()
	navBox := container.NewVBox()
	for _, it := range s.nav {
		if it.admin && !u.Staff().Role.CanApprove() {
			continue
		}
		it := it
		it.button = widget.NewButton("", func() { u.touch(); s.open(it.id) })
		it.button.Alignment = widget.ButtonAlignLeading
		if it.soon {
			it.button.Disable()
		}
		navBox.Add(it.button)
	}
	s.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.work = container.NewStack()
	s.glance = u.newGlance()
	s.status = u.newStatusBar()
	s.summary = widget.NewLabel("")
	s.summary.Truncation = fyne.TextTruncateEllipsis
	s.glanceBtn = widget.NewButton(T("概览"), func() { u.touch(); s.middle.toggle() })
	title := container.NewHBox(s.title)
	top := container.NewBorder(nil, nil, title, s.glanceBtn,
		container.NewGridWithColumns(2, s.scan, s.summary))
	// Each screen fits the work area by itself (lists take the rest of the
	// height, long forms scroll vertically); nothing scrolls sideways.
	center := container.NewBorder(s.heading, nil, nil, nil, s.work)
	left := container.NewVScroll(navBox)
	s.middle = &shellLayout{}
	middle := container.New(s.middle, left, container.NewPadded(center), s.glance.root)
	s.middle.row = middle
	s.middle.onFold = func(folded bool) {
		if folded {
			s.summary.Show()
			s.glanceBtn.Show()
		} else {
			s.summary.Hide()
			s.glanceBtn.Hide()
		}
	}
	s.activity = newActivityLayer(u.touch)
	s.root = container.NewStack(s.activity, container.NewBorder(
		container.NewVBox(container.NewPadded(top), widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), s.status.root),
		nil, nil, middle))
	return s
}

// shellLayout lays out the service list, the work area and the glance
// panel side by side. The panel shows on a wide window; on a narrower one
// it is folded unless opened, and then covers the work area's right side.
type shellLayout struct {
	open   bool // the clerk opened the folded panel
	folded bool // the panel is folded at the current width
	laid   bool // Layout ran at least once
	row    *fyne.Container
	// onFold hears when the panel folds or unfolds with the width.
	onFold func(folded bool)
}

// toggle opens or closes the folded panel.
func (l *shellLayout) toggle() {
	l.open = !l.open
	if l.row != nil {
		l.Layout(l.row.Objects, l.row.Size())
	}
}

// Layout places nav | work | glance.
func (l *shellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	nav, work, glance := objs[0], objs[1], objs[2]
	folded := size.Width < wideWindow
	if folded != l.folded || !l.laid {
		l.folded, l.laid = folded, true
		if l.onFold != nil {
			l.onFold(folded)
		}
	}
	nav.Move(fyne.NewPos(0, 0))
	nav.Resize(fyne.NewSize(navWidth, size.Height))
	workW := size.Width - navWidth
	if !l.folded {
		workW -= glanceWidth
	}
	work.Move(fyne.NewPos(navWidth, 0))
	work.Resize(fyne.NewSize(workW, size.Height))
	if l.folded && !l.open {
		glance.Hide()
		return
	}
	glance.Show()
	glance.Move(fyne.NewPos(size.Width-glanceWidth, 0))
	glance.Resize(fyne.NewSize(glanceWidth, size.Height))
}

// MinSize is the service list plus a work area; the glance panel folds.
func (l *shellLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	work := objs[1].MinSize()
	return fyne.NewSize(navWidth+work.Width, max(objs[0].MinSize().Height, work.Height))
}

// navItems lists the desk services with their keys.
func (u *UI) navItems() []*navItem {
	return []*navItem{
		{key: fyne.KeyF1, id: "umbrella", label: T("雨伞"), make: func() screen { return u.newLendingScreen(ledger.KindUmbrella) }, count: u.outCount(ledger.KindUmbrella)},
		{key: fyne.KeyF2, id: "stroller", label: T("童车"), make: func() screen { return u.newLendingScreen(ledger.KindStroller) }, count: u.outCount(ledger.KindStroller)},
		{key: fyne.KeyF3, id: "medicine", label: T("药品"), make: func() screen { return u.newMedicineScreen() }, count: u.medicineCount},
		{key: fyne.KeyF4, id: "lost", label: T("失物招领"), make: func() screen { return u.newLostFoundScreen() }, count: u.lostFoundCount},
		{key: fyne.KeyF5, id: "points", label: T("积分卡"), soon: u.svc.Members == nil, make: func() screen { return u.newMemberScreen() }},
		{key: fyne.KeyF6, id: "invoice", label: T("发票"), soon: u.svc.Invoices == nil, make: func() screen { return u.newInvoiceScreen() }},
		{key: fyne.KeyF7, id: "broadcast", label: T("广播"), make: func() screen { return u.newBroadcastScreen() }, count: u.broadcastCount},
		{key: fyne.KeyF8, id: "dayclose", label: T("日结"), make: func() screen { return u.newDayCloseScreen() }},
		{key: fyne.KeyF9, id: "devices", label: T("设备"), make: func() screen { return u.newDevicesScreen() }},
		{key: fyne.KeyF10, id: "staff", label: T("员工"), admin: true, make: func() screen { return u.newStaffScreen() }},
		{key: fyne.KeyF11, id: "settings", label: T("设置"), admin: true, make: func() screen { return u.newSettingsScreen() }},
		{id: "feedback", label: T("顾客意见"), make: func() screen { return u.newFeedbackScreen() }, count: u.feedbackCount},
		{id: "personal", label: T("个人信息"), admin: true, make: func() screen { return u.newPersonalScreen() }},
	}
}

// keyLabel is the entry's shortcut key and label ("F1  雨伞"); entries
// without a key show the label alone.
func (it *navItem) keyLabel() string {
	if it.key == "" {
		return it.label
	}
	return string(it.key) + "  " + it.label
}

// outCount returns a live "n 借出" counter for a lending kind.
func (u *UI) outCount(kind ledger.ItemKind) func() string {
	return func() string {
		if u.svc.Lending == nil {
			return ""
		}
		st, err := u.svc.Lending.Stock(u.ctx, kind)
		if err != nil || st.Out == 0 {
			return ""
		}
		return T("%d 借出", st.Out)
	}
}

// open switches the work area to the service id.
func (s *shell) open(id string) {
	var it *navItem
	for _, n := range s.nav {
		if n.id == id && n.button != nil {
			it = n
		}
	}
	if it == nil {
		return
	}
	sc, ok := s.screens[id]
	if !ok {
		sc = it.make()
		s.screens[id] = sc
	}
	s.current = id
	s.heading.SetText(it.keyLabel())
	s.work.Objects = []fyne.CanvasObject{sc.content()}
	s.work.Refresh()
	sc.refresh()
	s.refreshNav()
	sc.focus()
}

// Current returns the id of the open service.
func (s *shell) Current() string { return s.current }

// key handles F1–F12 and Esc on the main screen.
func (s *shell) key(k fyne.KeyName) bool {
	if k == fyne.KeyF12 {
		s.u.win.Canvas().Focus(s.scan)
		return true
	}
	if k == fyne.KeyEscape {
		if sc := s.screens[s.current]; sc != nil {
			if b, ok := sc.(interface{ back() }); ok {
				b.back()
			}
			sc.focus()
		}
		return true
	}
	for _, it := range s.nav {
		if it.key == k && it.button != nil {
			s.open(it.id)
			return true
		}
	}
	return false
}

// refreshNav updates the labels and live counts of the service list.
func (s *shell) refreshNav() {
	for _, it := range s.nav {
		if it.button == nil {
			continue
		}
		label := it.keyLabel()
		if it.soon {
			label += " · " + T("未开放")
		}
		if it.count != nil {
			if c := it.count(); c != "" {
				label += "  (" + c + ")"
			}
		}
		it.button.SetText(label)
		if it.id == s.current {
			it.button.Importance = widget.HighImportance
		} else {
			it.button.Importance = widget.MediumImportance
		}
		it.button.Refresh()
	}
}

// refreshAll reloads the counts, the glance panel and the status bar.
func (s *shell) refreshAll() {
	s.refreshNav()
	s.glance.refresh()
	s.summary.SetText(s.glance.gist())
	s.status.refresh()
}
