package receipts

import (
	"strings"
	"unicode/utf8"
)

// Layout by paper width. A document is device-neutral: its lines are
// not wrapped when it is built (a receipt queued at one width may print on
// another printer), and the encoder lays each line out for the paper:
// rules span the width, text wraps at the width (half of it for
// double-size headings), and an amount stays right-aligned on the last
// line of its label or goes on a line of its own. Widths are counted as
// the printer counts them in Chinese mode: one column per ASCII character,
// two per Chinese (GB18030 two-byte) character.

// Separator is a rule across the paper: a line of '-' as wide as the
// printer's paper (32 columns on 58 mm, 48 on 80 mm).
func Separator() Line { return Line{Rule: true} }

// isRule reports whether l is a rule: Rule set, or a line of dashes only
// (documents queued before rules followed the paper width).
func (l Line) isRule() bool {
	if l.Rule {
		return true
	}
	return l.Amount == "" && len(l.Text) >= 8 && strings.Trim(l.Text, "-") == ""
}

// printedLine is one line of text as the printer prints it.
type printedLine struct {
	text  string // printable text (PrintableText), padding included
	align Align
}

// columnsOf counts the printer columns of printable text.
func columnsOf(s string) int {
	n := 0
	for _, r := range s {
		n += runeColumns(r)
	}
	return n
}

// runeColumns is the width of one printable rune: ASCII takes one
// column, everything else (a two-byte GB18030 code) two.
func runeColumns(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return 2
}

// layoutLine lays l out for paper width columns wide.
func layoutLine(l Line, width int) []printedLine {
	w := width
	if l.Double {
		w = max(width/2, 1)
	}
	if l.isRule() {
		return []printedLine{{text: strings.Repeat("-", w), align: Left}}
	}
	text := PrintableText(l.Text)
	if l.Amount == "" {
		var out []printedLine
		for _, s := range wrapColumns(text, w) {
			out = append(out, printedLine{text: s, align: l.Align})
		}
		return out
	}
	amount := PrintableText(l.Amount)
	aw := columnsOf(amount)
	if aw > w { // an amount wider than the paper: wrap it, right-aligned
		var out []printedLine
		for _, s := range wrapColumns(text, w) {
			out = append(out, printedLine{text: s})
		}
		for _, s := range wrapColumns(amount, w) {
			out = append(out, printedLine{text: pad(w-columnsOf(s)) + s})
		}
		return out
	}
	if text == "" {
		return []printedLine{{text: pad(w-aw) + amount}}
	}
	lines := wrapColumns(text, w)
	last := lines[len(lines)-1]
	out := make([]printedLine, 0, len(lines)+1)
	for _, s := range lines[:len(lines)-1] {
		out = append(out, printedLine{text: s})
	}
	if lw := columnsOf(last); lw+1+aw <= w {
		return append(out, printedLine{text: last + pad(w-lw-aw) + amount})
	}
	return append(out, printedLine{text: last}, printedLine{text: pad(w-aw) + amount})
}

func pad(n int) string { return strings.Repeat(" ", max(n, 0)) }

// breakAfter are the characters a line may break after by preference.
const breakAfter = "，；。！？、：,;.!? "

// noLineStart are the characters a line must not start with (Chinese
// line-breaking rules): closing brackets and punctuation.
const noLineStart = "）】」』》〉，。；！？、：,.;:!?)]}"

// wrapColumns splits printable s into lines of at most cols printer
// columns, preferring to break after Chinese punctuation or a space and
// never starting a line with a closing mark; a word longer than a line is
// cut. Spaces at a break are dropped. An empty s is one empty line.
func wrapColumns(s string, cols int) []string {
	cols = max(cols, 2) // room for one Chinese character
	var lines []string
	var cur []rune
	width := 0
	brk := -1 // index in cur just after the last preferred break
	for _, c := range s {
		cw := runeColumns(c)
		if width+cw > cols && len(cur) > 0 {
			cut := len(cur)
			if brk > 0 {
				cut = brk
			}
			// A closing mark must not start the next line: carry the
			// character before it over too.
			for cut > 1 && strings.ContainsRune(noLineStart, firstOf(cur[cut:], c)) {
				cut--
			}
			lines = append(lines, strings.TrimRight(string(cur[:cut]), " "))
			cur = []rune(strings.TrimLeft(string(cur[cut:]), " "))
			width = columnsOf(string(cur))
			brk = -1
			if c == ' ' && len(cur) == 0 {
				continue
			}
		}
		cur = append(cur, c)
		width += cw
		if strings.ContainsRune(breakAfter, c) {
			brk = len(cur)
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(string(cur), " "))
	}
	return lines
}

// firstOf is the first rune of rest followed by c.
func firstOf(rest []rune, c rune) rune {
	if len(rest) > 0 {
		return rest[0]
	}
	return c
}
