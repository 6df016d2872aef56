package ledger

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextRule(t *testing.T) {
	long := strings.Repeat("伞", 100*1024/3) // a 100 kB reason
	for _, tc := range []struct {
		name  string
		field TextField
		in    string
		ok    bool
		want  string // cleaned text, or a part of the message
	}{
		{"plain", FieldStaffName, "  王小明 ", true, "王小明"},
		{"mixed scripts", FieldStaffName, "Anna 李", true, "Anna 李"},
		{"rare CJK (above U+FFFF)", FieldStaffName, "𠮷田", true, "𠮷田"},
		{"empty required", FieldStaffName, "   ", false, "请填写姓名"},
		{"empty optional", FieldItemNote, "", true, ""},
		{"too long", FieldStaffName, strings.Repeat("王", 33), false, "姓名不能超过32个字（现有33个字）"},
		{"exactly max", FieldStaffName, strings.Repeat("王", 32), true, strings.Repeat("王", 32)},
		{"100 kB reason", FieldReason, long, false, "审批原因不能超过200个字"},
		{"short reason", FieldReason, "好", false, "审批原因至少2个字"},
		{"ESC", FieldStaffName, "王\x1b[2J明", false, "第2个字是不可见的控制字符（U+001B）"},
		{"NUL", FieldMallName, "天华\x00广场", false, "U+0000"},
		{"newline", FieldCounterName, "一楼\n总台", false, "U+000A"},
		{"tab", FieldItemNote, "伞骨\t断", false, "U+0009"},
		{"DEL", FieldItemNote, "a\x7fb", false, "U+007F"},
		{"C1", FieldItemNote, "a\u0085b", false, "U+0085"},
		{"RLO", FieldStaffName, "王\u202e明", false, "U+202E"},
		{"LRI", FieldStaffName, "王\u2066明", false, "U+2066"},
		{"RLM", FieldPriceName, "伞\u200f骨", false, "U+200F"},
		{"ALM", FieldPriceName, "伞\u061c骨", false, "U+061C"},
		{"zero width space", FieldStaffName, "王\u200b明", false, "U+200B"},
		{"BOM", FieldStaffName, "\ufeff王明", false, "U+FEFF"},
		{"line separator", FieldCloseNote, "a\u2028b", false, "U+2028"},
		{"private use", FieldStaffName, "王\ue000", false, "U+E000"},
		{"invalid utf-8", FieldStaffName, "王\xff明", false, "无效字符"},
		{"replacement char", FieldStaffName, "王\ufffd明", false, "U+FFFD"},
	} {
		got, err := tc.field.Clean(tc.in)
		if tc.ok {
			if err != nil || got != tc.want {
				t.Errorf("%s: Clean = %q, %v; want %q", tc.name, got, err, tc.want)
			}
			continue
		}
		msg := ErrorMessage(err)
		if ErrorCode(err) != EINVALID || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: error %q (%s), want it to contain %q", tc.name, msg, ErrorCode(err), tc.want)
		}
		// The message quotes at most QuoteRunes of the input and no raw
		// control or bidi character.
		if strings.ContainsFunc(msg, Forbidden) || !utf8.ValidString(msg) {
			t.Errorf("%s: message carries a forbidden character: %q", tc.name, msg)
		}
		if utf8.RuneCountInString(msg) > 120 {
			t.Errorf("%s: message is %d characters long", tc.name, utf8.RuneCountInString(msg))
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "“”",
		"U-001":                    "“U-001”",
		strings.Repeat("伞", 25):    "“" + strings.Repeat("伞", 20) + "…”",
		"a\x1bb\u202ec":            `“a\u001Bb\u202Ec”`,
		"\xff":                     `“\xff”`,
		strings.Repeat("\x00", 30): "“" + strings.Repeat(`\u0000`, 20) + "…”",
		"12345678901234567890":     "“12345678901234567890”",
		"123456789012345678901":    "“12345678901234567890…”",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every free-text rule of the domain goes through TextField: a name with
// an ESC or a bidi override, a 100 kB name, are refused by the validators
// that take them. (Fails on the old code, which accepted them.)
func TestValidatorsUseTheTextRule(t *testing.T) {
	staff := NewStaff{Username: "li", Name: "李\u202e红", Role: RoleClerk, Password: "counter2026"}
	if err := staff.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("staff name with RLO: %v", err)
	}
	staff.Name = "李\x1b红"
	if err := staff.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("staff name with ESC: %v", err)
	}
	for _, edit := range []func(*Settings){
		func(s *Settings) { s.MallName = "天华\x00广场" },
		func(s *Settings) { s.CounterName = "总台\u202e" },
		func(s *Settings) { s.MallName = strings.Repeat("天", 100*1024) },
		func(s *Settings) {
			s.DamagePrices = append(s.DamagePrices, PriceItem{Name: "伞\x1b[31m骨", Price: 100})
		},
		func(s *Settings) {
			s.DamagePrices = append(s.DamagePrices, PriceItem{Name: strings.Repeat("骨", 21), Price: 100})
		},
		func(s *Settings) { s.Devices.Printer.Name = "/dev/ttyUSB0\x00" },
	} {
		s := DefaultSettings()
		edit(&s)
		if err := s.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("settings %+v accepted: %v", s, err)
		}
	}
	// Personal data follows the same character rule (its messages quote
	// nothing of the input): a zero-width space or a private-use character
	// in a name is refused like a control character.
	for _, v := range []string{"张\u200b三", "张\ue000", "张\u202e三", "张\x1b三"} {
		if _, err := NormalizeData(DataName, v); ErrorCode(err) != EINVALID || strings.Contains(ErrorMessage(err), "张") {
			t.Errorf("personal name %q: %v", v, err)
		}
	}
	if _, err := ParseYuan(strings.Repeat("9", 5000)); ErrorCode(err) != EINVALID || utf8.RuneCountInString(ErrorMessage(err)) > 40 {
		t.Errorf("ParseYuan of a long input: %q", ErrorMessage(err))
	}
}

func FuzzTextClean(f *testing.F) {
	for _, s := range []string{"王小明", "  a b ", "\x1b[2J", "a\u202eb", "\xff\xfe", strings.Repeat("x", 300), "𠮷", "\u200d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, field := range []TextField{FieldStaffName, FieldReason, FieldItemNote} {
			got, err := field.Clean(s)
			if err != nil {
				msg := ErrorMessage(err)
				if ErrorCode(err) != EINVALID || strings.ContainsFunc(msg, Forbidden) || !utf8.ValidString(msg) {
					t.Fatalf("bad error for %q: %q", s, msg)
				}
				continue
			}
			n := utf8.RuneCountInString(got)
			if n > field.Max || n < field.Min || strings.ContainsFunc(got, Forbidden) || !utf8.ValidString(got) || got != strings.TrimSpace(got) {
				t.Fatalf("%s accepted %q as %q", field.Label, s, got)
			}
			again, err := field.Clean(got)
			if err != nil || again != got {
				t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
			}
		}
		q := Quote(s)
		if strings.ContainsFunc(q, Forbidden) || !utf8.ValidString(q) || utf8.RuneCountInString(q) > QuoteRunes*6+3 {
			t.Fatalf("Quote(%q) = %q", s, q)
		}
	})
}
