package devicetest

import (
	"context"
	"testing"
	"time"
)

// WaitFor polls cond every 10ms until it holds, failing the test if it
// does not within d; what names the awaited event in the failure.
func WaitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Loop is a Run method (of a printer, reader, scanner or print worker)
// running in its own goroutine.
type Loop struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// Go starts run in a goroutine with a context that [Loop.Stop] cancels.
// At cleanup the context is cancelled and run is given a few seconds to
// return.
func Go(t testing.TB, run func(context.Context) error) *Loop {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &Loop{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.err = run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-l.done:
		case <-time.After(5 * time.Second):
			t.Error("Run did not stop at cleanup")
		}
	})
	return l
}

// Wait waits up to d for run to return and returns its error. The test
// fails if run is still going after d.
func (l *Loop) Wait(t testing.TB, d time.Duration) error {
	t.Helper()
	select {
	case <-l.done:
		return l.err
	case <-time.After(d):
		t.Fatalf("Run did not return within %v", d)
		return nil
	}
}

// Stop cancels run's context and then waits like [Loop.Wait].
func (l *Loop) Stop(t testing.TB, d time.Duration) error {
	t.Helper()
	l.cancel()
	return l.Wait(t, d)
}
