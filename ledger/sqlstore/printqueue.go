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

// jobColumns are the print_jobs columns scanJob reads; the last one says
// whether an earlier attempt may have put part of the receipt on paper.
const jobColumns = "id, desk, receipt_no, document, is_copy, created_at, printed_at, attempts, last_error, state, " +
	"EXISTS (SELECT 1 FROM print_attempts a WHERE a.job_id = print_jobs.id AND a.outcome IN ('incomplete', 'interrupted'))"

// scanJob reads one print_jobs row (jobColumns order).
func scanJob(sc interface{ Scan(...any) error }) (ledger.PrintJob, error) {
	var j ledger.PrintJob
	var doc, created, printed, state string
	if err := sc.Scan(&j.ID, &j.Desk, &j.ReceiptNo, &doc, &j.Copy, &created, &printed, &j.Attempts, &j.LastError, &state, &j.CutShort); err != nil {
		return j, err
	}
	j.State = ledger.PrintJobState(state)
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
// customer a receipt calls it inside its own inTx, never after commit. The
// job belongs to this desk: it prints only on this desk's printer.
func (t *tx) enqueueDocument(receiptNo string, doc receipts.Document) (ledger.PrintJob, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return ledger.PrintJob{}, internal("encode receipt", err)
	}
	desk, err := t.desk()
	if err != nil {
		return ledger.PrintJob{}, err
	}
	var id int64
	if err := t.QueryRowContext(t.ctx, "INSERT INTO print_jobs(desk, receipt_no, document, is_copy, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		desk, receiptNo, string(raw), doc.Copy, formatTime(t.now)).Scan(&id); err != nil {
		return ledger.PrintJob{}, internal("queue print job", err)
	}
	return ledger.PrintJob{ID: id, Desk: desk, ReceiptNo: receiptNo, Document: raw, Copy: doc.Copy, CreatedAt: t.now}, nil
}

