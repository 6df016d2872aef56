package audio

import (
	"path/filepath"
	"testing"
	"time"

	"servicedesk/devices/audio/audiotest"
)

// BenchmarkEngineSecond mixes one second of PA output at 44.1 kHz: music
// from a 22.05 kHz WAV (resampled), ducked under a looping announcement.
// Real time needs well under 1 s per op.
func BenchmarkEngineSecond(b *testing.B) {
	const rate = 44100
	dir := b.TempDir()
	audiotest.WriteTone(b, filepath.Join(dir, "m.wav"), 22050, audiotest.Tone{Freq: 440, Amp: 0.5, Dur: 30 * time.Second})
	sp := filepath.Join(dir, "s.wav")
	audiotest.WriteTone(b, sp, rate, audiotest.Tone{Freq: 700, Amp: 0.5, Dur: 2 * time.Second})
	speech, err := Load(sp, rate)
	if err != nil {
		b.Fatal(err)
	}
	e := NewEngine(rate)
	e.SetMusicVolume(80)
	e.SetPlaylist(NewPlaylist([]string{filepath.Join(dir, "m.wav")}, false, nil, rate))
	e.SetMusic(true)
	buf := make([][2]float64, rate/100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if e.Busy() == 0 {
			e.Play(Announcement(int64(i+1), speech, speech, 0, 0, rate))
		}
		for j := 0; j < 100; j++ {
			e.Stream(buf)
		}
	}
}
