package receipts

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// DecodedLine is one printed text line recovered from an ESC/POS stream,
// with the style in force when its line feed was printed.
type DecodedLine struct {
	Text   string
	Bold   bool
	Double bool
	Align  Align
}

// DecodedQR is a native QR symbol found in an ESC/POS stream.
type DecodedQR struct {
	Payload string
	Module  int  // module size in dots
	EC      byte // error correction: 'L', 'M', 'Q' or 'H'
}

// Decoded is what an ESC/POS stream would print, for tests and diagnostics.
type Decoded struct {
	Lines   []DecodedLine
	QRs     []DecodedQR   // native QR symbols printed (GS ( k fn 181)
	Rasters []RasterImage // GS v 0 images
	Cut     bool          // a GS V cut was present
	Init    bool          // the stream began with ESC @
	Chinese bool          // FS & was sent
}

// Texts returns the text of the decoded lines.
func (d Decoded) Texts() []string {
	out := make([]string, len(d.Lines))
	for i, l := range d.Lines {
		out[i] = l.Text
	}
	return out
}

// QR returns the payload of the first native QR symbol, or "".
func (d Decoded) QR() string {
	if len(d.QRs) == 0 {
		return ""
	}
	return d.QRs[0].Payload
}

// ErrTruncated is returned by DecodeESCPOS when a command is cut short.
var ErrTruncated = errors.New("escpos: truncated command")

// DecodeESCPOS parses an ESC/POS command stream back to printed text lines
// (GB18030 decoded to UTF-8), native QR payloads, raster images and cuts.
// It understands the commands EncodeESCPOS emits plus common neighbours;
// other commands are an error.
func DecodeESCPOS(b []byte) (Decoded, error) {
	d := &decoder{b: b}
	if err := d.run(); err != nil {
		return d.out, fmt.Errorf("decode escpos at byte %d: %w", d.pos, err)
	}
	return d.out, nil
}

type decoder struct {
	b      []byte
	pos    int
	out    Decoded
	text   []byte
	bold   bool
	double bool
	align  Align
	qrData string
	qrMod  int
	qrEC   byte
}

func (d *decoder) need(n int) ([]byte, error) {
	if d.pos+n > len(d.b) {
		return nil, ErrTruncated
	}
	p := d.b[d.pos : d.pos+n]
	d.pos += n
	return p, nil
}

func (d *decoder) flush() error {
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(d.text)
	if err != nil {
		return fmt.Errorf("gb18030 text: %w", err)
	}
	d.out.Lines = append(d.out.Lines, DecodedLine{Text: string(s), Bold: d.bold, Double: d.double, Align: d.align})
	d.text = d.text[:0]
	return nil
}

func (d *decoder) run() error {
	d.qrMod, d.qrEC = 3, 'L'
	if len(d.b) >= 2 && d.b[0] == escByte && d.b[1] == '@' {
		d.out.Init = true
	}
	for d.pos < len(d.b) {
		c := d.b[d.pos]
		d.pos++
		var err error
		switch {
		case c == lf:
			err = d.flush()
		case c == '\r':
		case c == escByte:
			err = d.esc()
		case c == gsByte:
			err = d.gs()
		case c == fsByte:
			err = d.fs()
		case c == dleByte:
			_, err = d.need(2) // DLE EOT n / DLE ENQ n
		case c < 0x20 || c == 0x7f:
			err = fmt.Errorf("unexpected control byte %#02x", c)
		case c < 0x80:
			d.text = append(d.text, c)
		default:
			var p []byte
			if p, err = d.need(1); err == nil {
				if !isGB2(c, p[0]) {
					err = fmt.Errorf("bad gb18030 pair %#02x %#02x", c, p[0])
				}
				d.text = append(d.text, c, p[0])
			}
		}
		if err != nil {
			return err
		}
	}
	if len(d.text) > 0 {
		return d.flush()
	}
	return nil
}

func (d *decoder) esc() error {
	p, err := d.need(1)
	if err != nil {
		return err
	}
	switch p[0] {
	case '@':
		d.bold, d.double, d.align = false, false, Left
		return nil
	case 'E':
		a, err := d.need(1)
		if err == nil {
			d.bold = a[0]&1 == 1
		}
		return err
	case 'a':
		a, err := d.need(1)
		if err == nil {
			d.align = Align(a[0] % 48)
			if d.align > Right {
				return fmt.Errorf("bad alignment %d", a[0])
			}
		}
		return err
	case 'd':
		// ESC d n prints the pending text, then feeds paper.
		if _, err := d.need(1); err != nil {
			return err
		}
		if len(d.text) > 0 {
			return d.flush()
		}
		return nil
	case '2':
		return nil
	case 'J', '!', '-', 't', 'M', 'G':
		_, err := d.need(1)
		return err
	}
	return fmt.Errorf("unknown command ESC %#02x", p[0])
}

func (d *decoder) gs() error {
	p, err := d.need(1)
	if err != nil {
		return err
	}
	switch p[0] {
	case '!':
		a, err := d.need(1)
		if err == nil {
			d.double = a[0] != 0
		}
		return err
	case 'V':
		m, err := d.need(1)
		if err != nil {
			return err
		}
		d.out.Cut = true
		if m[0] == 65 || m[0] == 66 {
			_, err = d.need(1)
		}
		return err
	case '(':
		return d.gsParen()
	case 'v':
		return d.gsv0()
	}
	return fmt.Errorf("unknown command GS %#02x", p[0])
}

func (d *decoder) gsParen() error {
	h, err := d.need(3)
	if err != nil {
		return err
	}
	if h[0] != 'k' {
		return fmt.Errorf("unknown command GS ( %#02x", h[0])
	}
	n := int(h[1]) | int(h[2])<<8
	body, err := d.need(n)
	if err != nil {
		return err
	}
	if n < 2 || body[0] != 49 {
		return nil // other 2D symbols: skip
	}
	switch body[1] {
	case 67:
		if n >= 3 {
			d.qrMod = int(body[2])
		}
	case 69:
		if n >= 3 && body[2] >= 48 && body[2] <= 51 {
			d.qrEC = "LMQH"[body[2]-48]
		}
	case 80:
		if n >= 3 {
			d.qrData = string(body[3:])
		}
	case 81:
		d.out.QRs = append(d.out.QRs, DecodedQR{Payload: d.qrData, Module: d.qrMod, EC: d.qrEC})
	}
	return nil
}

func (d *decoder) gsv0() error {
	h, err := d.need(6)
	if err != nil {
		return err
	}
	if h[0] != '0' && h[0] != 0 {
		return fmt.Errorf("unknown command GS v %#02x", h[0])
	}
	r := RasterImage{WidthBytes: int(h[2]) | int(h[3])<<8, Height: int(h[4]) | int(h[5])<<8}
	bits, err := d.need(r.WidthBytes * r.Height)
	if err != nil {
		return err
	}
	r.Bits = append([]byte(nil), bits...)
	d.out.Rasters = append(d.out.Rasters, r)
	return nil
}

func (d *decoder) fs() error {
	p, err := d.need(1)
	if err != nil {
		return err
	}
	switch p[0] {
	case '&':
		d.out.Chinese = true
		return nil
	case '.':
		d.out.Chinese = false
		return nil
	}
	return fmt.Errorf("unknown command FS %#02x", p[0])
}

// NormalizedText joins lines and collapses runs of spaces, so texts laid
// out with different padding compare equal.
func NormalizedText(lines []string) string {
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}