// Pending lists this desk's unprinted jobs, oldest first.
func (q *PrintQueue) Pending(ctx context.Context) ([]ledger.PrintJob, error) {
	desk, err := q.db.deskCode(ctx, q.db.db)
	if err != nil {
		return nil, err
	}
	rows, err := q.db.db.QueryContext(ctx, "SELECT "+jobColumns+" FROM print_jobs WHERE printed_at = '' AND (desk = ? OR ? = '') ORDER BY id", desk, desk)
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

// Begin claims a queued or failed job for an attempt: its state becomes
// sending, atomically, so a second worker cannot send it too (ECONFLICT).
// The job returned has CutShort set when an earlier attempt may have put
// part of it on paper: that copy must be marked. Not journaled: the
// attempt's end is. Only the desk that made the job may claim it.
func (q *PrintQueue) Begin(ctx context.Context, id int64) (ledger.PrintJob, error) {
	var job ledger.PrintJob
	err := q.db.inTx(ctx, func(t *tx) error {
		desk, err := t.desk()
		if err != nil {
			return err
		}
		res, err := t.ExecContext(t.ctx, "UPDATE print_jobs SET state = 'sending', sending_at = ? WHERE id = ? AND state IN ('queued', 'failed') AND desk = ?",
			formatTime(t.now), id, desk)
		if err != nil {
			return internal("claim print job", err)
		}
		claimed, err := res.RowsAffected()
		if err != nil {
			return internal("claim print job", err)
		}
		job, err = scanJob(t.QueryRowContext(t.ctx, "SELECT "+jobColumns+" FROM print_jobs WHERE id = ?", id))
		if errNoRows(err) {
			return ledger.Errorf(ledger.ENOTFOUND, "找不到打印任务 %d", id)
		} else if err != nil {
			return internal("load print job", err)
		}
		if claimed == 0 && job.Desk != desk {
			return ledger.Errorf(ledger.ECONFLICT, "打印任务 %d 属于 %s 服务台，只在那里打印", id, job.Desk)
		}
		if claimed == 0 {
			return ledger.Errorf(ledger.ECONFLICT, "打印任务 %d 已打印或正在打印，不能再次发送", id)
		}
		return nil
	})
	return job, err
}

// sendingJob is the part of a job an attempt's end needs.
type sendingJob struct {
	receiptNo string
	printed   bool
	isCopy    bool
	startedAt string
}

// loadSending reads a job for the end of an attempt.
func (t *tx) loadSending(id int64) (sendingJob, error) {
	var j sendingJob
	var printed, sendingAt string
	err := t.QueryRowContext(t.ctx, "SELECT receipt_no, printed_at, is_copy, sending_at FROM print_jobs WHERE id = ?", id).
		Scan(&j.receiptNo, &printed, &j.isCopy, &sendingAt)
	if errNoRows(err) {
		return j, ledger.Errorf(ledger.ENOTFOUND, "找不到打印任务 %d", id)
	} else if err != nil {
		return j, internal("load print job", err)
	}
	j.printed, j.startedAt = printed != "", sendingAt
	if j.startedAt == "" {
		j.startedAt = formatTime(t.now)
	}
	return j, nil
}

// addAttempt appends the history row of an attempt that ended now and
// returns its number and whether it carried the 补打 mark (an earlier
// attempt was cut short).
func (t *tx) addAttempt(jobID int64, startedAt string, o ledger.PrintOutcome, reason string, sent, total int) (n int, marked bool, err error) {
	var cut int
	if err := t.QueryRowContext(t.ctx, "SELECT count(*), coalesce(sum(CASE WHEN outcome IN ('incomplete', 'interrupted') THEN 1 ELSE 0 END), 0) FROM print_attempts WHERE job_id = ?",
		jobID).Scan(&n, &cut); err != nil {
		return 0, false, internal("count print attempts", err)
	}
	n++
	marked = cut > 0
	if _, err := t.ExecContext(t.ctx, "INSERT INTO print_attempts(job_id, attempt, started_at, ended_at, outcome, reason, bytes_sent, bytes_total, marked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		jobID, n, startedAt, formatTime(t.now), string(o), reason, max(sent, 0), max(total, 0), marked); err != nil {
		return 0, false, internal("record print attempt", err)
	}
	return n, marked, nil
}

// MarkPrinted records a job as printed and ends its attempt. The first
// call journals print.printed {job_id, receipt_no, copy, attempt,
// marked}; later calls change nothing.
func (q *PrintQueue) MarkPrinted(ctx context.Context, id int64) error {
	return q.db.inTx(ctx, func(t *tx) error {
		j, err := t.loadSending(id)
		if err != nil || j.printed {
			return err
		}
		if _, err := t.ExecContext(t.ctx, "UPDATE print_jobs SET printed_at = ?, state = 'printed' WHERE id = ? AND printed_at = ''", formatTime(t.now), id); err != nil {
			return internal("mark printed", err)
		}
		n, marked, err := t.addAttempt(id, j.startedAt, ledger.OutcomePrinted, "", 0, 0)
		if err != nil {
			return err
		}
		_, err = t.append(0, "print.printed", map[string]any{"job_id": id, "receipt_no": j.receiptNo, "copy": j.isCopy, "attempt": n, "marked": marked}, 0)
		return err
	})
}

// cleanReason trims a failure reason and bounds its length.
func cleanReason(reason string) string {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxErrorRunes {
		reason = string([]rune(reason)[:maxErrorRunes])
	}
	return reason
}

// MarkFailed ends the attempt under way as failed, counts it and keeps
// its reason; the job stays queued (state failed) and is retried. Nothing
// sent is an operational fact and not journaled; a failure after bytes
// went out may have left part of a receipt with the customer and is
// journaled as print.incomplete {job_id, receipt_no, attempt, sent,
// total, reason}. A job that has printed meanwhile is left as it is.
func (q *PrintQueue) MarkFailed(ctx context.Context, id int64, f ledger.PrintFailure) error {
	reason := cleanReason(f.Reason)
	return q.db.inTx(ctx, func(t *tx) error {
		j, err := t.loadSending(id)
		if err != nil || j.printed {
			return err
		}
		if _, err := t.ExecContext(t.ctx, "UPDATE print_jobs SET attempts = attempts + 1, last_error = ?, state = 'failed' WHERE id = ? AND printed_at = ''", reason, id); err != nil {
			return internal("mark print failed", err)
		}
		outcome := ledger.OutcomeRefused
		if f.Sent > 0 {
			outcome = ledger.OutcomeIncomplete
		}
		n, _, err := t.addAttempt(id, j.startedAt, outcome, reason, f.Sent, f.Total)
		if err != nil || outcome != ledger.OutcomeIncomplete {
			return err
		}
		_, err = t.append(0, "print.incomplete", map[string]any{"job_id": id, "receipt_no": j.receiptNo, "attempt": n,
			"sent": f.Sent, "total": f.Total, "reason": reason}, 0)
		return err
	})
}

// ReasonInterrupted is the failure reason of an attempt the program did
// not live to finish.
const ReasonInterrupted = "打印中断（程序退出）"

// Recover ends every attempt left sending by a program that stopped
// (crash, power cut) as interrupted: how much reached the paper is
// unknown, so the job's next copy is marked. Each is journaled as
// print.incomplete with interrupted true. Only the desk's one print
// worker calls it, when it starts.
func (q *PrintQueue) Recover(ctx context.Context) (int, error) {
	var count int
	err := q.db.inTx(ctx, func(t *tx) error {
		desk, err := t.desk()
		if err != nil {
			return err
		}
		rows, err := t.QueryContext(t.ctx, "SELECT id FROM print_jobs WHERE state = 'sending' AND desk = ? ORDER BY id", desk)
		if err != nil {
			return internal("list sending print jobs", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return internal("scan print job", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return internal("list sending print jobs", err)
		}
		for _, id := range ids {
			j, err := t.loadSending(id)
			if err != nil {
				return err
			}
			if _, err := t.ExecContext(t.ctx, "UPDATE print_jobs SET attempts = attempts + 1, last_error = ?, state = 'failed' WHERE id = ?", ReasonInterrupted, id); err != nil {
				return internal("recover print job", err)
			}
			n, _, err := t.addAttempt(id, j.startedAt, ledger.OutcomeInterrupted, ReasonInterrupted, 0, 0)
			if err != nil {
				return err
			}
			if _, err := t.append(0, "print.incomplete", map[string]any{"job_id": id, "receipt_no": j.receiptNo, "attempt": n,
				"interrupted": true, "reason": ReasonInterrupted}, 0); err != nil {
				return err
			}
		}
		count = len(ids)
		return nil
	})
	return count, err
}

// Attempts returns a job's attempt history, oldest first.
func (q *PrintQueue) Attempts(ctx context.Context, id int64) ([]ledger.PrintAttempt, error) {
	if _, err := q.Job(ctx, id); err != nil {
		return nil, err
	}
	rows, err := q.db.db.QueryContext(ctx, "SELECT job_id, attempt, started_at, ended_at, outcome, reason, bytes_sent, bytes_total, marked FROM print_attempts WHERE job_id = ? ORDER BY attempt", id)
	if err != nil {
		return nil, internal("list print attempts", err)
	}
	defer rows.Close()
	var out []ledger.PrintAttempt
	for rows.Next() {
		var a ledger.PrintAttempt
		var started, ended, outcome string
		if err := rows.Scan(&a.JobID, &a.N, &started, &ended, &outcome, &a.Reason, &a.Sent, &a.Total, &a.Marked); err != nil {
			return nil, internal("scan print attempt", err)
		}
		a.Outcome = ledger.PrintOutcome(outcome)
		if a.StartedAt, err = parseTime(started); err != nil {
			return nil, internal("print attempt time", err)
		}
		if a.EndedAt, err = parseTime(ended); err != nil {
			return nil, internal("print attempt time", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list print attempts", err)
	}
	return out, nil
}

// Reprint queues a copy of a receipt: the original document with Copy set,
// so the printer shows 补打/COPY. Journaled as print.reprint
// {job_id, original_job_id, receipt_no}.
func (q *PrintQueue) Reprint(ctx context.Context, actor ledger.Staff, receiptNo string) (ledger.PrintJob, error) {
	receiptNo = strings.TrimSpace(receiptNo)
	if receiptNo == "" {
		return ledger.PrintJob{}, ledger.Errorf(ledger.EINVALID, "请输入单据号")
	}
	var job ledger.PrintJob
	err := q.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
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
	j, err := scanJob(q.QueryRowContext(ctx, "SELECT "+jobColumns+" FROM print_jobs WHERE receipt_no = ? AND is_copy = ? ORDER BY id LIMIT 1", receiptNo, false))
	if errNoRows(err) {
		return j, ledger.Errorf(ledger.ENOTFOUND, "找不到单据 %s", ledger.Quote(receiptNo))
	} else if err != nil {
		return j, internal("load original receipt", err)
	}
	return j, nil
}

// PendingCount returns the number of this desk's unprinted jobs (the
// "unprinted receipts" alert on the right-hand panel).
func (q *PrintQueue) PendingCount(ctx context.Context) (int, error) {
	desk, err := q.db.deskCode(ctx, q.db.db)
	if err != nil {
		return 0, err
	}
	var n int
	if err := q.db.db.QueryRowContext(ctx, "SELECT count(*) FROM print_jobs WHERE printed_at = '' AND (desk = ? OR ? = '')", desk, desk).Scan(&n); err != nil {
		return 0, internal("count print jobs", err)
	}
	return n, nil
}
