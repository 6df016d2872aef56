package receipts

import (
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// lendingInfo is a loan with known values.
func lendingInfo() LendingInfo {
	return LendingInfo{
		ReceiptNo: "20261125-0007", Mall: "某购物广场", Counter: "一楼总服务台", Staff: "张敏",
		Time:     time.Date(2026, 11, 25, 6, 3, 0, 0, time.UTC), // 14:03 in Shanghai
		Location: shanghai, ItemNo: "U-0012", Deposit: ledger.Yuan(50),
		Phone: "13812341234", Token: testSigner().Sign(KindUmbrella, 7),
	}
}

// joined returns the document text without line breaks.
func joined(d Document) string { return strings.Join(d.Text(), "\n") }

// assertHas fails for every want not in the document's text.
func assertHas(t *testing.T, d Document, wants ...string) {
	t.Helper()
	text := joined(d)
	flat := strings.ReplaceAll(text, "\n", "")
	for _, w := range wants {
		if !strings.Contains(flat, w) {
			t.Errorf("receipt lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(flat, "13812341234") {
		t.Errorf("receipt shows the whole phone number:\n%s", text)
	}
	for _, width := range []int{Width58mm, Width80mm} {
		for _, l := range d.Lines {
			for _, p := range layoutLine(l, width) {
				if w := columnsOf(p.text); l.Double && 2*w > width || w > width {
					t.Errorf("line %q is %d columns, wider than %d-column paper", p.text, w, width)
				}
			}
		}
	}
}

func TestUmbrellaLendReceipt(t *testing.T) {
	in := lendingInfo()
	d := UmbrellaLendReceipt(in)
	assertHas(t, d, "某购物广场", "爱心雨伞押金卡", "一楼总服务台", "经办：张敏", "单号：20261125-0007",
		"借出时间：2026-11-25 14:03", "雨伞编号：U-0012", "押金 ￥50.00", "138****1234",
		"凭此押金卡归还雨伞，押金全额退还；雨伞损坏按价赔偿", in.Token)
	if d.QR != in.Token || d.Copy {
		t.Errorf("QR = %q, Copy = %v", d.QR, d.Copy)
	}
	if _, id, err := testSigner().Verify(d.QR); err != nil || id != 7 {
		t.Errorf("receipt QR does not verify: %v", err)
	}
}

func TestUmbrellaReturnReceipt(t *testing.T) {
	in := lendingInfo()
	in.Refund, in.Charge, in.ChargeNote = ledger.Yuan(20), ledger.Yuan(30), "伞骨折断"
	d := UmbrellaReturnReceipt(in)
	assertHas(t, d, "爱心雨伞归还凭证", "归还时间：2026-11-25 14:03", "押金 ￥50.00",
		"损坏赔偿（伞骨折断） -￥30.00", "退还押金 ￥20.00", "U-0012")
	in.Charge, in.Refund = 0, ledger.Yuan(50)
	if text := joined(UmbrellaReturnReceipt(in)); strings.Contains(text, "赔偿") || !strings.Contains(text, "退还押金 ￥50.00") {
		t.Errorf("full refund receipt:\n%s", text)
	}
}

func TestStrollerReceipts(t *testing.T) {
	in := lendingInfo()
	in.ItemNo, in.Deposit, in.Phone, in.Token = "S-03", 0, "", ""
	d := StrollerLendReceipt(in)
	assertHas(t, d, "爱心童车借用凭证", "童车编号：S-03", "押金 免押金", "经办：张敏", "一楼总服务台",
		"借出时间：2026-11-25 14:03", "此爱心童车仅限在广场内使用，离开广场前请到总服务台归还")
	if d.QR != "" || strings.Contains(joined(d), "联系电话") {
		t.Errorf("no token/phone given, yet QR %q or phone line printed", d.QR)
	}
	assertHas(t, StrollerReturnReceipt(in), "爱心童车归还凭证", "状态 已还", "童车编号：S-03")
}

func TestWrapColumns(t *testing.T) {
	got := wrapColumns(UmbrellaLendRule, Width58mm)
	if strings.Join(got, "") != UmbrellaLendRule {
		t.Fatalf("wrapColumns lost text: %q", got)
	}
	if got[0] != "凭此押金卡归还雨伞，" || got[1] != "押金全额退还；雨伞损坏按价赔偿；" {
		t.Errorf("lines %q; want breaks after punctuation", got)
	}
	if got := wrapColumns(strings.Repeat("a", 70), 32); len(got) != 3 || got[2] != "aaaaaa" {
		t.Errorf("ascii wrap = %q", got)
	}
	if got := wrapColumns("Service Desk at the north gate", 16); strings.Join(got, "|") != "Service Desk at|the north gate" {
		t.Errorf("word wrap = %q", got)
	}
	if got := wrapColumns("", 32); len(got) != 1 || got[0] != "" {
		t.Errorf("empty = %q", got)
	}
	// A closing mark never starts a line: the last character goes with it.
	if got := wrapColumns("损坏赔偿（伞骨折断伞面破损伞骨折断伞面破损伞骨折）", 48); strings.Join(got, "|") != "损坏赔偿（伞骨折断伞面破损伞骨折断伞面破损伞骨|折）" {
		t.Errorf("closing mark = %q", got)
	}
	if got := wrapColumns("一二三四五！）六七", 12); strings.Join(got, "|") != "一二三四|五！）六七" {
		t.Errorf("closing mark after a break = %q", got)
	}
	// An odd width never splits a Chinese character.
	if got := wrapColumns("一二三", 5); strings.Join(got, "|") != "一二|三" {
		t.Errorf("odd width = %q", got)
	}
}

func TestLayoutLine(t *testing.T) {
	texts := func(ls []printedLine) string {
		var s []string
		for _, l := range ls {
			s = append(s, l.text)
		}
		return strings.Join(s, "|")
	}
	for _, c := range []struct {
		line  Line
		width int
		want  string
	}{
		{Separator(), 32, strings.Repeat("-", 32)},
		{Separator(), 48, strings.Repeat("-", 48)},
		{Line{Text: strings.Repeat("-", 32)}, 48, strings.Repeat("-", 48)}, // queued before rules followed the paper
		{Line{Text: "押金", Amount: "￥50.00"}, 32, "押金" + strings.Repeat(" ", 32-4-7) + "￥50.00"},
		{Line{Text: "押金", Amount: "￥50.00"}, 48, "押金" + strings.Repeat(" ", 48-4-7) + "￥50.00"},
		// A long label wraps; the amount stays on its last line.
		{Line{Text: "损坏赔偿（伞骨折断且伞面严重破损无法修复）", Amount: "-￥50.00"}, 32,
			"损坏赔偿（伞骨折断且伞面严重破损|无法修复）" + strings.Repeat(" ", 32-10-8) + "-￥50.00"},
		// No room beside the last line: the amount goes on its own.
		{Line{Text: "损坏赔偿（伞骨折断且伞面严重破损无法修复的一二三四五六七）", Amount: "-￥50.00"}, 32,
			"损坏赔偿（伞骨折断且伞面严重破损|无法修复的一二三四五六七）|" + strings.Repeat(" ", 32-8) + "-￥50.00"},
		// Breaks after punctuation when it can.
		{Line{Text: "损坏赔偿（伞骨，折断且伞面严重破损无法修复）", Amount: "-￥50.00"}, 32,
			"损坏赔偿（伞骨，|折断且伞面严重破损无法修复）|" + strings.Repeat(" ", 24) + "-￥50.00"},
		// Double size: half the columns.
		{Line{Text: "星光天地购物中心总服务台", Double: true}, 32, "星光天地购物中心|总服务台"},
		{Line{Text: "星光天地购物中心总服务台", Double: true}, 48, "星光天地购物中心总服务台"},
		{Line{Text: ""}, 32, ""},
	} {
		if got := texts(layoutLine(c.line, c.width)); got != c.want {
			t.Errorf("%+v at %d:\n got %q\nwant %q", c.line, c.width, got, c.want)
		}
	}
}
