package devices

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Parity is a serial parity setting.
type Parity string

// Parity settings.
const (
	ParityNone  Parity = "none"
	ParityOdd   Parity = "odd"
	ParityEven  Parity = "even"
	ParityMark  Parity = "mark"
	ParitySpace Parity = "space"
)

// StopBits is a serial stop-bit setting.
type StopBits string

// Stop-bit settings.
const (
	StopBits1   StopBits = "1"
	StopBits1_5 StopBits = "1.5"
	StopBits2   StopBits = "2"
)

// FilePrefix marks a port name that captures bytes into a file
// ("file:/tmp/receipt.bin") instead of talking to a device.
const FilePrefix = "file:"

// Port defaults: 9600 8N1, the factory setting of most receipt printers
// and card readers.
const (
	DefaultBaudRate    = 9600
	DefaultDataBits    = 8
	DefaultReadTimeout = 200 * time.Millisecond
)

// PortConfig names a port and its line settings.
type PortConfig struct {
	// Name is "/dev/ttyUSB0", "/dev/pts/3", "COM3" or "file:/path".
	Name     string
	BaudRate int      // 0 means 9600
	DataBits int      // 5–8; 0 means 8
	Parity   Parity   // "" means none
	StopBits StopBits // "" means 1
	// ReadTimeout bounds each Read; a Read that times out returns 0, nil.
	// 0 means 200 ms.
	ReadTimeout time.Duration
}

// IsFile reports whether the port captures to a file.
func (c PortConfig) IsFile() bool { return strings.HasPrefix(c.Name, FilePrefix) }

// WithDefaults returns c with zero fields set to their defaults.
func (c PortConfig) WithDefaults() PortConfig {
	if c.BaudRate == 0 {
		c.BaudRate = DefaultBaudRate
	}
	if c.DataBits == 0 {
		c.DataBits = DefaultDataBits
	}
	if c.Parity == "" {
		c.Parity = ParityNone
	}
	if c.StopBits == "" {
		c.StopBits = StopBits1
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	return c
}

// BitsPerByte is the number of bits a byte takes on the line: a start
// bit, the data bits, a parity bit if any and the stop bits.
func (c PortConfig) BitsPerByte() float64 {
	c = c.WithDefaults()
	bits := 1 + float64(c.DataBits)
	if c.Parity != ParityNone {
		bits++
	}
	switch c.StopBits {
	case StopBits1_5:
		bits += 1.5
	case StopBits2:
		bits += 2
	default:
		bits++
	}
	return bits
}

// LineTime is how long n bytes take on the line at the configured baud
// rate (9600 8N1: about 1.04 ms a byte).
func (c PortConfig) LineTime(n int) time.Duration {
	c = c.WithDefaults()
	if n <= 0 || c.BaudRate <= 0 {
		return 0
	}
	return time.Duration(float64(n) * c.BitsPerByte() / float64(c.BaudRate) * float64(time.Second))
}

// ErrBadConfig is wrapped by every configuration validation error.
var ErrBadConfig = errors.New("bad device config")

// Validate checks c after defaults are applied.
func (c PortConfig) Validate() error {
	c = c.WithDefaults()
	switch {
	case strings.TrimSpace(c.Name) == "" || c.Name == FilePrefix:
		return fmt.Errorf("%w: port name empty", ErrBadConfig)
	case c.BaudRate < 50 || c.BaudRate > 4000000:
		return fmt.Errorf("%w: baud rate %d", ErrBadConfig, c.BaudRate)
	case c.DataBits < 5 || c.DataBits > 8:
		return fmt.Errorf("%w: data bits %d", ErrBadConfig, c.DataBits)
	case c.ReadTimeout < 0:
		return fmt.Errorf("%w: read timeout %v", ErrBadConfig, c.ReadTimeout)
	}
	switch c.Parity {
	case ParityNone, ParityOdd, ParityEven, ParityMark, ParitySpace:
	default:
		return fmt.Errorf("%w: parity %q", ErrBadConfig, c.Parity)
	}
	switch c.StopBits {
	case StopBits1, StopBits1_5, StopBits2:
	default:
		return fmt.Errorf("%w: stop bits %q", ErrBadConfig, c.StopBits)
	}
	return nil
}

// Backoff is the reconnect delay policy of the device supervisors: it
// starts at Min and doubles up to Max.
type Backoff struct {
	Min time.Duration // 0 means 250 ms
	Max time.Duration // 0 means 5 s
}

func (b Backoff) withDefaults() Backoff {
	if b.Min <= 0 {
		b.Min = 250 * time.Millisecond
	}
	if b.Max < b.Min {
		b.Max = max(5*time.Second, b.Min)
	}
	return b
}

func (b Backoff) next(d time.Duration) time.Duration {
	b = b.withDefaults()
	if d < b.Min {
		return b.Min
	}
	return min(2*d, b.Max)
}
