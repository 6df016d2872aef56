package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopxl/beep/v2"

	"servicedesk/devices/audio/audiotest"
)

// wavBytes builds a WAV with the given format fields and data.
func wavBytes(tag, channels uint16, rate uint32, bits uint16, frame uint16, dataSize uint32, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+len(data)))
	b.WriteString("WAVE")
	b.WriteString("LIST")
	binary.Write(&b, binary.LittleEndian, uint32(3))
	b.WriteString("abc\x00") // odd chunk, padded
	b.WriteString("fmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, tag)
	binary.Write(&b, binary.LittleEndian, channels)
	binary.Write(&b, binary.LittleEndian, rate)
	binary.Write(&b, binary.LittleEndian, rate*uint32(frame))
	binary.Write(&b, binary.LittleEndian, frame)
	binary.Write(&b, binary.LittleEndian, bits)
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, dataSize)
	b.Write(data)
	return b.Bytes()
}

// decodeAll decodes every sample of a WAV held in memory.
func decodeAll(t *testing.T, b []byte) ([][2]float64, beep.Format, error) {
	t.Helper()
	s, f, err := DecodeWAV(io.NopCloser(bytes.NewReader(b)))
	if err != nil {
		return nil, f, err
	}
	defer s.Close()
	var out [][2]float64
	buf := make([][2]float64, 3)
	for i := 0; i < 1000; i++ {
		n, ok := s.Stream(buf)
		out = append(out, buf[:n]...)
		if !ok {
			return out, f, s.Err()
		}
	}
	t.Fatal("stream never ended")
	return nil, f, nil
}

