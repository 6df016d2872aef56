package sqlstore

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// journalCount counts the journal entries of one kind.
func (f *fixture) journalCount(t *testing.T, kind string) int {
	t.Helper()
	entries, err := f.journal.Entries(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func TestBroadcastConfigJournaledAndGuarded(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	svc := NewBroadcastService(f.db)
	cfg, err := svc.BroadcastConfig(ctx)
	if err != nil || cfg.DuckDB != 15 || len(cfg.Schedule) == 0 {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	cfg.DuckDB = 20
	if err := svc.UpdateBroadcastConfig(ctx, f.clerk, cfg); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk saved the config: %v", err)
	}
	bad := cfg
	bad.Calendar.Weekday = ledger.Hours{Open: 600, Close: 500}
	if err := svc.UpdateBroadcastConfig(ctx, f.sup, bad); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("bad hours: %v", err)
	}
	if f.journalCount(t, "broadcast.config") != 0 {
		t.Fatal("refused change journaled")
	}
	// A volume change keeps the schedule's change time; a schedule change sets it.
	if err := svc.UpdateBroadcastConfig(ctx, f.sup, cfg); err != nil {
		t.Fatal(err)
	}
	got, _ := svc.BroadcastConfig(ctx)
	if got.DuckDB != 20 || !got.ScheduleChangedAt.IsZero() {
		t.Fatalf("saved %+v", got)
	}
	f.clock.Add(time.Hour)
	got.Schedule = got.Schedule[:2]
	if err := svc.UpdateBroadcastConfig(ctx, f.sup, got); err != nil {
		t.Fatal(err)
	}
	got, _ = svc.BroadcastConfig(ctx)
	if !got.ScheduleChangedAt.Equal(f.clock.Now()) || len(got.Schedule) != 2 {
		t.Fatalf("schedule change at %v", got.ScheduleChangedAt)
	}
	if f.journalCount(t, "broadcast.config") != 2 {
		t.Fatal("config changes not journaled")
	}
	f.mustVerify(t)
}

func TestBroadcastEnqueueMasksTheJournal(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	svc := NewBroadcastService(f.db)
	a := ledger.Announcement{Template: ledger.TplPerson, Fields: map[string]string{
		ledger.FieldName: "欧阳小明", ledger.FieldAge: "5", ledger.FieldPlace: "一楼总服务台"}, Repeats: 2, Interval: 30 * time.Second}
	b, err := svc.Enqueue(ctx, f.clerk, a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.Text, "欧阳小明") || !strings.Contains(b.TextMasked, "欧***") || strings.Contains(b.TextMasked, "小明") {
		t.Fatalf("text %q masked %q", b.Text, b.TextMasked)
	}
	if b.Status != ledger.BroadcastQueued || b.StaffID != f.clerk.ID || b.Repeats != 2 || b.Interval != 30*time.Second {
		t.Fatalf("broadcast %+v", b)
	}
	entries, _ := f.journal.Entries(ctx, 0, 1000)
	last := entries[len(entries)-1]
	if last.Kind != "broadcast.queue" || last.StaffID != f.clerk.ID || !strings.Contains(string(last.Data), "欧***") {
		t.Fatalf("journal %s %s", last.Kind, last.Data)
	}
	for _, e := range entries {
		if bytes.Contains(e.Data, []byte("小明")) {
			t.Fatalf("full name in the journal: %s", e.Data)
		}
	}
	// Once it ends the row keeps only the masked text too.
	if _, err := svc.Start(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	ended, err := svc.Finish(ctx, ledger.Staff{}, b.ID, ledger.BroadcastPlayed, "")
	if err != nil || ended.Text != ended.TextMasked || ended.Speech != "" {
		t.Fatalf("ended %+v %v", ended, err)
	}
	var text, speech string
	if err := f.db.db.QueryRow("SELECT text, speech FROM broadcasts WHERE id = ?", b.ID).Scan(&text, &speech); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text+speech, "小明") {
		t.Fatalf("ended row keeps the name: %q %q", text, speech)
	}
	// Bad input changes nothing.
	if _, err := svc.Enqueue(ctx, f.clerk, ledger.Announcement{Template: ledger.TplCar, Fields: map[string]string{ledger.FieldPlate: "123"}}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("bad plate: %v", err)
	}
	if q, _ := svc.Queue(ctx); len(q) != 0 {
		t.Fatalf("queue %d", len(q))
	}
	f.mustVerify(t)
}

// planItem is a due plan item of the default schedule on 2026-11-25.
func planItem(t *testing.T, i int) ledger.PlanItem {
	t.Helper()
	_, items, err := ledger.DefaultBroadcastConfig().Plan("2026-11-25", time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	return items[i]
}

func TestScheduledItemRecordedOncePerDay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	svc := NewBroadcastService(f.db)
	welcome := planItem(t, 1)
	b, ok, err := svc.QueueScheduled(ctx, welcome, "")
	if err != nil || !ok || b.Source != ledger.SourceSchedule || b.Kind != "speak" || b.Text == "" {
		t.Fatalf("queue scheduled: %+v %v %v", b, ok, err)
	}
	// A restart or a second desk asks again: nothing changes.
	if _, ok, err := svc.QueueScheduled(ctx, welcome, ""); ok || err != nil {
		t.Fatalf("queued twice: %v %v", ok, err)
	}
	if _, ok, err := svc.RecordScheduled(ctx, welcome, ledger.BroadcastMissed, "x"); ok || err != nil {
		t.Fatalf("recorded after queueing: %v %v", ok, err)
	}
	music := planItem(t, 0)
	m, ok, err := svc.RecordScheduled(ctx, music, ledger.BroadcastPlayed, "")
	if err != nil || !ok || m.Status != ledger.BroadcastPlayed || m.FinishedAt.IsZero() {
		t.Fatalf("music: %+v %v", m, err)
	}
	if _, _, err := svc.RecordScheduled(ctx, planItem(t, 2), ledger.BroadcastQueued, ""); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("record live status: %v", err)
	}
	day, err := svc.Scheduled(ctx, "2026-11-25")
	if err != nil || len(day) != 2 || day[0].PlanKey != welcome.Key || !day[0].PlannedAt.Equal(welcome.At) {
		t.Fatalf("day %+v %v", day, err)
	}
	if other, _ := svc.Scheduled(ctx, "2026-11-26"); len(other) != 0 {
		t.Fatal("other day has broadcasts")
	}
	if f.journalCount(t, "broadcast.queue") != 1 || f.journalCount(t, "broadcast.end") != 1 {
		t.Fatal("journal entries")
	}
	f.mustVerify(t)
}

func TestBroadcastLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	svc := NewBroadcastService(f.db)
	free := func(text string, urgent bool) ledger.Broadcast {
		b, err := svc.Enqueue(ctx, f.clerk, ledger.Announcement{Template: ledger.TplFree, Fields: map[string]string{ledger.FieldText: text}, Urgent: urgent})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := free("甲", false), free("乙", false), free("丙", true)
	order := func() string {
		q, err := svc.Queue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, x := range q {
			s = append(s, x.Text+":"+string(x.Status))
		}
		return strings.Join(s, " ")
	}
	if got := order(); got != "丙:queued 甲:queued 乙:queued" {
		t.Fatalf("order %s", got)
	}
	if _, err := svc.Finish(ctx, ledger.Staff{}, a.ID, ledger.BroadcastPlayed, ""); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("played without playing: %v", err)
	}
	if _, err := svc.Start(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	// A second desk claiming the same broadcast loses.
	if _, err := svc.Start(ctx, a.ID); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("started twice: %v", err)
	}
	if got := order(); got != "甲:playing 丙:queued 乙:queued" {
		t.Fatalf("order %s", got)
	}
	// The urgent one interrupts: 甲 goes back to the queue.
	if err := svc.Requeue(ctx, a.ID, "被紧急广播打断"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Requeue(ctx, a.ID, "x"); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("requeued a queued one: %v", err)
	}
	if _, err := svc.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Finish(ctx, ledger.Staff{}, c.ID, ledger.BroadcastPlayed, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Finish(ctx, f.clerk, b.ID, ledger.BroadcastCancelled, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Finish(ctx, f.clerk, b.ID, ledger.BroadcastCancelled, ""); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("cancelled twice: %v", err)
	}
	if _, err := svc.Finish(ctx, f.clerk, a.ID, ledger.BroadcastQueued, ""); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("finish as queued: %v", err)
	}
	if got := order(); got != "甲:queued" {
		t.Fatalf("order %s", got)
	}
	// A crash while playing: the restart marks it interrupted, never replays it.
	if _, err := svc.Start(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got, err := svc.RecoverInterrupted(ctx)
	if err != nil || len(got) != 1 || got[0].ID != a.ID || got[0].Status != ledger.BroadcastInterrupted {
		t.Fatalf("recover %+v %v", got, err)
	}
	if got := order(); got != "" {
		t.Fatalf("order %s", got)
	}
	// Ended rows are final; nothing is deleted.
	if _, err := f.db.db.Exec("UPDATE broadcasts SET status = 'queued' WHERE id = ?", b.ID); f.db.Classify(err) != ErrImmutable {
		t.Fatalf("ended broadcast changed: %v", err)
	}
	if _, err := f.db.db.Exec("DELETE FROM broadcasts"); f.db.Classify(err) != ErrImmutable {
		t.Fatalf("broadcast deleted: %v", err)
	}
	recent, err := svc.Recent(ctx, 10)
	if err != nil || len(recent) != 3 || recent[0].ID != c.ID || recent[1].EndedBy != f.clerk.ID {
		t.Fatalf("recent %+v %v", recent, err)
	}
	f.mustVerify(t)
}

