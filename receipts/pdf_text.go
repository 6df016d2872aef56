package receipts

// The CJK font (DroidSansFallbackFull) has no Basic Latin glyphs: digits and
// letters would print as empty boxes. Text is therefore split into runs;
// runes below U+0100 use the PDF core font Helvetica (never embedded,
// Windows-1252 encoded) and all others the embedded CJK font.

const latinFamily = "Helvetica"

// textRun is a stretch of text printed in one font.
type textRun struct {
	s     string
	latin bool
}

// isLatin reports whether c is printed with the core Latin font.
func isLatin(c rune) bool { return c < 0x100 }

// runs splits s into Latin and CJK runs.
func runs(s string) []textRun {
	var out []textRun
	start := 0
	latin := false
	for i, c := range s {
		l := isLatin(c)
		if i == 0 {
			latin = l
		} else if l != latin {
			out = append(out, textRun{s[start:i], latin})
			start, latin = i, l
		}
	}
	if start < len(s) {
		out = append(out, textRun{s[start:], latin})
	}
	return out
}

// font sets the text size in points for the following text.
func (p *dayPDF) font(size float64) {
	p.size = size
	p.f.SetFont(fontFamily, "", size)
}

// useRun selects the font for a run and returns the string to draw.
func (p *dayPDF) useRun(r textRun) string {
	if r.latin {
		p.f.SetFont(latinFamily, "", p.size)
		return p.tr(r.s)
	}
	p.f.SetFont(fontFamily, "", p.size)
	return r.s
}

// width returns the printed width of s in mm at the current size. Rune
// widths are measured once per document (at 1 pt) and cached, because
// switching fonts to measure would also write to the page.
func (p *dayPDF) width(s string) float64 {
	w := 0.0
	for _, c := range s {
		cw, ok := p.widths[c]
		if !ok {
			size := p.size
			p.size = 1
			cw = p.f.GetStringWidth(p.useRun(textRun{string(c), isLatin(c)}))
			p.size = size
			p.f.SetFont(fontFamily, "", size)
			p.widths[c] = cw
		}
		w += cw
	}
	return w * p.size
}

// cell prints s in a box of w×h mm at the current position, aligned "L",
// "C" or "R" with the cell margin, then moves right (or to the next line
// when ln is set), like fpdf's CellFormat without borders.
func (p *dayPDF) cell(w, h float64, s, align string, ln bool) {
	f := p.f
	x, y := f.GetXY()
	if s != "" {
		m := f.GetCellMargin()
		tw := p.width(s)
		tx := x + m
		switch align {
		case "R":
			tx = x + w - m - tw
		case "C":
			tx = x + (w-tw)/2
		}
		base := y + 0.5*h + 0.3*p.size/f.GetConversionRatio()
		for _, r := range runs(s) {
			txt := p.useRun(r)
			f.Text(tx, base, txt)
			tx += f.GetStringWidth(txt)
		}
		f.SetFont(fontFamily, "", p.size)
	}
	if ln {
		f.SetXY(marginX, y+h)
	} else {
		f.SetXY(x+w, y)
	}
}

// wrap splits s into lines that fit a cell of width w: between any two
// CJK characters, or at spaces in other text, else mid-word.
func (p *dayPDF) wrap(s string, w float64) []string {
	avail := w - 2*p.f.GetCellMargin()
	if p.width(s) <= avail {
		return []string{s}
	}
	var lines []string
	var cur []rune
	curW := 0.0
	lastSpace := -1
	for _, c := range s {
		cw := p.width(string(c))
		if curW+cw > avail && len(cur) > 0 {
			if lastSpace > 0 {
				lines = append(lines, string(cur[:lastSpace]))
				cur = append([]rune(nil), cur[lastSpace+1:]...)
			} else {
				lines = append(lines, string(cur))
				cur = cur[:0]
			}
			curW = p.width(string(cur))
			lastSpace = -1
		}
		if c == ' ' {
			lastSpace = len(cur)
		} else if !isLatin(c) {
			lastSpace = -1
		}
		cur = append(cur, c)
		curW += cw
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
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
