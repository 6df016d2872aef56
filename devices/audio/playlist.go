package audio

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/gopxl/beep/v2"
)

// MaxMusicFiles is the most files a music folder contributes.
const MaxMusicFiles = 2000

// ScanMusic lists the WAV and MP3 files of a folder (not its sub-folders)
// by name.
func ScanMusic(folder string) ([]string, error) {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return nil, fmt.Errorf("read music folder: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && IsAudioFile(e.Name()) {
			out = append(out, filepath.Join(folder, e.Name()))
		}
	}
	sort.Strings(out)
	if len(out) > MaxMusicFiles {
		out = out[:MaxMusicFiles]
	}
	return out, nil
}

// Playlist plays files one after the other, for ever, in order or
// shuffled (a new order every round). A file that does not open or decode
// is skipped and counted; when no file plays the playlist is silent. Its
// methods are called by the Engine under its lock.
type Playlist struct {
	sr      beep.SampleRate
	files   []string
	order   []int
	next    int
	shuffle bool
	rnd     *rand.Rand
	open    func(string, beep.SampleRate) (beep.StreamCloser, error)

	cur      beep.StreamCloser
	curName  string
	curGot   bool  // the current file gave samples
	failures int   // files that failed since the last one that played
	bad      int   // files that failed in all
	lastErr  error // the last failure
	dead     bool  // every file failed in a row: silent until Next
}

// NewPlaylist plays files at sampleRate; rnd shuffles (nil: a fixed seed).
func NewPlaylist(files []string, shuffle bool, rnd *rand.Rand, sampleRate beep.SampleRate) *Playlist {
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(1, 2))
	}
	p := &Playlist{sr: sampleRate, files: files, shuffle: shuffle, rnd: rnd, open: Open}
	p.newRound()
	return p
}

// newRound starts a new pass over the files.
func (p *Playlist) newRound() {
	p.order = make([]int, len(p.files))
	for i := range p.order {
		p.order[i] = i
	}
	if p.shuffle {
		p.rnd.Shuffle(len(p.order), func(i, j int) { p.order[i], p.order[j] = p.order[j], p.order[i] })
	}
	p.next = 0
}

// Files returns how many files the playlist has.
func (p *Playlist) Files() int { return len(p.files) }

// Track returns the base name of the file playing ("" for none).
func (p *Playlist) Track() string { return p.curName }

// Problem describes why files were skipped ("" when all played).
func (p *Playlist) Problem() (bad int, last error) { return p.bad, p.lastErr }

// SetShuffle switches between in-order and shuffled from the next file.
func (p *Playlist) SetShuffle(on bool) {
	if p.shuffle == on {
		return
	}
	p.shuffle = on
	p.newRound()
}

// Next skips to the next file.
func (p *Playlist) Next() {
	p.closeCur()
	p.dead = false
	p.failures = 0
}

// Close closes the file playing.
func (p *Playlist) Close() { p.closeCur() }

// closeCur closes the current file.
func (p *Playlist) closeCur() {
	if p.cur != nil {
		p.cur.Close()
	}
	p.cur, p.curName = nil, ""
}

// openNext opens the next file that decodes; false when none does.
func (p *Playlist) openNext() bool {
	for !p.dead && len(p.files) > 0 {
		if p.next >= len(p.order) {
			p.newRound()
		}
		path := p.files[p.order[p.next]]
		p.next++
		s, err := p.open(path, p.sr)
		if err == nil {
			p.cur, p.curName, p.curGot = s, filepath.Base(path), false
			return true
		}
		p.bad++
		p.lastErr = err
		p.failures++
		if p.failures >= len(p.files) {
			p.dead = true
		}
	}
	return false
}

// Stream fills samples with music (silence when none plays); it never ends.
func (p *Playlist) Stream(samples [][2]float64) (int, bool) {
	filled := 0
	for filled < len(samples) {
		if p.cur == nil && !p.openNext() {
			clear(samples[filled:])
			break
		}
		k, ok := p.cur.Stream(samples[filled:])
		filled += k
		if k > 0 {
			p.failures, p.curGot = 0, true
		}
		if !ok || k == 0 {
			err := p.cur.Err()
			if err != nil {
				p.bad++
				p.lastErr = fmt.Errorf("%s: %w", p.curName, err)
			}
			if !p.curGot {
				// a file with no audio at all: count it as a failure so a
				// folder of such files cannot spin
				if err == nil {
					p.bad++
					p.lastErr = fmt.Errorf("%s: no audio", p.curName)
				}
				p.failures++
				if p.failures >= len(p.files) {
					p.dead = true
				}
			}
			p.closeCur()
		}
	}
	return len(samples), true
}

// Err is always nil: a playlist never ends.
func (p *Playlist) Err() error { return nil }
