package receipts

import "strconv"

// chart draws the loans-per-hour bar chart with plain rectangles and lines.
// Hours without loans outside the busy span are left out so bars stay wide.
func (p *dayPDF) chart() {
	h := p.r.HourlyLoans
	first, last, peak := -1, -1, 0
	for i, n := range h {
		if n > 0 {
			if first < 0 {
				first = i
			}
			last = i
			peak = max(peak, n)
		}
	}
	if first < 0 {
		return
	}
	first, last = min(first, 8), max(last, 21)
	const chartH = 34.0
	p.heading("分时借出（件/小时）", chartH+10)
	f := p.f
	x0, y0 := marginX+8, f.GetY()+4 // y0: top of the plot area
	plotW := contentW - 10
	step := niceStep(peak)
	top := ((peak + step - 1) / step) * step
	p.font(7)
	f.SetDrawColor(200, 200, 200)
	for v := 0; v <= top; v += step {
		y := y0 + chartH - chartH*float64(v)/float64(top)
		f.Line(x0, y, x0+plotW, y)
		f.SetXY(marginX-2, y-2)
		p.cell(9, 4, strconv.Itoa(v), "R", false)
	}
	f.SetDrawColor(0, 0, 0)
	n := last - first + 1
	slot := plotW / float64(n)
	f.SetFillColor(70, 120, 180)
	for i := first; i <= last; i++ {
		x := x0 + float64(i-first)*slot
		bh := chartH * float64(h[i]) / float64(top)
		if h[i] > 0 {
			f.Rect(x+slot*0.15, y0+chartH-bh, slot*0.7, bh, "F")
			f.SetXY(x, y0+chartH-bh-4)
			p.cell(slot, 4, strconv.Itoa(h[i]), "C", false)
		}
		f.SetXY(x, y0+chartH+0.5)
		p.cell(slot, 4, strconv.Itoa(i), "C", false)
	}
	f.Line(x0, y0+chartH, x0+plotW, y0+chartH)
	f.SetXY(marginX, y0+chartH+6)
	f.SetFillColor(255, 255, 255)
}

// niceStep returns a grid step (1, 2, 5, 10, 20, 50 …) giving at most five
// grid lines up to peak.
func niceStep(peak int) int {
	for base := 1; ; base *= 10 {
		for _, m := range []int{1, 2, 5} {
			if s := base * m; peak <= 5*s {
				return s
			}
		}
	}
}
