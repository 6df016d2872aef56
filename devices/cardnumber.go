package devices

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Card numbers. An EM4100 card holds 40 bits: the reader sends them as 10
// hex digits (0A00C3F5E1), while the card itself is printed with the low
// 32 bits as a 10-digit decimal number (0012842465) and often the low 24
// bits in the Wiegand-26 "facility,card" form: 3 digits for bits 16–23,
// 5 for bits 0–15 (195,62945). A clerk types whichever is on the card.

// CardForms are the ways one card number is written.
type CardForms struct {
	Hex          string // 10 hex digits as the reader sends them; "" if not known
	Decimal      string // 10-digit decimal of the low 32 bits
	FacilityCard string // "fff,ccccc": bits 16–23 and 0–15
}

// String lists the forms for a screen: "0A00C3F5E1 / 0012842465 / 195,62945".
func (f CardForms) String() string {
	var parts []string
	for _, s := range []string{f.Hex, f.Decimal, f.FacilityCard} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " / ")
}

// formsOf returns the forms of a number whose low bits are v.
func formsOf(hexID string, v uint64) CardForms {
	return CardForms{
		Hex:          hexID,
		Decimal:      fmt.Sprintf("%010d", v&0xffffffff),
		FacilityCard: fmt.Sprintf("%03d,%05d", v>>16&0xff, v&0xffff),
	}
}

// Forms returns the printed forms of a card's number, read as c.Format
// says: an EM4100 id (10 hex digits), hex or decimal from a Wiegand
// converter. ok is false for text that is not a card number (a scanned
// code) or a number too large for the forms.
func (c Card) Forms() (f CardForms, ok bool) {
	id := c.ID
	format := c.Format
	if format == CardUnknown {
		format = CardText
		if len(id) == 10 && allHex(id) {
			format = CardEM4100
		}
	}
	switch {
	case format == CardEM4100 && len(id) == 10 && allHex(id):
		v, _ := strconv.ParseUint(id, 16, 64)
		return formsOf(strings.ToUpper(id), v), true
	case format == CardDecimal && len(id) <= 10 && allDigits(id):
		v, _ := strconv.ParseUint(id, 10, 64)
		if v > 0xffffffff {
			return CardForms{}, false
		}
		return formsOf("", v), true
	case format == CardHex && len(id) <= 10 && allHex(id):
		v, _ := strconv.ParseUint(id, 16, 64)
		if len(id) == 10 {
			return formsOf(strings.ToUpper(id), v), true
		}
		return formsOf("", v), true
	}
	return CardForms{}, false
}

// ErrBadCardNumber is returned by ParseCardNumber for input that is none
// of the forms printed on cards.
var ErrBadCardNumber = errors.New("not a card number")

// TypedCard is a card number as a clerk typed it from the card.
type TypedCard struct {
	// Hex is set for 10 hex digits with a letter in them (the full
	// EM4100 id); all-digit input is read as the printed decimal.
	Hex string
	// Low is the number's known low bits and Bits how many are known:
	// 40 (hex id), 32 (10-digit decimal) or 24 (facility,card).
	Low  uint64
	Bits int
}

// ParseCardNumber reads what is printed on a card: a decimal number of up
// to 10 digits (the low 32 bits, leading zeros optional), the
// "facility,card" form (3+5 digits; a space, '/' or '-' also separate),
// or the 10-hex-digit id a reader sends. Spaces around are ignored.
func ParseCardNumber(s string) (TypedCard, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%w: %q", ErrBadCardNumber, s)
	if i := strings.IndexAny(s, ", /-，"); i > 0 {
		fac, card := strings.TrimSpace(s[:i]), strings.TrimSpace(strings.TrimLeft(s[i:], ", /-，"))
		if fac == "" || card == "" || len(fac) > 3 || len(card) > 5 || !allDigits(fac) || !allDigits(card) {
			return TypedCard{}, bad
		}
		f, _ := strconv.ParseUint(fac, 10, 64)
		c, _ := strconv.ParseUint(card, 10, 64)
		if f > 0xff || c > 0xffff {
			return TypedCard{}, bad
		}
		return TypedCard{Low: f<<16 | c, Bits: 24}, nil
	}
	switch {
	case s != "" && len(s) <= 10 && allDigits(s):
		v, _ := strconv.ParseUint(s, 10, 64)
		if v > 0xffffffff {
			return TypedCard{}, bad
		}
		return TypedCard{Low: v, Bits: 32}, nil
	case len(s) == 10 && allHex(s):
		v, _ := strconv.ParseUint(s, 16, 64)
		return TypedCard{Hex: strings.ToUpper(s), Low: v, Bits: 40}, nil
	}
	return TypedCard{}, bad
}

// Matches reports whether the typed number is the number of card c, in
// any of its forms (the bits the typed form carries must all agree).
func (t TypedCard) Matches(c Card) bool {
	if t.Bits == 0 {
		return false
	}
	if t.Hex != "" {
		return strings.EqualFold(c.ID, t.Hex)
	}
	f, ok := c.Forms()
	if !ok {
		return false
	}
	if t.Bits == 24 {
		return f.FacilityCard == fmt.Sprintf("%03d,%05d", t.Low>>16&0xff, t.Low&0xffff)
	}
	if f.Decimal == fmt.Sprintf("%010d", t.Low) {
		return true
	}
	// Ten digits could also be a hex id made of digits only.
	return f.Hex != "" && f.Hex == fmt.Sprintf("%010d", t.Low)
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return s != ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
