// Package audio is the PA console's sound: a mixer (Engine) that plays
// background music from a folder, ducks it under chimes and speech and
// restores it after, plays announcements as programs (chime → speech →
// repeats with intervals), and pulls through an Output: the PC's line-out
// (ebitengine/oto), a WAV file, or nothing. Decoding and resampling use
// gopxl/beep; speech comes from espeak-ng's Mandarin voice when installed.
//
// Tests render the Engine straight into a WAV file in lockstep with a fake
// clock, so every measurement is exact. This package never imports the GUI.
package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/gopxl/beep/v2"
)

// Why not beep/wav: it loops forever on a WAV whose data size is a
// placeholder (espeak-ng --stdout, streamed recorders), divides by zero on a
// zero frame size and indexes out of range when the frame size disagrees
// with the sample width; a bad file in the music folder must never stop
// the PA. This decoder checks every header field and is fuzzed.

// Limits of the WAV decoder.
const (
	minSampleRate = 4000
	maxSampleRate = 384000
	maxChunkSkip  = 1 << 20 // bytes of a non-audio chunk (LIST, bext …) skipped at most
)

// errNotWAV is returned for anything that is not a RIFF/WAVE file.
var errNotWAV = errors.New("wav: not a RIFF WAVE file")

// wavDecoder streams PCM (8/16/24/32-bit integer) or IEEE float (32/64-bit)
// samples; the first two channels are used, mono is copied to both.
type wavDecoder struct {
	r        io.Reader
	closer   io.Closer
	format   beep.Format
	float    bool
	bits     int
	channels int
	frame    int   // bytes per frame
	left     int64 // data bytes left; -1 = until EOF (placeholder size)
	buf      []byte
	err      error
}

// DecodeWAV reads a WAV header from r and returns a streamer of its
// samples and their format. rc is closed by the streamer's Close.
func DecodeWAV(rc io.ReadCloser) (beep.StreamCloser, beep.Format, error) {
	d, err := decodeWAVHeader(rc)
	if err != nil {
		rc.Close()
		return nil, beep.Format{}, err
	}
	d.closer = rc
	return d, d.format, nil
}

// decodeWAVHeader parses the RIFF chunks up to the data chunk.
func decodeWAVHeader(r io.Reader) (*wavDecoder, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil || string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return nil, errNotWAV
	}
	d := &wavDecoder{r: r}
	haveFmt := false
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return nil, fmt.Errorf("wav: no data chunk: %w", err)
		}
		id, size := string(hdr[0:4]), binary.LittleEndian.Uint32(hdr[4:8])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return nil, fmt.Errorf("wav: format chunk of %d bytes", size)
			}
			body := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, body); err != nil {
				return nil, fmt.Errorf("wav: short format chunk: %w", err)
			}
			if err := d.parseFmt(body[:size]); err != nil {
				return nil, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, errors.New("wav: data before format")
			}
			d.left = int64(size)
			if size == 0 || size >= 0x7FFFF000 {
				d.left = -1 // a streamed file's placeholder: read to EOF
			}
			d.buf = make([]byte, 1024*d.frame)
			return d, nil
		default:
			skip := int64(size) + int64(size%2)
			if skip > maxChunkSkip {
				return nil, fmt.Errorf("wav: %q chunk of %d bytes", id, size)
			}
			if _, err := io.CopyN(io.Discard, r, skip); err != nil {
				return nil, fmt.Errorf("wav: short %q chunk: %w", id, err)
			}
		}
	}
}

// parseFmt reads the format chunk body.
func (d *wavDecoder) parseFmt(b []byte) error {
	tag := binary.LittleEndian.Uint16(b[0:2])
	d.channels = int(binary.LittleEndian.Uint16(b[2:4]))
	rate := binary.LittleEndian.Uint32(b[4:8])
	d.frame = int(binary.LittleEndian.Uint16(b[12:14]))
	d.bits = int(binary.LittleEndian.Uint16(b[14:16]))
	if tag == 0xFFFE { // WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes are the tag
		if len(b) < 26 {
			return errors.New("wav: short extensible format")
		}
		tag = binary.LittleEndian.Uint16(b[24:26])
	}
	switch {
	case tag == 1 && (d.bits == 8 || d.bits == 16 || d.bits == 24 || d.bits == 32):
	case tag == 3 && (d.bits == 32 || d.bits == 64):
		d.float = true
	default:
		return fmt.Errorf("wav: unsupported encoding %d with %d bits", tag, d.bits)
	}
	if d.channels < 1 || d.channels > 8 {
		return fmt.Errorf("wav: %d channels", d.channels)
	}
	if rate < minSampleRate || rate > maxSampleRate {
		return fmt.Errorf("wav: sample rate %d", rate)
	}
	if d.frame != d.channels*d.bits/8 {
		return fmt.Errorf("wav: frame of %d bytes for %d channels of %d bits", d.frame, d.channels, d.bits)
	}
	d.format = beep.Format{SampleRate: beep.SampleRate(rate), NumChannels: min(d.channels, 2), Precision: max(1, min(d.bits/8, 3))}
	return nil
}

// Stream decodes up to len(samples) frames.
func (d *wavDecoder) Stream(samples [][2]float64) (int, bool) {
	if d.err != nil || d.left == 0 {
		return 0, false
	}
	n := 0
	for n < len(samples) && d.left != 0 {
		want := min(len(samples)-n, len(d.buf)/d.frame) * d.frame
		if d.left > 0 {
			want = min(want, int(d.left/int64(d.frame))*d.frame)
			if want == 0 {
				d.left = 0
				break
			}
		}
		got, err := io.ReadFull(d.r, d.buf[:want])
		got -= got % d.frame
		for i := 0; i < got; i += d.frame {
			l := d.sample(d.buf[i:])
			r := l
			if d.channels > 1 {
				r = d.sample(d.buf[i+d.bits/8:])
			}
			samples[n] = [2]float64{l, r}
			n++
		}
		if d.left > 0 {
			d.left -= int64(got)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				d.err = fmt.Errorf("wav: %w", err)
			}
			d.left = 0
		}
	}
	return n, n > 0
}

// sample decodes one channel value at b[0:].
func (d *wavDecoder) sample(b []byte) float64 {
	switch {
	case d.float && d.bits == 32:
		v := float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
		return clampSample(v)
	case d.float:
		return clampSample(math.Float64frombits(binary.LittleEndian.Uint64(b)))
	case d.bits == 8:
		return (float64(b[0]) - 128) / 128
	case d.bits == 16:
		return float64(int16(binary.LittleEndian.Uint16(b))) / (1 << 15)
	case d.bits == 24:
		v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
		return float64(v) / (1 << 23)
	default:
		return float64(int32(binary.LittleEndian.Uint32(b))) / (1 << 31)
	}
}

// clampSample keeps a decoded float within [-1, 1] (NaN becomes silence).
func clampSample(v float64) float64 {
	switch {
	case math.IsNaN(v):
		return 0
	case v > 1:
		return 1
	case v < -1:
		return -1
	}
	return v
}

// Err reports a read error that ended the stream early.
func (d *wavDecoder) Err() error { return d.err }

// Close closes the underlying file.
func (d *wavDecoder) Close() error {
	if d.closer != nil {
		return d.closer.Close()
	}
	return nil
}
