package receipts

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"servicedesk/ledger"
)

// sheetData is one worksheet before it is written: a header row and data
// rows whose cells are string, int or money (yuanCell).
type sheetData struct {
	name   string
	header []string
	rows   [][]any
}

// yuanCell is an amount written as a number with the money format.
type yuanCell ledger.Fen

// WriteDayXLSX writes the end-of-day reports of one or more days as an
// Excel workbook to w: sheet 汇总 (one row per day and service), 现金 (cash
// count per day), one sheet per ledger section (rows of all days, 营业日
// first; sections are matched by title and columns by name), then 未归还物品
// and 审批与作废. Amounts formatted like ledger.Fen.String become numbers;
// section Totals rows are left out so the sheets can be summed and
// filtered. Header rows are bold and frozen; column widths fit the text.
func WriteDayXLSX(w io.Writer, reports []DayReport) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return fmt.Errorf("write day xlsx: %w", err)
	}
	sheets := daySheets(reports)
	if err := f.SetSheetName("Sheet1", sheets[0].name); err != nil {
		return fmt.Errorf("write day xlsx: %w", err)
	}
	for i, sd := range sheets {
		if i > 0 {
			if _, err := f.NewSheet(sd.name); err != nil {
				return fmt.Errorf("write day xlsx: sheet %s: %w", sd.name, err)
			}
		}
		if err := writeSheet(f, sd, st); err != nil {
			return fmt.Errorf("write day xlsx: sheet %s: %w", sd.name, err)
		}
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write day xlsx: %w", err)
	}
	return nil
}

// xlsxStyles holds the style ids used by the workbook.
type xlsxStyles struct{ header, money int }

// newXLSXStyles registers the bold header and the money styles.
func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E1E6EE"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return xlsxStyles{}, fmt.Errorf("header style: %w", err)
	}
	format := `"￥"#,##0.00;-"￥"#,##0.00`
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return xlsxStyles{}, fmt.Errorf("money style: %w", err)
	}
	return xlsxStyles{header: header, money: money}, nil
}

// writeSheet streams one sheet: widths, frozen bold header, rows.
func writeSheet(f *excelize.File, sd sheetData, st xlsxStyles) error {
	sw, err := f.NewStreamWriter(sd.name)
	if err != nil {
		return fmt.Errorf("stream: %w", err)
	}
	for i, w := range columnWidths(sd) {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("column width: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	head := make([]any, len(sd.header))
	for i, h := range sd.header {
		head[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("header row: %w", err)
	}
	for r, row := range sd.rows {
		vals := make([]any, len(row))
		for i, v := range row {
			if y, ok := v.(yuanCell); ok {
				vals[i] = excelize.Cell{StyleID: st.money, Value: float64(y) / 100}
			} else {
				vals[i] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return fmt.Errorf("row %d: %w", r+2, err)
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("row %d: %w", r+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// columnWidths sizes each column to its widest cell (CJK counts double),
// between 8 and 50 characters.
func columnWidths(sd sheetData) []float64 {
	widths := make([]float64, len(sd.header))
	grow := func(i int, s string) {
		if i < len(widths) {
			widths[i] = max(widths[i], float64(displayWidth(s))+2)
		}
	}
	for i, h := range sd.header {
		grow(i, h)
	}
	for _, row := range sd.rows {
		for i, v := range row {
			switch v := v.(type) {
			case string:
				grow(i, v)
			case yuanCell:
				grow(i, ledger.Fen(v).String()+",,")
			default:
				grow(i, fmt.Sprint(v))
			}
		}
	}
	for i, w := range widths {
		widths[i] = min(max(w, 8), 50)
	}
	return widths
}

// displayWidth counts wide (CJK, fullwidth) runes as two columns.
func displayWidth(s string) int {
	n := 0
	for _, c := range s {
		if c >= 0x1100 && (c <= 0x115F || c >= 0x2E80) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// sheetName makes s a valid, unused Excel sheet name: no []:*?/\, at most
// 31 characters, unique within used (case-insensitive, as Excel compares).
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.Trim(strings.TrimSpace(s), "'"))
	if s == "" {
		s = "明细"
	}
	base := truncateRunes(s, 31)
	name := base
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf("(%d)", n)
		name = truncateRunes(base, 31-utf8.RuneCountInString(suffix)) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// truncateRunes keeps the first n runes of s.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
