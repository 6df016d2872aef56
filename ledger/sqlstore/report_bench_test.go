package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// seedBusyDay runs a 3,000-entry business day through the services: 1,600
// umbrella loans, 1,400 returns (every 10th damaged, every 70th lost with
// approval), then closes it.
func seedBusyDay(tb testing.TB) (*lendFixture, ledger.DayClose) {
	tb.Helper()
	f := withLending(tb, newFixtureTB(tb))
	ctx := context.Background()
	numbers := make([]string, 1600)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("B-%04d", i)
	}
	for i := 0; i < len(numbers); i += maxItemsPerAdd {
		if err := f.lend.AddItems(ctx, f.clerk, ledger.KindUmbrella, numbers[i:min(i+maxItemsPerAdd, len(numbers))]); err != nil {
			tb.Fatal(err)
		}
	}
	loans := make([]ledger.Loan, 0, len(numbers))
	for i, n := range numbers {
		f.clock.Add(13 * time.Second)
		phone := ""
		if i%3 == 0 {
			phone = fmt.Sprintf("138%08d", i)
		}
		l, err := f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: n, Phone: phone})
		if err != nil {
			tb.Fatal(err)
		}
		loans = append(loans, l)
	}
	for i, l := range loans[:1400] {
		f.clock.Add(13 * time.Second)
		req := ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}
		switch {
		case i%70 == 69:
			req.Outcome, req.Approval = ledger.ReturnLost, f.forfeit(tb, l)
		case i%10 == 9:
			req.Outcome, req.Damage = ledger.ReturnDamaged, "伞面破损"
		}
		if _, err := f.lend.Return(ctx, f.clerk, req); err != nil {
			tb.Fatal(err)
		}
	}
	svc := NewDayCloseService(f.db)
	chk, err := svc.CloseCheck(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	dc, err := svc.CloseDay(ctx, f.clerk, ledger.CloseRequest{CashCounted: chk.Expected(), Approval: f.closeApproval(tb, chk.Expected())})
	if err != nil {
		tb.Fatal(err)
	}
	return f, dc
}

// BenchmarkDayReport3000 builds the report of a closed 3,000-entry day
// from the journal (build) and also renders its PDF (build+pdf; the
// pdf-bytes metric is the file size).
func BenchmarkDayReport3000(b *testing.B) {
	f, dc := seedBusyDay(b)
	svc := NewDayCloseService(f.db)
	font := testFont(b)
	ctx := context.Background()
	b.Run("build", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := svc.Report(ctx, dc.Day.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("build+pdf", func(b *testing.B) {
		var size int
		for i := 0; i < b.N; i++ {
			r, err := svc.Report(ctx, dc.Day.ID)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := receipts.RenderDayPDF(&buf, r, font); err != nil {
				b.Fatal(err)
			}
			size = buf.Len()
		}
		b.ReportMetric(float64(size), "pdf-bytes")
	})
}