func TestDecodeWAVFormats(t *testing.T) {
	f32 := func(v float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)) }
	for _, tc := range []struct {
		name string
		wav  []byte
		want [][2]float64
	}{
		{"8-bit mono", wavBytes(1, 1, 8000, 8, 1, 2, []byte{0, 255}), [][2]float64{{-1, -1}, {127.0 / 128, 127.0 / 128}}},
		{"16-bit stereo", wavBytes(1, 2, 8000, 16, 4, 4, []byte{0x00, 0x40, 0x00, 0xC0}), [][2]float64{{0.5, -0.5}}},
		{"24-bit mono", wavBytes(1, 1, 8000, 24, 3, 3, []byte{0, 0, 0x40}), [][2]float64{{0.5, 0.5}}},
		{"float mono", wavBytes(3, 1, 8000, 32, 4, 8, append(f32(0.25), f32(2)...)), [][2]float64{{0.25, 0.25}, {1, 1}}},
		{"3 channels keep two", wavBytes(1, 3, 8000, 16, 6, 6, []byte{0, 0x40, 0, 0x20, 0, 0x10}), [][2]float64{{0.5, 0.25}}},
		// espeak-ng --stdout cannot seek back: its data size is a placeholder.
		{"streamed size", wavBytes(1, 1, 8000, 16, 2, 0x7FFFF000, []byte{0, 0x40, 0, 0x40, 0}), [][2]float64{{0.5, 0.5}, {0.5, 0.5}}},
		{"size beyond the file", wavBytes(1, 1, 8000, 16, 2, 100, []byte{0, 0x40}), [][2]float64{{0.5, 0.5}}},
	} {
		got, _, err := decodeAll(t, tc.wav)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d samples %v", tc.name, len(got), got)
			continue
		}
		for i := range got {
			if math.Abs(got[i][0]-tc.want[i][0]) > 1e-9 || math.Abs(got[i][1]-tc.want[i][1]) > 1e-9 {
				t.Errorf("%s: sample %d = %v, want %v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
	for _, tc := range []struct {
		name string
		wav  []byte
	}{
		{"not riff", []byte("ID3\x03 an mp3 named .wav")},
		{"zero frame", wavBytes(1, 1, 8000, 16, 0, 2, []byte{0, 0})},
		{"frame disagrees", wavBytes(1, 2, 8000, 16, 1, 2, []byte{0, 0})},
		{"zero rate", wavBytes(1, 1, 0, 16, 2, 2, []byte{0, 0})},
		{"12 bits", wavBytes(1, 1, 8000, 12, 2, 2, []byte{0, 0})},
		{"adpcm", wavBytes(2, 1, 8000, 4, 1, 2, []byte{0, 0})},
		{"no channels", wavBytes(1, 0, 8000, 16, 0, 2, []byte{0, 0})},
		{"truncated", wavBytes(1, 1, 8000, 16, 2, 2, nil)[:30]},
	} {
		if _, _, err := decodeAll(t, tc.wav); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	// A huge unknown chunk is refused before any allocation.
	huge := wavBytes(1, 1, 8000, 16, 2, 2, []byte{0, 0})
	binary.LittleEndian.PutUint32(huge[16:], 0xFFFFFFF0)
	if _, _, err := decodeAll(t, huge); err == nil {
		t.Error("huge chunk accepted")
	}
}

func TestWAVWriterRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "w.wav")
	f, _ := os.Create(p)
	w, err := NewWAVWriter(f, 8000)
	if err != nil {
		t.Fatal(err)
	}
	in := [][2]float64{{0, 0}, {0.5, -0.5}, {2, -2}, {math.NaN(), 1}}
	if err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	a := audiotest.ReadWAV(t, p) // independent reader: checks the header sizes
	if len(a.Samples) != 4 || a.Rate != 8000 || math.Abs(a.Samples[1]-0.5) > 1e-4 || a.Samples[2] != 1 || a.Samples[3] != 0 {
		t.Fatalf("round trip %+v", a)
	}
}

func TestLoadMP3AndResample(t *testing.T) {
	b, err := Load("testdata/tone400.mp3", testRate) // 1 s of 400 Hz, 44.1 kHz mono, 48 kbit/s (lame)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Duration(float64(b.Len()) / testRate * float64(time.Second))
	if d < 950*time.Millisecond || d > 1100*time.Millisecond {
		t.Fatalf("mp3 length %v", d)
	}
	a := bufferAudio(b)
	if lv := a.Level(400, 200*time.Millisecond, 800*time.Millisecond); lv < 0.4 || lv > 0.6 {
		t.Fatalf("mp3 400 Hz level %.3f", lv)
	}
	if _, err := Load("testdata/missing.mp3", testRate); err == nil {
		t.Fatal("missing file loaded")
	}
	bad := filepath.Join(t.TempDir(), "bad.mp3")
	os.WriteFile(bad, bytes.Repeat([]byte{0xFF, 0xFB, 0x00}, 100), 0o644)
	if _, err := Load(bad, testRate); err == nil {
		t.Fatal("garbage mp3 loaded")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "x.ogg"), testRate); err == nil {
		t.Fatal("ogg accepted")
	}
}

// bufferAudio turns a buffer's left channel into measurable audio.
func bufferAudio(b *beep.Buffer) audiotest.Audio {
	s := b.Streamer(0, b.Len())
	buf := make([][2]float64, b.Len())
	n, _ := s.Stream(buf)
	a := audiotest.Audio{Rate: int(b.Format().SampleRate)}
	for _, v := range buf[:n] {
		a.Samples = append(a.Samples, v[0])
	}
	return a
}

func TestEspeakMandarin(t *testing.T) {
	e, err := FindEspeak(context.Background())
	if errors.Is(err, ErrNoSpeech) {
		t.Skip("espeak-ng with the cmn voice is not installed (make test installs it)")
	}
	if err != nil {
		t.Fatal(err)
	}
	// The text goes in on stdin: a text that looks like an option is spoken, not obeyed.
	trap := filepath.Join(t.TempDir(), "trap.wav")
	wav, err := e.Synthesize(context.Background(), "-w "+trap+" 请张小明小朋友到一楼总服务台")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(trap); err == nil {
		t.Fatal("espeak-ng took the text as an option")
	}
	b, err := LoadBytes(wav, "wav", testRate)
	if err != nil {
		t.Fatal(err)
	}
	a := bufferAudio(b)
	if a.Duration() < 2*time.Second || a.RMS(0, a.Duration()) < 0.02 {
		t.Fatalf("speech %v long, rms %.3f", a.Duration(), a.RMS(0, a.Duration()))
	}
	if _, err := e.Synthesize(context.Background(), "  "); err == nil {
		t.Fatal("empty text spoken")
	}
	if e.Name() != "espeak-ng（cmn）" {
		t.Fatal(e.Name())
	}
}

