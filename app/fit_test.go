package app

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// errorer is the part of testing.T the layout checks use.
type errorer interface {
	Helper()
	Errorf(format string, args ...any)
}

// recorder collects errors (to test the checks themselves).
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// counterScreens are the counter PCs' screens, and 1024×768 maximised
// (title bar and task bar take about 80 px).
var counterScreens = []fyne.Size{{Width: 1024, Height: 768}, {Width: 1366, Height: 768}, {Width: 1024, Height: 690}}

// placed is a control found on screen with its absolute rectangle and the
// viewport of the innermost vertical scroller holding it (zero if none).
type placed struct {
	obj      fyne.CanvasObject
	pos      fyne.Position
	size     fyne.Size
	viewport *container.Scroll
	vpPos    fyne.Position
}

// controls walks the visible widget tree under o and returns every control
// a clerk acts on: buttons, entries, pickers, checks.
func controls(o fyne.CanvasObject) []placed {
	var out []placed
	d := fyne.CurrentApp().Driver()
	var walk func(o fyne.CanvasObject, sc *container.Scroll, scPos fyne.Position)
	walk = func(o fyne.CanvasObject, sc *container.Scroll, scPos fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		if s, ok := o.(*container.Scroll); ok {
			sc, scPos = s, d.AbsolutePositionForObject(s)
		}
		switch o.(type) {
		case *widget.Button, *keyButton, *widget.Select, *widget.SelectEntry, *widget.Entry, *keyEntry, *widget.Check, *widget.RadioGroup:
			out = append(out, placed{obj: o, pos: d.AbsolutePositionForObject(o), size: o.Size(), viewport: sc, vpPos: scPos})
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c, sc, scPos)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c, sc, scPos)
			}
		}
	}
	walk(o, nil, fyne.Position{})
	return out
}

// describe names a control for a failure message.
func describe(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Button:
		return fmt.Sprintf("button %q", x.Text)
	case *keyButton:
		return fmt.Sprintf("button %q", x.Text)
	case *widget.Entry:
		return fmt.Sprintf("entry %q", x.PlaceHolder)
	case *keyEntry:
		return fmt.Sprintf("entry %q", x.PlaceHolder)
	case *widget.Select:
		return fmt.Sprintf("picker %q", x.PlaceHolder)
	case *widget.Check:
		return fmt.Sprintf("check %q", x.Text)
	}
	return fmt.Sprintf("%T", o)
}

// checkFits fails for every control that lies outside the window, or
// outside the visible width of its scroller (no horizontal scrolling), and
// when the window's content needs more room than the screen has. A
// control below the fold of a vertical scroller is allowed: scrolling
// reaches it.
func checkFits(t errorer, w fyne.Window, where string) int {
	t.Helper()
	win := w.Canvas().Size()
	if min := w.Content().MinSize(); min.Width > win.Width || min.Height > win.Height {
		t.Errorf("%s: content needs %v, more than the %v window", where, min, win)
	}
	objs := controls(w.Content())
	for _, ov := range w.Canvas().Overlays().List() {
		objs = append(objs, controls(ov)...)
	}
	const eps = 0.5
	for _, p := range objs {
		right, bottom := p.pos.X+p.size.Width, p.pos.Y+p.size.Height
		if p.size.Width < 1 || p.size.Height < 1 {
			t.Errorf("%s: %s has no room (%v)", where, describe(p.obj), p.size)
			continue
		}
		if p.pos.X < -eps || right > win.Width+eps {
			t.Errorf("%s: %s spans x %.0f–%.0f, outside the %.0f px window", where, describe(p.obj), p.pos.X, right, win.Width)
		}
		if vp := p.viewport; vp != nil {
			vr := p.vpPos.X + vp.Size().Width
			if p.pos.X < p.vpPos.X-eps || right > vr+eps {
				t.Errorf("%s: %s spans x %.0f–%.0f, outside its scroller %.0f–%.0f (horizontal scrolling)", where, describe(p.obj), p.pos.X, right, p.vpPos.X, vr)
			}
			if vp.Direction == container.ScrollBoth || vp.Direction == container.ScrollHorizontalOnly {
				if vp.Content.MinSize().Width > vp.Size().Width+eps {
					t.Errorf("%s: scroller holding %s scrolls sideways", where, describe(p.obj))
				}
			}
			if p.vpPos.Y+vp.Size().Height > win.Height+eps || p.vpPos.Y < -eps {
				t.Errorf("%s: the scroller holding %s reaches below the window", where, describe(p.obj))
			}
			continue
		}
		if p.pos.Y < -eps || bottom > win.Height+eps {
			t.Errorf("%s: %s spans y %.0f–%.0f, outside the %.0f px window", where, describe(p.obj), p.pos.Y, bottom, win.Height)
		}
	}
	return len(objs)
}

