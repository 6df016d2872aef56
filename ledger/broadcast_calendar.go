package ledger

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ClockTime is a time of day in minutes after midnight (0–1439) in the
// counter's zone.
type ClockTime int

// ParseClock reads "HH:MM" (also "H:MM" and the fullwidth colon "："), 00:00–23:59.
func ParseClock(s string) (ClockTime, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "：", ":"))
	bad := Errorf(EINVALID, "时间格式不正确：%s（例：09:30）", Quote(s))
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !allDigits(h) || !allDigits(m) {
		return 0, bad
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if hh > 23 || mm > 59 {
		return 0, bad
	}
	return ClockTime(hh*60 + mm), nil
}

// String formats the time as "09:30".
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// On returns the time c on the local date of day (midnight-based) in loc.
func (c ClockTime) On(date string, loc *time.Location) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "日期格式不正确：%s", Quote(date))
	}
	return time.Date(d.Year(), d.Month(), d.Day(), int(c)/60, int(c)%60, 0, 0, loc), nil
}

// allDigits reports whether s is non-empty ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// DayType decides a day's opening hours and which schedule entries run.
type DayType string

// Day types: Monday–Friday, Saturday–Sunday, and public holidays (法定节假日).
const (
	DayWeekday DayType = "weekday"
	DayWeekend DayType = "weekend"
	DayHoliday DayType = "holiday"
)

// Label returns the Chinese name of the day type.
func (d DayType) Label() string {
	switch d {
	case DayWeekday:
		return "工作日"
	case DayWeekend:
		return "周末"
	case DayHoliday:
		return "节假日"
	}
	return string(d)
}

// parseDayType reads a day-type keyword (Chinese or English).
func parseDayType(s string) (DayType, bool) {
	switch strings.ToLower(s) {
	case "工作日", "weekday":
		return DayWeekday, true
	case "周末", "weekend":
		return DayWeekend, true
	case "节假日", "假日", "holiday":
		return DayHoliday, true
	}
	return "", false
}

// Hours are a day's opening and closing times (开门 / 闭店).
type Hours struct {
	Open, Close ClockTime
}

// String formats the hours as "09:30-22:00".
func (h Hours) String() string { return h.Open.String() + "-" + h.Close.String() }

// validate checks that the mall opens before it closes.
func (h Hours) validate(label string) error {
	if h.Open < 0 || h.Close > 1439 || h.Open >= h.Close {
		return Errorf(EINVALID, "%s营业时间无效：开门须早于闭店（%s）", label, h)
	}
	return nil
}

// ParseHours reads "09:00-22:30" (also "～", "~" or "至" between).
func ParseHours(s string) (Hours, error) {
	for _, sep := range []string{"～", "~", "至", "—", "－"} {
		s = strings.ReplaceAll(s, sep, "-")
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Hours{}, Errorf(EINVALID, "营业时间格式不正确：%s（例：09:00-22:30）", Quote(s))
	}
	open, err := ParseClock(a)
	if err != nil {
		return Hours{}, err
	}
	cl, err := ParseClock(b)
	if err != nil {
		return Hours{}, err
	}
	return Hours{Open: open, Close: cl}, nil
}

// SpecialDay is a dated exception to the week: a public holiday with its
// own hours, or a 调休 day that runs as a working day (or a weekend).
type SpecialDay struct {
	From, To string // YYYY-MM-DD, inclusive; To == From for one day
	Name     string // e.g. 国庆节, 调休
	Type     DayType
	// Hours, when set (Close > 0), override the day type's hours.
	Hours Hours
}

// Calendar holds the opening hours per day type and the special days.
type Calendar struct {
	Weekday Hours
	Weekend Hours
	Holiday Hours // hours of a holiday line that gives none
	Special []SpecialDay
}

// DayInfo is what the calendar says about one date.
type DayInfo struct {
	Date  string // YYYY-MM-DD
	Type  DayType
	Name  string // the special day's name, "" for an ordinary day
	Hours Hours
}

// Limits of the broadcast calendar.
const (
	maxSpecialDays    = 200 // lines of the holiday list
	maxSpecialSpan    = 31  // days one holiday line may cover
	maxSpecialNameLen = 20
)

// Day returns the type, name and hours of a date (YYYY-MM-DD). A special
// day wins over the week; the first matching line wins.
func (c Calendar) Day(date string) (DayInfo, error) {
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		return DayInfo{}, Errorf(EINVALID, "日期格式不正确：%s", Quote(date))
	}
	info := DayInfo{Date: date, Type: DayWeekday, Hours: c.Weekday}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		info.Type, info.Hours = DayWeekend, c.Weekend
	}
	for _, s := range c.Special {
		if date < s.From || date > s.To {
			continue
		}
		info.Type, info.Name = s.Type, s.Name
		switch {
		case s.Hours.Close > 0:
			info.Hours = s.Hours
		case s.Type == DayHoliday:
			info.Hours = c.Holiday
		case s.Type == DayWeekend:
			info.Hours = c.Weekend
		default:
			info.Hours = c.Weekday
		}
		break
	}
	return info, nil
}

