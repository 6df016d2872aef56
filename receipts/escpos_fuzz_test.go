package receipts

import (
	"strings"
	"testing"
)

// FuzzEncodeESCPOS checks the round trip: whatever the document holds, the
// stream decodes, prints the printable form of every line (wrapped: only
// whitespace may differ), no printed line is wider than the paper (58 mm,
// or 80 mm when align has bit 2 set; double size counts twice), the QR
// payload is unchanged and the stream ends with a cut.
func FuzzEncodeESCPOS(f *testing.F) {
	f.Add("押金", "¥50.00", "SD1.U.000231.Zk3p", "凭证号 U-000231", true, false, false, uint8(0))
	f.Add("伞😀𠀀\x1b@", "", "", "", false, true, true, uint8(1))
	f.Add("一二三四五六七八九十一二三四五六", "￥1,250.00", "x", "", false, true, false, uint8(2))
	f.Fuzz(func(t *testing.T, text, amount, qr, caption string, bold, double, copyMark bool, align uint8) {
		if len(qr) > maxQRPayload {
			t.Skip()
		}
		doc := Document{
			Lines:     []Line{{Text: text, Amount: amount, Bold: bold, Double: double, Align: Align(align % 3)}, {Text: "尾"}},
			QR:        qr,
			QRCaption: caption,
			Copy:      copyMark,
		}
		width := Width58mm
		if align&4 != 0 {
			width = Width80mm
		}
		b, err := EncodeESCPOS(doc, ESCPOSOptions{Width: width})
		if err != nil {
			t.Fatal(err)
		}
		d, err := DecodeESCPOS(b)
		if err != nil {
			t.Fatalf("decode own stream: %v", err)
		}
		want := doc.Text()
		for i := range want {
			want[i] = PrintableText(want[i])
		}
		squash := func(lines []string) string { return strings.Join(strings.Fields(strings.Join(lines, " ")), "") }
		if got, w := squash(d.Texts()), squash(want); got != w {
			t.Fatalf("printed %q, want %q", got, w)
		}
		for _, l := range d.Lines {
			cols := TextColumns(l.Text)
			if l.Double {
				cols *= 2
			}
			if cols > width {
				t.Fatalf("printed line %q is %d columns on %d-column paper", l.Text, cols, width)
			}
		}
		if d.QR() != qr {
			t.Fatalf("QR %q, want %q", d.QR(), qr)
		}
		if !d.Cut || !d.Init {
			t.Fatal("missing init or cut")
		}
	})
}

// FuzzDecodeESCPOS checks the decoder never panics on arbitrary bytes.
func FuzzDecodeESCPOS(f *testing.F) {
	f.Add([]byte{0x1b, '@', 0x1c, '&', 0xd1, 0xba, 0x0a, 0x1d, 'V', 1})
	f.Add([]byte{0x1d, '(', 'k', 3, 0, 49, 81, 48})
	f.Add([]byte{0x1d, 'v', '0', 0, 1, 0, 1, 0, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeESCPOS(b)
	})
}
