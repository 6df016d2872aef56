package devices

import (
	"errors"
	"fmt"
)

// PrinterState is the summary state of a printer.
type PrinterState int

// Printer states. StatePaperNearEnd and StateUnknown still print.
const (
	StateOK PrinterState = iota
	StatePaperNearEnd
	StatePaperEnd
	StateCoverOpen
	StateOffline
	StateError
	StateDisconnected
	// StateUnknown is a printer whose port is open but whose status is
	// not asked (it does not answer DLE EOT): neither 正常 nor 未连接.
	StateUnknown
)

var stateNames = [...]struct{ en, zh string }{
	StateOK:           {"ok", "正常"},
	StatePaperNearEnd: {"paper near end", "纸将尽"},
	StatePaperEnd:     {"paper end", "缺纸"},
	StateCoverOpen:    {"cover open", "纸仓盖打开"},
	StateOffline:      {"offline", "脱机"},
	StateError:        {"printer error", "打印机故障"},
	StateDisconnected: {"disconnected", "未连接"},
	StateUnknown:      {"status unknown", "状态未知"},
}

// String is the English name (for logs).
func (s PrinterState) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return fmt.Sprintf("state(%d)", int(s))
	}
	return stateNames[s].en
}

// Label is the Chinese name shown to staff.
func (s PrinterState) Label() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "未知"
	}
	return stateNames[s].zh
}

// PrinterStatus is what the printer reported. The zero value is a
// disconnected printer.
type PrinterStatus struct {
	Connected    bool // the port is open and the printer answered
	Offline      bool
	CoverOpen    bool
	PaperEnd     bool
	PaperNearEnd bool
	Error        bool // cutter, mechanical or unrecoverable error
	// Unknown means the port is open but the printer's state is not
	// asked (status checks are off for this printer).
	Unknown bool
}

// StatusOK is a connected printer with nothing to report.
var StatusOK = PrinterStatus{Connected: true}

// StatusUnknown is an open port to a printer whose status is not asked.
var StatusUnknown = PrinterStatus{Connected: true, Unknown: true}

// State summarises the status; the cause of a stop wins over "offline",
// which the printer also reports while out of paper or with the cover open.
func (s PrinterStatus) State() PrinterState {
	switch {
	case !s.Connected:
		return StateDisconnected
	case s.Unknown:
		return StateUnknown
	case s.CoverOpen:
		return StateCoverOpen
	case s.PaperEnd:
		return StatePaperEnd
	case s.Error:
		return StateError
	case s.Offline:
		return StateOffline
	case s.PaperNearEnd:
		return StatePaperNearEnd
	}
	return StateOK
}

// Label is the Chinese label of the state, e.g. "缺纸".
func (s PrinterStatus) Label() string { return s.State().Label() }

// String is the English state name.
func (s PrinterStatus) String() string { return s.State().String() }

// Ready reports whether a job may be sent (near end still prints, and
// a printer whose status is unknown is sent jobs blind).
func (s PrinterStatus) Ready() bool {
	st := s.State()
	return st == StateOK || st == StatePaperNearEnd || st == StateUnknown
}

// Fine reports whether the printer is known to be printing normally: ready
// and actually asked. A job is confirmed printed only on a fine status.
func (s PrinterStatus) Fine() bool {
	st := s.State()
	return st == StateOK || st == StatePaperNearEnd
}

// merge ORs the flags of two partial statuses.
func (s PrinterStatus) merge(o PrinterStatus) PrinterStatus {
	return PrinterStatus{
		Connected:    s.Connected || o.Connected,
		Offline:      s.Offline || o.Offline,
		CoverOpen:    s.CoverOpen || o.CoverOpen,
		PaperEnd:     s.PaperEnd || o.PaperEnd,
		PaperNearEnd: s.PaperNearEnd || o.PaperNearEnd,
		Error:        s.Error || o.Error,
		Unknown:      s.Unknown || o.Unknown,
	}
}

// DLE EOT n status request selectors.
const (
	QueryPrinter byte = 1 // printer status
	QueryOffline byte = 2 // offline cause
	QueryError   byte = 3 // error cause
	QueryPaper   byte = 4 // roll paper sensor
)

// ErrBadStatusReply is wrapped by ParseStatus for bytes that are not a
// DLE EOT reply (fixed bits wrong) or an unknown n.
var ErrBadStatusReply = errors.New("bad status reply")

// ParseStatus decodes the reply byte to DLE EOT n. Every reply has bit 1
// and bit 4 set and bits 0 and 7 clear; anything else is noise.
func ParseStatus(n byte, reply byte) (PrinterStatus, error) {
	if reply&0x93 != 0x12 {
		return PrinterStatus{}, fmt.Errorf("%w: n=%d reply %#02x", ErrBadStatusReply, n, reply)
	}
	bit := func(i uint) bool { return reply&(1<<i) != 0 }
	s := PrinterStatus{Connected: true}
	switch n {
	case QueryPrinter:
		s.Offline = bit(3)
	case QueryOffline:
		s.CoverOpen = bit(2)
		s.PaperEnd = bit(5)
		s.Error = bit(6)
	case QueryError:
		s.Error = bit(2) || bit(3) || bit(5) || bit(6)
	case QueryPaper:
		s.PaperNearEnd = bit(2) || bit(3)
		s.PaperEnd = bit(5) || bit(6)
	default:
		return PrinterStatus{}, fmt.Errorf("%w: n=%d", ErrBadStatusReply, n)
	}
	return s, nil
}