// Validate checks the hours and the special days.
func (c Calendar) Validate() error {
	for _, h := range []struct {
		h     Hours
		label string
	}{{c.Weekday, "工作日"}, {c.Weekend, "周末"}, {c.Holiday, "节假日"}} {
		if err := h.h.validate(h.label); err != nil {
			return err
		}
	}
	if len(c.Special) > maxSpecialDays {
		return Errorf(EINVALID, "节假日最多%d行", maxSpecialDays)
	}
	for i, s := range c.Special {
		if err := s.validate(); err != nil {
			return Errorf(EINVALID, "节假日第%d行：%s", i+1, AsError(err))
		}
	}
	return nil
}

// validate checks one special day.
func (s SpecialDay) validate() error {
	from, err1 := time.Parse("2006-01-02", s.From)
	to, err2 := time.Parse("2006-01-02", s.To)
	if err1 != nil || err2 != nil || from.Format("2006-01-02") != s.From || to.Format("2006-01-02") != s.To {
		return Errorf(EINVALID, "日期格式不正确（例：2026-10-01）")
	}
	if to.Before(from) || to.Sub(from) > (maxSpecialSpan-1)*24*time.Hour {
		return Errorf(EINVALID, "日期范围须由早到晚，且不超过%d天", maxSpecialSpan)
	}
	if err := checkText(s.Name, "名称", maxSpecialNameLen, true); err != nil {
		return err
	}
	if strings.ContainsFunc(s.Name, unicode.IsSpace) {
		return Errorf(EINVALID, "名称不能有空格")
	}
	if s.Type != DayWeekday && s.Type != DayWeekend && s.Type != DayHoliday {
		return Errorf(EINVALID, "日期类型无效")
	}
	if s.Hours != (Hours{}) {
		return s.Hours.validate(s.Name)
	}
	return nil
}

// ParseSpecialDays reads the holiday list, one line per holiday or 调休 day:
//
//	2026-10-01~2026-10-07 国庆节 09:00-22:30   a holiday with its own hours
//	2026-05-01 劳动节                         a holiday with the holiday hours
//	2026-10-11 调休 工作日                     a Sunday run as a working day
//
// Blank lines and lines starting with # are ignored. Errors name the line.
func ParseSpecialDays(text string) ([]SpecialDay, error) {
	var out []SpecialDay
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseSpecialDay(line)
		if err != nil {
			return nil, Errorf(EINVALID, "节假日第%d行：%s", i+1, AsError(err))
		}
		out = append(out, s)
		if len(out) > maxSpecialDays {
			return nil, Errorf(EINVALID, "节假日最多%d行", maxSpecialDays)
		}
	}
	return out, nil
}

// parseSpecialDay reads one line of the holiday list.
func parseSpecialDay(line string) (SpecialDay, error) {
	if !utf8.ValidString(line) {
		return SpecialDay{}, Errorf(EINVALID, "含有无效字符")
	}
	f := strings.Fields(line)
	if len(f) < 2 || len(f) > 3 {
		return SpecialDay{}, Errorf(EINVALID, "格式应为：日期 名称 [营业时间或日期类型]，例：2026-10-01 国庆节 09:00-22:30")
	}
	s := SpecialDay{Name: f[1], Type: DayHoliday}
	dates := strings.ReplaceAll(strings.ReplaceAll(f[0], "～", "~"), "至", "~")
	if a, b, ok := strings.Cut(dates, "~"); ok {
		s.From, s.To = a, b
	} else {
		s.From, s.To = dates, dates
	}
	if len(f) == 3 {
		if t, ok := parseDayType(f[2]); ok {
			s.Type = t
		} else {
			h, err := ParseHours(f[2])
			if err != nil {
				return SpecialDay{}, err
			}
			s.Hours = h
		}
	}
	return s, s.validate()
}

// FormatSpecialDays writes the holiday list back in ParseSpecialDays' syntax.
func FormatSpecialDays(days []SpecialDay) string {
	var b strings.Builder
	for _, s := range days {
		b.WriteString(s.From)
		if s.To != s.From {
			b.WriteString("~" + s.To)
		}
		b.WriteString(" " + s.Name)
		switch {
		case s.Hours != (Hours{}):
			b.WriteString(" " + s.Hours.String())
		case s.Type != DayHoliday:
			b.WriteString(" " + s.Type.Label())
		}
		b.WriteString("\n")
	}
	return b.String()
}

// checkText applies the free-text rule (TextField) to an already trimmed
// field; required fields may not be empty.
func checkText(s, label string, max int, required bool) error {
	minRunes := 0
	if required {
		minRunes = 1
	}
	clean, err := TextField{Label: label, Min: minRunes, Max: max}.Clean(s)
	if err != nil {
		return err
	}
	if clean != s {
		return Errorf(EINVALID, "%s前后不能有空格", label)
	}
	return nil
}
