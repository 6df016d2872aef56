package sqlstore

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"sync"
	"testing"
	"time"

	"servicedesk/ledger"
)

// envStress lengthens the four-desk test (a Go duration, e.g. 60s); the
// default keeps the suite short.
const envStress = "SERVICEDESK_STRESS"

// stressFor is how long the four desks run.
func stressFor(t *testing.T) time.Duration {
	if v := os.Getenv(envStress); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", envStress, v, err)
		}
		return d
	}
	return 3 * time.Second
}

// ledgerModel is what the test itself saw succeed: the loans it knows are
// open (with their deposits), every receipt number handed out, and which
// desk printed which job.
type ledgerModel struct {
	mu       sync.Mutex
	open     map[int64]ledger.Fen
	numbers  map[string]string // receipt or return number → who got it
	printed  map[int64]string  // job id → desk that printed it
	problems []string
	lends    map[string]int
	returns  map[string]int
	away     int // returns at another desk than the lending one
}

func (m *ledgerModel) number(no, who string) {
	if no == "" {
		return
	}
	if prev, ok := m.numbers[no]; ok {
		m.problems = append(m.problems, fmt.Sprintf("receipt number %s handed out twice (%s, %s)", no, prev, who))
	}
	m.numbers[no] = who
}

// Four desks (each its own connection pool, as four PCs) lend, return each
// other's loans and print their receipts at full speed for a bounded time,
// two print workers per desk competing for its jobs. Afterwards the chain
// verifies, the deposits held equal the open loans' deposits (in the
// journal's replay, in the loans table and in what the desks saw), no
// receipt number was handed out twice, and no job was printed twice or at
// another desk.
func TestFourDesksConcurrently(t *testing.T) {
	ctx := context.Background()
	f := newLendFixture(t)
	codes := []string{"A", "B1", "2F", "KIOSK"}
	desks := map[string]*deskHandle{}
	for i, code := range codes {
		h := openDesk(t, f, code, code+" 服务台")
		desks[code] = h
		var numbers []string
		for n := 0; n < 15; n++ {
			numbers = append(numbers, fmt.Sprintf("U-%d%02d", i+5, n))
		}
		if err := h.lend.AddItems(ctx, f.admin, ledger.KindUmbrella, numbers); err != nil {
			t.Fatal(err)
		}
	}
	m := &ledgerModel{open: map[int64]ledger.Fen{}, numbers: map[string]string{}, printed: map[int64]string{},
		lends: map[string]int{}, returns: map[string]int{}}
	// Bounded: every desk works for the given time and until it has done a
	// few lends and returns (a loaded machine is slow), never past hardStop.
	const minOps = 3
	deadline := time.Now().Add(stressFor(t))
	hardStop := deadline.Add(2 * time.Minute)
	working := func(code string) bool {
		now := time.Now()
		if now.After(hardStop) {
			return false
		}
		if now.Before(deadline) {
			return true
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.lends[code] < minOps || m.returns[code] < minOps
	}
	countersDone := make(chan struct{})
	var counters, wg sync.WaitGroup
	fail := func(format string, args ...any) {
		m.mu.Lock()
		m.problems = append(m.problems, fmt.Sprintf(format, args...))
		m.mu.Unlock()
	}
	for i, code := range codes {
		h := desks[code]
		actor := []ledger.Staff{f.clerk, f.sup}[i%2]
		counters.Add(1)
		go func(seed int64) { // the counter: lend and return
			defer counters.Done()
			rnd := rand.New(rand.NewSource(seed))
			for working(code) {
				if rnd.Intn(2) == 0 {
					items, err := h.lend.Items(ctx, ledger.KindUmbrella)
					if err != nil {
						fail("%s items: %v", code, err)
						return
					}
					var here []ledger.Item
					for _, it := range items {
						if it.Status == ledger.ItemIn && it.Desk == code {
							here = append(here, it)
						}
					}
					if len(here) == 0 {
						continue
					}
					it := here[rnd.Intn(len(here))]
					l, err := h.lend.Lend(ctx, actor, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: it.Number})
					if err != nil {
						fail("%s lend %s: %v", code, it.Number, err)
						return
					}
					m.mu.Lock()
					m.open[l.ID] = l.Deposit
					m.number(l.ReceiptNo, code+" lend")
					m.lends[code]++
					m.mu.Unlock()
					continue
				}
				loans, _, err := h.lend.OpenLoans(ctx, ledger.KindUmbrella, 0, 40)
				if err != nil {
					fail("%s open loans: %v", code, err)
					return
				}
				if len(loans) == 0 {
					continue
				}
				l := loans[rnd.Intn(len(loans))]
				r, err := h.lend.Return(ctx, actor, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
				if ledger.ErrorCode(err) == ledger.ECONFLICT {
					continue // another desk returned it first
				}
				if err != nil {
					fail("%s return %s: %v", code, l.ReceiptNo, err)
					return
				}
				m.mu.Lock()
				if _, ok := m.open[l.ID]; !ok {
					m.problems = append(m.problems, fmt.Sprintf("loan %s returned twice", l.ReceiptNo))
				}
				delete(m.open, l.ID)
				m.number(r.ReturnNo, code+" return")
				m.returns[code]++
				if l.Desk != code {
					m.away++
				}
				m.mu.Unlock()
			}
		}(int64(i + 1))
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() { // two print workers of this desk race for its jobs
				defer wg.Done()
				for last := false; !last; {
					select {
					case <-countersDone:
						last = true // one more round prints what is left
					default:
					}
					jobs, err := h.queue.Pending(ctx)
					if err != nil {
						fail("%s pending: %v", code, err)
						return
					}
					for _, j := range jobs {
						job, err := h.queue.Begin(ctx, j.ID)
						if ledger.ErrorCode(err) == ledger.ECONFLICT {
							continue // the other worker has it
						}
						if err != nil {
							fail("%s begin job %d: %v", code, j.ID, err)
							return
						}
						if err := h.queue.MarkPrinted(ctx, j.ID); err != nil {
							fail("%s printed job %d: %v", code, j.ID, err)
							return
						}
						m.mu.Lock()
						if prev, ok := m.printed[j.ID]; ok {
							m.problems = append(m.problems, fmt.Sprintf("job %d printed twice (%s, %s)", j.ID, prev, code))
						}
						if job.Desk != code {
							m.problems = append(m.problems, fmt.Sprintf("job %d of %s printed at %s", j.ID, job.Desk, code))
						}
						m.printed[j.ID] = code
						m.mu.Unlock()
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
		}
	}
	counters.Wait()
	close(countersDone)
	wg.Wait()
	for _, p := range m.problems {
		t.Error(p)
	}
	if t.Failed() {
		return
	}
	for _, code := range codes {
		if m.lends[code] == 0 || m.returns[code] == 0 {
			t.Fatalf("desk %s did not work: %d lends, %d returns", code, m.lends[code], m.returns[code])
		}
	}
	t.Logf("%v: lends %v, returns %v (%d at another desk), %d jobs printed, %d still open", stressFor(t), m.lends, m.returns, m.away, len(m.printed), len(m.open))

	res := mustVerify(t, f.db)
	var want ledger.Fen
	for _, dep := range m.open {
		want += dep
	}
	var table ledger.Fen
	var open int
	if err := f.db.SQL().QueryRow("SELECT coalesce(sum(deposit), 0), count(*) FROM loans WHERE status = 'open'").Scan(&table, &open); err != nil {
		t.Fatal(err)
	}
	var perDesk ledger.Fen
	for _, h := range desks {
		held, err := h.lend.DepositsHeld(ctx)
		if err != nil {
			t.Fatal(err)
		}
		perDesk += held
	}
	if res.State == nil || res.State.DepositsHeld != want || table != want || perDesk != want || open != len(m.open) || res.State.OpenLoans != open {
		t.Fatalf("deposits held: journal %+v, loans table %v (%d open), desks %v, seen %v (%d open)", res.State, table, open, perDesk, want, len(m.open))
	}
	for _, q := range []string{
		"SELECT receipt_no FROM loans GROUP BY receipt_no HAVING count(*) > 1",
		"SELECT return_no FROM loans WHERE return_no <> '' GROUP BY return_no HAVING count(*) > 1",
		"SELECT CAST(job_id AS TEXT) FROM print_attempts WHERE outcome = 'printed' GROUP BY job_id HAVING count(*) > 1",
		"SELECT receipt_no FROM print_jobs WHERE NOT is_copy GROUP BY receipt_no HAVING count(*) > 1",
	} {
		dup, err := stringList(ctx, f.db.db, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(dup) > 0 {
			t.Fatalf("%s: %v", q, dup)
		}
	}
	var journal, head int64
	if err := f.db.SQL().QueryRow("SELECT count(*), max(seq) FROM journal").Scan(&journal, &head); err != nil || journal != head || journal != res.Count {
		t.Fatalf("journal %d entries, last seq %d, verified %d: %v", journal, head, res.Count, err)
	}
}
