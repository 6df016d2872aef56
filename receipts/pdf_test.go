package receipts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// renderSample renders sampleReport(n) and returns the PDF bytes.
func renderSample(tb testing.TB, n int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := RenderDayPDF(&buf, sampleReport(n), testFont(tb)); err != nil {
		tb.Fatalf("RenderDayPDF: %v", err)
	}
	return buf.Bytes()
}

// pdfText runs pdftotext on pdf, skipping the test if it is not installed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "day.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestRenderDayPDFText(t *testing.T) {
	pdf := renderSample(t, 120)
	// pdftotext guesses spaces from glyph positions: compare without them.
	text := strings.Join(strings.Fields(pdfText(t, pdf)), "")
	for _, want := range []string{
		"某购物广场 服务台日结报表", "一楼总服务台", "2026-11-25", "20261125-01",
		"王丽（主管）", "2026-11-2509:30", "2026-11-2522:05",
		"一、汇总", "爱心雨伞", "爱心童车", "收取押金", "￥2100.00", "￥1850.00", "￥570.00",
		"二、现金核对", "￥1320.00", "￥1310.00", "-￥10.00", "差额（实点-应有）",
		"分时借出", "爱心雨伞借还明细", "爱心雨伞借还明细（续）", "20261125-0120",
		"爱心童车借还明细", "未归还物品", "U-0012", "138****1234", "2026-11-2518:00",
		"审批与作废记录", "没收押金", "审批主管", "录错编号，已重新登记",
		"值班主管 签字", "柜员 签字", "第 1 页 / 共 ",
	} {
		if !strings.Contains(text, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	m := regexp.MustCompile(`第(\d+)页/共(\d+)页`).FindAllStringSubmatch(text, -1)
	if len(m) < 2 {
		t.Fatalf("expected several pages, found page marks %v", m)
	}
	for i, pm := range m {
		if pm[1] != strconv.Itoa(i+1) || pm[2] != strconv.Itoa(len(m)) {
			t.Errorf("page mark %d = %q; want 第 %d 页 / 共 %d 页", i, pm[0], i+1, len(m))
		}
	}
	if got := bytes.Count(pdf, []byte("/Type /Page\n")); got != len(m) {
		t.Errorf("PDF has %d page objects, %d page marks", got, len(m))
	}
}

func TestRenderDayPDFDeterministic(t *testing.T) {
	a, b := renderSample(t, 200), renderSample(t, 200)
	if !bytes.Equal(a, b) {
		t.Fatal("same report rendered to different bytes")
	}
	if !bytes.Contains(a, []byte("D:20261125140500")) {
		t.Error("creation date is not taken from ClosedAt")
	}
}

func TestRenderDayPDFSmall(t *testing.T) {
	pdf := renderSample(t, 20)
	t.Logf("20-row day report: %d bytes", len(pdf))
	// The font file is ~4 MB; only the used glyphs may be embedded.
	if len(pdf) > 200_000 {
		t.Fatalf("PDF is %d bytes: the font is not subset", len(pdf))
	}
}

func TestRenderDayPDFHostileText(t *testing.T) {
	r := sampleReport(3)
	r.Mall = "广场😀\U0002000B"
	r.StaffOnDuty = []string{"张\n敏\t", "\xff\xfe", "“小王”—值班…"}
	r.Sections[0].Rows[0][9] = strings.Repeat("很长的备注", 60)
	r.Sections[0].Rows[2][0] = strings.Repeat("无空格的超长单号", 2000)
	r.Sections[0].Rows[1] = []string{"only one cell"}
	r.Sections = append(r.Sections, Section{Title: "空表"}, Section{Title: "药品", Columns: []string{"品名"}})
	var buf bytes.Buffer
	if err := RenderDayPDF(&buf, r, testFont(t)); err != nil {
		t.Fatalf("RenderDayPDF: %v", err)
	}
	text := pdfText(t, buf.Bytes())
	if !strings.Contains(text, "广场??") || !strings.Contains(text, "（无）") || !strings.Contains(text, `"小王"-值班...`) {
		t.Errorf("hostile text not replaced as expected:\n%s", text[:min(len(text), 400)])
	}
}

func TestRenderDayPDFBadFont(t *testing.T) {
	if err := RenderDayPDF(&bytes.Buffer{}, sampleReport(1), nil); err == nil {
		t.Error("no font: want an error")
	}
	if err := RenderDayPDF(&bytes.Buffer{}, sampleReport(1), []byte("not a font at all")); err == nil {
		t.Error("garbage font: want an error")
	}
}

// TestWriteSamplePDF writes the sample report to $SD_SAMPLE_PDF for a look.
func TestWriteSamplePDF(t *testing.T) {
	path := os.Getenv("SD_SAMPLE_PDF")
	if path == "" {
		t.Skip("set SD_SAMPLE_PDF to write a sample")
	}
	if err := os.WriteFile(path, renderSample(t, 3000), 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkRenderDayPDF3000(b *testing.B) {
	r, font := sampleReport(3000), testFont(b)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := RenderDayPDF(&buf, r, font); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// TestRenderDayPDFPageCount checks the footers of reports whose page count
// crosses a digit boundary (10, 100 pages), where the layout guesses the
// width of "共 M 页" and may have to lay out again, and that report text
// looking like a page-count alias is printed as given.
func TestRenderDayPDFPageCount(t *testing.T) {
	for _, n := range []int{400, 430, 5100} {
		r := sampleReport(n)
		r.Mall = "{nb}广场"
		var buf bytes.Buffer
		if err := RenderDayPDF(&buf, r, testFont(t)); err != nil {
			t.Fatalf("RenderDayPDF(%d rows): %v", n, err)
		}
		text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), "")
		if !strings.Contains(text, "{nb}广场服务台日结报表") {
			t.Errorf("%d rows: mall name altered", n)
		}
		m := regexp.MustCompile(`第(\d+)页/共(\d+)页`).FindAllStringSubmatch(text, -1)
		pages := bytes.Count(buf.Bytes(), []byte("/Type /Page\n"))
		if len(m) != pages {
			t.Fatalf("%d rows: %d page marks, %d pages", n, len(m), pages)
		}
		for i, pm := range m {
			if pm[1] != strconv.Itoa(i+1) || pm[2] != strconv.Itoa(pages) {
				t.Errorf("%d rows: page mark %d = %q; want 第 %d 页 / 共 %d 页", n, i, pm[0], i+1, pages)
			}
		}
		t.Logf("%d rows: %d pages", n, pages)
	}
}
