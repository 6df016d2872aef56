package devices

import (
	"encoding/hex"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ParserOptions tunes a FrameParser. The zero value is usable.
type ParserOptions struct {
	// Debounce drops the same card read again within this window of its
	// last read; 0 means DefaultDebounce, negative disables.
	Debounce time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RawHistory is how many received bytes Raw keeps; 0 means 256.
	RawHistory int
	// MaxLine is the longest line accepted by the line framings; longer
	// lines are dropped whole. 0 means 512.
	MaxLine int
	// FrameGap is the silence that ends an EM-18 frame (12 characters
	// with no framing bytes): a frame is read only when a gap or a byte
	// that cannot be part of a frame comes before and after it. It must
	// be longer than a USB adapter's delivery delay inside a frame and
	// shorter than the reader's pause between frames. 0 means
	// DefaultFrameGap.
	FrameGap time.Duration
}

// DefaultFrameGap is the default EM-18 inter-frame silence: a frame of 12
// bytes takes 12.5 ms at 9600 baud, USB adapters deliver within ~16 ms,
// and readers pause 100 ms or more between frames.
const DefaultFrameGap = 50 * time.Millisecond

const (
	stx = 0x02
	etx = 0x03
	cr  = '\r'
	nl  = '\n'
)

// FrameParser turns a byte stream from a reader into cards. Frames may be
// split across Feed calls; noise between frames is skipped and counted;
// frames with a bad checksum are dropped and counted; a card is never
// yielded from half a frame or from a frame that may be misaligned: EM-18
// frames (no framing bytes) are read only between two sync points (a
// silence of FrameGap, or a byte that cannot be part of a frame), and a
// line holding any byte outside its framing's alphabet is dropped whole.
// It is not safe for concurrent use.
type FrameParser struct {
	framing Framing
	now     func() time.Time
	maxLine int
	gap     time.Duration
	deb     *debouncer
	raw     *rawRing
	stats   FrameStats

	inFrame   bool      // STX framings: inside STX…ETX
	buf       []byte    // current frame or line
	lineBytes int       // line framings: bytes of the current line, incl. any beyond MaxLine
	synced    bool      // EM-18: the next byte starts a frame
	last      time.Time // EM-18: when the last byte arrived (or the port opened)
}

// NewFrameParser returns a parser for framing.
func NewFrameParser(framing Framing, opt ParserOptions) (*FrameParser, error) {
	if err := framing.Validate(); err != nil {
		return nil, err
	}
	if opt.Debounce == 0 {
		opt.Debounce = DefaultDebounce
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.RawHistory <= 0 {
		opt.RawHistory = 256
	}
	if opt.MaxLine <= 0 {
		opt.MaxLine = 512
	}
	if opt.FrameGap <= 0 {
		opt.FrameGap = DefaultFrameGap
	}
	return &FrameParser{
		framing: framing,
		now:     opt.Now,
		maxLine: opt.MaxLine,
		gap:     opt.FrameGap,
		deb:     newDebouncer(opt.Debounce),
		raw:     newRawRing(opt.RawHistory),
		last:    opt.Now(),
	}, nil
}

// Reset starts afresh after the port was (re)opened: the next bytes may
// begin in the middle of a frame. A partial frame or line is dropped and
// counted as noise.
func (p *FrameParser) Reset() {
	p.stats.NoiseBytes += len(p.buf)
	if p.lineBytes > len(p.buf) {
		p.stats.NoiseBytes += p.lineBytes - len(p.buf)
	}
	p.buf, p.inFrame, p.lineBytes, p.synced = p.buf[:0], false, 0, false
	p.last = p.now()
}

// Framing returns the parser's framing.
func (p *FrameParser) Framing() Framing { return p.framing }

// Stats returns the counters so far.
func (p *FrameParser) Stats() FrameStats { return p.stats }

// Raw returns the last bytes received, oldest first.
func (p *FrameParser) Raw() []byte { return p.raw.bytes() }

// Feed consumes the next bytes read from the port and returns the cards
// completed by them (after debouncing).
func (p *FrameParser) Feed(b []byte) []Card {
	p.raw.write(b)
	now := p.now()
	var ids []string
	if p.framing == FramingEM18 && len(b) > 0 {
		if id := p.em18Silence(now); id != "" {
			ids = append(ids, id)
		}
	}
	for _, c := range b {
		var id string
		switch p.framing {
		case FramingRDM6300, FramingID12:
			id = p.feedSTX(c)
		case FramingEM18:
			id = p.feedEM18(c)
		default:
			id = p.feedLine(c)
		}
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(b) > 0 {
		p.last = now
	}
	return p.accept(ids, now)
}

// Idle tells the parser that nothing arrived since the last Feed (a read
// timed out). An EM-18 frame ends with silence, so a frame that has been
// followed by FrameGap of it is yielded now.
func (p *FrameParser) Idle() []Card {
	if p.framing != FramingEM18 {
		return nil
	}
	now := p.now()
	id := p.em18Silence(now)
	if id == "" {
		return nil
	}
	return p.accept([]string{id}, now)
}

// accept debounces complete reads and counts them.
func (p *FrameParser) accept(ids []string, now time.Time) []Card {
	if len(ids) == 0 {
		return nil
	}
	var cards []Card
	for _, id := range ids {
		if !p.deb.accept(id, now) {
			p.stats.Repeats++
			continue
		}
		p.stats.Good++
		cards = append(cards, Card{ID: id, At: now, Format: p.framing.cardFormat()})
	}
	return cards
}

// STX framings never exceed this many bytes between STX and ETX.
const maxSTXFrame = 14

func (p *FrameParser) feedSTX(c byte) string {
	if !p.inFrame {
		if c == stx {
			p.inFrame, p.buf = true, p.buf[:0]
		} else {
			p.stats.NoiseBytes++
		}
		return ""
	}
	switch {
	case c == stx: // a new frame starts: the old one was broken
		p.stats.NoiseBytes += 1 + len(p.buf)
		p.buf = p.buf[:0]
		return ""
	case c == etx:
		p.inFrame = false
		frame := p.buf
		if p.framing == FramingID12 {
			if len(frame) != 14 || frame[12] != cr || frame[13] != nl {
				p.stats.NoiseBytes += 2 + len(frame)
				return ""
			}
			frame = frame[:12]
		}
		id, res := p.checkEM(frame)
		if res == emMalformed {
			p.stats.NoiseBytes += 2 + len(p.buf)
		}
		return id
	}
	p.buf = append(p.buf, c)
	if len(p.buf) > maxSTXFrame {
		p.stats.NoiseBytes += 1 + len(p.buf)
		p.inFrame, p.buf = false, p.buf[:0]
	}
	return ""
}

type emResult int

const (
	emGood emResult = iota
	emBadChecksum
	emMalformed
)

// checkEM validates 10 hex data + 2 hex XOR checksum and returns the id
// of a good frame. Bad checksums are counted here.
func (p *FrameParser) checkEM(frame []byte) (string, emResult) {
	if len(frame) != 12 {
		return "", emMalformed
	}
	var data [6]byte
	if _, err := hex.Decode(data[:], frame); err != nil {
		return "", emMalformed
	}
	if data[0]^data[1]^data[2]^data[3]^data[4] != data[5] {
		p.stats.BadChecksum++
		return "", emBadChecksum
	}
	return strings.ToUpper(string(frame[:10])), emGood
}

// em18Silence marks a sync point if the line has been silent for
// FrameGap since the last byte, yielding a frame it completes.
func (p *FrameParser) em18Silence(now time.Time) string {
	if now.Sub(p.last) < p.gap {
		return ""
	}
	return p.em18Sync()
}

// em18Sync is a sync point: 12 characters read since the previous one are
// a frame (checked); anything else pending is noise. The next character
// starts a frame.
func (p *FrameParser) em18Sync() string {
	var id string
	if len(p.buf) == 12 {
		id, _ = p.checkEM(p.buf)
	} else {
		p.stats.NoiseBytes += len(p.buf)
	}
	p.buf, p.synced = p.buf[:0], true
	return id
}

// feedEM18 takes one byte of an EM-18 stream: 12 hex characters between
// two sync points (silence, or a byte that cannot be in a frame). Hex
// read while out of sync, and a 13th character without a pause (the
// stream is not where we thought), are noise until the next sync point:
// a rotated frame passes the XOR checksum, so alignment is never guessed.
func (p *FrameParser) feedEM18(c byte) string {
	if !isHex(c) {
		if c != cr && c != nl { // some modules end frames with CR LF
			p.stats.NoiseBytes++
		}
		return p.em18Sync()
	}
	if !p.synced {
		p.stats.NoiseBytes++
		return ""
	}
	p.buf = append(p.buf, c)
	if len(p.buf) > 12 {
		p.stats.NoiseBytes += len(p.buf)
		p.buf, p.synced = p.buf[:0], false
	}
	return ""
}

// feedLine takes one byte of a line framing. A line is everything up to
// CR or LF; it is read only if every byte is in the framing's alphabet
// (checkLine), else it is dropped whole and counted, never shortened.
func (p *FrameParser) feedLine(c byte) string {
	if c == cr || c == nl {
		line, n := p.buf, p.lineBytes
		p.buf, p.lineBytes = p.buf[:0], 0
		if n == 0 {
			return "" // the LF of a CR LF pair, or an empty line
		}
		if n == len(line) {
			if id, ok := p.checkLine(line); ok {
				return id
			}
		}
		p.stats.BadLines++
		p.stats.NoiseBytes += n + 1
		return ""
	}
	p.lineBytes++
	if len(p.buf) < p.maxLine {
		p.buf = append(p.buf, c)
	}
	return ""
}

// checkLine returns the card or code of a complete line: surrounding
// spaces are padding; everything else must be in the framing's alphabet:
// hex digits (wiegand-hex), decimal digits (wiegand-dec), printable text
// without control characters (lines).
func (p *FrameParser) checkLine(line []byte) (string, bool) {
	s := strings.Trim(string(line), " ")
	if s == "" {
		return "", false
	}
	switch p.framing {
	case FramingWiegandHex:
		for i := 0; i < len(s); i++ {
			if !isHex(s[i]) {
				return "", false
			}
		}
		return strings.ToUpper(s), true
	case FramingWiegandDecimal:
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return "", false
			}
		}
		return s, true
	}
	if !utf8.ValidString(s) {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			return "", false
		}
	}
	return s, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
