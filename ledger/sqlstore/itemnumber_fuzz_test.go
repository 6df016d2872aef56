package sqlstore

import (
	"strings"
	"testing"
)

func FuzzNormalizeItemNumber(f *testing.F) {
	for _, s := range []string{"U-001", " u-002 ", "C-01", "-1", "", "U_001", "伞1", strings.Repeat("A", 17)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeItemNumber(s)
		if err != nil {
			return
		}
		if n == "" || len(n) > 16 || n[0] == '-' || strings.ToUpper(n) != n {
			t.Fatalf("%q normalised to %q", s, n)
		}
		for _, r := range n {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("%q normalised to %q with %q", s, n, r)
			}
		}
		if again, err := NormalizeItemNumber(n); err != nil || again != n {
			t.Fatalf("not idempotent: %q -> %q", n, again)
		}
	})
}
