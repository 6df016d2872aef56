package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"
	"github.com/gopxl/beep/v2"
)

// Output pulls the engine's stream to somewhere people hear it.
type Output interface {
	// Name describes the output for the console ("声卡", "file:/tmp/pa.wav").
	Name() string
	// Err reports a failure after opening (a sound card gone), nil if fine.
	Err() error
	// Close stops pulling.
	Close() error
}

// ErrNoOutput means the PA is switched off in the settings ("none").
var ErrNoOutput = errors.New("audio output switched off")

// lineOut plays through the PC's sound card with oto. oto allows one
// context per process: open the line-out once, at start.
type lineOut struct {
	ctx    *oto.Context
	player *oto.Player
}

// OpenLineOut starts playing src through the default sound card. It fails
// when the PC has no usable audio device (on Linux: no ALSA device).
func OpenLineOut(src beep.Streamer, sampleRate beep.SampleRate) (Output, error) {
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate:   int(sampleRate),
		ChannelCount: 2,
		Format:       oto.FormatFloat32LE,
		BufferSize:   100 * time.Millisecond,
	})
	if err != nil {
		return nil, fmt.Errorf("open sound card: %w", err)
	}
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		return nil, errors.New("open sound card: no answer in 5 s")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open sound card: %w", err)
	}
	p := ctx.NewPlayer(&pcmReader{src: src})
	p.SetBufferSize(int(sampleRate) * 8 / 10) // 100 ms of float32 stereo
	p.Play()
	return &lineOut{ctx: ctx, player: p}, nil
}

// Name describes the output.
func (o *lineOut) Name() string { return "声卡" }

// Err reports a sound-card failure.
func (o *lineOut) Err() error {
	if err := o.ctx.Err(); err != nil {
		return err
	}
	return o.player.Err()
}

// Close stops the player.
func (o *lineOut) Close() error { return o.player.Close() }

// pcmReader turns a streamer into float32 little-endian stereo bytes.
type pcmReader struct {
	src beep.Streamer
	buf [][2]float64
}

// Read fills p with whole frames.
func (r *pcmReader) Read(p []byte) (int, error) {
	frames := len(p) / 8
	if frames == 0 {
		return 0, nil
	}
	if cap(r.buf) < frames {
		r.buf = make([][2]float64, frames)
	}
	buf := r.buf[:frames]
	n, _ := r.src.Stream(buf)
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(p[i*8:], math.Float32bits(float32(buf[i][0])))
		binary.LittleEndian.PutUint32(p[i*8+4:], math.Float32bits(float32(buf[i][1])))
	}
	return n * 8, nil
}

// fileOut renders the stream in real time into a WAV file: the PA of a
// demo or a test machine without a sound card.
type fileOut struct {
	path string
	f    *os.File
	w    *WAVWriter
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error
}

// OpenFileOut captures src into a WAV file at path, in real time (clocked
// by now), flushing the header every second so the file stays playable.
func OpenFileOut(path string, src beep.Streamer, sampleRate beep.SampleRate, now func() time.Time) (Output, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("open capture file: %w", err)
	}
	w, err := NewWAVWriter(f, int(sampleRate))
	if err != nil {
		f.Close()
		return nil, err
	}
	o := &fileOut{path: path, f: f, w: w, stop: make(chan struct{})}
	o.wg.Add(1)
	go o.run(src, sampleRate, now)
	return o, nil
}

// run pulls what real time asks for, every 50 ms.
func (o *fileOut) run(src beep.Streamer, sr beep.SampleRate, now func() time.Time) {
	defer o.wg.Done()
	start := now()
	var written int64
	buf := make([][2]float64, sr.N(time.Second))
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	lastFlush := start
	for {
		select {
		case <-o.stop:
			return
		case <-tick.C:
		}
		t := now()
		due := int64(sr.N(t.Sub(start))) - written
		for due > 0 {
			n := int(min(due, int64(len(buf))))
			src.Stream(buf[:n])
			if err := o.w.Write(buf[:n]); err != nil {
				o.setErr(err)
				return
			}
			written += int64(n)
			due -= int64(n)
		}
		if t.Sub(lastFlush) >= time.Second {
			lastFlush = t
			if err := o.w.Flush(); err != nil {
				o.setErr(err)
				return
			}
		}
	}
}

// setErr keeps the first failure.
func (o *fileOut) setErr(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = err
	}
}

// Name describes the output.
func (o *fileOut) Name() string { return "file:" + o.path }

// Err reports a write failure (full disk …).
func (o *fileOut) Err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// Close stops capturing and finishes the file.
func (o *fileOut) Close() error {
	close(o.stop)
	o.wg.Wait()
	err := o.w.Flush()
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	return err
}
