package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// PrintQueue implements ledger.PrintQueue on the print_jobs table. Jobs are
// queued by enqueueDocument inside the transaction that creates the receipt,
// so a committed receipt always has its job and a rolled-back one has none.
type PrintQueue struct{ db *DB }

// NewPrintQueue returns the durable print queue on db.
func NewPrintQueue(db *DB) *PrintQueue { return &PrintQueue{db: db} }

var _ ledger.PrintQueue = (*PrintQueue)(nil)

// maxErrorRunes bounds the stored reason of a failed print attempt.
const maxErrorRunes = 200

const jobColumns = "id, receipt_no, document, is_copy, created_at, printed_at, attempts, last_error"

// scanJob reads one print_jobs row (jobColumns order).
func scanJob(sc interface{ Scan(...any) error }) (ledger.PrintJob, error) {
	var j ledger.PrintJob
	var doc, created, printed string
	if err := sc.Scan(&j.ID, &j.ReceiptNo, &doc, &j.Copy, &created, &printed, &j.Attempts, &j.LastError); err != nil {
		return j, err
	}
	j.Document = []byte(doc)
	var err error
	if j.CreatedAt, err = parseTime(created); err != nil {
		return j, err
	}
	j.PrintedAt, err = parseTime(printed)
	return j, err
}

// enqueueDocument queues doc for printing under receiptNo as part of the
// caller's transaction and returns the job. Every service that hands the
// customer a receipt calls it inside its own inTx, never after commit.
func (t *tx) enqueueDocument(receiptNo string, doc receipts.Document) (ledger.PrintJob, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return ledger.PrintJob{}, internal("encode receipt", err)
	}
	res, err := t.ExecContext(t.ctx, "INSERT INTO print_jobs(receipt_no, document, is_copy, created_at) VALUES (?, ?, ?, ?)",
		receiptNo, string(raw), doc.Copy, formatTime(t.now))
	if err != nil {
		return ledger.PrintJob{}, internal("queue print job", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return ledger.PrintJob{}, internal("print job id", err)
	}
	return ledger.PrintJob{ID: id, ReceiptNo: receiptNo, Document: raw, Copy: doc.Copy, CreatedAt: t.now}, nil
}

// Pending lists unprinted jobs, oldest first.
func (q *PrintQueue) Pending(ctx context.Context) ([]ledger.PrintJob, error) {
	rows, err := q.db.db.QueryContext(ctx, "SELECT "+jobColumns+" FROM print_jobs WHERE printed_at = '' ORDER BY id")
	if err != nil {
		return nil, internal("list print jobs", err)
	}
	defer rows.Close()
	var out []ledger.PrintJob
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, internal("scan print job", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list print jobs", err)
	}
	return out, nil
}

// Job returns one job by id.
func (q *PrintQueue) Job(ctx context.Context, id int64) (ledger.PrintJob, error) {
	j, err := scanJob(q.db.db.QueryRowContext(ctx, "SELECT "+jobColumns+" FROM print_jobs WHERE id = ?", id))
	if errNoRows(err) {
		return j, ledger.Errorf(ledger.ENOTFOUND, "找不到打印任务 %d", id)
	} else if err != nil {
		return j, internal("load print job", err)
	}
	return j, nil
}

// MarkPrinted records a job as printed. The first call journals
// print.printed {job_id, receipt_no, copy}; later calls change nothing.
func (q *PrintQueue) MarkPrinted(ctx context.Context, id int64) error {
	return q.db.inTx(ctx, func(t *tx) error {
		var receiptNo, printed string
		var isCopy bool
		err := t.QueryRowContext(t.ctx, "SELECT receipt_no, printed_at, is_copy FROM print_jobs WHERE id = ?", id).Scan(&receiptNo, &printed, &isCopy)
		if errNoRows(err) {
			return ledger.Errorf(ledger.ENOTFOUND, "找不到打印任务 %d", id)
		} else if err != nil {
			return internal("load print job", err)
		}
		if printed != "" {
			return nil
		}
		if _, err := t.ExecContext(t.ctx, "UPDATE print_jobs SET printed_at = ? WHERE id = ? AND printed_at = ''", formatTime(t.now), id); err != nil {
			return internal("mark printed", err)
		}
		_, err = t.append(0, "print.printed", map[string]any{"job_id": id, "receipt_no": receiptNo, "copy": isCopy}, 0)
		return err
	})
}

// MarkFailed counts a failed attempt and keeps its reason; the job stays
// queued. These are operational columns and are not journaled. A job that
// has printed meanwhile is left as it is.
func (q *PrintQueue) MarkFailed(ctx context.Context, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxErrorRunes {
		reason = string([]rune(reason)[:maxErrorRunes])
	}
	res, err := q.db.db.ExecContext(ctx, "UPDATE print_jobs SET attempts = attempts + 1, last_error = ? WHERE id = ? AND printed_at = ''", reason, id)
	if err != nil {
		return internal("mark print failed", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return internal("mark print failed", err)
	} else if n == 0 {
		if _, err := q.Job(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// Reprint queues a copy of a receipt: the original document with Copy set,
// so the printer shows 补打/COPY. Journaled as print.reprint
// {job_id, original_job_id, receipt_no}.
func (q *PrintQueue) Reprint(ctx context.Context, actor ledger.Staff, receiptNo string) (ledger.PrintJob, error) {
	if err := requireRole(actor, ledger.RoleClerk, ledger.RoleSupervisor, ledger.RoleAdmin); err != nil {
		return ledger.PrintJob{}, err
	}
	receiptNo = strings.TrimSpace(receiptNo)
	if receiptNo == "" {
		return ledger.PrintJob{}, ledger.Errorf(ledger.EINVALID, "请输入单据号")
	}
	var job ledger.PrintJob
	err := q.db.inTx(ctx, func(t *tx) error {
		orig, err := originalJob(t.ctx, t, receiptNo)
		if err != nil {
			return err
		}
		var doc receipts.Document
		if err := json.Unmarshal(orig.Document, &doc); err != nil {
			return internal(fmt.Sprintf("decode receipt %d", orig.ID), err)
		}
		doc.Copy = true
		if job, err = t.enqueueDocument(receiptNo, doc); err != nil {
			return err
		}
		_, err = t.append(actor.ID, "print.reprint", map[string]any{"job_id": job.ID, "original_job_id": orig.ID, "receipt_no": receiptNo}, 0)
		return err
	})
	return job, err
}

// originalJob loads the first (non-copy) job of a receipt.
func originalJob(ctx context.Context, q queryer, receiptNo string) (ledger.PrintJob, error) {
	j, err := scanJob(q.QueryRowContext(ctx, "SELECT "+jobColumns+" FROM print_jobs WHERE receipt_no = ? AND is_copy = 0 ORDER BY id LIMIT 1", receiptNo))
	if errNoRows(err) {
		return j, ledger.Errorf(ledger.ENOTFOUND, "找不到单据 %s", ledger.Quote(receiptNo))
	} else if err != nil {
		return j, internal("load original receipt", err)
	}
	return j, nil
}

// PendingCount returns the number of unprinted jobs (the "unprinted
// receipts" alert on the right-hand panel).
func (q *PrintQueue) PendingCount(ctx context.Context) (int, error) {
	var n int
	if err := q.db.db.QueryRowContext(ctx, "SELECT count(*) FROM print_jobs WHERE printed_at = ''").Scan(&n); err != nil {
		return 0, internal("count print jobs", err)
	}
	return n, nil
}
