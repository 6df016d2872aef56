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

// feedAt feeds chunks to p, advancing the clock by the given pause
// before each, and returns the cards read (Idle is called after a pause,
// as the reader does on a read timeout).
func feedAt(p *FrameParser, clk *fakeClock, steps ...any) []string {
	var got []Card
	for _, s := range steps {
		switch v := s.(type) {
		case time.Duration:
			clk.t = clk.t.Add(v)
			got = append(got, p.Idle()...)
		case string:
			got = append(got, p.Feed([]byte(v))...)
		}
	}
	return ids(got)
}

func TestFrameParserEM18(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := newTestParser(t, FramingEM18, clk)
	a := emData("0A00C3F5E1")
	b := emData("1F2E3D4C5B")
	pause := 200 * time.Millisecond
	got := feedAt(p, clk,
		pause, "\r\n", a[:7], 5*time.Millisecond, a[7:], "##", // split across reads, ended by bytes that cannot be in a frame
		pause, badSum("\x02" + b)[1:], pause, // bad checksum
		" "+b, pause, // a stray space, then a frame ended by silence
		a[:11], pause) // half a card
	if strings.Join(got, ",") != "0A00C3F5E1,1F2E3D4C5B" {
		t.Fatalf("cards %q", got)
	}
	if st := p.Stats(); st.BadChecksum != 1 || st.NoiseBytes != 2+1+11 || st.Good != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// A port opened in the middle of a stream of EM-18 frames: the frames are
// rotated by the offset, and a rotated frame still passes the checksum.
// Whatever the offset and however the bytes are split, no rotated number
// is ever read; once a pause is seen, every frame is read right.
func TestFrameParserEM18Rotated(t *testing.T) {
	frame := emData("0A00C3F5E1")
	if rot := frame[2:] + frame[:2]; rot[10:] != emData(rot[:10])[10:] {
		t.Fatalf("test premise: rotated frame %s fails its checksum", rot)
	}
	for offset := 1; offset < 12; offset++ {
		clk := &fakeClock{t: time.Unix(0, 0)}
		p := newTestParser(t, FramingEM18, clk)
		// The port opens mid-frame: the tail of one frame arrives at once.
		var got []string
		got = append(got, feedAt(p, clk, frame[offset:])...)
		// Back to back, no pause (bytes that queued up in the OS): the
		// stream read from here is rotated. Nothing may be read.
		got = append(got, feedAt(p, clk, strings.Repeat(frame, 3)[:17], strings.Repeat(frame, 3)[17:])...)
		if len(got) != 0 {
			t.Fatalf("offset %d: read %q from a misaligned stream", offset, got)
		}
		// The reader pauses between frames: from the next frame on, aligned.
		got = feedAt(p, clk, 100*time.Millisecond, frame, 100*time.Millisecond, 2*time.Second, frame[:5], frame[5:], 100*time.Millisecond)
		if strings.Join(got, ",") != "0A00C3F5E1,0A00C3F5E1" {
			t.Fatalf("offset %d: after a pause read %q", offset, got)
		}
	}
	// A stray byte injected inside a frame: the frame is lost, the next is read.
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := newTestParser(t, FramingEM18, clk)
	got := feedAt(p, clk, time.Second, frame[:6]+"\xff"+frame[6:], time.Second, frame, time.Second)
	if strings.Join(got, ",") != "0A00C3F5E1" || p.Stats().Good != 1 {
		t.Fatalf("stray byte: %q %+v", got, p.Stats())
	}
	// Bytes that arrive right after the port opens may be mid-frame.
	p.Reset()
	if got := feedAt(p, clk, frame, time.Second); len(got) != 0 {
		t.Fatalf("read %q right after opening", got)
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
		// A control byte inside a number drops the line whole: never a
		// shorter, wrong number.
		{FramingWiegandDecimal, "00123\x0045678\r\n0087654321\r\n", "0087654321"},
		{FramingWiegandHex, "00A1\x1bB2C3\r\n\x7f0BADF00D\n0BADF00D\n", "0BADF00D"},
		{FramingLines, "SD1.U.0002\x0031.Zk3p\r\nSD1.U.000231.Zk3p\r\n", "SD1.U.000231.Zk3p"},
		{FramingLines, "SD1.U\xff.1\r\nSD1.U\u202e.1\r\nSD1.U.1\r\n", "SD1.U.1"}, // invalid UTF-8, a bidi override
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
	if strings.Join(ids(got), ",") != "short" || p.Stats().NoiseBytes != 17 || p.Stats().BadLines != 1 {
		t.Fatalf("overlong line: %q %+v", ids(got), p.Stats())
	}
	got = p.Feed([]byte("abc\x01def\r\n"))
	if len(got) != 0 || p.Stats().BadLines != 2 || p.Stats().NoiseBytes != 17+8 {
		t.Fatalf("control byte: %q %+v", ids(got), p.Stats())
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
