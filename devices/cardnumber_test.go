package devices

import (
	"errors"
	"fmt"
	"testing"
)

func TestCardForms(t *testing.T) {
	for _, c := range []struct {
		id     string
		format CardFormat
		want   string
	}{
		{"0A00C3F5E1", CardEM4100, "0A00C3F5E1 / 0012842465 / 195,62945"},
		{"0a00c3f5e1", CardUnknown, "0A00C3F5E1 / 0012842465 / 195,62945"},
		{"FFFFFFFFFF", CardEM4100, "FFFFFFFFFF / 4294967295 / 255,65535"},
		{"12842465", CardDecimal, "0012842465 / 195,62945"},
		{"0012842465", CardDecimal, "0012842465 / 195,62945"}, // ten digits from a Wiegand converter are decimal
		{"0012842465", CardEM4100, "0012842465 / 0310649957 / 132,09317"},
		{"00C3F5E1", CardHex, "0012842465 / 195,62945"},
		{"C3F5E1", CardHex, "0012842465 / 195,62945"},
	} {
		f, ok := Card{ID: c.id, Format: c.format}.Forms()
		if !ok || f.String() != c.want {
			t.Errorf("Forms(%s, %d) = %q %v, want %q", c.id, c.format, f, ok, c.want)
		}
	}
	for _, id := range []string{"", "SD1.U.000231.Zk3p", "99999999999", "4294967296"} {
		if f, ok := (Card{ID: id, Format: CardDecimal}).Forms(); ok {
			t.Errorf("Forms(%q) = %+v, want none", id, f)
		}
	}
}

func TestParseCardNumberMatches(t *testing.T) {
	card := Card{ID: "0A00C3F5E1"}
	for _, typed := range []string{"0012842465", "12842465", " 0012842465 ", "195,62945", "195 62945", "195/62945", "195-62945", "195，62945", "0a00c3f5e1", "0A00C3F5E1"} {
		tc, err := ParseCardNumber(typed)
		if err != nil {
			t.Errorf("ParseCardNumber(%q): %v", typed, err)
			continue
		}
		if !tc.Matches(card) {
			t.Errorf("%q does not match %s", typed, card.ID)
		}
		if tc.Matches(Card{ID: "0A00C3F5E2"}) || tc.Matches(Card{ID: "SD1.U.000231"}) {
			t.Errorf("%q matches another card", typed)
		}
	}
	// A typed decimal says nothing about the version byte: another card
	// with the same low 32 bits matches (that is what the card shows).
	if tc, _ := ParseCardNumber("0012842465"); !tc.Matches(Card{ID: "1200C3F5E1"}) {
		t.Error("decimal form must match on the low 32 bits")
	}
	// Wiegand converters: decimal output matches the printed forms.
	if tc, _ := ParseCardNumber("195,62945"); !tc.Matches(Card{ID: "12842465", Format: CardDecimal}) {
		t.Error("facility,card does not match a wiegand-dec read")
	}
	for _, bad := range []string{"", "abc", "0A00C3F5E", "4294967296", "256,00001", "1,65536", "1234,5", "12,", ",12", "1,2,3", "12345678901", "0012842465x", "１２３"} {
		if _, err := ParseCardNumber(bad); !errors.Is(err, ErrBadCardNumber) {
			t.Errorf("ParseCardNumber(%q) = %v, want ErrBadCardNumber", bad, err)
		}
	}
}

// FuzzParseCardNumber checks that whatever is typed either is refused or
// parses to a form that matches exactly the cards whose forms show it.
func FuzzParseCardNumber(f *testing.F) {
	for _, s := range []string{"0012842465", "195,62945", "0A00C3F5E1", " 12 ", "256,1", "195，62945", "-1"} {
		f.Add(s, uint64(0x0A00C3F5E1))
	}
	f.Fuzz(func(t *testing.T, typed string, id uint64) {
		id &= 0xffffffffff
		card := Card{ID: fmt.Sprintf("%010X", id)}
		forms, ok := card.Forms()
		if !ok {
			t.Fatalf("no forms for %s", card.ID)
		}
		// Every form of a card, typed back, matches it.
		for _, s := range []string{forms.Hex, forms.Decimal, forms.FacilityCard} {
			tc, err := ParseCardNumber(s)
			if err != nil || !tc.Matches(card) {
				t.Fatalf("form %q of %s: %+v %v", s, card.ID, tc, err)
			}
		}
		tc, err := ParseCardNumber(typed)
		if err != nil {
			if !errors.Is(err, ErrBadCardNumber) {
				t.Fatalf("error %v", err)
			}
			return
		}
		switch tc.Bits {
		case 24, 32, 40:
		default:
			t.Fatalf("bits %d", tc.Bits)
		}
		if tc.Matches(card) {
			f2, _ := card.Forms()
			shown := map[int]string{40: f2.Hex, 32: f2.Decimal, 24: f2.FacilityCard}[tc.Bits]
			again, err := ParseCardNumber(shown)
			if err != nil || again.Low != tc.Low && !(tc.Bits == 32 && f2.Hex == fmt.Sprintf("%010d", tc.Low)) {
				t.Fatalf("%q matched %s but its %d-bit form is %q", typed, card.ID, tc.Bits, shown)
			}
		}
	})
}
