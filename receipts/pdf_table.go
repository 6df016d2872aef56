package receipts

import "strings"

// tableFont is the body size of tables: smaller for wide tables.
func tableFont(cols int) float64 {
	if cols > 8 {
		return 7.5
	}
	return 8.5
}

// tableLayout is the computed geometry of one table.
type tableLayout struct {
	widths []float64
	align  []string // "L" or "R" per column
	size   float64  // font size in points
}

// table prints a titled table whose header row repeats at the top of every
// page it spans. Cells wrap inside their column; numeric columns are right
// aligned. An empty table prints "（无）".
func (p *dayPDF) table(title string, cols []string, rows [][]string, totals []string) {
	if len(cols) == 0 {
		return
	}
	size := tableFont(len(cols))
	p.font(size)
	lay := p.layout(cols, rows, totals, size)
	p.heading(title, 2*lineH(size)+2)
	p.font(size)
	p.headerRow(cols, lay)
	if len(rows) == 0 {
		p.f.Rect(marginX, p.f.GetY(), contentW, lineH(size)+1, "D")
		p.cell(contentW, lineH(size)+1, "（无）", "C", true)
	}
	for i, row := range rows {
		if p.wrapRow(&p.body, row, lay) > bodyBottom-p.f.GetY() {
			p.f.AddPage()
			p.heading(title+"（续）", 2*lineH(size)+2)
			p.font(size)
			p.headerRow(cols, lay)
		}
		p.row(&p.body, lay, i%2 == 1)
	}
	if len(totals) > 0 {
		if p.wrapRow(&p.body, totals, lay) > bodyBottom-p.f.GetY() {
			p.f.AddPage()
			p.heading(title+"（续）", 2*lineH(size)+2)
			p.font(size)
			p.headerRow(cols, lay)
		}
		p.bold(true)
		p.row(&p.body, lay, false)
		p.bold(false)
	}
	p.f.Ln(4)
}

// layout sizes the columns: each gets its natural width when all fit,
// otherwise narrow columns keep theirs and wide ones share the rest.
func (p *dayPDF) layout(cols []string, rows [][]string, totals []string, size float64) tableLayout {
	f := p.f
	n := len(cols)
	pad := 2*f.GetCellMargin() + 0.5
	natural := make([]float64, n)
	numeric := make([]bool, n)
	for i := range numeric {
		numeric[i] = true
	}
	measure := func(row []string, isRow bool) {
		for i := 0; i < n && i < len(row); i++ {
			natural[i] = max(natural[i], p.width(row[i])+pad)
			if isRow && row[i] != "" && !looksNumeric(row[i]) {
				numeric[i] = false
			}
		}
	}
	for i, c := range cols {
		natural[i] = max(p.width(c)+pad, 10)
	}
	for _, r := range rows {
		measure(r, true)
	}
	measure(totals, false)
	// No column may claim more than 40% of the width, so one long free-text
	// column cannot starve the others.
	for i := range natural {
		natural[i] = min(natural[i], contentW*0.4)
	}
	lay := tableLayout{widths: fitWidths(natural, contentW), align: make([]string, n), size: size}
	for i := range lay.align {
		lay.align[i] = "L"
		if numeric[i] && len(rows) > 0 {
			lay.align[i] = "R"
		}
	}
	return lay
}

// fitWidths scales natural column widths to exactly total: spare room is
// shared out in proportion; if they are too wide, columns narrower than a
// fair share keep their width and the others split what is left.
func fitWidths(natural []float64, total float64) []float64 {
	out := make([]float64, len(natural))
	sum := 0.0
	for _, w := range natural {
		sum += w
	}
	if sum <= total {
		for i, w := range natural {
			out[i] = w * total / sum
		}
		return out
	}
	fixed := make([]bool, len(natural))
	left, wide := total, sum
	for changed := true; changed; {
		changed = false
		count := 0
		for i := range natural {
			if !fixed[i] {
				count++
			}
		}
		if count == 0 {
			break
		}
		fair := left / float64(count)
		for i, w := range natural {
			if !fixed[i] && w <= fair {
				fixed[i], out[i] = true, w
				left -= w
				wide -= w
				changed = true
			}
		}
	}
	for i, w := range natural {
		if !fixed[i] {
			out[i] = w * left / wide
		}
	}
	return out
}

