package receipts

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWriteDayXLSX(t *testing.T) {
	day1 := sampleReport(5)
	day2 := sampleReport(3)
	day2.BusinessDate = "2026-11-26"
	day2.Sections[1].Columns[6] = "备注" // a renamed column gets its own column
	day2.Sections = append(day2.Sections, Section{Title: "应急药品/领用", Columns: []string{"品名", "数量"}, Rows: [][]string{{"创可贴", "2"}}})
	var buf bytes.Buffer
	if err := WriteDayXLSX(&buf, []DayReport{day1, day2}); err != nil {
		t.Fatalf("WriteDayXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	defer f.Close()
	want := []string{"汇总", "现金", "爱心雨伞借还明细", "爱心童车借还明细", "应急药品_领用", "未归还物品", "审批与作废"}
	got := f.GetSheetList()
	if len(got) != len(want) {
		t.Fatalf("sheets = %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sheets = %v; want %v", got, want)
		}
	}
	rows, err := f.GetRows("汇总")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "营业日" || rows[1][4] != "爱心雨伞" || rows[3][0] != "2026-11-26" {
		t.Fatalf("汇总 rows = %v", rows)
	}
	cell(t, f, "汇总", "K2", "2100") // 收取押金 as a number
	cell(t, f, "现金", "F2", "-10")
	if typ, _ := f.GetCellType("汇总", "K2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("money cell stored as text (type %v)", typ)
	}
	umb, _ := f.GetRows("爱心雨伞借还明细")
	if len(umb) != 1+5+3 || umb[0][0] != "营业日" || umb[0][1] != "单号" || umb[6][0] != "2026-11-26" || umb[1][1] != "20261125-0001" {
		t.Fatalf("umbrella sheet = %v", umb)
	}
	str, _ := f.GetRows("爱心童车借还明细")
	if len(str[0]) != 9 || str[0][8] != "备注" || str[4][8] != "未还" || str[4][7] != "" {
		t.Fatalf("stroller sheet header/rows = %v", str)
	}
	cell(t, f, "审批与作废", "G2", "王丽")
	styleID, _ := f.GetCellStyle("爱心雨伞借还明细", "B1")
	style, err := f.GetStyle(styleID)
	if err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header not bold: %+v %v", style, err)
	}
	if w, _ := f.GetColWidth("爱心雨伞借还明细", "B"); w < 14 {
		t.Errorf("receipt-number column width %.1f; too narrow", w)
	}
}

// cell checks one cell's value.
func cell(t *testing.T, f *excelize.File, sheet, ref, want string) {
	t.Helper()
	got, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil || got != want {
		t.Errorf("%s!%s = %q, %v; want %q", sheet, ref, got, err, want)
	}
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{}
	for in, want := range map[string]string{"a[b]:c": "a_b__c"} {
		if got := sheetName(in, used); got != want {
			t.Errorf("sheetName(%q) = %q; want %q", in, got, want)
		}
	}
	long := "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三"
	a, b := sheetName(long, used), sheetName(long, used)
	if len([]rune(a)) != 31 || len([]rune(b)) != 31 || a == b {
		t.Errorf("long names %q, %q", a, b)
	}
}
