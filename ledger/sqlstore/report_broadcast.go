package sqlstore

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// broadcastSection is the day report's table of broadcasts (广播记录):
// one row per broadcast.end entry (played, skipped, cancelled, failed,
// missed, interrupted), with its masked text. Empty when the day had none,
// so the reports of days before the console existed stay byte-identical.
type broadcastSection struct {
	rows              [][]string
	played, notPlayed int
}

// broadcastEntry adds one broadcast.end entry to the section.
func (b *reportBuilder) broadcastEntry(e ledger.Entry) error {
	var ev broadcastEvent
	if err := json.Unmarshal(e.Data, &ev); err != nil {
		return internal(fmt.Sprintf("decode entry %d", e.Seq), err)
	}
	planned := ""
	if t, err := parseTime(ev.PlannedAt); err == nil && !t.IsZero() {
		planned = b.clock(t)
	}
	who := "系统（定时）"
	if ev.QueuedBy != 0 {
		who = b.staffName(ev.QueuedBy)
	}
	content := ev.Text
	switch {
	case content != "":
	case ev.File != "":
		content = ledger.ScheduleAction(ev.Kind).Label() + "：" + filepath.Base(ev.File)
	default:
		content = ledger.ScheduleAction(ev.Kind).Label()
	}
	if ev.Repeats > 0 {
		content += fmt.Sprintf("（重复%d次，间隔%d秒）", ev.Repeats, ev.IntervalS)
	}
	status := ledger.BroadcastStatus(ev.Status)
	result := status.Label()
	if ev.Note != "" {
		result += "：" + ev.Note
	}
	if e.StaffID != 0 {
		result += "（" + b.staffName(e.StaffID) + "）"
	}
	if ev.Urgent {
		result = "紧急，" + result
	}
	kind := ledger.TemplateKind(ev.Kind).Label()
	if ev.Source == string(ledger.SourceSchedule) {
		kind = "定时"
	}
	if status == ledger.BroadcastPlayed {
		b.broadcasts.played++
	} else {
		b.broadcasts.notPlayed++
	}
	b.broadcasts.rows = append(b.broadcasts.rows, []string{b.clock(e.At), planned, kind, content, who, result})
	return nil
}

// broadcastTable returns the section, or nil when the day had no broadcast.
func (b *reportBuilder) broadcastTable() *receipts.Section {
	s := b.broadcasts
	if len(s.rows) == 0 {
		return nil
	}
	return &receipts.Section{Title: "广播记录",
		Columns: []string{"时间", "计划", "类型", "内容", "播音", "结果"},
		Rows:    s.rows,
		Totals:  []string{"合计", fmt.Sprintf("%d 条", len(s.rows)), "", fmt.Sprintf("播出 %d，未播出 %d", s.played, s.notPlayed), "", ""}}
}
