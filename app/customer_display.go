package app

import (
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// CustomerDisplay is the optional second window on a screen facing the
// customer (顾客显示屏). It shows only what the customer should see: the
// amount being taken or paid back, the QR of their receipt, and thank-you
// text; nothing else of the clerk's screen ever reaches it (no names, no
// phone numbers, no lists). It draws on its own canvas objects, fed by the
// counter at three moments: a confirmation where money moves, the receipt
// printed, and back to idle.
type CustomerDisplay struct {
	win fyne.Window
	now func() time.Time

	mu      sync.Mutex
	shownAt time.Time // when the receipt was shown (idle again after displayIdle)
	state   string    // idle, amount, receipt (tests)

	root    *fyne.Container
	caption *canvas.Text // 应收 / 应退 / 欢迎光临
	amount  *canvas.Text
	qr      *canvas.Image
	note    *canvas.Text // 请保管好您的凭证
	thanks  *canvas.Text
}

// displayIdle is how long the receipt and thank-you stay on the customer
// display before it returns to the welcome.
const displayIdle = 30 * time.Second

// Colours of the customer display: it is always dark, large and plain.
var (
	displayBG      = color.NRGBA{R: 0x10, G: 0x18, B: 0x28, A: 0xff}
	displayText    = color.NRGBA{R: 0xf5, G: 0xf5, B: 0xf5, A: 0xff}
	displayCollect = color.NRGBA{R: 0xff, G: 0x6b, B: 0x5b, A: 0xff}
	displayRefund  = color.NRGBA{R: 0x5b, G: 0xd6, B: 0x7a, A: 0xff}
)

// NewCustomerDisplay builds the display in w (a second window) with the
// injected clock; call Show on w to open it.
func NewCustomerDisplay(w fyne.Window, now func() time.Time) *CustomerDisplay {
	if now == nil {
		now = time.Now
	}
	d := &CustomerDisplay{win: w, now: now}
	d.caption = displayLine("", 44, displayText)
	d.amount = displayLine("", 96, displayText)
	d.note = displayLine("", 28, displayText)
	d.thanks = displayLine("", 40, displayText)
	d.qr = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	d.qr.SetMinSize(fyne.NewSize(260, 260))
	bg := canvas.NewRectangle(displayBG)
	d.root = container.NewStack(bg, container.NewCenter(container.NewVBox(d.caption, d.amount, container.NewCenter(d.qr), d.note, d.thanks)))
	w.SetContent(d.root)
	d.Clear()
	return d
}

func displayLine(text string, size float32, c color.Color) *canvas.Text {
	t := canvas.NewText(text, c)
	t.TextSize = size
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	return t
}

// set shows the given lines, hiding empty ones.
func (d *CustomerDisplay) set(state, caption, amount string, amountColor color.Color, qr string, note, thanks string) {
	d.mu.Lock()
	d.state = state
	if state == "receipt" {
		d.shownAt = d.now()
	}
	d.mu.Unlock()
	for _, p := range []struct {
		t    *canvas.Text
		text string
	}{{d.caption, caption}, {d.amount, amount}, {d.note, note}, {d.thanks, thanks}} {
		p.t.Text = p.text
		if p.text == "" {
			p.t.Hide()
		} else {
			p.t.Show()
		}
		p.t.Refresh()
	}
	d.amount.Color = amountColor
	if img, err := qrImage(qr, 260); qr != "" && err == nil {
		d.qr.Image = img
		d.qr.Show()
	} else {
		d.qr.Image = nil
		d.qr.Hide()
	}
	d.qr.Refresh()
}

// Clear shows the welcome: nothing of any customer.
func (d *CustomerDisplay) Clear() {
	d.set("idle", T("欢迎光临"), "", displayText, "", "", T("服务台竭诚为您服务"))
}

// showMoney shows the amount the customer pays (collect) or gets back.
func (d *CustomerDisplay) showMoney(m money) {
	if m.collect > 0 {
		d.set("amount", T("应收"), m.collect.String(), displayCollect, "", "", "")
		return
	}
	d.set("amount", T("应退"), m.refund.String(), displayRefund, "", "", "")
}

// showReceipt shows the receipt's QR (the signed token, no personal data)
// and thanks the customer.
func (d *CustomerDisplay) showReceipt(token string) {
	note := ""
	if token != "" {
		note = T("请保管好您的凭证")
	}
	d.set("receipt", "", "", displayText, token, note, T("谢谢光临，祝您购物愉快！"))
}

// Tick returns to the welcome once the receipt has shown for displayIdle.
func (d *CustomerDisplay) Tick() {
	d.mu.Lock()
	due := d.state == "receipt" && d.now().Sub(d.shownAt) >= displayIdle
	d.mu.Unlock()
	if due {
		d.Clear()
	}
}

// State is idle, amount or receipt (for tests and the log).
func (d *CustomerDisplay) State() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.state
}

// Content is the display's canvas root.
func (d *CustomerDisplay) Content() fyne.CanvasObject { return d.root }

// QR returns the image shown as the receipt's QR (nil when none).
func (d *CustomerDisplay) QR() *canvas.Image {
	if !d.qr.Visible() {
		return nil
	}
	return d.qr
}

// displayMoney shows a customer's amount on the customer display, if any.
// Amounts with their own label (the shift's 净收) are the clerk's business
// and never reach it.
func (u *UI) displayMoney(m money) {
	if d := u.cfg.CustomerDisplay; d != nil && m.shown && m.label == "" {
		d.showMoney(m)
	}
}

// displayReceipt shows the receipt's QR and thanks on the customer display.
func (u *UI) displayReceipt(token string) {
	if d := u.cfg.CustomerDisplay; d != nil {
		d.showReceipt(token)
	}
}

// displayClear puts the customer display back to the welcome.
func (u *UI) displayClear() {
	if d := u.cfg.CustomerDisplay; d != nil {
		d.Clear()
	}
}
