package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// money is what a confirmation tells the clerk to collect or pay out.
type money struct {
	collect ledger.Fen // 应收: the customer pays
	refund  ledger.Fen // 应退: the counter pays back
	shown   bool       // money moves (a zero refund is still shown)
	label   string     // replaces 应收/应退 (e.g. the shift's 净收)
}

// text is the line shown large: 应收 ￥50.00 or 应退 ￥50.00.
func (m money) text() string {
	if m.label != "" {
		return m.label + " " + (m.collect + m.refund).String()
	}
	if m.collect > 0 {
		return T("应收 %s", m.collect.String())
	}
	return T("应退 %s", m.refund.String())
}

// colorName is red for money in, green for money out.
func (m money) colorName() fyne.ThemeColorName {
	if m.collect > 0 {
		return colorNameCollect
	}
	return colorNameRefund
}

// moneyText draws m large in its colour, as on a Chinese till.
func (u *UI) moneyText(m money) *canvas.Text {
	t := canvas.NewText(m.text(), u.app.Settings().Theme().Color(m.colorName(), u.app.Settings().ThemeVariant()))
	t.TextSize = 40
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	u.lastMoney = t
	return t
}

// ask shows a confirmation with the item before anything changes. Enter
// confirms and Esc cancels, wherever the focus is, so a clerk can serve the
// queue without the mouse.
func (u *UI) ask(title, msg string, ok func()) *dialog.ConfirmDialog {
	return u.askMoney(title, msg, money{}, ok)
}

// askMoney is ask where money moves: the amount to collect (red) or pay
// back (green) is shown large under the message.
func (u *UI) askMoney(title, msg string, m money, ok func()) *dialog.ConfirmDialog {
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	var content fyne.CanvasObject = container.NewGridWrap(fyne.NewSize(440, label.MinSize().Height), label)
	if m.shown {
		content = container.NewVBox(content, widget.NewSeparator(), u.moneyText(m))
	} else {
		u.lastMoney = nil
	}
	confirmed := false
	d := u.showConfirm(title, content, func() { confirmed = true; ok() })
	if m.shown && m.label == "" {
		u.displayMoney(m)
		d.SetOnClosed(func() {
			if !confirmed {
				u.displayClear() // cancelled: no money moves
			}
		})
	}
	return d
}

// askList confirms a long list (e.g. the numbers of a stock intake) shown
// in a scrolling box.
func (u *UI) askList(title, msg string, ok func()) *dialog.ConfirmDialog {
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(label)
	scroll.SetMinSize(fyne.NewSize(480, 220))
	u.lastMoney = nil
	return u.showConfirm(title, scroll, ok)
}

// showConfirm shows content with 确认（Enter） and 取消（Esc）.
func (u *UI) showConfirm(title string, content fyne.CanvasObject, ok func()) *dialog.ConfirmDialog {
	var d *dialog.ConfirmDialog
	d = dialog.NewCustomConfirm(title, T("确认（Enter）"), T("取消（Esc）"), content, func(yes bool) {
		if u.pendingDialog() == d {
			u.setPending(nil)
		}
		if yes {
			ok()
		}
		u.refocus()
	}, u.win)
	u.setPending(d)
	u.win.Canvas().Unfocus()
	d.Show()
	return d
}

// dialogKey answers Enter and Esc for the open confirmation or message;
// it reports whether the key was used.
func (u *UI) dialogKey(k fyne.KeyName) bool {
	enter := k == fyne.KeyReturn || k == fyne.KeyEnter
	if d := u.pendingDialog(); d != nil && (enter || k == fyne.KeyEscape) {
		if enter {
			d.Confirm()
		} else {
			d.Dismiss()
		}
		return true
	}
	if u.messageDialog() != nil && (enter || k == fyne.KeyEscape) {
		u.closeMessage()
		return true
	}
	return false
}

// closeMessage hides the open message dialog, if any.
func (u *UI) closeMessage() {
	if d := u.messageDialog(); d != nil {
		u.setMessage(nil)
		d.Hide()
	}
}

// refocus puts the cursor back in the open service's first field once no
// dialog, approval or lock is in the way: after every completed or
// cancelled action the next customer's number goes where it belongs.
func (u *UI) refocus() {
	if u.shell == nil || u.win.Content() != u.shell.root || u.Locked() || u.pendingDialog() != nil || u.messageDialog() != nil {
		return
	}
	if u.lastApproval != nil && u.lastApproval.pop.Visible() {
		return
	}
	if s := u.shell.screens[u.shell.current]; s != nil {
		s.focus()
	}
}

// choiceDialog offers numbered choices; the keys 1–9 pick one.
type choiceDialog struct {
	dialog  dialog.Dialog
	buttons []*keyButton
}

// choose shows labels as numbered buttons and calls pick with the index
// chosen (by key, Enter on the focused one, or a tap); Esc cancels.
func (u *UI) choose(title string, labels []string, pick func(int)) *choiceDialog {
	c := &choiceDialog{}
	box := container.NewVBox()
	chosen := func(i int) {
		u.setMessage(nil)
		c.dialog.Hide()
		pick(i)
	}
	for i, l := range labels {
		i := i
		text := l
		if i < 9 {
			text = fmt.Sprintf("%d  %s", i+1, l)
		}
		b := u.newKeyButton(text, func() { chosen(i) })
		b.Alignment = widget.ButtonAlignLeading
		b.onRune = func(r rune) bool {
			if n := int(r - '1'); n >= 0 && n < len(labels) && n < 9 {
				chosen(n)
				return true
			}
			return false
		}
		c.buttons = append(c.buttons, b)
		box.Add(b)
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(360, min(float32(len(labels))*48, 300)))
	c.dialog = dialog.NewCustom(title, T("取消（Esc）"), scroll, u.win)
	u.showMessage(c.dialog)
	if len(c.buttons) > 0 {
		u.win.Canvas().Focus(c.buttons[0])
	}
	return c
}
