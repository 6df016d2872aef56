package ledger

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextField is one free-text field (a name, a reason, a note) and its rule:
// the text is trimmed, holds at most Max characters (runes) and at least
// Min, and contains no control characters, bidi overrides or other
// invisible format characters (they garble receipts, the printer's byte
// stream and reports, and can make a name read differently than stored).
// Every service checks its free-text fields through one of these.
type TextField struct {
	Label string // the field's Chinese name, used in messages
	Min   int    // minimum characters after trimming (1 = required)
	Max   int    // maximum characters after trimming
}

// The free-text fields of the counter and their limits.
var (
	FieldStaffName    = TextField{Label: "姓名", Min: 1, Max: 32}
	FieldReason       = TextField{Label: "审批原因", Min: 2, Max: 200}
	FieldItemNote     = TextField{Label: "备注", Max: 100}
	FieldDamageNote   = TextField{Label: "损坏说明", Max: 100}
	FieldCloseNote    = TextField{Label: "日结备注", Max: 200}
	FieldMallName     = TextField{Label: "商场名称", Min: 1, Max: 40}
	FieldCounterName  = TextField{Label: "服务台名称", Min: 1, Max: 40}
	FieldPriceName    = TextField{Label: "赔偿价目名称", Min: 1, Max: 20}
	FieldPrintFailure = TextField{Label: "打印失败原因", Max: 200}
)

// QuoteRunes is how much of an input an error message repeats.
const QuoteRunes = 20

// Clean trims s and applies the field's rule. It returns the trimmed text
// or an EINVALID error naming the field (and quoting at most QuoteRunes
// characters of the input).
func (f TextField) Clean(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "%s含有无效字符（不是正确的文字编码），请重新输入", f.Label)
	}
	s = strings.TrimSpace(s)
	if i, r, bad := firstForbidden(s); bad {
		return "", Errorf(EINVALID, "%s第%d个字是不可见的控制字符（%U），请删除后重新输入：%s",
			f.Label, utf8.RuneCountInString(s[:i])+1, r, Quote(s))
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && f.Min > 0:
		return "", Errorf(EINVALID, "请填写%s", f.Label)
	case n < f.Min:
		return "", Errorf(EINVALID, "%s至少%d个字", f.Label, f.Min)
	case n > f.Max:
		return "", Errorf(EINVALID, "%s不能超过%d个字（现有%d个字）：%s", f.Label, f.Max, n, Quote(s))
	}
	return s, nil
}

// Forbidden reports whether r may not appear in free text: control
// characters (C0, DEL, C1: NUL, ESC, CR, LF, TAB …), format characters
// (bidi embeddings, overrides, isolates and marks such as U+202E,
// zero-width characters, the BOM, soft hyphen), line and paragraph
// separators, private-use characters, noncharacters and U+FFFD.
func Forbidden(r rune) bool {
	switch {
	case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r),
		unicode.Is(unicode.Co, r), unicode.Is(unicode.Noncharacter_Code_Point, r), r == utf8.RuneError:
		return true
	}
	return false
}

// firstForbidden finds the first forbidden rune of s and its byte offset.
func firstForbidden(s string) (int, rune, bool) {
	for i, r := range s {
		if Forbidden(r) {
			return i, r, true
		}
	}
	return 0, 0, false
}

// Quote repeats user input in a message: at most QuoteRunes characters in
// “…” quotes, forbidden characters shown as \u escapes (so an ESC or a bidi
// override in the input cannot act inside the message), "…" when cut.
func Quote(s string) string {
	var b strings.Builder
	b.WriteString("“")
	n := 0
	for i, r := range s {
		if n == QuoteRunes {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else if Forbidden(r) {
			fmt.Fprintf(&b, `\u%04X`, r)
		} else {
			b.WriteRune(r)
		}
		n++
	}
	b.WriteString("”")
	return b.String()
}
