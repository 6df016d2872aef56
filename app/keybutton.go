package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keyButton is a button for the keyboard: Enter presses it like Space, a
// thick ring in the theme's focus-ring colour shows when it has the focus
// (visible in both themes), and onRune may take typed keys (the return
// actions' 1–4) while it is focused.
type keyButton struct {
	widget.Button
	ui      *UI // global keys (F1–F12, Esc) go to the window
	focused bool
	// onRune handles a typed character while the button has the focus; it
	// reports whether it used it.
	onRune func(r rune) bool
}

// newKeyButton returns a keyboard-friendly button.
func (u *UI) newKeyButton(label string, tapped func()) *keyButton {
	b := &keyButton{ui: u}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// FocusGained shows the focus ring.
func (b *keyButton) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
}

// FocusLost hides the focus ring.
func (b *keyButton) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// HasFocus reports whether the button has the keyboard focus.
func (b *keyButton) HasFocus() bool { return b.focused }

// TypedKey presses the button on Enter or Space and hands the window's
// keys (F1–F12, Esc, Enter in an open confirmation) to the window.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	if b.ui != nil {
		b.ui.touch()
		if b.ui.globalKey(ev.Name) {
			return
		}
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	}
}

// TypedRune hands typed characters to onRune.
func (b *keyButton) TypedRune(r rune) {
	if b.ui != nil {
		b.ui.touch()
	}
	if b.onRune != nil {
		b.onRune(r)
	}
}

// CreateRenderer draws the button with its focus ring on top.
func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = 3
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, b: b}
}

// ringRenderer wraps the button's renderer with the focus ring.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *keyButton
}

func (r *ringRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.ring.Resize(s)
	r.ring.Move(fyne.NewPos(0, 0))
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject(nil), r.WidgetRenderer.Objects()...), r.ring)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.StrokeColor = color.Transparent
	if r.b.focused {
		r.ring.StrokeColor = r.b.Theme().Color(colorNameFocusRing, fyne.CurrentApp().Settings().ThemeVariant())
	}
	r.ring.CornerRadius = r.b.Theme().Size(theme.SizeNameInputRadius)
	r.ring.Refresh()
}
