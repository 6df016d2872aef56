package receipts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"servicedesk/ledger"
)

// A person's copy of their data (PIPL Art. 45), as text and as an A4 PDF.
// Both are built from one ledger.PersonalExport, whose sensitive values the
// store has already masked; the renderers mask them again (one rule, in
// ledger) so a value that slipped through could not be printed whole.

// exportNote tells the person what the copy leaves out, and why.
const exportNote = "身份证号、健康状况等敏感个人信息仅以脱敏形式提供；本服务台从不保存完整的身份证号码，只保存脱敏号码和无法还原的校验值。"

// exportTime formats t in loc ("-" for the zero time).
func exportTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// exportValue returns what the copy shows for one field.
func exportValue(x ledger.ExportRecord, f ledger.PersonField) string {
	v := x.Values[f.Kind]
	if v == "" || f.Kind.Sensitive() || !f.Held {
		v = f.Masked
	}
	if !f.Held {
		return v + "（已删除，仅保留脱敏信息）"
	}
	return v
}

// exportTables lays out the copy as titled tables: records, contents,
// history.
func exportTables(x ledger.PersonalExport, loc *time.Location) []Section {
	recs := Section{Title: "一、我们保存的个人信息记录", Columns: []string{"记录编号", "用途", "收集时间", "状态", "保存期限", "预计删除日期"}}
	vals := Section{Title: "二、记录内容", Columns: []string{"记录编号", "信息类型", "内容"}}
	hist := Section{Title: "三、处理记录", Columns: []string{"记录编号", "时间", "事项"}}
	for _, r := range x.Records {
		rec := r.Record
		due := "用途结束后起算"
		if !r.DueAt.IsZero() {
			due = r.DueAt.In(loc).Format("2006-01-02")
		}
		if rec.Erased() {
			due = "已于 " + rec.ErasedAt.In(loc).Format("2006-01-02") + " 删除"
		}
		recs.Rows = append(recs.Rows, []string{rec.ID, rec.Purpose.Label(), exportTime(rec.CollectedAt, loc), rec.StatusLabel(),
			strconv.Itoa(r.Retained) + " 天", due})
		for _, f := range rec.Fields {
			vals.Rows = append(vals.Rows, []string{rec.ID, f.Kind.Label(), exportValue(r, f)})
		}
		for _, e := range r.Events {
			hist.Rows = append(hist.Rows, []string{rec.ID, exportTime(e.At, loc), ledger.PersonalEventLabel(e.Kind)})
		}
	}
	return []Section{recs, vals, hist}
}

// exportHead is the copy's heading lines.
func exportHead(x ledger.PersonalExport, loc *time.Location) []string {
	return []string{
		"商场：" + x.Mall + "    服务台：" + x.Counter,
		"查询依据：" + x.By.Label() + " " + x.Query + "    共 " + strconv.Itoa(len(x.Records)) + " 条记录",
		"生成时间：" + exportTime(x.At, loc) + "    经办：" + x.StaffName + "    审批：" + x.Approver,
	}
}

// safeExport returns x with every sensitive value replaced by its mask, so
// neither renderer can print one whole.
func safeExport(x ledger.PersonalExport) ledger.PersonalExport {
	recs := make([]ledger.ExportRecord, len(x.Records))
	for i, r := range x.Records {
		vals := map[ledger.DataKind]string{}
		for _, f := range r.Record.Fields {
			vals[f.Kind] = exportValue(r, f)
		}
		r.Values = vals
		recs[i] = r
	}
	x.Records = recs
	return x
}

