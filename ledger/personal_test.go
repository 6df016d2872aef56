package ledger

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// genResidentID makes a valid resident ID number from r (region, a real
// birth date between 1940 and 2009, sequence, GB 11643 check character).
func genResidentID(r *rand.Rand) string {
	birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.Intn(70*365))
	first := fmt.Sprintf("%06d%s%03d", 110000+r.Intn(540000), birth.Format("20060102"), r.Intn(1000))
	c, _ := ResidentIDCheck(first)
	return first + string(c)
}

func TestGeneratedResidentIDsValidate(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 500; i++ {
		id := genResidentID(r)
		if got, err := ValidateResidentID(id); err != nil || got != id {
			t.Fatalf("generated %s refused: %v", id, err)
		}
	}
}

func TestNormalizeAndMaskData(t *testing.T) {
	for _, tc := range []struct {
		kind      DataKind
		in        string
		norm, msk string
	}{
		{DataMobile, "+86 138-1234-5678", "13812345678", "138****5678"},
		{DataResidentID, "11010519491231002x", "11010519491231002X", "1***************2X"},
		{DataName, " 欧阳娜娜 ", "欧阳娜娜", "欧***"},
		{DataName, "张三", "张三", "张*"},
		{DataHealth, "青霉素过敏", "青霉素过敏", HiddenText},
		{DataNote, "红色外套，约1.2米", "红色外套，约1.2米", HiddenText},
	} {
		got, err := NormalizeData(tc.kind, tc.in)
		if err != nil || got != tc.norm {
			t.Errorf("NormalizeData(%s, %q) = %q, %v", tc.kind, tc.in, got, err)
			continue
		}
		if m := MaskData(tc.kind, got); m != tc.msk {
			t.Errorf("MaskData(%s, %q) = %q; want %q", tc.kind, got, m, tc.msk)
		}
	}
	for _, tc := range []struct {
		kind DataKind
		in   string
	}{
		{DataMobile, "12812345678"}, {DataResidentID, "110105194912310021"}, {DataName, ""},
		{DataName, strings.Repeat("张", MaxPersonNameRunes+1)}, {DataName, "张\u202e三"}, {DataName, "张\x1b三"},
		{DataHealth, strings.Repeat("x", MaxPersonTextRunes+1)}, {DataKind("email"), "a@b.c"},
	} {
		if _, err := NormalizeData(tc.kind, tc.in); ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeData(%s, %q) = %v; want invalid", tc.kind, tc.in, err)
		} else if strings.Contains(ErrorMessage(err), tc.in) && tc.in != "" {
			t.Errorf("error quotes the input: %s", ErrorMessage(err))
		}
	}
}

func TestKindsAndPurposes(t *testing.T) {
	for _, k := range DataKinds() {
		if !k.Valid() || k.Label() == string(k) {
			t.Errorf("kind %s", k)
		}
	}
	if !DataResidentID.Sensitive() || !DataHealth.Sensitive() || DataName.Sensitive() || DataMobile.Sensitive() {
		t.Error("sensitive kinds")
	}
	if DataResidentID.Sealed() || !DataMobile.Sealed() || !DataHealth.Sealed() {
		t.Error("a resident ID must never be sealed (kept whole); the others are")
	}
	for _, p := range Purposes() {
		if !p.Valid() || len(p.Kinds()) == 0 || p.DefaultRetentionDays() < MinRetentionDays {
			t.Errorf("purpose %s", p)
		}
	}
	if Purpose("spy").Valid() {
		t.Error("unknown purpose valid")
	}
}

func TestLookupKind(t *testing.T) {
	if k, v, err := LookupKind(" 11010519491231002x "); err != nil || k != DataResidentID || v != "11010519491231002X" {
		t.Errorf("id: %s %s %v", k, v, err)
	}
	if k, v, err := LookupKind("+86 13812345678"); err != nil || k != DataMobile || v != "13812345678" {
		t.Errorf("mobile: %s %s %v", k, v, err)
	}
	for _, q := range []string{"", "138****5678", "张三", "110105194912310021", "1381234567"} {
		if _, _, err := LookupKind(q); ErrorCode(err) != EINVALID {
			t.Errorf("LookupKind(%q) = %v", q, err)
		}
	}
}

func TestCollectRequestValidate(t *testing.T) {
	ok := CollectRequest{Purpose: PurposeMember, Values: map[DataKind]string{DataName: "张三", DataMobile: "13812345678",
		DataResidentID: "11010519491231002X", DataNote: " "}}
	vals, err := ok.Validate()
	if err != nil || len(vals) != 3 {
		t.Fatalf("%v %v", vals, err)
	}
	for _, bad := range []CollectRequest{
		{Purpose: "spy", Values: map[DataKind]string{DataName: "张三"}},
		{Purpose: PurposeFeedback, Values: map[DataKind]string{DataResidentID: "11010519491231002X"}}, // not needed: minimum necessary
		{Purpose: PurposeMember, Values: map[DataKind]string{DataHealth: "过敏"}},
		{Purpose: PurposeMember, Values: map[DataKind]string{}},
		{Purpose: PurposeMember, Values: map[DataKind]string{DataName: "张三"}, UniqueResidentID: true},
		{Purpose: PurposeMember, Values: map[DataKind]string{DataMobile: "123"}},
	} {
		if _, err := bad.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v accepted: %v", bad, err)
		}
	}
}

func TestRetention(t *testing.T) {
	r := DefaultRetention()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if r.Days(PurposeClaimant) != 365 || (Retention{}).Days(PurposeMember) != 30 {
		t.Error("days")
	}
	for _, bad := range []Retention{{PurposeClaimant: 0}, {PurposeClaimant: MaxRetentionDays + 1}, {"spy": 10}} {
		if bad.Validate() == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	set := DefaultSettings()
	set.Retention = Retention{PurposeMember: -1}
	if ErrorCode(set.Validate()) != EINVALID {
		t.Error("settings accept a negative retention")
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := PersonRecord{Purpose: PurposeClaimant, RetainFrom: at}
	if got := rec.DueAt(Retention{PurposeClaimant: 10}); !got.Equal(at.AddDate(0, 0, 10)) {
		t.Errorf("due %v", got)
	}
	if !(PersonRecord{Purpose: PurposeMember}).DueAt(r).IsZero() {
		t.Error("a member whose card is open has no due date")
	}
}

// FuzzNormalizeData checks that validation never panics, that a normalised
// value normalises to itself, and that its mask shows at most the first 3
// and last 4 digits of a mobile and the first 1 and last 2 characters of an
// ID number.
func FuzzNormalizeData(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "11010519491231002X", "张三", "\u202e", "", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, k := range DataKinds() {
			n, err := NormalizeData(k, in)
			if err != nil {
				continue
			}
			if again, err := NormalizeData(k, n); err != nil || again != n {
				t.Fatalf("%s: %q → %q → %q, %v", k, in, n, again, err)
			}
			m := MaskData(k, n)
			switch k {
			case DataMobile:
				if m != n[:3]+"****"+n[7:] {
					t.Fatalf("mobile mask %q", m)
				}
			case DataResidentID:
				if m != n[:1]+strings.Repeat("*", 15)+n[16:] {
					t.Fatalf("id mask %q", m)
				}
			case DataHealth, DataNote:
				if m != HiddenText {
					t.Fatalf("text mask %q", m)
				}
			}
		}
		_, _, _ = LookupKind(in)
	})
}
