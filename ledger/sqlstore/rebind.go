package sqlstore

import (
	"strconv"
	"strings"
)

// rebindDollar turns each `?` placeholder into $1, $2 … in order. A `?`
// inside a string literal ('…', E'…' with backslash escapes), a quoted
// identifier ("…"), a dollar-quoted body ($tag$…$tag$) or a comment (-- …,
// /* … */, nested) is left alone, unlike sqlx's Rebind.
func rebindDollar(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, last := 0, 0
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '?':
			n++
			b.WriteString(q[last:i])
			// $n must stand alone: after an identifier PostgreSQL would read
			// a$1 as one name, and before one $1a is "trailing junk".
			if i > 0 && (identByte(q[i-1]) || q[i-1] == '$') {
				b.WriteByte(' ')
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i++
			last = i
			if i < len(q) && (identByte(q[i]) || q[i] == '$') {
				b.WriteByte(' ')
			}
		case c == '\'':
			i = skipQuoted(q, i, '\'', false)
		case c == '"':
			i = skipQuoted(q, i, '"', false)
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(q)
			}
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			i = skipBlockComment(q, i)
		case c == '$':
			i = skipDollar(q, i)
		case identByte(c):
			// An identifier or a number; an identifier may contain `$`
			// (a$b), which then starts neither a dollar quote nor a
			// parameter.
			start := i
			i++
			digit := c >= '0' && c <= '9' // a number never continues with `$`
			for i < len(q) && (identByte(q[i]) || q[i] == '$' && !digit) {
				i++
			}
			if i == start+1 && (c == 'E' || c == 'e') && i < len(q) && q[i] == '\'' {
				i = skipQuoted(q, i, '\'', true) // E'…': backslash escapes
			}
		default:
			i++
		}
	}
	b.WriteString(q[last:])
	return b.String()
}

// identByte reports whether c can continue an identifier or a number
// (multi-byte UTF-8 letters count as identifier bytes, as in PostgreSQL).
func identByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// skipQuoted returns the index after the literal opened by quote at i.
// A doubled quote stays inside; with escapes a backslash escapes the next
// byte (E'…'). An unterminated literal runs to the end.
func skipQuoted(q string, i int, quote byte, escapes bool) int {
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			if escapes {
				j++
			}
		case quote:
			if j+1 < len(q) && q[j+1] == quote {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(q)
}

// skipBlockComment returns the index after the (nestable) comment at i.
func skipBlockComment(q string, i int) int {
	depth := 0
	for j := i; j+1 < len(q); j++ {
		switch {
		case q[j] == '/' && q[j+1] == '*':
			depth++
			j++
		case q[j] == '*' && q[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(q)
}

// skipDollar handles a `$` outside an identifier: a positional parameter
// ($1), a dollar-quoted string ($$…$$ or $tag$…$tag$, the tag not starting
// with a digit), or a lone `$`. It returns the index after it.
func skipDollar(q string, i int) int {
	j := i + 1
	if j < len(q) && q[j] >= '0' && q[j] <= '9' {
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		return j
	}
	for j < len(q) && identByte(q[j]) {
		j++
	}
	if j >= len(q) || q[j] != '$' {
		return i + 1
	}
	tag := q[i : j+1]
	if end := strings.Index(q[j+1:], tag); end >= 0 {
		return j + 1 + end + len(tag)
	}
	return len(q)
}
