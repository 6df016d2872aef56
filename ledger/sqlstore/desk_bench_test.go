package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"servicedesk/ledger"
)

// benchDesks sets up a database (this run's engine) with n desks, each with
// its own connection pool and one umbrella of its own.
func benchDesks(b *testing.B, n int) (*fixture, []*LendingService) {
	b.Helper()
	ctx := context.Background()
	f := newFixtureTB(b)
	var out []*LendingService
	for i := 0; i < n; i++ {
		code := fmt.Sprintf("D%d", i+1)
		if i == 0 {
			code = ledger.DefaultDeskCode
		} else if _, err := NewDeskService(f.db).AddDesk(ctx, f.admin, ledger.Desk{Code: code, Name: code}); err != nil {
			b.Fatal(err)
		}
		db, err := Open(ctx, f.db.addr, Options{Now: f.clock.Now, Desk: code})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		l := NewLendingService(db)
		if err := l.AddItems(ctx, f.admin, ledger.KindUmbrella, []string{fmt.Sprintf("U-%d00", i+1)}); err != nil {
			b.Fatal(err)
		}
		if err := lendReturn(ctx, l, f.clerk, i); err != nil { // opens the desk's business day
			b.Fatal(err)
		}
		out = append(out, l)
	}
	return f, out
}

// lendReturn lends desk i's umbrella and takes it back: two transactions,
// two journal entries, two queued slips.
func lendReturn(ctx context.Context, l *LendingService, actor ledger.Staff, i int) error {
	loan, err := l.Lend(ctx, actor, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: fmt.Sprintf("U-%d00", i+1)})
	if err != nil {
		return err
	}
	_, err = l.Return(ctx, actor, ledger.ReturnRequest{LoanID: loan.ID, Outcome: ledger.ReturnFine})
	return err
}

// BenchmarkLendReturn measures one umbrella lent and returned at one desk
// (per op: two write transactions, each with its journal entry and slip).
func BenchmarkLendReturn(b *testing.B) {
	f, desks := benchDesks(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := lendReturn(ctx, desks[0], f.clerk, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJournalAppends measures the whole mall's write rate with 1 and
// 4 desks lending and returning at full speed, each on its own connection
// pool: every append takes the one chain head, so desks queue behind each
// other. Reported as journal appends per second (all desks together).
func BenchmarkJournalAppends(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(fmt.Sprintf("desks=%d", n), func(b *testing.B) {
			f, desks := benchDesks(b, n)
			ctx := context.Background()
			var before, after int64
			if err := f.db.SQL().QueryRow("SELECT last_seq FROM journal_head").Scan(&before); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range desks {
				ops := b.N / n
				if i < b.N%n {
					ops++
				}
				wg.Add(1)
				go func(i, ops int) {
					defer wg.Done()
					for k := 0; k < ops; k++ {
						if err := lendReturn(ctx, desks[i], f.clerk, i); err != nil {
							errs <- err
							return
						}
					}
				}(i, ops)
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			if err := f.db.SQL().QueryRow("SELECT last_seq FROM journal_head").Scan(&after); err != nil {
				b.Fatal(err)
			}
			if after-before != int64(2*b.N) {
				b.Fatalf("%d appends for %d lend+return pairs", after-before, b.N)
			}
			b.ReportMetric(float64(after-before)/elapsed.Seconds(), "appends/s")
		})
	}
}
