package devices

import (
	"fmt"
	"time"
)

// Framing is how a serial card reader or scanner frames each read.
type Framing string

// Supported framings.
const (
	// FramingRDM6300 is RDM6300/EM4100 125 kHz: STX, 10 hex data, 2 hex
	// XOR checksum of the 5 data bytes, ETX.
	FramingRDM6300 Framing = "rdm6300"
	// FramingID12 is the ID-12/ID-20 style: STX, 10 hex, 2 hex checksum,
	// CR, LF, ETX.
	FramingID12 Framing = "id12"
	// FramingEM18 is EM-18: 12 ASCII characters (10 hex + 2 hex XOR
	// checksum) with no framing bytes.
	FramingEM18 Framing = "em18"
	// FramingLines is any printable text ended by CR and/or LF: serial QR
	// scanners, Mifare readers in text mode.
	FramingLines Framing = "lines"
	// FramingWiegandHex is a Wiegand converter sending hex digits + CR/LF.
	FramingWiegandHex Framing = "wiegand-hex"
	// FramingWiegandDecimal is a Wiegand converter sending decimal
	// digits + CR/LF.
	FramingWiegandDecimal Framing = "wiegand-dec"
)

// Framings lists the supported framings (for settings screens).
func Framings() []Framing {
	return []Framing{FramingRDM6300, FramingID12, FramingEM18, FramingLines, FramingWiegandHex, FramingWiegandDecimal}
}

// Validate reports an unknown framing.
func (f Framing) Validate() error {
	for _, g := range Framings() {
		if f == g {
			return nil
		}
	}
	return fmt.Errorf("%w: framing %q", ErrBadConfig, f)
}

// Card is one accepted read: a card number or a scanned code.
type Card struct {
	// ID is the card number: 10 upper-case hex digits for EM4100 frames,
	// the digits for Wiegand, the text of the line for FramingLines.
	ID string
	// At is when the read was accepted (ParserOptions.Now).
	At time.Time
	// Format says how ID is written (set by the parser).
	Format CardFormat
}

// CardFormat is how a read card's ID is written.
type CardFormat int

// Card formats.
const (
	// CardUnknown: guessed from the ID (10 hex digits are an EM4100 id).
	CardUnknown CardFormat = iota
	CardEM4100             // 10 hex digits, checksum verified (rdm6300, id12, em18)
	CardHex                // hex from a Wiegand converter (wiegand-hex)
	CardDecimal            // decimal from a Wiegand converter (wiegand-dec)
	CardText               // a line of text (lines): a scanned code, not a number
)

// cardFormat is the format of the IDs a framing reads.
func (f Framing) cardFormat() CardFormat {
	switch f {
	case FramingRDM6300, FramingID12, FramingEM18:
		return CardEM4100
	case FramingWiegandHex:
		return CardHex
	case FramingWiegandDecimal:
		return CardDecimal
	}
	return CardText
}

// FrameStats counts what a FrameParser has seen.
type FrameStats struct {
	Good        int // cards accepted (after debounce)
	Repeats     int // good reads dropped by the debounce
	BadChecksum int // well-formed frames with a wrong checksum
	NoiseBytes  int // bytes outside any good frame, incl. malformed frames
	// BadLines counts lines the line framings dropped whole: a byte
	// outside the framing's alphabet (a control byte, a letter in a
	// decimal number), or longer than MaxLine.
	BadLines int
}
