package ledger

import (
	"regexp"
	"testing"
)

func TestNormalizeDeskCode(t *testing.T) {
	for in, want := range map[string]string{"1f": "1F", " B1 ": "B1", "KIOSK": "KIOSK", "a": "A", "ABCDEF": "ABCDEF"} {
		if got, err := NormalizeDeskCode(in); err != nil || got != want {
			t.Errorf("NormalizeDeskCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "  ", "ABCDEFG", "1-F", "一楼", "B 1", "K\x00"} {
		if got, err := NormalizeDeskCode(in); ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeDeskCode(%q) = %q, %v; want EINVALID", in, got, err)
		}
	}
}

func TestReceiptNoCarriesDesk(t *testing.T) {
	if got := ReceiptNo("1F", "2026-11-25", 7); got != "1F-20261125-0007" {
		t.Fatalf("ReceiptNo = %s", got)
	}
	for no, want := range map[string]string{
		"1F-20261125-0007": "1F", "KIOSK-20261125-0012": "KIOSK", "20261125-0007": "", "1f-20261125-0007": "",
		"TOOLONG-20261125-0001": "", "-20261125-0001": "", "B1-1": "", "B1-20261125-0001-X": "",
	} {
		if got := DeskOfReceipt(no); got != want {
			t.Errorf("DeskOfReceipt(%q) = %q, want %q", no, got, want)
		}
	}
}

var deskCodeShape = regexp.MustCompile(`^[A-Z0-9]{1,6}$`)

// FuzzNormalizeDeskCode: an accepted code has the printed shape, is
// stable, and is read back from the receipt numbers it makes.
func FuzzNormalizeDeskCode(f *testing.F) {
	for _, s := range []string{"1F", "b1", "KIOSK", "", "ABCDEFG", "1-F", "一楼", " a ", "Ｂ1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := NormalizeDeskCode(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if !deskCodeShape.MatchString(c) {
			t.Fatalf("%q -> %q", s, c)
		}
		if again, err := NormalizeDeskCode(c); err != nil || again != c {
			t.Fatalf("not stable: %q -> %q -> %q %v", s, c, again, err)
		}
		if got := DeskOfReceipt(ReceiptNo(c, "2026-11-25", 1)); got != c {
			t.Fatalf("DeskOfReceipt(ReceiptNo(%q)) = %q", c, got)
		}
	})
}
