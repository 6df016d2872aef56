package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Anchor is what a schedule entry's time is counted from.
type Anchor string

// Anchors: a fixed time of day, or minutes before/after opening or closing
// (so holidays with other hours move the entry with them).
const (
	AnchorClock Anchor = "clock"
	AnchorOpen  Anchor = "open"
	AnchorClose Anchor = "close"
)

// ScheduleAction is what a schedule entry does.
type ScheduleAction string

// Schedule actions (procedures 5.2.2 早迎晚送, 5.2.3 背景音乐及广播).
const (
	ActMusicStart ScheduleAction = "music.start" // start the background music
	ActMusicStop  ScheduleAction = "music.stop"  // stop the background music
	ActPlayFile   ScheduleAction = "play"        // play an audio file (welcome/farewell music)
	ActSpeak      ScheduleAction = "speak"       // chime and speak a text (迎宾辞, 送宾辞 …)
	ActClosing    ScheduleAction = "closing"     // the closing reminder template
)

// Label returns the Chinese keyword of the action.
func (a ScheduleAction) Label() string {
	switch a {
	case ActMusicStart:
		return "音乐开始"
	case ActMusicStop:
		return "音乐停止"
	case ActPlayFile:
		return "播放"
	case ActSpeak:
		return "广播"
	case ActClosing:
		return "闭店提醒"
	}
	return string(a)
}

// IsMusic reports whether the action switches the background music: such
// entries set a state, so a late one is still applied.
func (a ScheduleAction) IsMusic() bool { return a == ActMusicStart || a == ActMusicStop }

// parseAction reads an action keyword (Chinese or English).
func parseAction(s string) (ScheduleAction, bool) {
	switch strings.ToLower(s) {
	case "音乐开始", "music-on":
		return ActMusicStart, true
	case "音乐停止", "music-off":
		return ActMusicStop, true
	case "播放", "play":
		return ActPlayFile, true
	case "广播", "语音", "say":
		return ActSpeak, true
	case "闭店提醒", "closing-reminder":
		return ActClosing, true
	}
	return "", false
}

// ScheduleEntry is one line of the daily broadcast schedule.
type ScheduleEntry struct {
	// Days limits the entry to one day type; "" means every day.
	Days   DayType        `json:",omitempty"`
	Anchor Anchor         // clock, open or close
	At     ClockTime      `json:",omitempty"` // for AnchorClock
	Offset int            `json:",omitempty"` // minutes from opening/closing, ±180
	Action ScheduleAction // what to do
	Arg    string         `json:",omitempty"` // file path (play) or text (speak)
}

// Limits of the schedule.
const (
	maxScheduleEntries = 100
	maxOffsetMinutes   = 180
	// MaxBroadcastText is the longest text one announcement may speak.
	MaxBroadcastText = 300
	maxPathRunes     = 260
)

// Key identifies the entry's content: the same line has the same key, so a
// schedule edited during the day never plays an unchanged line twice.
func (e ScheduleEntry) Key() string {
	sum := sha256.Sum256([]byte(e.line()))
	return hex.EncodeToString(sum[:8])
}

// whenText formats the entry's time as the schedule syntax writes it.
func (e ScheduleEntry) whenText() string {
	var base string
	switch e.Anchor {
	case AnchorOpen:
		base = "开门"
	case AnchorClose:
		base = "闭店"
	default:
		return e.At.String()
	}
	if e.Offset > 0 {
		return fmt.Sprintf("%s+%d", base, e.Offset)
	} else if e.Offset < 0 {
		return fmt.Sprintf("%s%d", base, e.Offset)
	}
	return base
}

// line formats the entry in ParseSchedule's syntax.
func (e ScheduleEntry) line() string {
	var parts []string
	if e.Days != "" {
		parts = append(parts, e.Days.Label())
	}
	parts = append(parts, e.whenText(), e.Action.Label())
	if e.Arg != "" {
		parts = append(parts, e.Arg)
	}
	return strings.Join(parts, " ")
}

// Describe is the entry's action for the plan: "音乐开始", "广播：欢迎光临…".
func (e ScheduleEntry) Describe() string {
	if e.Arg == "" {
		return e.Action.Label()
	}
	return e.Action.Label() + "：" + e.Arg
}

// validate checks one entry.
func (e ScheduleEntry) validate() error {
	switch e.Days {
	case "", DayWeekday, DayWeekend, DayHoliday:
	default:
		return Errorf(EINVALID, "日期类型无效：%s", e.Days)
	}
	switch e.Anchor {
	case AnchorClock:
		if e.At < 0 || e.At > 1439 || e.Offset != 0 {
			return Errorf(EINVALID, "时间无效")
		}
	case AnchorOpen, AnchorClose:
		if e.At != 0 || e.Offset < -maxOffsetMinutes || e.Offset > maxOffsetMinutes {
			return Errorf(EINVALID, "开门/闭店前后最多%d分钟", maxOffsetMinutes)
		}
	default:
		return Errorf(EINVALID, "时间基准无效")
	}
	switch e.Action {
	case ActMusicStart, ActMusicStop, ActClosing:
		if e.Arg != "" {
			return Errorf(EINVALID, "“%s”后面不需要内容", e.Action.Label())
		}
	case ActPlayFile:
		return checkText(e.Arg, "音频文件路径", maxPathRunes, true)
	case ActSpeak:
		return checkText(e.Arg, "广播内容", MaxBroadcastText, true)
	default:
		return Errorf(EINVALID, "未知的动作：%s", e.Action)
	}
	return nil
}

