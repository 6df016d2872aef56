package receipts

import (
	"strconv"
	"strings"
	"time"
)

// bold switches faux bold (fill and stroke the glyphs) on or off; the CJK
// font has no bold face and a second embedded copy would double the file.
func (p *dayPDF) bold(on bool) {
	p.bolded = on
	if on {
		p.f.SetTextRenderingMode(2)
		p.f.SetLineWidth(0.12)
	} else {
		p.f.SetTextRenderingMode(0)
		p.f.SetLineWidth(0.2)
	}
}

// lineH returns the line height in mm for a font size in points.
func lineH(size float64) float64 { return size * 0.3528 * 1.45 }

// ensure starts a new page unless h mm fit above the footer.
func (p *dayPDF) ensure(h float64) {
	if p.f.GetY()+h > bodyBottom {
		p.f.AddPage()
	}
}

// when formats t in the report's zone; the zero time prints as "-".
func (p *dayPDF) when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(p.r.location()).Format("2006-01-02 15:04")
}

// pageHeader prints the running header on every page after the first.
func (p *dayPDF) pageHeader() {
	if p.f.PageNo() == 1 {
		return
	}
	f := p.f
	p.font(8)
	f.SetTextColor(90, 90, 90)
	f.SetXY(marginX, 7)
	p.cell(contentW/2, 4, p.r.Mall+" · "+p.r.Counter+" · 日结报表", "L", false)
	p.cell(contentW/2, 4, "营业日 "+p.r.BusinessDate+"  日结单号 "+p.r.CloseNo, "R", false)
	f.SetDrawColor(160, 160, 160)
	f.Line(marginX, 11.5, marginX+contentW, 11.5)
	f.SetTextColor(0, 0, 0)
	f.SetDrawColor(0, 0, 0)
	f.SetXY(marginX, 14)
}

// pageFooter prints "第 N 页 / 共 M 页". M is written as nbAlias, replaced
// when the document is finished, and centred as p.digits digits.
func (p *dayPDF) pageFooter() {
	f := p.f
	p.bold(false)
	p.font(8)
	f.SetTextColor(90, 90, 90)
	f.SetXY(marginX, pageH-11)
	p.cell(contentW/3, 4, p.r.CloseNo, "L", false)
	mark := "第 " + strconv.Itoa(f.PageNo()) + " 页 / 共 "
	p.cellAs(contentW/3, 4, mark+nbAlias+" 页", mark+strings.Repeat("0", p.digits)+" 页", "C", false)
	p.cell(contentW/3, 4, "日结时间 "+p.when(p.r.ClosedAt), "R", false)
	f.SetTextColor(0, 0, 0)
}

// titleBlock prints the report heading: mall, counter, date, close number,
// business-day bounds and staff on duty.
func (p *dayPDF) titleBlock() {
	f := p.f
	r := p.r
	p.font(16)
	p.bold(true)
	p.cell(contentW, 8, r.Mall+" 服务台日结报表", "C", true)
	p.bold(false)
	p.font(9.5)
	f.Ln(1)
	half := contentW / 2
	rows := [][2]string{
		{"服务台：" + r.Counter, "营业日：" + r.BusinessDate},
		{"开班时间：" + p.when(r.OpenedAt), "日结时间：" + p.when(r.ClosedAt)},
		{"日结单号：" + r.CloseNo, "值班人员：" + strings.Join(r.StaffOnDuty, "、")},
	}
	for _, row := range rows {
		p.cell(half, lineH(9.5), row[0], "L", false)
		p.cell(half, lineH(9.5), p.fit(row[1], half), "L", true)
	}
	f.Ln(1)
	f.SetLineWidth(0.4)
	f.Line(marginX, f.GetY(), marginX+contentW, f.GetY())
	f.SetLineWidth(0.2)
	f.Ln(3)
}

// heading prints a section heading, keeping room for need mm below it.
func (p *dayPDF) heading(title string, need float64) {
	p.ensure(lineH(11) + 2 + need)
	p.font(11)
	p.bold(true)
	p.cell(contentW, lineH(11), title, "L", true)
	p.bold(false)
	p.f.Ln(1)
}

// signatures prints the sign-off lines for the duty supervisor and clerk.
func (p *dayPDF) signatures() {
	f := p.f
	p.ensure(36)
	f.Ln(8)
	p.font(10.5)
	y := f.GetY()
	half := contentW / 2
	for i, who := range []string{"值班主管 签字：", "柜员 签字："} {
		x := marginX + float64(i)*half
		f.SetXY(x, y)
		p.cell(half, 6, who, "L", false)
		w := p.width(who) + 2
		f.Line(x+w, y+5.5, x+half-8, y+5.5)
		f.SetXY(x, y+11)
		p.cell(half, 6, "日期：", "L", false)
		f.Line(x+w, y+16.5, x+half-8, y+16.5)
	}
	f.SetXY(marginX, y+20)
	if p.r.Anchor != "" {
		p.font(9)
		f.SetTextColor(90, 90, 90)
		p.cell(contentW, 5, "流水账链头："+p.r.Anchor+"（核对：servicedesk verify --anchor "+p.r.Anchor+"）", "L", true)
		f.SetTextColor(0, 0, 0)
	}
}
