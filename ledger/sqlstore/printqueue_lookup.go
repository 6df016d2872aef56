package sqlstore

import (
	"context"

	"servicedesk/ledger"
)

// Original returns the first job queued for a receipt (not a 补打 copy).
func (q *PrintQueue) Original(ctx context.Context, receiptNo string) (ledger.PrintJob, error) {
	j, err := scanJob(q.db.db.QueryRowContext(ctx, "SELECT "+jobColumns+" FROM print_jobs WHERE receipt_no = ? AND is_copy = ? ORDER BY id LIMIT 1", receiptNo, false))
	if errNoRows(err) {
		return j, ledger.Errorf(ledger.ENOTFOUND, "找不到单号 %s 的小票", ledger.Quote(receiptNo))
	} else if err != nil {
		return j, internal("load print job", err)
	}
	return j, nil
}
