package sqlstore

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// pgCtl runs the test server's pg_ctl with args (stop, start).
func pgCtl(t *testing.T, args ...string) {
	t.Helper()
	ctl := strings.Fields(os.Getenv("SERVICEDESK_TEST_PG_CTL"))
	if len(ctl) == 0 {
		t.Skip("SERVICEDESK_TEST_PG_CTL not set: run through scripts/pg-test.sh to stop and restart the server")
	}
	out, err := exec.Command(ctl[0], append(ctl[1:], args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctl %v: %v\n%s", args, err, out)
	}
}

// The server stops in the middle of a session: a lend is refused with the
// offline message (in Chinese, saying why the desk does not lend offline)
// and leaves nothing half-done; reads say the same; when the server is
// back the same handle carries on.
func TestPostgresServerStopsAndComesBack(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	f := newLendFixture(t)
	f.mustLend(t, ledger.KindUmbrella, "U-001", "")
	before := f.counts(t)
	pgCtl(t, "stop", "-m", "fast")
	restarted := false
	defer func() {
		if !restarted {
			pgCtl(t, "start", "-w")
		}
	}()
	_, err := f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	if ledger.ErrorCode(err) != ledger.EOFFLINE || !strings.Contains(ledger.ErrorMessage(err), "暂停借还") {
		t.Fatalf("lend with the server down: %v (%s)", err, ledger.ErrorCode(err))
	}
	if _, err := f.journal.Head(ctx); ledger.ErrorCode(err) != ledger.EOFFLINE {
		t.Fatalf("head with the server down: %v", err)
	}
	if _, err := f.lend.DepositsHeld(ctx); ledger.ErrorCode(err) != ledger.EOFFLINE {
		t.Fatalf("read with the server down: %v", err)
	}
	pgCtl(t, "start", "-w")
	restarted = true
	if after := f.counts(t); after != before {
		t.Fatalf("the refused lend left something: %v -> %v", before, after)
	}
	l, err := f.lend.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
	if err != nil || l.ReceiptNo != "A-20261125-0002" {
		t.Fatalf("lend after the restart: %+v %v", l, err)
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
}
