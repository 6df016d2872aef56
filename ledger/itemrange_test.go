package ledger

import (
	"slices"
	"strings"
	"testing"
)

func TestExpandItemNumbers(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"U-001~U-003", []string{"U-001", "U-002", "U-003"}},
		{"u-008～u-011", []string{"U-008", "U-009", "U-010", "U-011"}},
		{"U-098~100", []string{"U-098", "U-099", "U-100"}},
		{"U-9~U-11", []string{"U-9", "U-10", "U-11"}},
		{"C-01, C-05~C-06，C-09、C-10\nC-11", []string{"C-01", "C-05", "C-06", "C-09", "C-10", "C-11"}},
		{"U-021", []string{"U-021"}},
		{"7~9", []string{"7", "8", "9"}},
	} {
		got, err := ExpandItemNumbers(c.in, 500)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	got, err := ExpandItemNumbers("U-001~U-030", 500)
	if err != nil || len(got) != 30 || got[0] != "U-001" || got[29] != "U-030" {
		t.Fatalf("U-001~U-030: %d numbers, %v", len(got), err)
	}
	for _, bad := range []string{"", " , ", "U-003~U-001", "U-001~C-003", "U-~U-3", "U-001~", "~U-003", "U-001~U-", "U-1~U-9999999999", "U-001~U-501", "U-001~U-400 U-401~U-501"} {
		if got, err := ExpandItemNumbers(bad, 500); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("%q accepted: %v", bad, got)
		}
	}
}

func FuzzExpandItemNumbers(f *testing.F) {
	for _, s := range []string{"U-001~U-030", "C-01, C-02", "U-98~100", "U-3~U-1", "~", "U-1~U-999999999", "1~2~3", "Ｕ-001～Ｕ-002", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		const limit = 50
		got, err := ExpandItemNumbers(s, limit)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: error %v is not EINVALID", s, err)
			}
			return
		}
		if len(got) == 0 || len(got) > limit {
			t.Fatalf("%q: %d numbers", s, len(got))
		}
		for _, n := range got {
			if n == "" || strings.ToUpper(n) != n || strings.ContainsAny(n, ",~ \n") {
				t.Fatalf("%q: bad number %q", s, n)
			}
		}
		// Listing the expansion back is a fixed point.
		again, err := ExpandItemNumbers(strings.Join(got, ","), limit)
		if err != nil || !slices.Equal(again, got) {
			t.Fatalf("%q: %v does not expand to itself: %v, %v", s, got, again, err)
		}
	})
}
