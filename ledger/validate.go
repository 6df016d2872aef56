package ledger

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ResidentIDWeights are the GB 11643-1999 check-digit weights.
var residentIDWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ValidateResidentID checks an 18-digit resident ID number (GB 11643-1999):
// digits, a real birth date and the check character. It returns the
// normalised ID (uppercase X).
func ValidateResidentID(id string) (string, error) {
	id = strings.ToUpper(strings.TrimSpace(id))
	bad := Errorf(EINVALID, "身份证号码无效")
	if len(id) != 18 {
		return "", bad
	}
	check, ok := ResidentIDCheck(id[:17])
	if !ok || check != id[17] {
		return "", bad
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil || birth.Year() < 1900 {
		return "", bad
	}
	return id, nil
}

// ResidentIDCheck returns the GB 11643 check character for the first 17
// digits of a resident ID number; ok is false unless they are 17 digits.
func ResidentIDCheck(first17 string) (check byte, ok bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * residentIDWeights[i]
	}
	return "10X98765432"[sum%11], true
}

// MaskResidentID keeps the first 1 and the last 2 characters.
func MaskResidentID(id string) string {
	if len(id) < 4 {
		return strings.Repeat("*", len(id))
	}
	return id[:1] + strings.Repeat("*", len(id)-3) + id[len(id)-2:]
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateUSCC checks an 18-character unified social credit code (GB 32100-2015).
func ValidateUSCC(code string) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	bad := Errorf(EINVALID, "统一社会信用代码无效")
	if len(code) != 18 {
		return "", bad
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, code[i])
		if v < 0 {
			return "", bad
		}
		sum += v * usccWeights[i]
	}
	if usccAlphabet[(31-sum%31)%31] != code[17] {
		return "", bad
	}
	return code, nil
}

// NormalizeMobile validates a mainland mobile number (1[3-9] + 9 digits,
// optional +86, 86 or 0086 prefix, spaces and dashes ignored) and returns 11 digits.
func NormalizeMobile(s string) (string, error) {
	r := strings.NewReplacer(" ", "", "-", "")
	s = r.Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+")
	if len(s) == 15 && strings.HasPrefix(s, "0086") {
		s = s[2:]
	}
	if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	}
	bad := Errorf(EINVALID, "手机号码无效")
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return "", bad
	}
	for i := 2; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", bad
		}
	}
	return s, nil
}

// MaskMobile shows a mobile number as 138****1234. Anything that is not 11
// digits is masked entirely.
func MaskMobile(s string) string {
	if len(s) != 11 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + "****" + s[7:]
}

// MaskName returns a person's name with only its first character (the
// surname) shown: "张三" → "张*", "欧阳娜娜" → "欧***", "李" → "*". At most
// three stars are used so long names do not reveal their length.
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return ""
	case n == 1:
		return "*"
	}
	first, _ := utf8.DecodeRuneInString(name)
	if first == utf8.RuneError {
		first = '?'
	}
	return string(first) + strings.Repeat("*", min(n-1, 3))
}
