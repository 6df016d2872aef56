package devices

import (
	"errors"
	"fmt"
)

// ErrNotReady is matched (errors.Is) by every StatusError.
var ErrNotReady = errors.New("printer not ready")

// ErrClosed is returned by a device used after Close.
var ErrClosed = errors.New("device closed")

// StatusError is returned by Print when the job was not sent because of
// the printer's state; Err holds the I/O error, if any. Nothing of the
// job was printed unless Partial is set.
type StatusError struct {
	Status  PrinterStatus
	Partial bool // some bytes of the job reached the port before failing
	Err     error
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("printer not ready: %s (%s)", e.Status.Label(), e.Status.State())
	if e.Partial {
		msg += ", job cut short"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying I/O error.
func (e *StatusError) Unwrap() error { return e.Err }

// Is matches ErrNotReady.
func (e *StatusError) Is(target error) bool { return target == ErrNotReady }

// ErrorReason returns the Chinese reason a print failed ("缺纸", "未连接"),
// for the print queue and the GUI; "" if err is not a printer error.
func ErrorReason(err error) string {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status.Label()
	}
	if errors.Is(err, ErrClosed) {
		return StateDisconnected.Label()
	}
	return ""
}
