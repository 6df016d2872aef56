package devices

import (
	"encoding/hex"
	"strings"
	"time"
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
	// lines are dropped as noise. 0 means 512.
	MaxLine int
}

const (
	stx = 0x02
	etx = 0x03
	cr  = '\r'
	nl  = '\n'
)

// FrameParser turns a byte stream from a reader into cards. Frames may be
// split across Feed calls; noise between frames is skipped and counted;
// frames with a bad checksum are dropped and counted; a card is never
// yielded from half a frame. It is not safe for concurrent use.
type FrameParser struct {
	framing Framing
	now     func() time.Time
	maxLine int
	deb     *debouncer
	raw     *rawRing
	stats   FrameStats

	inFrame bool   // STX framings: inside STX…ETX
	buf     []byte // current frame or line
	skip    bool   // line framings: discarding an overlong line
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
	return &FrameParser{
		framing: framing,
		now:     opt.Now,
		maxLine: opt.MaxLine,
		deb:     newDebouncer(opt.Debounce),
		raw:     newRawRing(opt.RawHistory),
	}, nil
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
	var ids []string
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
	if len(ids) == 0 {
		return nil
	}
	now := p.now()
	var cards []Card
	for _, id := range ids {
		if !p.deb.accept(id, now) {
			p.stats.Repeats++
			continue
		}
		p.stats.Good++
		cards = append(cards, Card{ID: id, At: now})
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

func (p *FrameParser) feedEM18(c byte) string {
	if !isHex(c) {
		p.stats.NoiseBytes += 1 + len(p.buf)
		p.buf = p.buf[:0]
		return ""
	}
	p.buf = append(p.buf, c)
	if len(p.buf) < 12 {
		return ""
	}
	id, _ := p.checkEM(p.buf)
	p.buf = p.buf[:0]
	return id
}

func (p *FrameParser) feedLine(c byte) string {
	if c == cr || c == nl {
		line := p.buf
		p.buf = p.buf[:0]
		if p.skip {
			p.skip = false
			p.stats.NoiseBytes++
			return ""
		}
		if len(line) == 0 {
			return "" // the LF of a CR LF pair, or an empty line
		}
		if id, ok := p.checkLine(strings.TrimSpace(string(line))); ok {
			return id
		}
		p.stats.NoiseBytes += len(line) + 1
		return ""
	}
	if p.skip || c < 0x20 || c == 0x7f {
		p.stats.NoiseBytes++
		return ""
	}
	p.buf = append(p.buf, c)
	if len(p.buf) > p.maxLine {
		p.stats.NoiseBytes += len(p.buf)
		p.buf, p.skip = p.buf[:0], true
	}
	return ""
}

func (p *FrameParser) checkLine(s string) (string, bool) {
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
	}
	return s, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
