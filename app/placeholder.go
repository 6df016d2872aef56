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

// paper says whether the counter keeps a paper ledger for the service
// meanwhile (not so for the broadcast console, which has its own controls).
func (u *UI) newPlaceholder(name string, paper bool) screen {
	text := T("“%s”尚未在本系统中开放。", name)
	if paper {
		text += T("请继续使用纸质台账登记。")
	}
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	return &placeholder{root: container.NewVBox(msg)}
}

func (p *placeholder) content() fyne.CanvasObject { return p.root }
func (p *placeholder) refresh()                   {}
func (p *placeholder) focus()                     {}
