package devices

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// emData returns 10 hex data + 2 hex XOR checksum for a card id.
func emData(id string) string {
	var x byte
	for i := 0; i < 10; i += 2 {
		var b byte
		fmt.Sscanf(id[i:i+2], "%02X", &b)
		x ^= b
	}
	return fmt.Sprintf("%s%02X", id, x)
}

func rdmFrame(id string) string  { return "\x02" + emData(id) + "\x03" }
func id12Frame(id string) string { return "\x02" + emData(id) + "\r\n\x03" }

// badSum corrupts the checksum of a frame.
func badSum(frame string) string {
	b := []byte(frame)
	i := bytes.IndexByte(b, 0x02) + 12
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

func newTestParser(t *testing.T, f Framing, clk *fakeClock) *FrameParser {
	t.Helper()
	p, err := NewFrameParser(f, ParserOptions{Now: clk.Now, RawHistory: 32})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ids(cards []Card) []string {
	out := make([]string, len(cards))
	for i, c := range cards {
		out[i] = c.ID
	}
	return out
}

func TestFrameParserSTXFramings(t *testing.T) {
	for _, tc := range []struct {
		f     Framing
		frame func(string) string
	}{{FramingRDM6300, rdmFrame}, {FramingID12, id12Frame}} {
		t.Run(string(tc.f), func(t *testing.T) {
			clk := &fakeClock{t: time.Date(2025, 7, 14, 15, 42, 0, 0, time.UTC)}
			p := newTestParser(t, tc.f, clk)
			a, b := tc.frame("0A00C3F5E1"), tc.frame("1F2E3D4C5B")
			stream := "zz" + a[:5] + "|" + a[5:] + badSum(b) + "\x02123" + b + "noise" + a + a
			var got []Card
			// Feed one byte at a time: frames split everywhere.
			for i := 0; i < len(stream); i++ {
				got = append(got, p.Feed([]byte{stream[i]})...)
			}
			// "|" inside the first frame breaks it; the second good a is
			// debounced.
			if want := "1F2E3D4C5B,0A00C3F5E1"; strings.Join(ids(got), ",") != want {
				t.Fatalf("cards %q, want %q", ids(got), want)
			}
			st := p.Stats()
			if st.Good != 2 || st.BadChecksum != 1 || st.Repeats != 1 {
				t.Fatalf("stats %+v", st)
			}
			clk.t = clk.t.Add(2 * time.Second)
			if got := p.Feed([]byte(a)); len(got) != 1 || got[0].ID != "0A00C3F5E1" || !got[0].At.Equal(clk.t) {
				t.Fatalf("after the window: %+v", got)
			}
			if st := p.Stats(); st.NoiseBytes < 2+5+len("noise") || st.Repeats != 1 {
				t.Fatalf("stats %+v", st)
			}
			if raw := p.Raw(); len(raw) != 32 || !bytes.HasSuffix([]byte(stream+a), raw) {
				t.Fatalf("raw ring %q", raw)
			}
		})
	}
}

func TestFrameParserDebounce(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := newTestParser(t, FramingRDM6300, clk)
	a, b := rdmFrame("0A00C3F5E1"), rdmFrame("1F2E3D4C5B")
	n := 0
	for i := 0; i < 20; i++ { // held on the antenna: a frame every 100 ms
		n += len(p.Feed([]byte(a)))
		clk.t = clk.t.Add(100 * time.Millisecond)
	}
	n += len(p.Feed([]byte(b))) // another card passes at once
	if n != 2 || p.Stats().Repeats != 19 {
		t.Fatalf("accepted %d, stats %+v", n, p.Stats())
	}
	clk.t = clk.t.Add(1500 * time.Millisecond)
	if len(p.Feed([]byte(a))) != 1 {
		t.Fatal("a read after the window must count")
	}
}

func TestFrameParserEM18(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := newTestParser(t, FramingEM18, clk)
	a := emData("0A00C3F5E1")
	b := emData("1F2E3D4C5B")
	stream := "\r\n" + a[:7] + a[7:] + "##" + badSum("\x02" + b)[1:] + " " + b
	var got []Card
	got = append(got, p.Feed([]byte(stream[:9]))...)
	got = append(got, p.Feed([]byte(stream[9:]))...)
	if strings.Join(ids(got), ",") != "0A00C3F5E1,1F2E3D4C5B" {
		t.Fatalf("cards %q", ids(got))
	}
	if st := p.Stats(); st.BadChecksum != 1 || st.NoiseBytes != 5 || st.Good != 2 {
		t.Fatalf("stats %+v", st)
	}
	if len(p.Feed([]byte(a[:11]))) != 0 {
		t.Fatal("half a card yielded")
	}
}

func TestFrameParserLines(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	cases := []struct {
		f    Framing
		in   string
		want string
	}{
		{FramingWiegandDecimal, "0012345678\r\n12ab\r\n0087654321\r", "0012345678,0087654321"},
		{FramingWiegandHex, "00a1b2c3\r\nXYZ\n0BADF00D\n", "00A1B2C3,0BADF00D"},
		{FramingLines, "SD1.U.000231.Zk3p\r\n\x01\r\n  凭证  \n", "SD1.U.000231.Zk3p,凭证"},
	}
	for _, c := range cases {
		p := newTestParser(t, c.f, clk)
		var got []Card
		for _, part := range []string{c.in[:5], c.in[5:]} {
			got = append(got, p.Feed([]byte(part))...)
		}
		if strings.Join(ids(got), ",") != c.want {
			t.Errorf("%s: cards %q, want %q", c.f, ids(got), c.want)
		}
	}
	p, err := NewFrameParser(FramingLines, ParserOptions{MaxLine: 8, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	got := p.Feed([]byte("0123456789ABCDEF\r\nshort\r\n"))
	if strings.Join(ids(got), ",") != "short" || p.Stats().NoiseBytes == 0 {
		t.Fatalf("overlong line: %q %+v", ids(got), p.Stats())
	}
	if got := p.Feed([]byte("no end yet")); len(got) != 0 {
		t.Fatal("a line without its end must not be yielded")
	}
}

func TestFramingValidate(t *testing.T) {
	for _, f := range Framings() {
		if err := f.Validate(); err != nil {
			t.Error(err)
		}
	}
	if _, err := NewFrameParser("wiegand26", ParserOptions{}); err == nil {
		t.Fatal("unknown framing accepted")
	}
}
