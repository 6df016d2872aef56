package receipts

import (
	"strings"
	"testing"
	"unicode/utf8"

	"servicedesk/ledger"
)

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"13812341234":       "138****1234",
		"+8613812341234":    "138****1234",
		"+86 138-1234-1234": "138****1234",
		"008613812341234":   "138****1234",
		"8613812341234":     "138****1234",
		"138****1234":       "138****1234",
		"021-62345678":      "****5678",
		"12345":             "****",
		"":                  "",
		"abc":               "****",
		"12812341234":       "****1234", // not a mobile prefix
		"１３８１２３４１２３４":       "****",     // fullwidth digits are not parsed
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{
		"张三": "张*", "欧阳娜娜": "欧***", "李": "*", "": "", " 王小明 ": "王**",
		"Alexander Smith": "A***",
	} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q; want %q", in, got, want)
		}
	}
}

// FuzzMaskPhone checks that MaskPhone never panics, is idempotent, returns
// valid UTF-8, reveals at most seven digits and never the middle four of a
// mobile number.
func FuzzMaskPhone(f *testing.F) {
	for _, s := range []string{"13812341234", "+86 138 1234 1234", "138****1234", "021-62345678", "\xff1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := MaskPhone(in)
		if !utf8.ValidString(out) {
			t.Fatalf("MaskPhone(%q) = %q: invalid UTF-8", in, out)
		}
		if again := MaskPhone(out); again != out {
			t.Fatalf("MaskPhone not idempotent: %q → %q → %q", in, out, again)
		}
		digits := 0
		for _, r := range out {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits > 7 {
			t.Fatalf("MaskPhone(%q) = %q reveals %d digits", in, out, digits)
		}
		if m, err := ledger.NormalizeMobile(in); err == nil && m == in && strings.Contains(out, in[3:7]) && !strings.Contains(in[:3]+in[7:], in[3:7]) {
			t.Fatalf("MaskPhone(%q) = %q shows the middle digits", in, out)
		}
		_ = MaskName(in)
	})
}
