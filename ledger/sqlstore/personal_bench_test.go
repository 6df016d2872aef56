package sqlstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"servicedesk/ledger"
)

// seedPersons collects n member records in one transaction (mobiles
// 139xxxxxxxx from 0) and returns the fixture.
func seedPersons(b *testing.B, n int) *pdFixture {
	b.Helper()
	f := newPDFixture(b)
	err := f.db.inTx(context.Background(), func(tx *tx) error {
		for i := 0; i < n; i++ {
			if _, err := tx.collectPerson(f.clerk.ID, ledger.CollectRequest{Purpose: ledger.PurposeClaimant,
				Values: map[ledger.DataKind]string{ledger.DataName: "张三", ledger.DataMobile: fmt.Sprintf("139%08d", i)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkPersonalFindByMobile finds one person among 20,000 records
// through the keyed hash index (a journaled search: one write transaction).
func BenchmarkPersonalFindByMobile(b *testing.B) {
	f := seedPersons(b, 20000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := f.pd.Find(ctx, f.sup, fmt.Sprintf("139%08d", (i*7919)%20000))
		if err != nil || len(got) != 1 {
			b.Fatalf("find: %v %v", got, err)
		}
	}
}

// BenchmarkPersonalPurge20000 erases 20,000 records past their retention
// in one purge (one transaction, then the WAL checkpoint).
func BenchmarkPersonalPurge20000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := seedPersons(b, 20000)
		f.clock.Add(366 * 24 * time.Hour)
		b.StartTimer()
		res, err := f.pd.PurgeScheduled(context.Background())
		if err != nil || res.Records != 20000 {
			b.Fatalf("purge %+v %v", res, err)
		}
	}
}
