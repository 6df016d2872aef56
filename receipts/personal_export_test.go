package receipts

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// sampleExport is a person with a member record still held and a claimant
// record erased. Its Values wrongly carry a whole ID number and a health
// note, which the renderers must mask anyway.
func sampleExport() ledger.PersonalExport {
	at := time.Date(2026, 11, 25, 6, 30, 0, 0, time.UTC)
	member := ledger.PersonRecord{ID: "PAAAAAAAAAAAAAAAA", Purpose: ledger.PurposeMember, CollectedAt: at.AddDate(0, -2, 0),
		Fields: []ledger.PersonField{
			{Kind: ledger.DataName, Masked: "张*", Held: true},
			{Kind: ledger.DataMobile, Masked: "138****5678", Held: true},
			{Kind: ledger.DataResidentID, Masked: "1***************2X", Held: true},
		}}
	claim := ledger.PersonRecord{ID: "PBBBBBBBBBBBBBBBB", Purpose: ledger.PurposeMedicine, CollectedAt: at.AddDate(-1, 0, 0),
		RetainFrom: at.AddDate(-1, 0, 0), ErasedAt: at.AddDate(0, 0, -3), ErasedFor: ledger.ErasedForRetention,
		Fields: []ledger.PersonField{
			{Kind: ledger.DataMobile, Masked: "138****5678", Held: false},
			{Kind: ledger.DataHealth, Masked: ledger.HiddenText, Held: false},
		}}
	return ledger.PersonalExport{By: ledger.DataMobile, Query: "138****5678", At: at, StaffName: "王主管", Approver: "管理员甲",
		Mall: "测试广场", Counter: "北门服务台",
		Records: []ledger.ExportRecord{
			{Record: member, Retained: 30, Values: map[ledger.DataKind]string{ledger.DataName: "张三", ledger.DataMobile: "13812345678",
				ledger.DataResidentID: "11010519491231002X"},
				Events: []ledger.PersonalEvent{{Seq: 7, At: at.AddDate(0, -2, 0), Kind: "personal.collect"}, {Seq: 9, At: at, Kind: "personal.export"}}},
			{Record: claim, Retained: 180, Values: map[ledger.DataKind]string{ledger.DataHealth: "青霉素过敏"}},
		}}
}

func TestPersonalExportText(t *testing.T) {
	var b bytes.Buffer
	if err := PersonalExportText(&b, sampleExport(), shanghai); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{"个人信息副本", "手机号 138****5678", "共 2 条记录", "张三", "13812345678", "积分卡会员",
		"1***************2X", "已删除（保存期满）", "收集登记", "经主管批准导出副本", "2026-11-25 14:30", "审批：管理员甲",
		"***（已删除，仅保留脱敏信息）", "用途结束后起算"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, leak := range []string{"11010519491231002X", "青霉素"} {
		if strings.Contains(text, leak) {
			t.Errorf("sensitive %q exported whole", leak)
		}
	}
	b.Reset()
	empty := ledger.PersonalExport{By: ledger.DataResidentID, Query: "1***************2X", At: time.Now()}
	if err := PersonalExportText(&b, empty, nil); err != nil || !strings.Contains(b.String(), "未找到与该身份证号有关的个人信息") {
		t.Errorf("empty export: %v\n%s", err, b.String())
	}
}

func TestPersonalExportPDF(t *testing.T) {
	var b bytes.Buffer
	if err := RenderPersonalExportPDF(&b, sampleExport(), shanghai, testFont(t)); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	if out := os.Getenv("SD_EXPORT_PDF"); out != "" {
		os.WriteFile(out, raw, 0o600) // for the README's picture
	}
	if !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := strings.Join(strings.Fields(pdfText(t, raw)), "")
	for _, want := range []string{"个人信息副本", "138****5678", "张三", "13812345678", "积分卡会员", "1***************2X",
		"一、我们保存的个人信息记录", "二、记录内容", "三、处理记录", "已删除（保存期满）", "第1页"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
	for _, leak := range []string{"11010519491231002X", "青霉素"} {
		if strings.Contains(text, leak) {
			t.Errorf("sensitive %q in the PDF", leak)
		}
	}
	if err := RenderPersonalExportPDF(&b, sampleExport(), shanghai, nil); err == nil {
		t.Error("no font accepted")
	}
	// Hostile text (controls, runes above U+FFFF) never panics the library.
	x := sampleExport()
	x.Mall, x.StaffName = "广场\x00\U0001F600", "王\u202e主管"
	if err := RenderPersonalExportPDF(&bytes.Buffer{}, x, shanghai, testFont(t)); err != nil {
		t.Fatal(err)
	}
}
