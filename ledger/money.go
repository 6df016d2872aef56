package ledger

import (
	"fmt"
	"strconv"
	"strings"
)

// Fen is an amount of money in fen (1/100 yuan). All money is integer fen.
type Fen int64

// Yuan returns n whole yuan as Fen.
func Yuan(n int64) Fen { return Fen(n * 100) }

// String formats the amount as ￥50.00 (fullwidth yuan sign).
func (f Fen) String() string {
	sign := ""
	v := int64(f)
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s￥%d.%02d", sign, v/100, v%100)
}

// Plain formats the amount without currency sign: 50.00.
func (f Fen) Plain() string {
	s := f.String()
	return strings.Replace(s, "￥", "", 1)
}

// ParseYuan parses a yuan amount typed by a clerk ("50", "50.5", "￥12.30")
// into Fen. Negative amounts, more than two decimals and absurd sizes are
// refused with a Chinese message.
func ParseYuan(s string) (Fen, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "￥"), "¥")
	if s == "" {
		return 0, Errorf(EINVALID, "请输入金额")
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, Errorf(EINVALID, "金额格式不正确：%s", Quote(s))
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, Errorf(EINVALID, "金额格式不正确：%s", Quote(s))
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	var fr int64
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		fr, _ = strconv.ParseInt(frac, 10, 64)
	}
	return Fen(w*100 + fr), nil
}