// PersonalExportText writes a person's copy of their data as UTF-8 text.
func PersonalExportText(w io.Writer, x ledger.PersonalExport, loc *time.Location) error {
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	x = safeExport(x)
	var b bytes.Buffer
	b.WriteString("个人信息副本（应本人查询要求提供）\n")
	for _, l := range exportHead(x, loc) {
		b.WriteString(l + "\n")
	}
	b.WriteString(exportNote + "\n")
	if len(x.Records) == 0 {
		b.WriteString("\n未找到与该" + x.By.Label() + "有关的个人信息。\n")
	}
	for _, s := range exportTables(x, loc) {
		if len(x.Records) == 0 {
			break
		}
		b.WriteString("\n" + s.Title + "\n")
		b.WriteString(strings.Join(s.Columns, " | ") + "\n")
		for _, row := range s.Rows {
			b.WriteString(strings.Join(row, " | ") + "\n")
		}
	}
	b.WriteString("\n如需更正或删除以上信息，请向服务台提出。\n")
	_, err := w.Write(b.Bytes())
	if err != nil {
		return fmt.Errorf("write personal export: %w", err)
	}
	return nil
}

// RenderPersonalExportPDF writes a person's copy of their data as an A4 PDF
// with the CJK font subset embedded, laid out with the day report's tables.
func RenderPersonalExportPDF(w io.Writer, x ledger.PersonalExport, loc *time.Location, font []byte) error {
	if len(font) == 0 {
		return errors.New("render personal export: no font")
	}
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	x = safeExport(x)
	f, err := drawPersonalExport(x, loc, font)
	if err != nil {
		return fmt.Errorf("render personal export: %w", err)
	}
	if err := output(f, w); err != nil {
		return fmt.Errorf("render personal export: %w", err)
	}
	return nil
}

// drawPersonalExport lays out the copy, converting a library panic into an
// error.
func drawPersonalExport(x ledger.PersonalExport, loc *time.Location, font []byte) (f *fpdf.Fpdf, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("pdf library panic: %v", p)
		}
	}()
	f = fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(x.At)
	f.SetModificationDate(x.At)
	f.SetProducer("Service Desk 服务台", true)
	f.SetCreator("Service Desk 服务台", true)
	f.SetTitle(cleanText(x.Mall+" 个人信息副本"), true)
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(1.2)
	f.AddUTF8FontFromBytes(fontFamily, "", font)
	if f.Err() {
		return nil, fmt.Errorf("load font: %w", f.Error())
	}
	p := &dayPDF{f: f, r: DayReport{Location: loc}, digits: 3, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetFooterFunc(func() {
		p.bold(false)
		p.font(8)
		f.SetTextColor(90, 90, 90)
		f.SetXY(marginX, pageH-11)
		p.cell(contentW/2, 4, cleanText(x.Mall+" · "+x.Counter+" · 个人信息副本"), "L", false)
		p.cell(contentW/2, 4, "第 "+strconv.Itoa(f.PageNo())+" 页", "R", false)
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	p.font(16)
	p.bold(true)
	p.cell(contentW, 8, "个人信息副本", "C", true)
	p.bold(false)
	p.font(9.5)
	f.Ln(1)
	for _, l := range exportHead(x, loc) {
		p.cell(contentW, lineH(9.5), p.fit(cleanText(l), contentW), "L", true)
	}
	lines := p.appendWrap(nil, exportNote, contentW-2, 0)
	for _, l := range lines {
		p.cell(contentW, lineH(9.5), l, "L", true)
	}
	f.Ln(3)
	if len(x.Records) == 0 {
		p.cell(contentW, lineH(9.5), cleanText("未找到与该"+x.By.Label()+"有关的个人信息。"), "L", true)
	} else {
		for _, s := range exportTables(x, loc) {
			rows := make([][]string, len(s.Rows))
			for i, r := range s.Rows {
				rows[i] = cleanAll(r)
			}
			p.table(s.Title, s.Columns, rows, nil)
		}
	}
	p.ensure(12)
	p.font(9.5)
	p.cell(contentW, lineH(9.5), "如需更正或删除以上信息，请向服务台提出。", "L", true)
	if f.Err() {
		return nil, f.Error()
	}
	return f, nil
}
