package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// placeholder stands in for a desk service that this version does not yet
// run in the app; the counter keeps its paper ledger for it meanwhile.
type placeholder struct {
	root fyne.CanvasObject
}

func (u *UI) newPlaceholder(name string) screen {
	msg := widget.NewLabel(T("“%s”尚未在本系统中开放，请继续使用纸质台账办理。", name))
	msg.Wrapping = fyne.TextWrapWord
	return &placeholder{root: container.NewVBox(msg)}
}

func (p *placeholder) content() fyne.CanvasObject { return p.root }
func (p *placeholder) refresh()                   {}
func (p *placeholder) focus()                     {}
