package devices

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzFraming checks a framing's parser on arbitrary input split at an
// arbitrary point: the split never changes the result (frames split
// across reads), every card is a well-formed id found in the input with a
// good checksum (never half a card), and the counters add up.
func fuzzFraming(f *testing.F, framing Framing, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		at := int(cut) % (len(in) + 1)
		opt := ParserOptions{Debounce: -1, Now: func() time.Time { return time.Unix(0, 0) }}
		whole, err := NewFrameParser(framing, opt)
		if err != nil {
			t.Fatal(err)
		}
		split, _ := NewFrameParser(framing, opt)
		a := whole.Feed(in)
		b := append(split.Feed(in[:at]), split.Feed(in[at:])...)
		if len(a) != len(b) || whole.Stats() != split.Stats() {
			t.Fatalf("split at %d changed the result: %v %+v vs %v %+v", at, a, whole.Stats(), b, split.Stats())
		}
		for i, c := range a {
			if c.ID != b[i].ID {
				t.Fatalf("card %d: %q vs %q", i, c.ID, b[i].ID)
			}
			checkCard(t, framing, in, c.ID)
		}
		st := whole.Stats()
		if st.Good != len(a) || st.NoiseBytes > len(in) || st.NoiseBytes < 0 {
			t.Fatalf("stats %+v for %d cards, %d bytes", st, len(a), len(in))
		}
	})
}

func checkCard(t *testing.T, framing Framing, in []byte, id string) {
	t.Helper()
	switch framing {
	case FramingRDM6300, FramingID12:
		data, err := hex.DecodeString(id)
		if err != nil || len(data) != 5 || strings.ToUpper(id) != id {
			t.Fatalf("card id %q is not 10 hex digits", id)
		}
		if !bytes.Contains(bytes.ToUpper(in), []byte(id)) {
			t.Fatalf("card %q not in input", id)
		}
	case FramingEM18:
		// With the clock standing still only bytes that cannot be in a
		// frame are sync points: the frame must sit between two of them.
		up := bytes.ToUpper(in)
		found := false
		for i := 1; i+12 < len(up) && !found; i++ {
			found = !isHex(up[i-1]) && !isHex(up[i+12]) && bytes.HasPrefix(up[i:], []byte(id))
		}
		if !found {
			t.Fatalf("card %q not between two sync points in %q", id, in)
		}
	case FramingLines, FramingWiegandHex, FramingWiegandDecimal:
		// A line is read whole or not at all: it is in the input as it is.
		if id == "" || !bytes.Contains(bytes.ToUpper(in), bytes.ToUpper([]byte(id))) {
			t.Fatalf("line %q not in input", id)
		}
		for _, r := range id {
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				t.Fatalf("line %q holds a control byte", id)
			}
		}
	}
}

func FuzzFrameParserRDM6300(f *testing.F) {
	fuzzFraming(f, FramingRDM6300, "\x020A00C3F5E13D\x03", "xx\x020A00C3\x02\x021F2E3D4C5B00\x03", "\x020a00c3f5e13d\x03\x03\x02")
}

func FuzzFrameParserID12(f *testing.F) {
	fuzzFraming(f, FramingID12, "\x020A00C3F5E13D\r\n\x03", "\x020A00C3F5E13D\x03\x021F2E3D4C5B00\r\n\x03")
}

func FuzzFrameParserEM18(f *testing.F) {
	fuzzFraming(f, FramingEM18, "0A00C3F5E13D", "0A00C3F5E13D1F2E3D4C5B00", "\r\n0A00C3F5E1\x013D")
}

func FuzzFrameParserLines(f *testing.F) {
	fuzzFraming(f, FramingLines, "SD1.U.000231.Zk3p\r\n", "a\r\rb\n\n\x01c\r\n", "凭证号\n", "SD1\x00.U\r\nok\n")
}

