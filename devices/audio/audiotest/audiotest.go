// Package audiotest is test support for the PA console: synthetic tone
// files, a WAV reader, and measurements (the level of one frequency in a
// time window by the Goertzel algorithm, RMS), so tests check rendered
// audio with numbers rather than by ear.
package audiotest

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"testing"
	"time"
)

// Tone describes a sine tone.
type Tone struct {
	Freq float64       // Hz
	Amp  float64       // peak amplitude, 0–1
	Dur  time.Duration // length
}

// WriteTone writes a 16-bit mono WAV of the tones one after the other
// (a Freq of 0 is silence) at rate, with 5 ms fades so nothing clicks.
func WriteTone(t testing.TB, path string, rate int, tones ...Tone) {
	t.Helper()
	var pcm []int16
	for _, tn := range tones {
		n := int(tn.Dur.Seconds() * float64(rate))
		fade := rate / 200
		for i := 0; i < n; i++ {
			env := 1.0
			if i < fade {
				env = float64(i) / float64(fade)
			} else if n-i < fade {
				env = float64(n-i) / float64(fade)
			}
			v := 0.0
			if tn.Freq > 0 {
				v = tn.Amp * env * math.Sin(2*math.Pi*tn.Freq*float64(i)/float64(rate))
			}
			pcm = append(pcm, int16(math.Round(v*32767)))
		}
	}
	if err := os.WriteFile(path, MonoWAV(rate, pcm), 0o644); err != nil {
		t.Fatal(err)
	}
}

// MonoWAV encodes 16-bit mono PCM as a WAV file.
func MonoWAV(rate int, pcm []int16) []byte {
	data := len(pcm) * 2
	b := make([]byte, 44+data)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+data))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(rate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(data))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}

// Audio is decoded 16-bit stereo PCM: the left channel as floats.
type Audio struct {
	Rate    int
	Samples []float64 // left channel, -1…1
}

// ReadWAV reads a 16-bit stereo PCM WAV as written by audio.WAVWriter,
// checking its header, independently of the decoder under test.
func ReadWAV(t testing.TB, path string) Audio {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 44 || string(b[0:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" {
		t.Fatalf("%s: not a canonical WAV", path)
	}
	if ch, bits := binary.LittleEndian.Uint16(b[22:]), binary.LittleEndian.Uint16(b[34:]); ch != 2 || bits != 16 {
		t.Fatalf("%s: %d channels of %d bits", path, ch, bits)
	}
	size := int(binary.LittleEndian.Uint32(b[40:]))
	if size != len(b)-44 || int(binary.LittleEndian.Uint32(b[4:])) != len(b)-8 {
		t.Fatalf("%s: header sizes %d do not match the file (%d bytes)", path, size, len(b))
	}
	a := Audio{Rate: int(binary.LittleEndian.Uint32(b[24:]))}
	for i := 44; i+4 <= len(b); i += 4 {
		a.Samples = append(a.Samples, float64(int16(binary.LittleEndian.Uint16(b[i:])))/32767)
	}
	return a
}

// Duration is the audio's length.
func (a Audio) Duration() time.Duration {
	return time.Duration(float64(len(a.Samples)) / float64(a.Rate) * float64(time.Second))
}

// window returns the samples between from and to.
func (a Audio) window(from, to time.Duration) []float64 {
	i := min(max(0, int(from.Seconds()*float64(a.Rate))), len(a.Samples))
	j := min(max(i, int(to.Seconds()*float64(a.Rate))), len(a.Samples))
	return a.Samples[i:j]
}

// Level is the amplitude of the freq component between from and to
// (Goertzel), as the peak amplitude of an equivalent sine.
func (a Audio) Level(freq float64, from, to time.Duration) float64 {
	x := a.window(from, to)
	if len(x) == 0 {
		return 0
	}
	w := 2 * math.Pi * freq / float64(a.Rate)
	coeff := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s0 := v + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	power := s1*s1 + s2*s2 - coeff*s1*s2
	return 2 * math.Sqrt(math.Max(power, 0)) / float64(len(x))
}

// RMS is the root mean square between from and to.
func (a Audio) RMS(from, to time.Duration) float64 {
	x := a.window(from, to)
	if len(x) == 0 {
		return 0
	}
	var sum float64
	for _, v := range x {
		sum += v * v
	}
	return math.Sqrt(sum / float64(len(x)))
}

// Peak is the largest absolute sample between from and to.
func (a Audio) Peak(from, to time.Duration) float64 {
	var p float64
	for _, v := range a.window(from, to) {
		p = math.Max(p, math.Abs(v))
	}
	return p
}

// DB converts an amplitude ratio to decibels.
func DB(ratio float64) float64 { return 20 * math.Log10(ratio) }

// Onset is the first time (in steps of step) from `from` on where freq's
// level reaches threshold, or -1.
func (a Audio) Onset(freq, threshold float64, from, step time.Duration) time.Duration {
	for t := from; t+step <= a.Duration(); t += step {
		if a.Level(freq, t, t+step) >= threshold {
			return t
		}
	}
	return -1
}

// Spans lists the stretches (in steps of step) where freq's level is at
// least threshold, as "from-to" pairs.
func (a Audio) Spans(freq, threshold float64, step time.Duration) [][2]time.Duration {
	var out [][2]time.Duration
	on := false
	for t := time.Duration(0); t+step <= a.Duration(); t += step {
		hit := a.Level(freq, t, t+step) >= threshold
		switch {
		case hit && !on:
			out = append(out, [2]time.Duration{t, t + step})
			on = true
		case hit:
			out[len(out)-1][1] = t + step
		default:
			on = false
		}
	}
	return out
}

// FormatSpans formats spans as "1.20-2.40s 5.00-6.10s" for failure messages.
func FormatSpans(spans [][2]time.Duration) string {
	s := ""
	for _, sp := range spans {
		s += fmt.Sprintf("%.2f-%.2fs ", sp[0].Seconds(), sp[1].Seconds())
	}
	return s
}
