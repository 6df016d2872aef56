package audio

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gopxl/beep/v2"

	"servicedesk/devices/audio/audiotest"
)

// Test tones: each sound has its own frequency so one measurement finds it
// in the mix. 100 ms windows hold whole cycles of each at 8 kHz.
const (
	testRate   = 8000
	musicHz    = 250
	musicHz2   = 400
	chimeHz    = 1500
	speechHz   = 700
	window     = 100 * time.Millisecond
	toneAmp    = 0.5
	presentLvl = 0.05
)

// tone writes a tone file and loads it as a buffer.
func toneBuffer(t *testing.T, freq float64, d time.Duration) *beep.Buffer {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tone.wav")
	audiotest.WriteTone(t, p, testRate, audiotest.Tone{Freq: freq, Amp: toneAmp, Dur: d})
	b, err := Load(p, testRate)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// render pulls d of audio from e into a WAV file in 10 ms chunks, calling
// at(t) before each chunk, and returns it decoded.
func render(t *testing.T, e *Engine, d time.Duration, at func(time.Duration)) audiotest.Audio {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWAVWriter(f, testRate)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([][2]float64, testRate/100)
	for now := time.Duration(0); now < d; now += 10 * time.Millisecond {
		if at != nil {
			at(now)
		}
		if n, ok := e.Stream(chunk); n != len(chunk) || !ok {
			t.Fatalf("engine streamed %d, %v", n, ok)
		}
		if err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return audiotest.ReadWAV(t, path)
}

// musicEngine is an engine at testRate playing a 250 Hz "music" file.
func musicEngine(t *testing.T, duck float64) *Engine {
	t.Helper()
	dir := t.TempDir()
	audiotest.WriteTone(t, filepath.Join(dir, "01.wav"), testRate, audiotest.Tone{Freq: musicHz, Amp: toneAmp, Dur: 30 * time.Second})
	files, err := ScanMusic(dir)
	if err != nil || len(files) != 1 {
		t.Fatalf("scan: %v %v", files, err)
	}
	e := NewEngine(testRate)
	e.SetDuck(duck)
	e.SetMusicVolume(100)
	e.SetPlaylist(NewPlaylist(files, false, nil, testRate))
	e.SetMusic(true)
	return e
}

func TestDuckingLowersMusicByConfiguredAmount(t *testing.T) {
	for _, duck := range []float64{6, 12, 20} {
		e := musicEngine(t, duck)
		chime, speech := toneBuffer(t, chimeHz, 600*time.Millisecond), toneBuffer(t, speechHz, 2*time.Second)
		a := render(t, e, 6*time.Second, func(now time.Duration) {
			if now == 1500*time.Millisecond {
				e.Play(Announcement(1, chime, speech, 0, 0, testRate))
			}
		})
		full := a.Level(musicHz, time.Second, 1500*time.Millisecond)
		if math.Abs(full-toneAmp) > 0.01 {
			t.Fatalf("music level %.3f, want %.3f", full, toneAmp)
		}
		// Chime 1.5–2.1 s, gap to 2.4 s, speech 2.4–4.4 s: measure the
		// settled stretch of the speech.
		ducked := a.Level(musicHz, 3*time.Second, 4300*time.Millisecond)
		if got := audiotest.DB(ducked / full); math.Abs(got+duck) > 0.1 {
			t.Errorf("duck %v dB: music lowered by %.2f dB", duck, -got)
		}
		if sp := a.Level(speechHz, 3*time.Second, 4300*time.Millisecond); math.Abs(sp-toneAmp) > 0.01 {
			t.Errorf("speech level %.3f", sp)
		}
		// Restored after the release ramp.
		after := a.Level(musicHz, 5200*time.Millisecond, 6*time.Second)
		if got := audiotest.DB(after / full); math.Abs(got) > 0.1 {
			t.Errorf("duck %v dB: music %.2f dB after the speech", duck, got)
		}
		if d := e.TakeDone(); len(d) != 1 || !d[0].Completed || d[0].ID != 1 {
			t.Fatalf("done %+v", d)
		}
	}
}

func TestChimePrecedesSpeechAndRepeats(t *testing.T) {
	e := musicEngine(t, 15)
	chime, speech := toneBuffer(t, chimeHz, 500*time.Millisecond), toneBuffer(t, speechHz, time.Second)
	p := Announcement(7, chime, speech, 2, 2*time.Second, testRate)
	want := []string{"chime", "gap", "speech", "interval", "chime", "gap", "speech", "interval", "chime", "gap", "speech"}
	if got := p.Segments(); len(got) != len(want) {
		t.Fatalf("segments %v", got)
	}
	a := render(t, e, 10*time.Second, func(now time.Duration) {
		if now == 500*time.Millisecond {
			e.Play(p)
		}
	})
	chimes := a.Spans(chimeHz, presentLvl, window)
	speeches := a.Spans(speechHz, presentLvl, window)
	if len(chimes) != 3 || len(speeches) != 3 {
		t.Fatalf("chimes %s speeches %s", audiotest.FormatSpans(chimes), audiotest.FormatSpans(speeches))
	}
	for i := range chimes {
		// Each chime ends, then after the gap its speech starts.
		if !(chimes[i][1] <= speeches[i][0]) || speeches[i][0]-chimes[i][1] > 400*time.Millisecond {
			t.Errorf("round %d: chime %s speech %s", i, audiotest.FormatSpans(chimes[i:i+1]), audiotest.FormatSpans(speeches[i:i+1]))
		}
		if i > 0 {
			gap := chimes[i][0] - speeches[i-1][1]
			if gap < 1900*time.Millisecond || gap > 2100*time.Millisecond {
				t.Errorf("interval %d = %v", i, gap)
			}
			// The music comes back up during the interval.
			mid := speeches[i-1][1] + time.Second
			if lv := a.Level(musicHz, mid, mid+800*time.Millisecond); lv < 0.45 {
				t.Errorf("music %.3f during interval %d", lv, i)
			}
		}
	}
	if chimes[0][0] != 500*time.Millisecond {
		t.Errorf("first chime at %v", chimes[0][0])
	}
}

func TestPauseHoldsProgramAndStopReportsIt(t *testing.T) {
	e := musicEngine(t, 15)
	speech := toneBuffer(t, speechHz, 2*time.Second)
	a := render(t, e, 8*time.Second, func(now time.Duration) {
		switch now {
		case 0:
			e.Play(NewProgram(3, FromBuffer("speech", speech, true)))
		case time.Second:
			e.Pause(true)
		case 4 * time.Second:
			e.Pause(false)
		}
	})
	// 0–1 s speech, 1–4 s held (music back up), 4–5 s the rest.
	if lv := a.Level(speechHz, 2*time.Second, 4*time.Second); lv > 0.001 {
		t.Fatalf("speech while paused: %.3f", lv)
	}
	if lv := a.Level(musicHz, 2*time.Second, 4*time.Second); lv < 0.49 {
		t.Fatalf("music while paused: %.3f", lv)
	}
	if sp := a.Spans(speechHz, presentLvl, window); len(sp) != 2 || sp[1][0] != 4*time.Second || sp[1][1] != 5*time.Second {
		t.Fatalf("speech spans %s", audiotest.FormatSpans(sp))
	}
	if d := e.TakeDone(); len(d) != 1 || !d[0].Completed {
		t.Fatalf("done %+v", d)
	}
	e.Play(NewProgram(4, FromBuffer("speech", speech, true)))
	e.Play(NewProgram(5, FromBuffer("speech", speech, true))) // interrupts 4
	e.Stop()
	if d := e.TakeDone(); len(d) != 2 || d[0].ID != 4 || d[0].Completed || d[1].ID != 5 || d[1].Completed {
		t.Fatalf("stopped %+v", d)
	}
	if e.Busy() != 0 {
		t.Fatal("busy after stop")
	}
}

func TestMusicSwitchesWithFade(t *testing.T) {
	e := musicEngine(t, 15)
	e.SetMusic(false)
	a := render(t, e, 5*time.Second, func(now time.Duration) {
		switch now {
		case time.Second:
			e.SetMusic(true)
		case 3 * time.Second:
			e.SetMusic(false)
		}
	})
	if p := a.Peak(0, time.Second); p != 0 {
		t.Fatalf("sound before the music started: %v", p)
	}
	if lv := a.Level(musicHz, 1600*time.Millisecond, 3*time.Second); math.Abs(lv-toneAmp) > 0.01 {
		t.Fatalf("music %.3f", lv)
	}
	if p := a.Peak(3500*time.Millisecond, 5*time.Second); p != 0 {
		t.Fatalf("sound after the music stopped: %v", p)
	}
	if st := e.State(); st.MusicOn || st.Track != "" {
		t.Fatalf("state %+v", st)
	}
}

func TestPlaylistOrderShuffleAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	audiotest.WriteTone(t, filepath.Join(dir, "a.wav"), testRate, audiotest.Tone{Freq: musicHz, Amp: toneAmp, Dur: time.Second})
	os.WriteFile(filepath.Join(dir, "b.wav"), []byte("RIFF garbage"), 0o644)
	audiotest.WriteTone(t, filepath.Join(dir, "c.wav"), 16000, audiotest.Tone{Freq: musicHz2, Amp: toneAmp, Dur: time.Second})
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub.wav"), 0o755)
	files, err := ScanMusic(dir)
	if err != nil || len(files) != 3 {
		t.Fatalf("scan %v %v", files, err)
	}
	e := NewEngine(testRate)
	e.SetMusicVolume(100)
	pl := NewPlaylist(files, false, nil, testRate)
	e.SetPlaylist(pl)
	e.SetMusic(true)
	a := render(t, e, 4*time.Second, nil)
	// a (250 Hz), b skipped, c (400 Hz, resampled from 16 kHz), a again.
	if lv := a.Level(musicHz, 600*time.Millisecond, time.Second); lv < 0.45 {
		t.Fatalf("a: %.3f", lv)
	}
	if lv := a.Level(musicHz2, 1200*time.Millisecond, 1900*time.Millisecond); lv < 0.45 {
		t.Fatalf("c after the bad file: %.3f", lv)
	}
	if lv := a.Level(musicHz, 2200*time.Millisecond, 2900*time.Millisecond); lv < 0.45 {
		t.Fatalf("a again: %.3f", lv)
	}
	if bad, last := pl.Problem(); bad != 2 || last == nil {
		t.Fatalf("bad files %d %v", bad, last)
	}

	// Shuffled rounds use the injected randomness: the same seed gives the
	// same order, another seed another one; each round plays every file once.
	many := make([]string, 8)
	for i := range many {
		many[i] = filepath.Join(dir, string(rune('a'+i))+".wav")
	}
	order := func(seed uint64) []int {
		return NewPlaylist(many, true, rand.New(rand.NewPCG(seed, 0)), testRate).order
	}
	o1, o2, o3 := order(1), order(1), order(2)
	if !slices.Equal(o1, o2) || slices.Equal(o1, o3) || slices.Equal(o1, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("shuffle orders %v %v %v", o1, o2, o3)
	}
	if sorted := slices.Sorted(slices.Values(o1)); !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("round %v does not play every file once", o1)
	}
	if in := NewPlaylist(many, false, nil, testRate).order; !slices.Equal(in, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("in order: %v", in)
	}

	// Every file bad: silence, and Stream returns at once (no busy loop).
	os.WriteFile(filepath.Join(dir, "a.wav"), []byte("nope"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.wav"), nil, 0o644)
	dead := NewPlaylist(files, false, nil, testRate)
	buf := make([][2]float64, 100)
	for i := 0; i < 5; i++ {
		if n, ok := dead.Stream(buf); n != 100 || !ok {
			t.Fatal("dead playlist ended")
		}
	}
	if bad, _ := dead.Problem(); bad != 3 {
		t.Fatalf("dead playlist tried %d files", bad)
	}
}

// A single file loops for ever (an ending file is not a failure).
func TestPlaylistLoopsOneFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "only.wav")
	audiotest.WriteTone(t, p, testRate, audiotest.Tone{Freq: musicHz, Amp: toneAmp, Dur: 500 * time.Millisecond})
	e := NewEngine(testRate)
	e.SetMusicVolume(100)
	e.SetPlaylist(NewPlaylist([]string{p}, false, nil, testRate))
	e.SetMusic(true)
	a := render(t, e, 5*time.Second, nil)
	if sp := a.Spans(musicHz, 0.3, 100*time.Millisecond); len(sp) != 1 || sp[0][1] != 5*time.Second {
		t.Fatalf("music spans %s", audiotest.FormatSpans(sp))
	}
	if bad, _ := e.Playlist().Problem(); bad != 0 {
		t.Fatalf("%d failures counted", bad)
	}
}
