package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// narrowLayout gives its only object the whole room but asks for no more
// width than max: a field with a long text or placeholder never widens a
// form beyond the screen.
type narrowLayout struct{ max float32 }

func (l narrowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l narrowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	m.Width = min(m.Width, l.max)
	return m
}

// narrow wraps o so that it asks for at most entryMinWidth of width.
func narrow(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(narrowLayout{max: entryMinWidth}, o)
}

// hint is a small wrapping explanation under a control.
func hint(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = "captionText"
	return l
}
