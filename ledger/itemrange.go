package ledger

import (
	"strconv"
	"strings"
	"unicode"
)

// ExpandItemNumbers reads the item numbers typed for a stock intake: a
// list separated by commas (，、;), spaces or new lines, where an entry
// "U-001~U-030" (also ～ or the short form "U-001~030") stands for every
// number from the first to the last. The numbered part is the trailing
// digits of the first number; its zero padding is kept (U-001 … U-030), the
// last number must share the prefix, not be smaller, and the whole list may
// hold at most limit numbers. Numbers are trimmed and upper-cased; their
// format is checked by the service that stores them.
func ExpandItemNumbers(text string, limit int) ([]string, error) {
	var out []string
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || unicode.IsSpace(r)
	})
	for _, f := range fields {
		f = strings.ToUpper(strings.ReplaceAll(f, "～", "~"))
		first, last, isRange := strings.Cut(f, "~")
		if !isRange {
			out = append(out, f)
		} else {
			nums, err := expandRange(first, last, limit-len(out))
			if err != nil {
				return nil, err
			}
			out = append(out, nums...)
		}
		if len(out) > limit {
			return nil, Errorf(EINVALID, "一次最多添加%d个编号", limit)
		}
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "请输入至少一个编号")
	}
	return out, nil
}

// expandRange lists first…last; room is how many numbers may still be added.
func expandRange(first, last string, room int) ([]string, error) {
	prefix, digits := splitTrailingDigits(first)
	bad := Errorf(EINVALID, "编号范围格式应为 %s（如 U-001~U-030）", "起始编号~结束编号")
	if digits == "" || last == "" || len(digits) > 9 {
		return nil, bad
	}
	lastPrefix, lastDigits := splitTrailingDigits(last)
	if lastDigits == "" || len(lastDigits) > 9 || (lastPrefix != "" && lastPrefix != prefix) {
		return nil, bad
	}
	from, _ := strconv.Atoi(digits)
	to, _ := strconv.Atoi(lastDigits)
	if to < from {
		return nil, Errorf(EINVALID, "编号范围 %s~%s 的结束编号小于起始编号", first, last)
	}
	if to-from+1 > room {
		return nil, Errorf(EINVALID, "一次最多添加%d个编号", room)
	}
	out := make([]string, 0, to-from+1)
	for n := from; n <= to; n++ {
		s := strconv.Itoa(n)
		if pad := len(digits) - len(s); pad > 0 {
			s = strings.Repeat("0", pad) + s
		}
		out = append(out, prefix+s)
	}
	return out, nil
}

// splitTrailingDigits splits "U-001" into "U-" and "001".
func splitTrailingDigits(s string) (prefix, digits string) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	return s[:i], s[i:]
}
