package receipts

import (
	"strings"

	"servicedesk/ledger"
)

// MaskPhone returns a phone number as shown on screens, receipts and PDFs
// (PIPL): a mainland mobile becomes "138****1234" whether typed as
// "13812341234", "+86 138-1234-1234" or "008613812341234". Any other number
// keeps only its last four digits ("****5678"); fewer than seven digits give
// "****". An already masked mobile is returned unchanged, so masking twice is
// harmless. The result never holds more than seven of the input's digits.
func MaskPhone(phone string) string {
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '\t', '\u3000':
			return -1
		}
		return r
	}, phone)
	if s == "" {
		return ""
	}
	if m, err := ledger.NormalizeMobile(s); err == nil {
		return ledger.MaskMobile(m)
	}
	if isMaskedMobile(s) || isMaskedOther(s) {
		return s
	}
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	if len(digits) < 7 {
		return "****"
	}
	return "****" + string(digits[len(digits)-4:])
}

// isMaskedMobile reports whether s is a masked mainland mobile, 1[3-9]d****dddd.
func isMaskedMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' || s[3:7] != "****" {
		return false
	}
	for _, c := range s[:3] + s[7:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isMaskedOther reports whether s is already "****" or "****" + 4 digits.
func isMaskedOther(s string) bool {
	rest, ok := strings.CutPrefix(s, "****")
	if !ok || (len(rest) != 0 && len(rest) != 4) {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}

// MaskName returns a person's name with only its first character shown
// ("张三" → "张*"). It is ledger.MaskName: one rule for screens, receipts,
// reports and the personal-data store.
func MaskName(name string) string { return ledger.MaskName(name) }
