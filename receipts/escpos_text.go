package receipts

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbText converts UTF-8 text to the bytes an ESC/POS printer in Chinese
// mode prints: ASCII as is, everything else as a two-byte GB18030 code.
// Runes without a two-byte code (four-byte GB18030, emoji, invalid UTF-8)
// and control characters become '?'; '¥' becomes the fullwidth '￥'.
// The output never holds a partial or four-byte sequence, so the printer
// cannot fall out of step with the command stream.
type gbText struct {
	enc *encoding.Encoder
	buf [8]byte
}

func newGBText() *gbText {
	return &gbText{enc: simplifiedchinese.GB18030.NewEncoder()}
}

// appendText appends the printable encoding of s to dst.
func (g *gbText) appendText(dst []byte, s string) []byte {
	for _, r := range s {
		dst = g.appendRune(dst, r)
	}
	return dst
}

func (g *gbText) appendRune(dst []byte, r rune) []byte {
	switch {
	case r == '\t':
		return append(dst, ' ')
	case r < 0x20 || r == 0x7f:
		return append(dst, '?')
	case r < 0x80:
		return append(dst, byte(r))
	case r == '¥':
		r = '￥'
	case r == utf8.RuneError:
		return append(dst, '?')
	}
	var src [utf8.UTFMax]byte
	n := utf8.EncodeRune(src[:], r)
	g.enc.Reset()
	m, _, err := g.enc.Transform(g.buf[:], src[:n], true)
	if err != nil || m != 2 || !isGB2(g.buf[0], g.buf[1]) {
		return append(dst, '?')
	}
	return append(dst, g.buf[0], g.buf[1])
}

// isGB2 reports whether b0 b1 form a two-byte GB18030 code.
func isGB2(b0, b1 byte) bool {
	return b0 >= 0x81 && b0 <= 0xfe && b1 >= 0x40 && b1 <= 0xfe && b1 != 0x7f
}

// PrintableText returns s as an ESC/POS printer prints it after
// EncodeESCPOS: unprintable runes are '?', '¥' is '￥', tabs are spaces.
func PrintableText(s string) string {
	g := newGBText()
	b := g.appendText(nil, s)
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(out)
}

// TextColumns returns the printed width of s in columns: one per ASCII
// character, two per Chinese (two-byte) character.
func TextColumns(s string) int {
	return len(newGBText().appendText(nil, s))
}
