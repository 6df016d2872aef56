package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// activityLayer lies under the whole counter screen and tells the idle lock
// that the mouse is moving. Hover events go to the topmost hoverable object,
// so it hears the pointer over labels, lists' gaps and backgrounds, which is
// most of the window; it is not tappable, so taps pass through it.
type activityLayer struct {
	widget.BaseWidget
	touch func()
}

// newActivityLayer returns a layer that calls touch on mouse movement.
func newActivityLayer(touch func()) *activityLayer {
	l := &activityLayer{touch: touch}
	l.ExtendBaseWidget(l)
	return l
}

// CreateRenderer draws nothing.
func (l *activityLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&fyne.Container{})
}

// MouseIn records activity.
func (l *activityLayer) MouseIn(*desktop.MouseEvent) { l.touch() }

// MouseMoved records activity.
func (l *activityLayer) MouseMoved(*desktop.MouseEvent) { l.touch() }

// MouseOut does nothing.
func (l *activityLayer) MouseOut() {}
