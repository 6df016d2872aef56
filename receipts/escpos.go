package receipts

import (
	"errors"
	"fmt"
)

// Paper widths in columns of the standard 12×24 font.
const (
	Width58mm = 32 // 58 mm paper, 384 dots
	Width80mm = 48 // 80 mm paper, 576 dots
)

// maxQRPayload is the largest payload GS ( k can store (model 2, byte mode).
const maxQRPayload = 7089

// CopyBanner is the line printed on top of a reprint.
const CopyBanner = "** 补打 COPY **"

// ESCPOSOptions tunes EncodeESCPOS. The zero value prints a 58 mm receipt
// with a native QR code.
type ESCPOSOptions struct {
	// Width is the paper width in columns (Width58mm or Width80mm);
	// 0 means Width58mm.
	Width int
	// RasterQR prints the QR code as a GS v 0 bitmap instead of the native
	// GS ( k symbol, for printers without a QR engine.
	RasterQR bool
	// QRModule is the QR module size in dots (1–16); 0 means 6.
	QRModule int
	// FeedLines is the number of lines fed before the cut; 0 means 4.
	FeedLines int
	// NoCut leaves out the GS V cut (printers without a cutter).
	NoCut bool
}

func (o ESCPOSOptions) withDefaults() (ESCPOSOptions, error) {
	if o.Width == 0 {
		o.Width = Width58mm
	}
	if o.QRModule == 0 {
		o.QRModule = 6
	}
	if o.FeedLines == 0 {
		o.FeedLines = 4
	}
	switch {
	case o.Width < 16 || o.Width > 96:
		return o, fmt.Errorf("escpos: width %d out of range 16-96", o.Width)
	case o.QRModule < 1 || o.QRModule > 16:
		return o, fmt.Errorf("escpos: qr module %d out of range 1-16", o.QRModule)
	case o.FeedLines < 0 || o.FeedLines > 255:
		return o, fmt.Errorf("escpos: feed lines %d out of range 0-255", o.FeedLines)
	}
	return o, nil
}

// ESC/POS command bytes.
const (
	escByte = 0x1b
	gsByte  = 0x1d
	fsByte  = 0x1c
	dleByte = 0x10
	lf      = 0x0a
)

// ErrQRTooLong is returned when a QR payload does not fit one symbol.
var ErrQRTooLong = errors.New("qr payload too long")

// EncodeESCPOS encodes doc as an ESC/POS byte stream: init, Chinese mode,
// the lines with bold, double size, alignment and right-aligned amounts,
// the QR code (native or raster), its caption, feed and cut.
func EncodeESCPOS(doc Document, opt ESCPOSOptions) ([]byte, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(doc.QR) > maxQRPayload {
		return nil, fmt.Errorf("escpos: %w (%d bytes)", ErrQRTooLong, len(doc.QR))
	}
	e := &escposWriter{g: newGBText(), width: opt.Width}
	e.raw(escByte, '@') // ESC @ initialise
	e.raw(fsByte, '&')  // FS & Chinese (double-byte) mode
	if doc.Copy {
		e.line(Line{Text: CopyBanner, Bold: true, Align: Center})
		if doc.CopyNote != "" {
			e.line(Line{Text: doc.CopyNote, Bold: true, Align: Center})
		}
	}
	for _, l := range doc.Lines {
		e.line(l)
	}
	if doc.QR != "" {
		e.align(Center)
		if opt.RasterQR {
			img, err := rasterQR(doc.QR, opt.QRModule)
			if err != nil {
				return nil, fmt.Errorf("escpos: %w", err)
			}
			e.buf = img.appendGSv0(e.buf)
		} else {
			e.buf = appendNativeQR(e.buf, doc.QR, opt.QRModule)
		}
		e.raw(lf)
	}
	if doc.QRCaption != "" {
		e.line(Line{Text: doc.QRCaption, Align: Center})
	}
	e.align(Left)
	e.raw(escByte, 'd', byte(opt.FeedLines)) // ESC d n feed
	if !opt.NoCut {
		e.raw(gsByte, 'V', 1) // GS V 1 partial cut
	}
	return e.buf, nil
}

// escposWriter accumulates commands and tracks the printer's style state
// so that each change is sent once.
type escposWriter struct {
	g      *gbText
	buf    []byte
	width  int
	bold   bool
	double bool
	al     Align
}

func (e *escposWriter) raw(b ...byte) { e.buf = append(e.buf, b...) }

func (e *escposWriter) align(a Align) {
	if a != e.al {
		e.raw(escByte, 'a', byte(a))
		e.al = a
	}
}

func (e *escposWriter) style(bold, double bool) {
	if bold != e.bold {
		e.raw(escByte, 'E', boolByte(bold))
		e.bold = bold
	}
	if double != e.double {
		var n byte
		if double {
			n = 0x11
		}
		e.raw(gsByte, '!', n)
		e.double = double
	}
}

// line prints one document line laid out for the paper width (wrapped,
// rules across the paper, amounts right-aligned; see layoutLine).
func (e *escposWriter) line(l Line) {
	e.style(l.Bold && !l.isRule(), l.Double)
	for _, p := range layoutLine(l, e.width) {
		e.align(p.align)
		e.buf = append(e.g.appendText(e.buf, p.text), lf)
	}
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// appendNativeQR appends the GS ( k sequence for a model 2 QR symbol with
// error correction M: select model, module size, EC level, store, print.
func appendNativeQR(dst []byte, payload string, module int) []byte {
	dst = append(dst, gsByte, '(', 'k', 4, 0, 49, 65, 50, 0)        // fn 165: model 2
	dst = append(dst, gsByte, '(', 'k', 3, 0, 49, 67, byte(module)) // fn 167: module size
	dst = append(dst, gsByte, '(', 'k', 3, 0, 49, 69, 49)           // fn 169: EC level M
	n := len(payload) + 3
	dst = append(dst, gsByte, '(', 'k', byte(n), byte(n>>8), 49, 80, 48) // fn 180: store
	dst = append(dst, payload...)
	return append(dst, gsByte, '(', 'k', 3, 0, 49, 81, 48) // fn 181: print
}
