package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// background is an opaque rectangle in a theme colour that follows theme
// changes (a plain canvas.Rectangle keeps the colour it was made with).
type background struct {
	widget.BaseWidget
	name fyne.ThemeColorName
}

// newBackground returns an opaque fill in the theme colour name.
func newBackground(name fyne.ThemeColorName) *background {
	b := &background{name: name}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws the rectangle.
func (b *background) CreateRenderer() fyne.WidgetRenderer {
	r := &backgroundRenderer{b: b, rect: canvas.NewRectangle(nil)}
	r.Refresh()
	return r
}

type backgroundRenderer struct {
	b    *background
	rect *canvas.Rectangle
}

func (r *backgroundRenderer) Layout(s fyne.Size)           { r.rect.Resize(s) }
func (r *backgroundRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (r *backgroundRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rect} }
func (r *backgroundRenderer) Destroy()                     {}
func (r *backgroundRenderer) Refresh() {
	r.rect.FillColor = r.b.Theme().Color(r.b.name, fyne.CurrentApp().Settings().ThemeVariant())
	r.rect.Refresh()
}
