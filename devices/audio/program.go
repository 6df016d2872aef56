package audio

import (
	"io"
	"time"

	"github.com/gopxl/beep/v2"
)

// Segment is one part of a program: a chime, speech, a file, or silence.
type Segment struct {
	Name   string // "chime", "speech", "file", "gap", "interval"
	Stream beep.Streamer
	// Duck lowers the background music while the segment plays; an
	// interval between repeats does not, so the music comes back up.
	Duck bool
	// Closer, when set, is closed when the segment ends or is dropped.
	Closer io.Closer
}

// Program is what the engine plays in the foreground, segment by segment.
type Program struct {
	ID   int64
	segs []Segment
	cur  int
}

// NewProgram builds a program from segments.
func NewProgram(id int64, segs ...Segment) *Program { return &Program{ID: id, segs: segs} }

// Segments returns the names of the program's segments, for tests and logs.
func (p *Program) Segments() []string {
	var out []string
	for _, s := range p.segs {
		out = append(out, s.Name)
	}
	return out
}

// Close releases a program that will not be played (its open files).
func (p *Program) Close() { p.close() }

// close closes every segment not yet finished.
func (p *Program) close() {
	for i := p.cur; i < len(p.segs); i++ {
		if c := p.segs[i].Closer; c != nil {
			c.Close()
		}
	}
	p.cur = len(p.segs)
}

// Silence is a segment of d of silence at sampleRate.
func Silence(name string, d time.Duration, sampleRate beep.SampleRate, duck bool) Segment {
	return Segment{Name: name, Stream: beep.Silence(sampleRate.N(d)), Duck: duck}
}

// FromBuffer is a segment playing a whole buffer.
func FromBuffer(name string, b *beep.Buffer, duck bool) Segment {
	return Segment{Name: name, Stream: b.Streamer(0, b.Len()), Duck: duck}
}

// SpeechGap is the pause between the chime and the speech.
const SpeechGap = 300 * time.Millisecond

// Announcement builds chime → gap → speech, then for every repeat an
// interval (music restored) and the same again. chime may be nil.
func Announcement(id int64, chime, speech *beep.Buffer, repeats int, interval time.Duration, sampleRate beep.SampleRate) *Program {
	var segs []Segment
	for k := 0; k <= repeats; k++ {
		if k > 0 && interval > 0 {
			segs = append(segs, Silence("interval", interval, sampleRate, false))
		}
		if chime != nil {
			segs = append(segs, FromBuffer("chime", chime, true), Silence("gap", SpeechGap, sampleRate, true))
		}
		segs = append(segs, FromBuffer("speech", speech, true))
	}
	return NewProgram(id, segs...)
}
