package receipts

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry of the day report, in millimetres (A4 portrait).
const (
	pageW      = 210.0
	pageH      = 297.0
	marginX    = 12.0
	marginTop  = 12.0
	contentW   = pageW - 2*marginX
	bodyBottom = pageH - 16.0 // last y usable by content; the footer sits below
	fontFamily = "cjk"
)

// dayPDF draws one DayReport.
type dayPDF struct {
	f      *fpdf.Fpdf
	r      DayReport
	digits int                 // digits of the page count, for laying out "共 M 页"
	size   float64             // current font size in points
	bolded bool                // faux bold is on (see bold)
	tr     func(string) string // UTF-8 to the core font's Windows-1252

	widths runeWidths
	body   rowText // wrapped lines of the table row being printed
	head   rowText // wrapped lines of a table header row
}

// nbAlias stands for the page count in the footers until the document is
// finished; fpdf then replaces it in every page (see RegisterAlias). It is
// drawn in the core font, whose strings hold no NUL bytes (cleanText turns
// controls into spaces), and no UTF-16 text of the CJK font holds it either
// (every code unit there is at least U+0100), so nothing else can match.
const nbAlias = "\x00nb\x00"

// RenderDayPDF writes the end-of-day ledger of r as an A4 PDF to w. font is
// a TrueType font with CJK glyphs (assets' DroidSansFallbackFull.ttf); only
// the glyphs used are embedded. Runes the PDF library cannot handle (above
// U+FFFF, controls) are replaced, and any panic inside the library becomes
// an error. The same report always gives the same bytes: dates in the file
// come from r.ClosedAt.
func RenderDayPDF(w io.Writer, r DayReport, font []byte) error {
	if len(font) == 0 {
		return errors.New("render day pdf: no font")
	}
	r = cleanReport(r)
	// The footers print the page count through an alias filled in at the
	// end, so the report is laid out once. Centring "第 N 页 / 共 M 页" needs
	// only the number of digits of M (the core font's digits all have the
	// same width): guess it, and lay out again in the rare case the guess
	// was wrong. The footer's width never moves a page break.
	digits := digitCount(estimatePages(r))
	for pass := 0; ; pass++ {
		f, err := drawDayPDF(r, font, digits)
		if err != nil {
			return fmt.Errorf("render day pdf: %w", err)
		}
		pages := f.PageNo()
		if got := digitCount(pages); got != digits {
			if pass > 0 {
				return fmt.Errorf("render day pdf: page count %d changed with its width", pages)
			}
			digits = got
			continue
		}
		f.RegisterAlias(nbAlias, strconv.Itoa(pages))
		if err := output(f, w); err != nil {
			return fmt.Errorf("render day pdf: %w", err)
		}
		return nil
	}
}

// estimatePages guesses the page count of r from its number of table rows
// (about 50 single-line rows fit on a page).
func estimatePages(r DayReport) int {
	rows := len(r.Summary) + len(r.StillOut) + len(r.Approvals)
	for _, s := range r.Sections {
		rows += len(s.Rows)
	}
	return 1 + rows/50
}

// digitCount returns the number of decimal digits of n ≥ 0.
func digitCount(n int) int { return len(strconv.Itoa(n)) }

// drawDayPDF lays out the whole report on a new document, converting a panic
// of the PDF library into an error. digits is the width of the page count
// in the footers.
func drawDayPDF(r DayReport, font []byte, digits int) (f *fpdf.Fpdf, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("pdf library panic: %v", p)
		}
	}()
	f = fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(r.ClosedAt)
	f.SetModificationDate(r.ClosedAt)
	f.SetProducer("Service Desk 服务台", true)
	f.SetCreator("Service Desk 服务台", true)
	f.SetTitle(r.Mall+" "+r.Counter+" 日结报表 "+r.BusinessDate, true)
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(1.2)
	f.AddUTF8FontFromBytes(fontFamily, "", font)
	if f.Err() {
		return nil, fmt.Errorf("load font: %w", f.Error())
	}
	p := &dayPDF{f: f, r: r, digits: digits, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetHeaderFunc(p.pageHeader)
	f.SetFooterFunc(p.pageFooter)
	f.AddPage()
	p.titleBlock()
	p.summary()
	p.chart()
	for _, s := range r.Sections {
		p.table(s.Title, s.Columns, s.Rows, s.Totals)
	}
	p.stillOut()
	p.approvals()
	p.signatures()
	if f.Err() {
		return nil, f.Error()
	}
	return f, nil
}