// ParseSchedule reads the daily schedule, one entry per line:
//
//	[每天|工作日|周末|节假日] 时间 动作 [内容]
//
// 时间 is HH:MM, 开门, 闭店, or 开门/闭店 with minutes (开门-5, 闭店+10);
// 动作 is 音乐开始, 音乐停止, 播放 <音频文件>, 广播 <文字> or 闭店提醒.
// English keywords work too (daily/weekday/weekend/holiday, open/close,
// music-on, music-off, play, say, closing-reminder). Blank lines and lines
// starting with # are ignored; errors name the line.
func ParseSchedule(text string) ([]ScheduleEntry, error) {
	var out []ScheduleEntry
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := ParseScheduleLine(line)
		if err != nil {
			return nil, Errorf(EINVALID, "定时计划第%d行：%s", i+1, AsError(err))
		}
		out = append(out, e)
		if len(out) > maxScheduleEntries {
			return nil, Errorf(EINVALID, "定时计划最多%d行", maxScheduleEntries)
		}
	}
	return out, nil
}

// ParseScheduleLine reads one schedule line (see ParseSchedule).
func ParseScheduleLine(line string) (ScheduleEntry, error) {
	if !utf8.ValidString(line) {
		return ScheduleEntry{}, Errorf(EINVALID, "含有无效字符")
	}
	rest := strings.TrimSpace(line)
	word := func() string {
		w, r, _ := strings.Cut(rest, " ")
		rest = strings.TrimSpace(r)
		return strings.TrimSpace(w)
	}
	var e ScheduleEntry
	w := word()
	if t, ok := parseDayType(w); ok {
		e.Days = t
		w = word()
	} else if w == "每天" || strings.EqualFold(w, "daily") {
		w = word()
	}
	if err := e.parseWhen(w); err != nil {
		return ScheduleEntry{}, err
	}
	a, ok := parseAction(word())
	if !ok {
		return ScheduleEntry{}, Errorf(EINVALID, "动作应为：音乐开始、音乐停止、播放 文件、广播 文字、闭店提醒")
	}
	e.Action, e.Arg = a, rest
	return e, e.validate()
}

// parseWhen reads "HH:MM", "开门", "闭店-15", "open+5".
func (e *ScheduleEntry) parseWhen(w string) error {
	w = strings.ReplaceAll(strings.ReplaceAll(w, "＋", "+"), "－", "-")
	for _, a := range []struct {
		words  []string
		anchor Anchor
	}{{[]string{"开门", "open"}, AnchorOpen}, {[]string{"闭店", "close"}, AnchorClose}} {
		for _, word := range a.words {
			rest, ok := strings.CutPrefix(strings.ToLower(w), word)
			if !ok {
				continue
			}
			e.Anchor = a.anchor
			if rest == "" {
				return nil
			}
			if (rest[0] != '+' && rest[0] != '-') || !allDigits(rest[1:]) || len(rest) > 4 {
				return Errorf(EINVALID, "时间格式不正确：%s（例：开门-5、闭店+10，单位分钟）", Quote(w))
			}
			n, _ := strconv.Atoi(rest)
			e.Offset = n
			return nil
		}
	}
	c, err := ParseClock(w)
	if err != nil {
		return Errorf(EINVALID, "时间格式不正确：%s（例：09:30、开门、闭店-15）", Quote(w))
	}
	e.Anchor, e.At = AnchorClock, c
	return nil
}

// FormatSchedule writes entries back in ParseSchedule's syntax.
func FormatSchedule(entries []ScheduleEntry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.line())
		b.WriteString("\n")
	}
	return b.String()
}

// PlanItem is one entry of a day's broadcast plan.
type PlanItem struct {
	Key   string    // date + entry key: one scheduled broadcast per day
	Date  string    // YYYY-MM-DD
	At    time.Time // when it runs
	Entry ScheduleEntry
	// Text is what is spoken (speak, closing reminder), "" otherwise.
	Text string
}

// Plan lists what the schedule does on date (YYYY-MM-DD) in loc, in time
// order (ties keep the schedule's order). Entries for another day type are
// left out; an entry whose time falls outside the date is left out too.
func (c BroadcastConfig) Plan(date string, loc *time.Location) (DayInfo, []PlanItem, error) {
	info, err := c.Calendar.Day(date)
	if err != nil {
		return info, nil, err
	}
	var out []PlanItem
	for _, e := range c.Schedule {
		if e.Days != "" && e.Days != info.Type {
			continue
		}
		minute := int(e.At)
		switch e.Anchor {
		case AnchorOpen:
			minute = int(info.Hours.Open) + e.Offset
		case AnchorClose:
			minute = int(info.Hours.Close) + e.Offset
		}
		if minute < 0 || minute > 1439 {
			continue
		}
		at, err := ClockTime(minute).On(date, loc)
		if err != nil {
			return info, nil, err
		}
		it := PlanItem{Key: date + "/" + e.Key(), Date: date, At: at, Entry: e}
		switch e.Action {
		case ActSpeak:
			it.Text = e.Arg
		case ActClosing:
			it.Text = ClosingText(info.Hours.Close)
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return info, out, nil
}
