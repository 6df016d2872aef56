package devices

import (
	"context"
	"fmt"
	"sync"
)

// FakePrinter is an in-memory ReceiptPrinter for tests: it records the
// jobs it accepts and refuses jobs while its status is not ready or a
// failure is queued. It is safe for concurrent use.
type FakePrinter struct {
	mu       sync.Mutex
	status   PrinterStatus
	jobs     [][]byte
	failures []error
	onStatus func(PrinterStatus)
}

var _ ReceiptPrinter = (*FakePrinter)(nil)

// NewFakePrinter returns a ready fake printer.
func NewFakePrinter() *FakePrinter {
	return &FakePrinter{status: StatusOK}
}

// Print records job, or refuses it like a real printer: a queued failure
// is returned first, then a not-ready status gives a *StatusError.
func (f *FakePrinter) Print(ctx context.Context, job []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("print: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failures) > 0 {
		err := f.failures[0]
		f.failures = f.failures[1:]
		return err
	}
	if !f.status.Ready() {
		return &StatusError{Status: f.status}
	}
	f.jobs = append(f.jobs, append([]byte(nil), job...))
	return nil
}

// Status returns the status set by SetStatus.
func (f *FakePrinter) Status() PrinterStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// SetStatus changes the status and calls the OnStatus hook on a change.
func (f *FakePrinter) SetStatus(st PrinterStatus) {
	f.mu.Lock()
	changed := st != f.status
	f.status = st
	hook := f.onStatus
	f.mu.Unlock()
	if changed && hook != nil {
		hook(st)
	}
}

// OnStatus sets a hook called by SetStatus on every change.
func (f *FakePrinter) OnStatus(fn func(PrinterStatus)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onStatus = fn
}

// FailNext makes the next Print calls return errs, one each, in order.
func (f *FakePrinter) FailNext(errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, errs...)
}

// Jobs returns copies of the accepted jobs, oldest first.
func (f *FakePrinter) Jobs() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([][]byte, len(f.jobs))
	for i, j := range f.jobs {
		out[i] = append([]byte(nil), j...)
	}
	return out
}

// Reset forgets recorded jobs and queued failures.
func (f *FakePrinter) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs, f.failures = nil, nil
}