// output writes the finished document, catching a late library panic.
func output(f *fpdf.Fpdf, w io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf library panic: %v", p)
		}
	}()
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

// punctuation maps General Punctuation runes the CJK font lacks (dashes,
// curly quotes, ellipsis, bullet) to printable stand-ins.
var punctuation = strings.NewReplacer(
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-",
	"\u2018", "'", "\u2019", "'", "\u201C", "\"", "\u201D", "\"",
	"\u2022", "·", "\u2026", "...", "\u2212", "-",
)

// cleanText makes s safe for the PDF library and its fonts: invalid UTF-8,
// runes above U+FFFF (the library panics on them) and unassigned runes
// become "?", control characters (newlines, tabs) become spaces, and
// punctuation missing from the CJK font is replaced.
func cleanText(s string) string {
	ok := true
	for _, c := range s {
		if c > 0xFFFF || c == utf8.RuneError || unicode.IsControl(c) || !unicode.IsGraphic(c) && c != ' ' ||
			c >= 0x2010 && c <= 0x2026 || c == 0x2212 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case unicode.IsControl(c):
			b.WriteByte(' ')
		case c > 0xFFFF || c == utf8.RuneError || !unicode.IsGraphic(c) && c != ' ':
			b.WriteByte('?')
		default:
			b.WriteRune(c)
		}
	}
	return punctuation.Replace(b.String())
}

// cleanAll returns a cleaned copy of ss.
func cleanAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = cleanText(s)
	}
	return out
}

// cleanReport returns a copy of r with every string passed through cleanText.
func cleanReport(r DayReport) DayReport {
	r.Mall, r.Counter = cleanText(r.Mall), cleanText(r.Counter)
	r.BusinessDate, r.CloseNo = cleanText(r.BusinessDate), cleanText(r.CloseNo)
	r.StaffOnDuty = cleanAll(r.StaffOnDuty)
	sum := make([]SummaryRow, len(r.Summary))
	for i, s := range r.Summary {
		s.Service = cleanText(s.Service)
		sum[i] = s
	}
	r.Summary = sum
	secs := make([]Section, len(r.Sections))
	for i, s := range r.Sections {
		rows := make([][]string, len(s.Rows))
		for j, row := range s.Rows {
			rows[j] = cleanAll(row)
		}
		secs[i] = Section{Title: cleanText(s.Title), Columns: cleanAll(s.Columns), Rows: rows, Totals: cleanAll(s.Totals)}
	}
	r.Sections = secs
	out := make([]StillOutRow, len(r.StillOut))
	for i, s := range r.StillOut {
		s.Service, s.ItemNo, s.Staff = cleanText(s.Service), cleanText(s.ItemNo), cleanText(s.Staff)
		s.Phone, s.Note = cleanText(s.Phone), cleanText(s.Note)
		out[i] = s
	}
	r.StillOut = out
	aps := make([]ApprovalRow, len(r.Approvals))
	for i, a := range r.Approvals {
		a.Action, a.Ref, a.Clerk = cleanText(a.Action), cleanText(a.Ref), cleanText(a.Clerk)
		a.Approver, a.Reason = cleanText(a.Approver), cleanText(a.Reason)
		aps[i] = a
	}
	r.Approvals = aps
	return r
}
