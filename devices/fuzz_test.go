package devices

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
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
	case FramingRDM6300, FramingID12, FramingEM18:
		data, err := hex.DecodeString(id)
		if err != nil || len(data) != 5 || strings.ToUpper(id) != id {
			t.Fatalf("card id %q is not 10 hex digits", id)
		}
		if !bytes.Contains(bytes.ToUpper(in), []byte(id)) {
			t.Fatalf("card %q not in input", id)
		}
	case FramingLines:
		// Control bytes inside a line are dropped, so the line is a
		// subsequence of the input without control bytes.
		if id == "" || !isSubsequence([]byte(id), in) {
			t.Fatalf("line %q not in input", id)
		}
		for i := 0; i < len(id); i++ {
			if id[i] < 0x20 || id[i] == 0x7f {
				t.Fatalf("line %q holds a control byte", id)
			}
		}
	}
}

func isSubsequence(sub, in []byte) bool {
	for _, c := range in {
		if len(sub) > 0 && sub[0] == c {
			sub = sub[1:]
		}
	}
	return len(sub) == 0
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
	fuzzFraming(f, FramingLines, "SD1.U.000231.Zk3p\r\n", "a\r\rb\n\n\x01c\r\n", "凭证号\n")
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
	})
}
