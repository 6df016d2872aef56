package audio

import (
	"math"
	"sync"
	"time"

	"github.com/gopxl/beep/v2"
)

// Ramps of the mixer: ducking goes down fast and comes back slowly, the
// music fades in and out when switched, so nothing clicks on the PA.
const (
	DuckAttack  = 150 * time.Millisecond // to the ducked level
	DuckRelease = 600 * time.Millisecond // back to full level
	MusicFade   = 500 * time.Millisecond // music switched on or off
)

// Done reports a program that ended.
type Done struct {
	ID        int64
	Completed bool  // played to the end (false: stopped)
	Err       error // a segment's decoder failed
}

// EngineState is a snapshot for the console.
type EngineState struct {
	Program   int64  // the foreground program's id, 0 for none
	Segment   string // its current segment ("chime", "speech" …)
	Paused    bool
	MusicOn   bool
	Track     string // the music file playing, "" for none
	DuckedDB  float64
	MusicGain float64 // the music's current gain including ducking and fades
}

// Engine mixes the background music and one foreground program into a
// stereo stream at a fixed sample rate. It is a beep.Streamer pulled by an
// Output (or by a test); every method is safe from any goroutine.
type Engine struct {
	mu sync.Mutex
	sr beep.SampleRate

	music   *Playlist
	musicOn bool
	volume  float64 // music volume, linear
	fade    float64 // music on/off fade, 0–1
	duckDB  float64 // configured ducking, positive dB
	levelDB float64 // current ducking applied, 0 … -duckDB
	attack  float64 // dB per sample
	release float64 // dB per sample
	fadeInc float64 // fade per sample

	prog    *Program
	paused  bool
	done    []Done
	progErr error

	pbuf, mbuf [][2]float64
	duck       []bool
}

// NewEngine returns a silent engine at sampleRate.
func NewEngine(sampleRate beep.SampleRate) *Engine {
	e := &Engine{sr: sampleRate, volume: 1}
	e.fadeInc = 1 / float64(sampleRate.N(MusicFade))
	e.SetDuck(15)
	return e
}

// SampleRate is the engine's output rate.
func (e *Engine) SampleRate() beep.SampleRate { return e.sr }

// SetDuck sets how many dB the music is lowered under chimes and speech.
func (e *Engine) SetDuck(db float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.duckDB = math.Abs(db)
	e.attack = e.duckDB / float64(max(1, e.sr.N(DuckAttack)))
	e.release = e.duckDB / float64(max(1, e.sr.N(DuckRelease)))
}

// SetMusicVolume sets the music volume in percent (0–100), linear in amplitude.
func (e *Engine) SetMusicVolume(percent int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.volume = float64(min(max(percent, 0), 100)) / 100
}

// SetPlaylist replaces the background music (nil for none); the old
// playlist's file is closed.
func (e *Engine) SetPlaylist(p *Playlist) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.music != nil && e.music != p {
		e.music.Close()
	}
	e.music = p
}

// Playlist returns the current background music (nil for none).
func (e *Engine) Playlist() *Playlist {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.music
}

// SetMusic switches the background music on or off (with a fade).
func (e *Engine) SetMusic(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.musicOn = on
}

// NextTrack skips to the next music file.
func (e *Engine) NextTrack() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.music != nil {
		e.music.Next()
	}
}

// SetShuffle plays the music in order or shuffled.
func (e *Engine) SetShuffle(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.music != nil {
		e.music.SetShuffle(on)
	}
}

// Play starts p in the foreground at once. A program already playing is
// stopped and reported Done with Completed false.
func (e *Engine) Play(p *Program) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopLocked()
	e.prog, e.progErr = p, nil
}

// Stop ends the foreground program (reported Done, not completed).
func (e *Engine) Stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopLocked()
}

// stopLocked ends the current program; e.mu is held.
func (e *Engine) stopLocked() {
	if e.prog == nil {
		return
	}
	e.prog.close()
	e.done = append(e.done, Done{ID: e.prog.ID, Err: e.progErr})
	e.prog = nil
}