func TestDayReportListsBroadcasts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	svc := NewBroadcastService(f.db)
	days := NewDayCloseService(f.db)
	r, err := days.Report(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Sections {
		if s.Title == "广播记录" {
			t.Fatal("empty broadcast section on a day without broadcasts")
		}
	}
	person, err := svc.Enqueue(ctx, f.clerk, ledger.Announcement{Template: ledger.TplPerson, Fields: map[string]string{
		ledger.FieldName: "张小明", ledger.FieldPlace: "一楼总服务台"}, Repeats: 1, Interval: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Start(ctx, person.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Finish(ctx, ledger.Staff{}, person.ID, ledger.BroadcastPlayed, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.RecordScheduled(ctx, planItem(t, 1), ledger.BroadcastMissed, "程序未运行"); err != nil {
		t.Fatal(err)
	}
	car, _ := svc.Enqueue(ctx, f.clerk, ledger.Announcement{Template: ledger.TplCar, Fields: map[string]string{ledger.FieldPlate: "京A12345"}})
	if _, err := svc.Finish(ctx, f.sup, car.ID, ledger.BroadcastCancelled, ""); err != nil {
		t.Fatal(err)
	}
	r, err = days.Report(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var sec *struct {
		rows   [][]string
		totals []string
	}
	for _, s := range r.Sections {
		if s.Title == "广播记录" {
			sec = &struct {
				rows   [][]string
				totals []string
			}{s.Rows, s.Totals}
		}
	}
	if sec == nil || len(sec.rows) != 3 {
		t.Fatalf("broadcast section: %+v", r.Sections)
	}
	want := [][]string{
		{"09:00", "", "寻人", "", "李柜员", "已播"},
		{"09:00", "10:00", "定时", "", "系统（定时）", "错过：程序未运行"},
		{"09:00", "", "挪车", "", "李柜员", "已取消（王主管）"},
	}
	for i, w := range want {
		row := sec.rows[i]
		for j, cell := range w {
			if cell != "" && row[j] != cell {
				t.Errorf("row %d col %d = %q, want %q", i, j, row[j], cell)
			}
		}
	}
	if c := sec.rows[0][3]; !strings.Contains(c, "张*") || strings.Contains(c, "小明") || !strings.Contains(c, "重复1次，间隔20秒") {
		t.Fatalf("person text %q", c)
	}
	if !strings.Contains(sec.totals[3], "播出 1，未播出 2") {
		t.Fatalf("totals %q", sec.totals)
	}
}
