// Package receipts lays out customer receipts as device-neutral documents,
// encodes them for ESC/POS printers, signs QR tokens and renders the
// end-of-day ledger PDF.
package receipts

import "strings"

// Align is the horizontal alignment of a line.
type Align int

// Alignments.
const (
	Left Align = iota
	Center
	Right
)

// Line is one printed line of a receipt. Text is UTF-8; encoders convert it.
// If Amount is non-empty the line is rendered as "Text ........ Amount".
type Line struct {
	Text   string
	Amount string // right-aligned money column, e.g. "￥50.00"; empty for none
	Bold   bool
	Double bool // double width and height (headings)
	Align  Align
	// Rule is a separator across the paper; Text and Amount are unused.
	Rule bool `json:",omitempty"`
}

// Document is a receipt independent of any device: a list of lines, an
// optional QR payload printed after the lines, and a copy marker for reprints.
type Document struct {
	Lines []Line
	QR    string // QR payload (a signed token); empty for none
	// QRCaption is printed under the QR code (e.g. the human-readable code).
	QRCaption string
	// Copy marks a reprint: encoders add a visible 补打/COPY banner.
	Copy bool
	// CopyNote is printed under the banner of a copy, e.g. IncompleteNote
	// when an earlier attempt was cut short.
	CopyNote string `json:",omitempty"`
}

// IncompleteNote is printed on a receipt resent because an earlier copy
// was cut short (cable pulled, paper out mid-job, program stopped): the
// customer may hold half a receipt, and this copy is the one that counts.
const IncompleteNote = "首张打印不完整，以本张为准"

// Text returns the document as plain text lines (for previews, tests and logs).
func (d Document) Text() []string {
	out := make([]string, 0, len(d.Lines)+3)
	if d.Copy {
		out = append(out, CopyBanner)
		if d.CopyNote != "" {
			out = append(out, d.CopyNote)
		}
	}
	for _, l := range d.Lines {
		if l.isRule() {
			out = append(out, strings.Repeat("-", Width58mm))
		} else if l.Amount != "" {
			out = append(out, l.Text+" "+l.Amount)
		} else {
			out = append(out, l.Text)
		}
	}
	if d.QRCaption != "" {
		out = append(out, d.QRCaption)
	}
	return out
}