// looksNumeric reports whether a cell is a number or an amount ("12",
// "￥50.00", "-￥3.50", "85%") and so should be right aligned.
func looksNumeric(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "￥")
	s = strings.TrimSuffix(s, "%")
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' && c != ',' {
			return false
		}
	}
	return true
}

// headerRow prints the column titles on a grey band.
func (p *dayPDF) headerRow(cols []string, lay tableLayout) {
	p.wrapRow(&p.head, cols, lay)
	p.f.SetFillColor(225, 230, 238)
	p.bold(true)
	p.cells(&p.head, lay, true, true)
	p.bold(false)
	p.f.SetFillColor(255, 255, 255)
}

// row prints one body row wrapped by wrapRow, shaded when stripe is set.
func (p *dayPDF) row(rt *rowText, lay tableLayout, stripe bool) {
	if stripe {
		p.f.SetFillColor(245, 246, 248)
	}
	p.cells(rt, lay, stripe, false)
	p.f.SetFillColor(255, 255, 255)
}

// rowText is a table row wrapped into lines: column i has the lines
// lines[start[i]:start[i+1]]. Its slices are reused from row to row.
type rowText struct {
	lines  []string
	start  []int
	height float64 // row height in mm
}

// cell returns the lines of column i.
func (rt *rowText) cell(i int) []string { return rt.lines[rt.start[i]:rt.start[i+1]] }

// wrapRow wraps the cells of a row into rt (a missing cell is empty) and
// returns the row's height.
func (p *dayPDF) wrapRow(rt *rowText, cells []string, lay tableLayout) float64 {
	rt.lines, rt.start = rt.lines[:0], append(rt.start[:0], 0)
	lines := 1
	for i, w := range lay.widths {
		txt := ""
		if i < len(cells) {
			txt = cells[i]
		}
		rt.lines = p.appendCellLines(rt.lines, txt, w)
		rt.start = append(rt.start, len(rt.lines))
		lines = max(lines, len(rt.cell(i)))
	}
	rt.height = float64(lines)*lineH(lay.size) + 1
	return rt.height
}

// cells prints a row of bordered cells with wrapped text.
func (p *dayPDF) cells(rt *rowText, lay tableLayout, fill, header bool) {
	f := p.f
	h := rt.height
	x, y := marginX, f.GetY()
	lh := lineH(lay.size)
	saved := f.GetLineWidth()
	for i, w := range lay.widths {
		style := "D"
		if fill {
			style = "FD"
		}
		// Borders are thin. Only faux-bold text is stroked, with the
		// saved width, so plain rows set the width once per row.
		if f.GetLineWidth() != 0.15 {
			f.SetLineWidth(0.15)
		}
		f.Rect(x, y, w, h, style)
		if p.bolded {
			f.SetLineWidth(saved)
		}
		align := lay.align[i]
		if header {
			align = "C"
		}
		lines := rt.cell(i)
		ty := y + (h-float64(len(lines))*lh)/2
		for j, ln := range lines {
			f.SetXY(x, ty+float64(j)*lh)
			p.cell(w, lh, ln, align, false)
		}
		x += w
	}
	if f.GetLineWidth() != saved {
		f.SetLineWidth(saved)
	}
	f.SetXY(marginX, y+h)
}

// maxCellLines caps a cell's height so one runaway note cannot outgrow a page.
const maxCellLines = 6

// appendCellLines appends the wrapped lines of a cell's text to lines,
// ending an overlong cell with "...".
func (p *dayPDF) appendCellLines(lines []string, s string, w float64) []string {
	n := len(lines)
	lines = p.appendWrap(lines, s, w, maxCellLines+1)
	if len(lines)-n > maxCellLines {
		lines = lines[:n+maxCellLines]
		last := &lines[n+maxCellLines-1]
		r := []rune(*last)
		for len(r) > 0 && p.width(string(r)+"...") > w-2*p.f.GetCellMargin() {
			r = r[:len(r)-1]
		}
		*last = string(r) + "..."
	}
	return lines
}
