package devices

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotReady is matched (errors.Is) by every StatusError.
var ErrNotReady = errors.New("printer not ready")

// ErrClosed is returned by a device used after Close.
var ErrClosed = errors.New("device closed")

// ErrNotConfirmed is the cause of a job whose bytes all left the port but
// whose printer did not report a fine state afterwards (paper ran out or
// the cover opened mid-job): it may be on paper only in part.
var ErrNotConfirmed = errors.New("job not confirmed by the printer's status")

// StatusError is returned by Print for a job that was not confirmed
// printed: refused by the printer's state, cut short by an I/O error or a
// cancelled context, or not confirmed by the status after it. Err holds
// the cause, if any. Sent bytes of the job were written to the port
// before it stopped; with Sent 0 nothing of it can be on paper.
type StatusError struct {
	Status PrinterStatus
	Sent   int // bytes of the job the port took
	Total  int // bytes in the job
	Err    error
}

// Incomplete reports whether part of the job may have been printed.
func (e *StatusError) Incomplete() bool { return e.Sent > 0 }

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("printer not ready: %s (%s)", e.Status.Label(), e.Status.State())
	if e.Sent > 0 {
		msg += fmt.Sprintf(", job cut short after %d of %d bytes", e.Sent, e.Total)
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

// ReasonInterrupted is the reason of a job stopped by the program (timeout
// or shutdown) rather than by the printer.
const ReasonInterrupted = "打印中断"

// ErrorReason returns the Chinese reason a print failed ("缺纸", "未连接"),
// for the print queue and the GUI; "" if err is not a printer error.
func ErrorReason(err error) string {
	var se *StatusError
	if errors.As(err, &se) {
		if errors.Is(se.Err, context.Canceled) || errors.Is(se.Err, context.DeadlineExceeded) {
			return ReasonInterrupted
		}
		return se.Status.Label()
	}
	if errors.Is(err, ErrClosed) {
		return StateDisconnected.Label()
	}
	return ""
}
