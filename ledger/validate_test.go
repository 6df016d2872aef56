package ledger

import (
	"strings"
	"testing"
	"unicode"
)

func TestValidateResidentID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{"11010519491231002X", true, "11010519491231002X"},
		{"11010519491231002x", true, "11010519491231002X"},
		{"110105194912310021", false, ""}, // wrong check digit
		{"11010519491331002X", false, ""}, // month 13
		{"11010519490230002X", false, ""}, // 30 February
		{"1101051949123100", false, ""},
		{"A1010519491231002X", false, ""},
	} {
		got, err := ValidateResidentID(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ValidateResidentID(%q) = %q, %v", tc.in, got, err)
		}
	}
	if m := MaskResidentID("11010519491231002X"); m != "1***************2X" {
		t.Errorf("mask = %q", m)
	}
}

func TestValidateUSCC(t *testing.T) {
	if _, err := ValidateUSCC("91350100M000100Y43"); err != nil {
		t.Errorf("valid code refused: %v", err)
	}
	if _, err := ValidateUSCC("91350100M000100Y44"); err == nil {
		t.Error("bad check accepted")
	}
	if _, err := ValidateUSCC("91350100M000100I43"); err == nil {
		t.Error("letter I accepted")
	}
}

func TestMobile(t *testing.T) {
	for in, want := range map[string]string{"13812341234": "13812341234", "+86 138-1234-1234": "13812341234", "8613812341234": "13812341234"} {
		if got, err := NormalizeMobile(in); err != nil || got != want {
			t.Errorf("NormalizeMobile(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"12812341234", "1381234123", "1381234123a", ""} {
		if _, err := NormalizeMobile(in); err == nil {
			t.Errorf("NormalizeMobile(%q) accepted", in)
		}
	}
	if MaskMobile("13812341234") != "138****1234" {
		t.Error("mask")
	}
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]Fen{"50": 5000, "50.5": 5050, "￥12.30": 1230, "0.07": 7, " 3 ": 300} {
		if got, err := ParseYuan(in); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-5", "1.234", "abc", "1e3", ".5", "5.", "9999999999"} {
		if _, err := ParseYuan(in); ErrorCode(err) != EINVALID {
			t.Errorf("ParseYuan(%q) err = %v", in, err)
		}
	}
	if s := Fen(-1234).String(); s != "-￥12.34" {
		t.Errorf("format = %q", s)
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"50", "0.01", "￥12.30", "-1", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseYuan(s)
		if err != nil {
			return
		}
		if v < 0 {
			t.Fatalf("negative %v from %q", v, s)
		}
		back, err := ParseYuan(v.String())
		if err != nil || back != v {
			t.Fatalf("round trip %q -> %v -> %v, %v", s, v, back, err)
		}
	})
}

func FuzzValidateResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "", "xxxxxxxxxxxxxxxxxx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ValidateResidentID(s)
		if err != nil {
			return
		}
		if len(id) != 18 || strings.ContainsAny(MaskResidentID(id)[1:16], "0123456789") {
			t.Fatalf("accepted %q as %q", s, id)
		}
		if again, err := ValidateResidentID(id); err != nil || again != id {
			t.Fatalf("not idempotent: %q", id)
		}
	})
}

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100M000100Y44", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ValidateUSCC(s)
		if err == nil && len(c) != 18 {
			t.Fatalf("accepted %q", s)
		}
	})
}

func FuzzNormalizeMobile(f *testing.F) {
	for _, s := range []string{"13812341234", "+8613812341234", "138 1234 1234", "12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := NormalizeMobile(s)
		if err != nil {
			return
		}
		if len(m) != 11 || m[0] != '1' {
			t.Fatalf("accepted %q as %q", s, m)
		}
		if masked := MaskMobile(m); masked[3:7] != "****" || len(masked) != 11 {
			t.Fatalf("mask %q", masked)
		}
	})
}

func TestChainVerifierDetectsGap(t *testing.T) {
	v := NewChainVerifier()
	e1 := Entry{Seq: 1, Kind: "a", Data: []byte(`{}`), PrevHash: GenesisHash}
	e1.Hash = e1.ComputeHash()
	e3 := Entry{Seq: 3, Kind: "a", Data: []byte(`{}`), PrevHash: e1.Hash}
	e3.Hash = e3.ComputeHash()
	if !v.Check(e1) || v.Check(e3) {
		t.Fatal("gap not detected")
	}
	if r := v.Result(); r.OK || r.BadSeq != 2 {
		t.Fatalf("result = %+v", r)
	}
}

func FuzzValidateCredentials(f *testing.F) {
	for _, s := range []string{"li", "admin", "counter2026", "密码12345678", "a", "UPPER", "x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateUsername(s) == nil {
			if len(s) < 2 || len(s) > 32 || strings.ToLower(s) != s || strings.ContainsAny(s, " \t\n") {
				t.Fatalf("username %q accepted", s)
			}
		}
		if ValidatePassword(s) == nil {
			if !strings.ContainsAny(s, "0123456789") || strings.IndexFunc(s, func(r rune) bool { return r < 128 && unicode.IsLetter(r) }) < 0 {
				t.Fatalf("password %q accepted without a letter and a digit", s)
			}
		}
	})
}
