package ledger

import (
	"strings"
	"testing"
	"time"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// testCalendar: weekdays 10:00–22:00, weekends 09:30–22:30, holidays
// 09:00–23:00, National Day week with its own hours, a 调休 Sunday.
func testCalendar(t *testing.T) Calendar {
	t.Helper()
	special, err := ParseSpecialDays(`
# 2026 holidays
2026-10-01~2026-10-07 国庆节 09:00-23:30
2026-05-01 劳动节
2026-10-11 调休 工作日
`)
	if err != nil {
		t.Fatal(err)
	}
	return Calendar{Weekday: Hours{600, 1320}, Weekend: Hours{570, 1350}, Holiday: Hours{540, 1380}, Special: special}
}

func TestCalendarDayTypes(t *testing.T) {
	c := testCalendar(t)
	for _, tc := range []struct {
		date  string
		typ   DayType
		name  string
		hours string
	}{
		{"2026-11-25", DayWeekday, "", "10:00-22:00"}, // Wednesday
		{"2026-11-28", DayWeekend, "", "09:30-22:30"}, // Saturday
		{"2026-10-01", DayHoliday, "国庆节", "09:00-23:30"},
		{"2026-10-07", DayHoliday, "国庆节", "09:00-23:30"},
		{"2026-10-08", DayWeekday, "", "10:00-22:00"},
		{"2026-05-01", DayHoliday, "劳动节", "09:00-23:00"}, // holiday hours
		{"2026-10-11", DayWeekday, "调休", "10:00-22:00"},  // a Sunday run as a weekday
	} {
		d, err := c.Day(tc.date)
		if err != nil {
			t.Fatal(err)
		}
		if d.Type != tc.typ || d.Name != tc.name || d.Hours.String() != tc.hours {
			t.Errorf("%s: %+v, want %s %s %s", tc.date, d, tc.typ, tc.name, tc.hours)
		}
	}
	if _, err := c.Day("2026-13-01"); ErrorCode(err) != EINVALID {
		t.Fatalf("bad date: %v", err)
	}
}

func TestSpecialDaysRejectBadLines(t *testing.T) {
	for _, tc := range []struct{ text, msg string }{
		{"2026-10-01", "第1行"},
		{"\n2026-02-30 假日", "第2行：日期格式不正确"},
		{"2026-10-07~2026-10-01 国庆节", "由早到晚"},
		{"2026-01-01~2026-03-01 长假", "不超过31天"},
		{"2026-10-01 国庆节 23:00-09:00", "开门须早于闭店"},
		{"2026-10-01 国庆节 25:00-26:00", "时间格式不正确"},
		{"2026-10-01 国庆节 加班", "营业时间格式不正确"},
		{"2026-10-01 " + strings.Repeat("节", 21), "不能超过20个字"},
		{"2026-10-01 国庆节 09:00-22:00 多余", "格式应为"},
	} {
		_, err := ParseSpecialDays(tc.text)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.msg) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.msg)
		}
	}
	days := testCalendar(t).Special
	again, err := ParseSpecialDays(FormatSpecialDays(days))
	if err != nil || len(again) != len(days) {
		t.Fatalf("round trip: %v %v", again, err)
	}
	for i := range days {
		if again[i] != days[i] {
			t.Fatalf("round trip line %d: %+v != %+v", i, again[i], days[i])
		}
	}
}

const testSchedule = `
开门-5 音乐开始
开门 广播 欢迎光临
周末 11:00 播放 /srv/music/weekend.mp3
节假日 开门+30 广播 节日快乐
闭店-15 闭店提醒
close+10 music-off
`

