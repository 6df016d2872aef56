package ledger

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// stopRunes split Chinese text like punctuation: particles and measure
// words that say nothing about an item (黑色的钱包 → 黑色, 钱包).
const stopRunes = "的了和与及在个一只件把条是有"

// Words splits a description into the words matching compares: runs of
// Chinese characters as overlapping pairs (黑色钱包 → 黑色, 色钱, 钱包; a
// lone character stays whole), and letters or digits as lowercase words
// (iPhone 13 → iphone, 13). Fullwidth forms are folded to ASCII first.
// Each word appears once, in order of first appearance.
func Words(s string) []string {
	s = width.Fold.String(s)
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	var han []rune
	var latin []rune
	flushHan := func() {
		if len(han) == 1 {
			add(string(han))
		}
		for i := 0; i+1 < len(han); i++ {
			add(string(han[i : i+2]))
		}
		han = han[:0]
	}
	flushLatin := func() {
		add(strings.ToLower(string(latin)))
		latin = latin[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) && !strings.ContainsRune(stopRunes, r):
			flushLatin()
			han = append(han, r)
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			flushHan()
			latin = append(latin, r)
		default:
			flushHan()
			flushLatin()
		}
	}
	flushHan()
	flushLatin()
	return out
}

// SharedWords returns the words of a that also appear in b, in a's order.
func SharedWords(a, b string) []string {
	in := map[string]bool{}
	for _, w := range Words(b) {
		in[w] = true
	}
	var out []string
	for _, w := range Words(a) {
		if in[w] {
			out = append(out, w)
		}
	}
	return out
}
