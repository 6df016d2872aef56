package receipts

// The CJK font (DroidSansFallbackFull) has no Basic Latin glyphs: digits and
// letters would print as empty boxes. Text is therefore split into runs;
// runes below U+0100 use the PDF core font Helvetica (never embedded,
// Windows-1252 encoded) and all others the embedded CJK font.

// latinFamily is the core font for Latin runs, lower case as fpdf reports
// the current family.
const latinFamily = "helvetica"

// isLatin reports whether c is printed with the core Latin font.
func isLatin(c rune) bool { return c < 0x100 }

// nextRun returns the length in bytes of the run of Latin or of CJK text
// that starts s, and whether it is Latin.
func nextRun(s string) (n int, latin bool) {
	for i, c := range s {
		l := isLatin(c)
		if i == 0 {
			latin = l
		} else if l != latin {
			return i, latin
		}
	}
	return len(s), latin
}

// font sets the text size in points for the following text.
func (p *dayPDF) font(size float64) {
	p.size = size
	p.setFont(fontFamily)
}

// setFont selects family at the current size unless it is selected
// already: fpdf writes a font operator to the page on every SetFont, and
// switching fonts run by run would otherwise fill the page with them. The
// library's current font always matches the page's (it writes one with each
// change, and again at the top of every page), so comparing with it is safe.
func (p *dayPDF) setFont(family string) {
	if pt, _ := p.f.GetFontSize(); p.f.GetFontFamily() != family || pt != p.size {
		p.f.SetFont(family, "", p.size)
	}
}

// useRun selects the font for a run and returns the string to draw.
func (p *dayPDF) useRun(s string, latin bool) string {
	if latin {
		p.setFont(latinFamily)
		if !asciiOnly(s) {
			s = p.tr(s)
		}
		return s
	}
	p.setFont(fontFamily)
	return s
}

// asciiOnly reports whether s is all ASCII, which the core font's
// Windows-1252 encoding leaves as it is.
func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// runeWidths caches rune widths in mm at 1 pt for one document. Runes
// reach the renderer through cleanText, so all are below U+10000.
type runeWidths struct {
	known [0x10000 / 64]uint64 // bit set of the runes measured
	mm    [0x10000]float64
	other map[rune]float64 // anything above U+FFFF, should one slip through
}

// runeWidth returns the printed width of c in mm at 1 pt. Widths are
// measured once per document and cached, because switching fonts to
// measure also writes to the page.
func (p *dayPDF) runeWidth(c rune) float64 {
	if c >= 0 && c < 0x10000 {
		if p.widths.known[c>>6]&(1<<(c&63)) != 0 {
			return p.widths.mm[c]
		}
	} else if w, ok := p.widths.other[c]; ok {
		return w
	}
	size, family := p.size, p.f.GetFontFamily()
	if family == "" {
		family = fontFamily
	}
	p.size = 1
	w := p.f.GetStringWidth(p.useRun(string(c), isLatin(c)))
	p.size = size
	p.setFont(family)
	if c >= 0 && c < 0x10000 {
		p.widths.known[c>>6] |= 1 << (c & 63)
		p.widths.mm[c] = w
	} else {
		if p.widths.other == nil {
			p.widths.other = make(map[rune]float64)
		}
		p.widths.other[c] = w
	}
	return w
}

// width returns the printed width of s in mm at the current size.
func (p *dayPDF) width(s string) float64 {
	w := 0.0
	for _, c := range s {
		w += p.runeWidth(c)
	}
	return w * p.size
}

// cell prints s in a box of w×h mm at the current position, aligned "L",
// "C" or "R" with the cell margin, then moves right (or to the next line
// when ln is set), like fpdf's CellFormat without borders.
func (p *dayPDF) cell(w, h float64, s, align string, ln bool) {
	p.cellAs(w, h, s, s, align, ln)
}

// cellAs is cell printing s but placing it, run by run, as if it read
// measure: s and measure must split into the same sequence of Latin and
// CJK runs. The footer uses it to print nbAlias where the page count goes.
func (p *dayPDF) cellAs(w, h float64, s, measure, align string, ln bool) {
	f := p.f
	x, y := f.GetXY()
	if s != "" {
		m := f.GetCellMargin()
		tw := p.width(measure)
		tx := x + m
		switch align {
		case "R":
			tx = x + w - m - tw
		case "C":
			tx = x + (w-tw)/2
		}
		base := y + 0.5*h + 0.3*p.size/f.GetConversionRatio()
		for s != "" {
			n, latin := nextRun(s)
			mn, _ := nextRun(measure)
			txt := p.useRun(s[:n], latin)
			f.Text(tx, base, txt)
			if s[:n] != measure[:mn] {
				txt = measure[:mn]
				if latin {
					txt = p.tr(txt)
				}
			}
			tx += f.GetStringWidth(txt)
			s, measure = s[n:], measure[mn:]
		}
	}
	if ln {
		f.SetXY(marginX, y+h)
	} else {
		f.SetXY(x+w, y)
	}
}

// appendWrap appends to lines the lines of s in a cell of width w, broken
// between any two CJK characters, or at spaces in other text, else mid-word.
// The lines are substrings of s. It stops after limit lines (limit > 0).
func (p *dayPDF) appendWrap(lines []string, s string, w float64, limit int) []string {
	avail := w - 2*p.f.GetCellMargin()
	if p.width(s) <= avail {
		return append(lines, s)
	}
	n := 0
	start := 0      // the current line is s[start:i]
	curW := 0.0     // its width
	lastSpace := -1 // index in s of its last break opportunity, or -1
	for i, c := range s {
		cw := p.runeWidth(c) * p.size
		if curW+cw > avail && i > start {
			if lastSpace > start {
				lines = append(lines, s[start:lastSpace])
				start = lastSpace + 1
			} else {
				lines = append(lines, s[start:i])
				start = i
			}
			if n++; n == limit {
				return lines
			}
			curW = p.width(s[start:i])
			lastSpace = -1
		}
		if c == ' ' {
			lastSpace = i
		} else if !isLatin(c) {
			lastSpace = -1
		}
		curW += cw
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// fit shortens s with "..." until it fits width w.
func (p *dayPDF) fit(s string, w float64) string {
	avail := w - 2*p.f.GetCellMargin()
	if p.width(s) <= avail {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.width(string(r)+"...") > avail {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}