func TestScheduleParseAndFormat(t *testing.T) {
	entries, err := ParseSchedule(testSchedule)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 6 {
		t.Fatalf("%d entries", len(entries))
	}
	want := ScheduleEntry{Days: DayWeekend, Anchor: AnchorClock, At: 660, Action: ActPlayFile, Arg: "/srv/music/weekend.mp3"}
	if entries[2] != want {
		t.Fatalf("entry 3 = %+v", entries[2])
	}
	if entries[5] != (ScheduleEntry{Anchor: AnchorClose, Offset: 10, Action: ActMusicStop}) {
		t.Fatalf("english keywords: %+v", entries[5])
	}
	text := FormatSchedule(entries)
	if !strings.Contains(text, "闭店+10 音乐停止\n") || !strings.Contains(text, "开门-5 音乐开始\n") {
		t.Fatalf("format:\n%s", text)
	}
	again, err := ParseSchedule(text)
	if err != nil {
		t.Fatal(err)
	}
	for i := range entries {
		if again[i] != entries[i] || again[i].Key() != entries[i].Key() {
			t.Fatalf("round trip %d: %+v", i, again[i])
		}
	}
	for _, tc := range []struct{ line, msg string }{
		{"25:00 音乐开始", "时间格式不正确"},
		{"开门+200 音乐开始", "最多180分钟"},
		{"开门+x 音乐开始", "时间格式不正确"},
		{"10:00 跳舞", "动作应为"},
		{"10:00 广播", "请填写广播内容"},
		{"10:00 音乐开始 大声", "不需要内容"},
		{"10:00 广播 " + strings.Repeat("字", 301), "不能超过300个字"},
		{"10:00 播放", "请填写音频文件路径"},
	} {
		_, err := ParseSchedule("\n" + tc.line)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "第2行") || !strings.Contains(ErrorMessage(err), tc.msg) {
			t.Errorf("%q: %v, want %q", tc.line, err, tc.msg)
		}
	}
}

// planTimes lists "HH:MM action" for a date's plan.
func planTimes(t *testing.T, cfg BroadcastConfig, date string) []string {
	t.Helper()
	_, items, err := cfg.Plan(date, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.At.In(shanghai).Format("15:04")+" "+string(it.Entry.Action))
		if it.Key != date+"/"+it.Entry.Key() || it.Date != date {
			t.Fatalf("key %q", it.Key)
		}
	}
	return out
}

func TestPlanFollowsDayTypesAndHolidays(t *testing.T) {
	entries, err := ParseSchedule(testSchedule)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultBroadcastConfig()
	cfg.Calendar, cfg.Schedule = testCalendar(t), entries
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		date string
		want string
	}{
		{"2026-11-25", "09:55 music.start,10:00 speak,21:45 closing,22:10 music.stop"},
		{"2026-11-28", "09:25 music.start,09:30 speak,11:00 play,22:15 closing,22:40 music.stop"},
		{"2026-10-01", "08:55 music.start,09:00 speak,09:30 speak,23:15 closing,23:40 music.stop"},
		{"2026-10-11", "09:55 music.start,10:00 speak,21:45 closing,22:10 music.stop"}, // 调休: weekday, no weekend file
	} {
		if got := strings.Join(planTimes(t, cfg, tc.date), ","); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.date, got, tc.want)
		}
	}
	_, items, _ := cfg.Plan("2026-10-01", shanghai)
	if items[3].Text != ClosingText(23*60+30) || !strings.Contains(items[3].Text, "23:30结束营业") {
		t.Fatalf("holiday closing reminder %q", items[3].Text)
	}
	_, items, _ = cfg.Plan("2026-11-25", shanghai)
	if !strings.Contains(items[2].Text, "22:00结束营业") {
		t.Fatalf("weekday closing reminder %q", items[2].Text)
	}
	// An entry pushed past midnight is left out, not wrapped round.
	cfg.Schedule = append(cfg.Schedule, ScheduleEntry{Anchor: AnchorClose, Offset: 120, Action: ActSpeak, Arg: "夜间"})
	if got := planTimes(t, cfg, "2026-10-01"); len(got) != 5 {
		t.Fatalf("past midnight kept: %v", got)
	}
}

func TestConfigValidation(t *testing.T) {
	if err := DefaultBroadcastConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		change func(*BroadcastConfig)
		msg    string
	}{
		{func(c *BroadcastConfig) { c.DuckDB = 1 }, "压低音乐"},
		{func(c *BroadcastConfig) { c.MusicVolume = 101 }, "音量"},
		{func(c *BroadcastConfig) { c.MusicFolder = "music" }, "完整路径"},
		{func(c *BroadcastConfig) { c.Output = "speaker" }, "音频输出"},
		{func(c *BroadcastConfig) { c.Output = "file:" }, "音频输出"},
		{func(c *BroadcastConfig) { c.GraceMinutes = 0 }, "延迟"},
		{func(c *BroadcastConfig) { c.Calendar.Weekday = Hours{600, 600} }, "工作日营业时间无效"},
		{func(c *BroadcastConfig) { c.Schedule = append(c.Schedule, c.Schedule[0]) }, "重复"},
		{func(c *BroadcastConfig) { c.Recordings = map[TemplateKind]string{"x": "/a.wav"} }, "未知的广播模板"},
	} {
		c := DefaultBroadcastConfig()
		tc.change(&c)
		if err := c.Validate(); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.msg) {
			t.Errorf("%q: %v", tc.msg, err)
		}
	}
	c := DefaultBroadcastConfig()
	c.MusicFolder, c.Output = `D:\背景音乐`, "file:/tmp/pa.wav"
	if err := c.Validate(); err != nil {
		t.Fatalf("windows folder: %v", err)
	}
}

