package audio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// WAVWriter writes 16-bit stereo PCM. The header's sizes are patched by
// Flush, so the file is a valid WAV after every Flush (a capture stays
// playable if the program stops).
type WAVWriter struct {
	w       io.WriteSeeker
	rate    int
	frames  int64
	pending []byte // encoded samples not yet written (up to wavBuffer)
}

// wavBuffer is how many bytes the writer collects before writing.
const wavBuffer = 64 << 10

// NewWAVWriter writes a header for sampleRate and returns the writer.
func NewWAVWriter(w io.WriteSeeker, sampleRate int) (*WAVWriter, error) {
	ww := &WAVWriter{w: w, rate: sampleRate}
	if _, err := w.Write(ww.header()); err != nil {
		return nil, fmt.Errorf("write wav header: %w", err)
	}
	return ww, nil
}

// header is the 44-byte RIFF header for the frames written so far.
func (w *WAVWriter) header() []byte {
	data := uint32(w.frames * 4)
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 36+data)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], 2) // stereo
	binary.LittleEndian.PutUint32(h[24:], uint32(w.rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(w.rate*4))
	binary.LittleEndian.PutUint16(h[32:], 4)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], data)
	return h
}

// Write appends samples, clipped to [-1, 1]; they reach the file in
// blocks, and all of them at Flush.
func (w *WAVWriter) Write(samples [][2]float64) error {
	for _, s := range samples {
		w.pending = binary.LittleEndian.AppendUint16(w.pending, uint16(toInt16(s[0])))
		w.pending = binary.LittleEndian.AppendUint16(w.pending, uint16(toInt16(s[1])))
	}
	w.frames += int64(len(samples))
	if len(w.pending) >= wavBuffer {
		return w.writePending()
	}
	return nil
}

// writePending writes the collected samples.
func (w *WAVWriter) writePending() error {
	if len(w.pending) == 0 {
		return nil
	}
	_, err := w.w.Write(w.pending)
	w.pending = w.pending[:0]
	if err != nil {
		return fmt.Errorf("write wav: %w", err)
	}
	return nil
}

// toInt16 converts a sample to 16-bit PCM with clipping.
func toInt16(v float64) int16 {
	v = math.Round(clampSample(v) * 32767)
	return int16(v)
}

// Frames is the number of frames written.
func (w *WAVWriter) Frames() int64 { return w.frames }

// Flush writes what is pending, patches the header's sizes and returns to
// the end of the file.
func (w *WAVWriter) Flush() error {
	if err := w.writePending(); err != nil {
		return err
	}
	if _, err := w.w.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("seek wav header: %w", err)
	}
	if _, err := w.w.Write(w.header()); err != nil {
		return fmt.Errorf("write wav header: %w", err)
	}
	if _, err := w.w.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("seek wav end: %w", err)
	}
	return nil
}
