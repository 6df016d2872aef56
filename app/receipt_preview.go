package app

import (
	"encoding/json"
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"servicedesk/receipts"
)

// receiptPreview shows a receipt on screen as the customer will get it: the
// text lines and the QR code. Staff can show it to the customer while the
// printer is busy or out of paper.
type receiptPreview struct {
	doc       receipts.Document
	receiptNo string
	text      *widget.Label
	state     *widget.Label // 已打印 / 打印中 / 未打印：缺纸
	qr        *canvas.Image
	dialog    dialog.Dialog
}

// refreshState shows the receipt's print state now.
func (p *receiptPreview) refreshState(u *UI) {
	if p.state == nil || p.receiptNo == "" {
		return
	}
	text, imp := u.receiptState(p.receiptNo)
	p.state.Importance = imp
	p.state.SetText(T("打印状态：%s", text))
}

// qrImage renders a QR payload for the screen.
func qrImage(payload string, size int) (image.Image, error) {
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("render qr: %w", err)
	}
	return q.Image(size), nil
}

// newReceiptView lays out a receipt document.
func newReceiptView(doc receipts.Document) (*receiptPreview, fyne.CanvasObject) {
	p := &receiptPreview{doc: doc}
	p.text = widget.NewLabel(strings.Join(doc.Text(), "\n"))
	p.text.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{p.text}
	if doc.QR != "" {
		if img, err := qrImage(doc.QR, 220); err == nil {
			p.qr = canvas.NewImageFromImage(img)
			p.qr.FillMode = canvas.ImageFillContain
			p.qr.SetMinSize(fyne.NewSize(180, 180))
			objs = append(objs, container.NewCenter(p.qr))
		}
	}
	return p, container.NewVBox(objs...)
}

// showReceipt previews the receipt queued under receiptNo.
func (u *UI) showReceipt(receiptNo string) *receiptPreview {
	if u.svc.Print == nil {
		return nil
	}
	job, err := u.svc.Print.Original(u.ctx, receiptNo)
	if err != nil {
		u.showError(err)
		return nil
	}
	var doc receipts.Document
	if err := json.Unmarshal(job.Document, &doc); err != nil {
		u.showError(fmt.Errorf("decode receipt %s: %w", receiptNo, err))
		return nil
	}
	p, view := newReceiptView(doc)
	p.receiptNo = receiptNo
	u.displayReceipt(doc.QR)
	p.state = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	p.refreshState(u)
	scroll := container.NewVScroll(view)
	scroll.SetMinSize(fyne.NewSize(400, 420))
	p.dialog = dialog.NewCustom(T("小票 %s", receiptNo), T("关闭（Enter）"), container.NewBorder(p.state, nil, nil, nil, scroll), u.win)
	u.preview = p
	p.dialog.SetOnClosed(func() {
		if u.preview == p {
			u.preview = nil
		}
	})
	u.showMessage(p.dialog)
	return p
}