func FuzzFrameParserWiegandDec(f *testing.F) {
	fuzzFraming(f, FramingWiegandDecimal, "0012842465\r\n", "00128\x0042465\r\n195,62945\r\n", " 12 \n")
}

func FuzzFrameParserWiegandHex(f *testing.F) {
	fuzzFraming(f, FramingWiegandHex, "0A00C3F5E1\r\n", "0A00\x1bC3F5E1\n0BADF00D\n")
}

// FuzzFrameParserEM18Timed feeds an EM-18 stream in which '|' stands for
// a pause of FrameGap or more (not fed) and checks the parser against a
// model: sync points are pauses and bytes that cannot be in a frame; the
// part before the first sync point is never read (the port may have
// opened mid-frame); a card is exactly a 12-character run between two
// sync points with a good checksum. No rotated frame can get through.
func FuzzFrameParserEM18Timed(f *testing.F) {
	frame := "0A00C3F5E13D"
	for _, s := range []string{frame[2:] + frame + frame + "|" + frame + "|", "|" + frame + "\r\n" + frame + "|", "|" + frame[:6] + "\xff" + frame[6:] + "|" + frame + "|"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		clk := &fakeClock{t: time.Unix(0, 0)}
		p, err := NewFrameParser(FramingEM18, ParserOptions{Debounce: -1, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		var want []string
		var seg []byte
		synced := false
		sync := func() {
			if synced && len(seg) == 12 {
				var d [6]byte
				if _, err := hex.Decode(d[:], seg); err == nil && d[0]^d[1]^d[2]^d[3]^d[4] == d[5] {
					want = append(want, strings.ToUpper(string(seg[:10])))
				}
			}
			seg, synced = seg[:0], true
		}
		run := []byte{}
		flush := func() {
			if len(run) > 0 {
				got = append(got, ids(p.Feed(run))...)
				run = run[:0]
			}
		}
		for _, c := range in {
			if c == '|' {
				flush()
				clk.t = clk.t.Add(DefaultFrameGap)
				got = append(got, ids(p.Idle())...)
				sync()
				continue
			}
			run = append(run, c)
			if !isHex(c) {
				sync()
			} else if synced {
				seg = append(seg, c)
			}
		}
		flush()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("read %q, model %q", got, want)
		}
	})
}

// FuzzParseStatus checks that only well-formed replies parse, that a
// parsed reply is always a connected printer, and that only the bits the
// selector defines set flags.
func FuzzParseStatus(f *testing.F) {
	for _, s := range [][2]byte{{1, 0x12}, {1, 0x1a}, {2, 0x32}, {2, 0x16}, {3, 0x52}, {4, 0x72}, {4, 0x1e}, {5, 0x12}, {1, 0xff}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, n, reply byte) {
		s, err := ParseStatus(n, reply)
		valid := n >= 1 && n <= 4 && reply&0x93 == 0x12
		if (err == nil) != valid {
			t.Fatalf("ParseStatus(%d, %#x) err=%v, valid=%v", n, reply, err, valid)
		}
		if err != nil {
			if s != (PrinterStatus{}) {
				t.Fatal("error with a status")
			}
			return
		}
		if !s.Connected || s.State() == StateDisconnected || s.Label() == "" {
			t.Fatalf("parsed reply not connected: %+v", s)
		}
		if reply&0x6c == 0 && s != StatusOK {
			t.Fatalf("no flag bits but status %+v", s)
		}
		if s.Ready() != (s.State() == StateOK || s.State() == StatePaperNearEnd) {
			t.Fatalf("Ready disagrees with State for %+v", s)
		}
		// A printer that answered is never "unknown", and a job is
		// confirmed exactly when it may be sent.
		if s.Unknown || s.State() == StateUnknown || s.Fine() != s.Ready() {
			t.Fatalf("answered status %+v: unknown %v fine %v ready %v", s, s.Unknown, s.Fine(), s.Ready())
		}
	})
}
