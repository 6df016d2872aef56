package devices

import (
	"context"
	"errors"
	"testing"
)

func TestFakePrinter(t *testing.T) {
	f := NewFakePrinter()
	var seen []PrinterState
	f.OnStatus(func(s PrinterStatus) { seen = append(seen, s.State()) })
	ctx := t.Context()
	if err := f.Print(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	f.SetStatus(PrinterStatus{Connected: true, PaperEnd: true})
	err := f.Print(ctx, []byte("two"))
	if !errors.Is(err, ErrNotReady) || ErrorReason(err) != "缺纸" {
		t.Fatalf("paper end: %v", err)
	}
	f.SetStatus(StatusOK)
	boom := errors.New("boom")
	f.FailNext(boom)
	if err := f.Print(ctx, []byte("three")); !errors.Is(err, boom) {
		t.Fatalf("queued failure: %v", err)
	}
	if err := f.Print(ctx, []byte("four")); err != nil {
		t.Fatal(err)
	}
	jobs := f.Jobs()
	if len(jobs) != 2 || string(jobs[0]) != "one" || string(jobs[1]) != "four" {
		t.Fatalf("jobs %q", jobs)
	}
	if len(seen) != 2 || seen[0] != StatePaperEnd || seen[1] != StateOK {
		t.Fatalf("status changes %v", seen)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := f.Print(cctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	f.Reset()
	if len(f.Jobs()) != 0 {
		t.Fatal("reset")
	}
}