// Pause holds the foreground program where it is (the music comes back
// up); Pause(false) continues it.
func (e *Engine) Pause(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.paused = on
}

// Busy returns the id of the foreground program, 0 when idle.
func (e *Engine) Busy() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.prog == nil {
		return 0
	}
	return e.prog.ID
}

// TakeDone returns and forgets the programs that ended since the last call.
func (e *Engine) TakeDone() []Done {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.done
	e.done = nil
	return d
}

// State returns a snapshot for the console.
func (e *Engine) State() EngineState {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := EngineState{Paused: e.paused, MusicOn: e.musicOn, DuckedDB: -e.levelDB,
		MusicGain: e.volume * e.fade * dbGain(e.levelDB)}
	if e.prog != nil {
		st.Program = e.prog.ID
		if e.prog.cur < len(e.prog.segs) {
			st.Segment = e.prog.segs[e.prog.cur].Name
		}
	}
	if e.music != nil && e.musicOn {
		st.Track = e.music.Track()
	}
	return st
}

// dbGain converts decibels to an amplitude factor.
func dbGain(db float64) float64 { return math.Pow(10, db/20) }

// Err is always nil: the engine never ends.
func (e *Engine) Err() error { return nil }

// Stream mixes the next len(samples) frames. It always fills them all
// (silence when nothing plays) and never ends.
func (e *Engine) Stream(samples [][2]float64) (int, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(samples)
	if cap(e.pbuf) < n {
		e.pbuf, e.mbuf, e.duck = make([][2]float64, n), make([][2]float64, n), make([]bool, n)
	}
	pbuf, mbuf, duck := e.pbuf[:n], e.mbuf[:n], e.duck[:n]
	clear(pbuf)
	clear(mbuf)
	clear(duck)
	if e.prog != nil && !e.paused {
		e.streamProgram(pbuf, duck)
	}
	musicActive := e.music != nil && (e.musicOn || e.fade > 0)
	if musicActive {
		e.music.Stream(mbuf)
	}
	for i := range samples {
		target := 0.0
		if duck[i] {
			target = -e.duckDB
		}
		switch {
		case e.levelDB > target:
			e.levelDB = max(target, e.levelDB-e.attack)
		case e.levelDB < target:
			e.levelDB = min(target, e.levelDB+e.release)
		}
		if e.musicOn {
			e.fade = min(1, e.fade+e.fadeInc)
		} else {
			e.fade = max(0, e.fade-e.fadeInc)
		}
		g := 0.0
		if musicActive {
			g = e.volume * e.fade * dbGain(e.levelDB)
		}
		samples[i][0] = clampSample(mbuf[i][0]*g + pbuf[i][0])
		samples[i][1] = clampSample(mbuf[i][1]*g + pbuf[i][1])
	}
	return n, true
}

// streamProgram fills pbuf from the program's segments and marks the
// frames whose segment ducks the music; e.mu is held.
func (e *Engine) streamProgram(pbuf [][2]float64, duck []bool) {
	p := e.prog
	filled := 0
	for filled < len(pbuf) && p.cur < len(p.segs) {
		seg := p.segs[p.cur]
		k, ok := seg.Stream.Stream(pbuf[filled:])
		for i := filled; i < filled+k; i++ {
			duck[i] = seg.Duck
		}
		filled += k
		if !ok || k == 0 {
			if err := seg.Stream.Err(); err != nil && e.progErr == nil {
				e.progErr = err
			}
			if seg.Closer != nil {
				seg.Closer.Close()
			}
			p.cur++
		}
	}
	// The gap between this chunk's end of speech and the music coming back
	// is the release ramp, not a cut: frames after the program ends stay
	// unducked and the ramp restores the level.
	if p.cur >= len(p.segs) {
		e.done = append(e.done, Done{ID: p.ID, Completed: e.progErr == nil, Err: e.progErr})
		e.prog = nil
	}
}
