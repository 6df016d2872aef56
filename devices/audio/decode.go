package audio

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gopxl/beep/v2"
	"github.com/gopxl/beep/v2/mp3"
)

// Extensions lists the audio files the console plays.
var Extensions = []string{".wav", ".mp3"}

// IsAudioFile reports whether name has a playable extension.
func IsAudioFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// MaxLoad is the longest audio loaded whole into memory (chimes, speech,
// recordings, scheduled files): longer files are cut there.
const MaxLoad = 15 * time.Minute

// decode picks the decoder by extension ("wav" or "mp3"). A decoder that
// panics on a malformed file is reported as an error.
func decode(rc io.ReadCloser, ext string) (s beep.StreamCloser, f beep.Format, err error) {
	defer func() {
		if r := recover(); r != nil {
			rc.Close()
			s, err = nil, fmt.Errorf("decode %s: malformed file (%v)", ext, r)
		}
	}()
	switch strings.ToLower(strings.TrimPrefix(ext, ".")) {
	case "wav":
		return DecodeWAV(rc)
	case "mp3":
		ss, f, err := mp3.Decode(rc)
		if err != nil {
			return nil, f, fmt.Errorf("decode mp3: %w", err)
		}
		if f.SampleRate < minSampleRate || f.SampleRate > maxSampleRate {
			ss.Close()
			return nil, f, fmt.Errorf("decode mp3: sample rate %d", f.SampleRate)
		}
		return ss, f, nil
	}
	rc.Close()
	return nil, beep.Format{}, fmt.Errorf("unsupported audio file type %q (use WAV or MP3)", ext)
}

// safeStreamer turns a panic inside a decoder into the end of the stream
// with an error: a broken file must never stop the PA.
type safeStreamer struct {
	s   beep.StreamCloser
	err error
}

// Stream streams from the decoder, recovering from its panics.
func (s *safeStreamer) Stream(samples [][2]float64) (n int, ok bool) {
	if s.err != nil {
		return 0, false
	}
	defer func() {
		if r := recover(); r != nil {
			s.err = fmt.Errorf("decoder failed: %v", r)
			n, ok = 0, false
		}
	}()
	return s.s.Stream(samples)
}

// Err reports the decoder's error or a recovered panic.
func (s *safeStreamer) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.s.Err()
}

// Close closes the decoder and its file.
func (s *safeStreamer) Close() error { return s.s.Close() }

// Open opens an audio file for streaming at sampleRate (resampled when its
// own rate differs). Close the result when done.
func Open(path string, sampleRate beep.SampleRate) (beep.StreamCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open audio: %w", err)
	}
	s, err := openStream(f, filepath.Ext(path), sampleRate)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return s, nil
}

// resampled is a decoder resampled to the engine's rate.
type resampled struct {
	beep.Streamer
	io.Closer
}

// openStream decodes rc and resamples it to sampleRate.
func openStream(rc io.ReadCloser, ext string, sampleRate beep.SampleRate) (beep.StreamCloser, error) {
	s, format, err := decode(rc, ext)
	if err != nil {
		return nil, err
	}
	safe := &safeStreamer{s: s}
	if format.SampleRate == sampleRate {
		return safe, nil
	}
	return resampled{Streamer: beep.Resample(4, format.SampleRate, sampleRate, safe), Closer: safe}, nil
}

// Load decodes a whole audio file (at most MaxLoad) into memory at sampleRate.
func Load(path string, sampleRate beep.SampleRate) (*beep.Buffer, error) {
	s, err := Open(path, sampleRate)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return buffer(s, sampleRate, filepath.Base(path))
}

// LoadBytes decodes audio held in memory (an embedded chime, synthesised
// speech); ext is "wav" or "mp3".
func LoadBytes(data []byte, ext string, sampleRate beep.SampleRate) (*beep.Buffer, error) {
	s, err := openStream(io.NopCloser(bytes.NewReader(data)), ext, sampleRate)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return buffer(s, sampleRate, "audio")
}

// buffer drains s (up to MaxLoad) into a Buffer; empty audio is an error.
func buffer(s beep.Streamer, sampleRate beep.SampleRate, name string) (*beep.Buffer, error) {
	buf := beep.NewBuffer(beep.Format{SampleRate: sampleRate, NumChannels: 2, Precision: 2})
	buf.Append(beep.Take(sampleRate.N(MaxLoad), s))
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if buf.Len() == 0 {
		return nil, fmt.Errorf("%s: no audio in the file", name)
	}
	return buf, nil
}
