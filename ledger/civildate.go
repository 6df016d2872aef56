package ledger

import (
	"strconv"
	"strings"
	"time"
)

// dateLayout is how calendar dates (expiry, business dates) are kept.
const dateLayout = "2006-01-02"

// ParseDate reads a calendar date typed by a clerk or printed on a box and
// returns it as YYYY-MM-DD. Accepted: 2027-03-31, 2027/3/31, 2027.3.31,
// 20270331, 2027年3月31日, and a month alone (2027-03, 2027.03, 202703,
// 2027年3月), which means the last day of that month, as expiry dates on
// medicine boxes are printed. Years 2000–2099 only.
func ParseDate(s string) (string, error) {
	raw := s
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "日")
	bad := Errorf(EINVALID, "日期格式不正确：%s（例：2027-03-31 或 2027-03）", Quote(raw))
	var parts []string
	switch {
	case strings.ContainsAny(s, "-/.年月"):
		s = strings.TrimSuffix(s, "月")
		parts = strings.Split(strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-").Replace(s), "-")
	case len(s) == 8:
		parts = []string{s[:4], s[4:6], s[6:]}
	case len(s) == 6:
		parts = []string{s[:4], s[4:]}
	default:
		return "", bad
	}
	if len(parts) < 2 || len(parts) > 3 {
		return "", bad
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if p == "" || len(p) > 4 {
			return "", bad
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return "", bad
			}
		}
		nums[i], _ = strconv.Atoi(p)
	}
	if len(parts[0]) != 4 || nums[0] < 2000 || nums[0] > 2099 || nums[1] < 1 || nums[1] > 12 {
		return "", bad
	}
	y, m := nums[0], time.Month(nums[1])
	if len(nums) == 2 {
		return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Format(dateLayout), nil
	}
	d := time.Date(y, m, nums[2], 0, 0, 0, 0, time.UTC)
	if nums[2] < 1 || d.Month() != m {
		return "", bad
	}
	return d.Format(dateLayout), nil
}

// DateOf returns the calendar date of t in loc as YYYY-MM-DD.
func DateOf(t time.Time, loc *time.Location) string { return t.In(loc).Format(dateLayout) }

// AddDays returns date (YYYY-MM-DD) moved by n days; a malformed date is
// returned unchanged.
func AddDays(date string, n int) string {
	t, err := time.Parse(dateLayout, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(dateLayout)
}