// TestEveryScreenFitsCounterScreens opens every service as an admin (who
// sees them all) at 1024×768 and 1366×768 and checks that every control of
// every screen, and of the return panel with a loan loaded, lies inside the
// window without sideways scrolling.
func TestEveryScreenFitsCounterScreens(t *testing.T) { checkAllScreensFit(t) }

// TestEnglishScreensFit is the same walk with the English texts (longer);
// it runs in TestEnglishUI's child process.
func TestEnglishScreensFit(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestEnglishUI")
	}
	checkAllScreensFit(t)
}

// checkAllScreensFit opens every screen and dialog at every counter size.
func checkAllScreensFit(t *testing.T) {
	for _, size := range counterScreens {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			h := newHarness(t, true)
			h.ui.svc.DayClose = sqlstore.NewDayCloseService(h.db)
			h.ui.cfg.Devices = &fakePanel{}
			h.win.Resize(size)
			checkFits(t, h.win, "login")
			sh := h.mustShell("admin")
			h.win.Resize(size)
			n := 0
			for _, it := range sh.nav {
				if it.button == nil {
					t.Fatalf("admin lacks %s", it.id)
				}
				sh.open(it.id)
				n += checkFits(t, h.win, it.id)
			}
			if n < 60 {
				t.Fatalf("found only %d controls: the walk is broken", n)
			}
			// The return panel with a loan, and the stock panel opened.
			s := h.lending(ledger.KindUmbrella)
			h.lendThroughScreen(s, "U-001", "13812341234")
			h.ui.closeMessage()
			s.open.Select(0)
			checkFits(t, h.win, "umbrella with a loan")
			// Every confirmation and dialog fits too.
			test.Tap(s.damaged)
			checkFits(t, h.win, "damage choices")
			s.damagePick.buttons[0].TypedRune('1')
			checkFits(t, h.win, "damage confirmation")
			if s.confirm != nil {
				s.confirm.Dismiss()
			}
			test.Tap(s.lost)
			checkFits(t, h.win, "approval dialog")
			h.ui.lastApproval.hide()
			s.tabs.SelectIndex(1)
			checkFits(t, h.win, "umbrella stock tab")
			s.tabs.SelectIndex(0)
			h.ui.CheckIdle()
			h.clock.Add(h.ui.settings.IdleLock)
			h.ui.CheckIdle()
			if !h.ui.Locked() {
				t.Fatal("not locked")
			}
			checkFits(t, h.win, "idle lock")
		})
	}
}

// TestFitCheckCatchesClipping makes sure checkFits fails on a button
// pushed out of a small window (the check can fail).
func TestFitCheckCatchesClipping(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	w.SetContent(container.NewHBox(widget.NewLabel(strings.Repeat("宽", 80)), widget.NewButton("按钮", nil)))
	w.Resize(fyne.NewSize(300, 200))
	rec := &recorder{}
	checkFits(rec, w, "wide")
	if len(rec.errs) == 0 {
		t.Fatal("a clipped button passed the fit check")
	}
}