func TestAnnouncementTemplates(t *testing.T) {
	a, err := Announcement{Template: TplPerson, Fields: map[string]string{
		FieldName: " 张小明 ", FieldAge: "6岁", FieldClothing: "红色上衣", FieldPlace: "一楼总服务台"}, Repeats: 2, Interval: 30 * time.Second}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	want := "各位顾客请注意，现在广播寻人：张小明，6岁，身穿红色上衣，听到广播后请到一楼总服务台，您的家人正在那里等您。"
	if got := a.Text(nil); got != want {
		t.Fatalf("person:\n%s", got)
	}
	if got := a.Text(func(string) string { return "张*" }); !strings.Contains(got, "寻人：张*，6岁") || strings.Contains(got, "张小明") {
		t.Fatalf("masked %q", got)
	}
	car, err := Announcement{Template: TplCar, Fields: map[string]string{FieldPlate: "粤b·d12345", FieldWhere: "地下一层B区"}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(car.Text(nil), "车牌号为粤BD12345的车主，您的车辆停放在地下一层B区，需要挪动") {
		t.Fatalf("car %q", car.Text(nil))
	}
	if !strings.Contains(car.SpeechText(), "粤 B D 一 二 三 四 五") {
		t.Fatalf("speech %q", car.SpeechText())
	}
	cl, err := Announcement{Template: TplClosing, Fields: map[string]string{FieldTime: "22：30"}}.Normalize()
	if err != nil || !strings.Contains(cl.Text(nil), "22:30结束营业") {
		t.Fatalf("closing %q %v", cl.Text(nil), err)
	}
	for _, tc := range []struct {
		a   Announcement
		msg string
	}{
		{Announcement{Template: TplPerson, Fields: map[string]string{FieldPlace: "服务台"}}, "请填写姓名"},
		{Announcement{Template: TplPerson, Fields: map[string]string{FieldName: "张三", FieldPlace: "服务台", FieldAge: "两百"}}, "年龄"},
		{Announcement{Template: TplCar, Fields: map[string]string{FieldPlate: "A12345"}}, "车牌号格式不正确"},
		{Announcement{Template: TplFree, Fields: map[string]string{FieldText: "a\x00b"}}, "控制字符"},
		{Announcement{Template: TplFree, Fields: map[string]string{FieldText: "好", "plate": "x"}}, "没有字段"},
		{Announcement{Template: TplFree, Fields: map[string]string{FieldText: "好"}, Repeats: 6}, "重复次数"},
		{Announcement{Template: TplFree, Fields: map[string]string{FieldText: "好"}, Repeats: 1, Interval: time.Second}, "重复间隔"},
		{Announcement{Template: "song"}, "未知的广播模板"},
	} {
		if _, err := tc.a.Normalize(); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.msg) {
			t.Errorf("%q: %v", tc.msg, err)
		}
	}
}

