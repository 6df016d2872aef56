package printing_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
	"servicedesk/receipts"
)

// slowPrinter is a fake printer that takes a moment per job, so two
// workers' passes overlap.
type slowPrinter struct{ *devices.FakePrinter }

func (p slowPrinter) Print(ctx context.Context, job []byte) error {
	time.Sleep(3 * time.Millisecond)
	return p.FakePrinter.Print(ctx, job)
}

// Two print workers on one queue (two processes on one database file:
// each its own connection pool and printer) drain it together; every
// receipt comes out exactly once. The claim (queued/failed → sending) is
// one atomic UPDATE, so the worker that loses the race skips the job; a
// shared worker does not take over the other's jobs in flight at its
// start. (Without Shared, the second worker's start-up recovery resent
// the first worker's job in flight: 31 receipts for 30 jobs. The counter
// itself never runs two workers: the instance lock refuses a second
// window.)
func TestTwoWorkersPrintEachJobOnce(t *testing.T) {
	ctx := context.Background()
	d := newDesk(t)
	var want []string
	for round := 0; round < 5; round++ {
		for _, n := range []string{"U-001", "U-002", "U-003"} {
			l := d.lend(t, n)
			r, err := d.lending.Return(ctx, d.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, l.ReceiptNo, r.ReturnNo)
		}
	}
	if got := len(d.pending(t)); got != len(want) {
		t.Fatalf("%d jobs queued, want %d", got, len(want))
	}
	other, err := sqlstore.Open(ctx, d.db.Path(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	printers := []*devices.FakePrinter{devices.NewFakePrinter(), devices.NewFakePrinter()}
	shared := func(q printing.Queue, p devices.ReceiptPrinter) *printing.Worker {
		w, err := printing.New(printing.Config{Queue: q, Printer: p, MinBackoff: 20 * time.Millisecond,
			MaxBackoff: 100 * time.Millisecond, Idle: time.Second, Logger: quiet(), Shared: true})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	workers := []*printing.Worker{
		shared(d.queue, slowPrinter{printers[0]}),
		shared(sqlstore.NewPrintQueue(other), slowPrinter{printers[1]}),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				done, err := w.Drain(ctx)
				if err != nil {
					errs <- err
					return
				}
				if done {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Every receipt number once on paper, across both printers: the line
	// 单号：<no> heads each slip.
	printed := map[string]int{}
	perPrinter := make([]int, len(printers))
	for i, p := range printers {
		for _, job := range p.Jobs() {
			dec, err := receipts.DecodeESCPOS(job)
			if err != nil {
				t.Fatal(err)
			}
			perPrinter[i]++
			for _, line := range dec.Texts() {
				if no, ok := strings.CutPrefix(strings.TrimSpace(line), "单号："); ok {
					printed[no]++
				}
			}
		}
	}
	for _, no := range want {
		if printed[no] != 1 {
			t.Errorf("receipt %s printed %d times", no, printed[no])
		}
	}
	if total := perPrinter[0] + perPrinter[1]; total != len(want) || perPrinter[0] == 0 || perPrinter[1] == 0 {
		t.Fatalf("%d receipts printed (%v per printer) for %d jobs; both workers should have printed", total, perPrinter, len(want))
	}
	if left := len(d.pending(t)); left != 0 {
		t.Fatalf("%d jobs left", left)
	}
	t.Logf("printed %v per printer", perPrinter)
}