func TestFileOutputCapturesInRealTime(t *testing.T) {
	e := musicEngine(t, 15)
	p := filepath.Join(t.TempDir(), "pa.wav")
	o, err := OpenFileOut(p, e, testRate, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1300 * time.Millisecond)
	if err := o.Err(); err != nil {
		t.Fatal(err)
	}
	// Flushed once a second: playable while still capturing.
	raw, err := os.ReadFile(p)
	if err != nil || len(raw) < 44 {
		t.Fatalf("capture: %v", err)
	}
	if size := int(binary.LittleEndian.Uint32(raw[40:])); size > len(raw)-44 || size < testRate*4*9/10 {
		t.Fatalf("capture after 1.3 s: header says %d data bytes, file has %d", size, len(raw)-44)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	a := audiotest.ReadWAV(t, p)
	if a.Duration() < 1200*time.Millisecond || a.Duration() > 1500*time.Millisecond {
		t.Fatalf("captured %v", a.Duration())
	}
	if lv := a.Level(musicHz, 800*time.Millisecond, 1200*time.Millisecond); lv < 0.45 {
		t.Fatalf("music in capture %.3f", lv)
	}
	if o.Name() != "file:"+p {
		t.Fatal(o.Name())
	}
	if _, err := OpenFileOut(filepath.Join(t.TempDir(), "no", "such", "dir.wav"), e, testRate, time.Now); err == nil {
		t.Fatal("capture into a missing folder")
	}
}

func TestLineOutWithoutSoundCard(t *testing.T) {
	if _, err := os.Stat("/dev/snd"); err == nil || os.Getenv("SD_TEST_SOUNDCARD") != "" {
		t.Skip("this machine has a sound card")
	}
	o, err := OpenLineOut(NewEngine(44100), 44100)
	if err == nil {
		o.Close()
		t.Fatal("line-out opened without a sound card")
	}
	t.Logf("no sound card: %v", err)
}

func FuzzDecodeWAV(f *testing.F) {
	f.Add(wavBytes(1, 2, 8000, 16, 4, 4, []byte{0x00, 0x40, 0x00, 0xC0}))
	f.Add(wavBytes(3, 1, 8000, 32, 4, 0x7FFFF000, []byte{0, 0, 0x80, 0x3e}))
	f.Add(wavBytes(1, 1, 44100, 24, 3, 3, []byte{0, 0, 0x40}))
	f.Add(audiotest.MonoWAV(8000, []int16{1, 2, 3}))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, format, err := DecodeWAV(io.NopCloser(bytes.NewReader(b)))
		if err != nil {
			return
		}
		if format.SampleRate < minSampleRate || format.NumChannels < 1 || format.NumChannels > 2 {
			t.Fatalf("format %+v", format)
		}
		buf := make([][2]float64, 64)
		total := 0
		for i := 0; ; i++ {
			n, ok := s.Stream(buf)
			total += n
			for _, v := range buf[:n] {
				if math.IsNaN(v[0]) || math.Abs(v[0]) > 1 || math.Abs(v[1]) > 1 {
					t.Fatalf("sample %v", v)
				}
			}
			if !ok {
				break
			}
			if n == 0 || i > len(b) {
				t.Fatalf("stream does not progress: %d samples after %d calls", total, i)
			}
		}
		if total > len(b) {
			t.Fatalf("%d samples from %d bytes", total, len(b))
		}
	})
}

func FuzzLoadMP3(f *testing.F) {
	seed, err := os.ReadFile("testdata/tone400.mp3")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed[:600])
	f.Add([]byte{0xFF, 0xFB, 0x90, 0x64, 0x00})
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		buf, err := LoadBytes(b, "mp3", testRate)
		if err != nil {
			return
		}
		// A frame is at most 1152 samples per 4 bytes of header: bounded output.
		if buf.Len() > (len(b)/4+2)*1152*testRate/8000 {
			t.Fatalf("%d samples from %d bytes", buf.Len(), len(b))
		}
	})
}