func TestNormalizePlate(t *testing.T) {
	for in, want := range map[string]string{
		"京A12345": "京A12345", "粤B·D12345": "粤BD12345", "沪a 1234挂": "沪A1234挂", "川A-F1234": "川AF1234",
	} {
		if got, err := NormalizePlate(in); err != nil || got != want {
			t.Errorf("%q → %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "京A1234", "京A1234567", "XA12345", "京112345", "京AI2345", "京A1234O", "京A123挂", "京A12345挂"} {
		if p, err := NormalizePlate(in); err == nil {
			t.Errorf("accepted %q as %q", in, p)
		}
	}
}

func TestBroadcastLabels(t *testing.T) {
	for _, s := range []BroadcastStatus{BroadcastQueued, BroadcastPlaying} {
		if s.Final() {
			t.Fatal(s)
		}
	}
	for _, s := range []BroadcastStatus{BroadcastPlayed, BroadcastFailed, BroadcastSkipped, BroadcastCancelled, BroadcastMissed, BroadcastInterrupted} {
		if !s.Final() || s.Label() == string(s) {
			t.Fatal(s)
		}
	}
	for _, k := range TemplateKinds() {
		if k.Label() == string(k) || len(k.Fields()) == 0 {
			t.Fatal(k)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range strings.Split(testSchedule, "\n") {
		f.Add(s)
	}
	f.Add("节假日 开门+30 广播 节日快乐")
	f.Add("weekday open-5 music-on")
	f.Fuzz(func(t *testing.T, s string) {
		entries, err := ParseSchedule(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		for _, e := range entries {
			if e.validate() != nil {
				t.Fatalf("accepted invalid %+v", e)
			}
		}
		again, err := ParseSchedule(FormatSchedule(entries))
		if err != nil || len(again) != len(entries) {
			t.Fatalf("round trip of %q: %v", s, err)
		}
		for i := range entries {
			if again[i] != entries[i] {
				t.Fatalf("round trip of %q: %+v != %+v", s, again[i], entries[i])
			}
		}
		cfg := DefaultBroadcastConfig()
		cfg.Schedule = entries
		if _, items, err := cfg.Plan("2026-10-01", shanghai); err != nil || len(items) > len(entries) {
			t.Fatalf("plan: %v", err)
		}
	})
}

func FuzzParseSpecialDays(f *testing.F) {
	f.Add("2026-10-01~2026-10-07 国庆节 09:00-23:30")
	f.Add("2026-05-01 劳动节")
	f.Add("2026-10-11 调休 工作日")
	f.Add("2026-10-11 调休 周末")
	f.Fuzz(func(t *testing.T, s string) {
		days, err := ParseSpecialDays(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		again, err := ParseSpecialDays(FormatSpecialDays(days))
		if err != nil || len(again) != len(days) {
			t.Fatalf("round trip of %q: %v", s, err)
		}
		c := DefaultBroadcastConfig().Calendar
		c.Special = days
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted invalid %q: %v", s, err)
		}
		for _, d := range days {
			info, err := c.Day(d.From)
			if err != nil || info.Hours.Open >= info.Hours.Close {
				t.Fatalf("day %s: %+v %v", d.From, info, err)
			}
		}
	})
}

func FuzzNormalizePlate(f *testing.F) {
	for _, s := range []string{"京A12345", "粤B·D12345", "沪a 1234挂", "XA12345", "京AI2345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePlate(s)
		if err != nil {
			return
		}
		r := []rune(p)
		if len(r) < 7 || len(r) > 8 || !strings.ContainsRune(plateProvinces, r[0]) {
			t.Fatalf("accepted %q as %q", s, p)
		}
		if again, err := NormalizePlate(p); err != nil || again != p {
			t.Fatalf("not idempotent: %q → %q", p, again)
		}
		if strings.ContainsAny(SpellPlate(p), "0123456789") {
			t.Fatalf("digits left in %q", SpellPlate(p))
		}
	})
}

func FuzzAnnouncement(f *testing.F) {
	f.Add("person", "张小明", "6", "一楼总服务台", 1)
	f.Add("car", "京A12345", "", "B2", 0)
	f.Add("closing", "22:00", "", "", 0)
	f.Add("free", "各位顾客请注意", "", "", 5)
	f.Fuzz(func(t *testing.T, kind, a, b, c string, repeats int) {
		k := TemplateKind(kind)
		fields := map[string]string{}
		for i, fd := range k.Fields() {
			fields[fd.Key] = []string{a, b, c, a}[i]
		}
		ann, err := Announcement{Template: k, Fields: fields, Repeats: repeats, Interval: 10 * time.Second}.Normalize()
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%v", err)
			}
			return
		}
		text := ann.Text(nil)
		if text == "" || strings.ContainsFunc(text, func(r rune) bool { return r < ' ' }) {
			t.Fatalf("text %q", text)
		}
		if again, err := ann.Normalize(); err != nil || again.Text(nil) != text {
			t.Fatalf("not idempotent: %v", err)
		}
		if name := ann.Fields[FieldName]; name != "" && strings.Contains(ann.Text(func(string) string { return "*" }), name) && name != "*" {
			if !strings.Contains(strings.Replace(text, name, "", 1), name) {
				t.Fatalf("name %q not masked", name)
			}
		}
	})
}
