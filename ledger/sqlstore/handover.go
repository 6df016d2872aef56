package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// HandoverService implements ledger.HandoverService: the shift handover
// (交接班) with the incoming clerk's own login.
type HandoverService struct {
	db    *DB
	staff *StaffService
}

// NewHandoverService returns the handover service on db.
func NewHandoverService(db *DB) *HandoverService {
	return &HandoverService{db: db, staff: NewStaffService(db)}
}

var _ ledger.HandoverService = (*HandoverService)(nil)

// handoverEvent is the JSON of a shift.handover entry. Field names are part
// of the journal format: never rename them.
type handoverEvent struct {
	No           string                 `json:"handover_no"`
	FromID       int64                  `json:"from_id"`
	FromName     string                 `json:"from_name"`
	ToID         int64                  `json:"to_id"`
	ToName       string                 `json:"to_name"`
	Since        string                 `json:"since"`
	CashExpected ledger.Fen             `json:"cash_expected"`
	CashCounted  ledger.Fen             `json:"cash_counted"`
	Difference   ledger.Fen             `json:"difference"`
	Counts       []ledger.HandoverCount `json:"counts"`
	Open         []ledger.OpenMatter    `json:"open"`
	Note         string                 `json:"note,omitempty"`
}

// handover turns the entry back into the domain value.
func (ev handoverEvent) handover(seq int64, at time.Time) ledger.Handover {
	since, _ := parseTime(ev.Since)
	return ledger.Handover{Seq: seq, ID: seq, No: ev.No, At: at, FromID: ev.FromID, FromName: ev.FromName, ToID: ev.ToID,
		ToName: ev.ToName, Since: since, CashExpected: ev.CashExpected, CashCounted: ev.CashCounted,
		Counts: ev.Counts, Open: ev.Open, Note: ev.Note}
}

// handoverCounts are the stocks counted at a handover: the items on hand
// at the desk (in stock or damaged, waiting for repair).
var handoverCounts = []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller}

// check builds the handover check inside q (a transaction, or the pool for
// a preview) at now.
func (s *HandoverService) check(ctx context.Context, q queryer, st ledger.Staff, now time.Time, set ledger.Settings) (ledger.HandoverCheck, error) {
	c := ledger.HandoverCheck{From: st}
	var at string
	err := q.QueryRowContext(ctx, "SELECT at FROM journal WHERE kind = 'auth.login' AND staff_id = ? ORDER BY seq DESC LIMIT 1", st.ID).Scan(&at)
	if err != nil && !errNoRows(err) {
		return c, internal("find login", err)
	}
	if c.Since, err = parseTime(at); err != nil {
		return c, err
	}
	desk, err := s.db.deskCode(ctx, q)
	if err != nil {
		return c, err
	}
	_, from, err := currentDay(ctx, q, desk, now, set)
	if err != nil {
		return c, err
	}
	head, err := journalHead(ctx, q)
	if err != nil {
		return c, err
	}
	money, err := dayMoney(ctx, q, desk, from, head)
	if err != nil {
		return c, err
	}
	c.CashExpected = money.Expected()
	for _, k := range handoverCounts {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT count(*) FROM items WHERE kind = ? AND status IN (?, ?) AND desk = ?", k, ledger.ItemIn, ledger.ItemDamaged, desk).Scan(&n); err != nil {
			return c, internal("count items", err)
		}
		c.Counts = append(c.Counts, ledger.HandoverCount{What: string(k), Label: k.Label() + "（在库）", Expected: n})
	}
	// Emergency medicine, once the desk keeps any: the units on hand, all
	// batches (an expired batch is still in the box until written off).
	var meds, units int
	if err := q.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM medicines), (SELECT coalesce(sum(quantity), 0) FROM medicine_batches)").Scan(&meds, &units); err != nil {
		return c, internal("count medicine", err)
	}
	if meds > 0 {
		c.Counts = append(c.Counts, ledger.HandoverCount{What: ledger.CountMedicine, Label: "应急药品（件）", Expected: units})
	}
	if c.Open, err = openMatters(ctx, q, now, set); err != nil {
		return c, err
	}
	var note string
	err = q.QueryRowContext(ctx, "SELECT note FROM handovers ORDER BY seq DESC LIMIT 1").Scan(&note)
	if err != nil && !errNoRows(err) {
		return c, internal("last handover", err)
	}
	c.PreviousNote = note
	return c, nil
}

// openMatters lists what the next shift takes over: loans still out (and
// overdue), receipts not printed, broadcasts waiting, feedback not answered
// (and overdue).
func openMatters(ctx context.Context, q queryer, now time.Time, set ledger.Settings) ([]ledger.OpenMatter, error) {
	var out []ledger.OpenMatter
	add := func(kind string, n int, text string) {
		if n > 0 {
			out = append(out, ledger.OpenMatter{Kind: kind, Count: n, Text: text})
		}
	}
	overdue := 0
	for _, k := range handoverCounts {
		rows, err := q.QueryContext(ctx, "SELECT lent_at FROM loans WHERE kind = ? AND status = ?", k, ledger.LoanOpen)
		if err != nil {
			return nil, internal("open loans", err)
		}
		n := 0
		for rows.Next() {
			var at string
			if err := rows.Scan(&at); err != nil {
				rows.Close()
				return nil, internal("scan loan", err)
			}
			n++
			lent, err := parseTime(at)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if (ledger.Loan{LentAt: lent, Status: ledger.LoanOpen}).Overdue(now, set.OverdueDays) {
				overdue++
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, internal("open loans", err)
		}
		add(ledger.MatterLoansOut+"_"+string(k), n, fmt.Sprintf("%s未归还 %d 件", k.Label(), n))
	}
	add(ledger.MatterOverdue, overdue, fmt.Sprintf("其中逾期 %d 件", overdue))
	count := func(query string, args ...any) (int, error) {
		var n int
		if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			return 0, internal("count open matters", err)
		}
		return n, nil
	}
	n, err := count("SELECT count(*) FROM print_jobs WHERE printed_at = ''")
	if err != nil {
		return nil, err
	}
	add(ledger.MatterUnprinted, n, fmt.Sprintf("小票未打印 %d 张", n))
	if n, err = count("SELECT count(*) FROM broadcasts WHERE status IN ('queued', 'playing')"); err != nil {
		return nil, err
	}
	add(ledger.MatterBroadcasts, n, fmt.Sprintf("广播待播 %d 条", n))
	rows, err := q.QueryContext(ctx, "SELECT due_at FROM feedback WHERE answer_seq = 0")
	if err != nil {
		return nil, internal("open feedback", err)
	}
	open, late := 0, 0
	for rows.Next() {
		var due string
		if err := rows.Scan(&due); err != nil {
			rows.Close()
			return nil, internal("scan feedback", err)
		}
		open++
		if d, err := parseTime(due); err == nil && now.After(d) {
			late++
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, internal("open feedback", err)
	}
	today := now.In(set.Location()).Format("2006-01-02")
	if n, err = count("SELECT count(*) FROM lost_reports WHERE status = 'open'"); err != nil {
		return nil, err
	}
	add(ledger.MatterLostReports, n, fmt.Sprintf("寻物寻人登记未结 %d 条", n))
	if n, err = count("SELECT count(*) FROM found_items WHERE status = 'held' AND due_date < ?", today); err != nil {
		return nil, err
	}
	add(ledger.MatterFoundDue, n, fmt.Sprintf("失物保管到期待处置 %d 件", n))
	if n, err = count("SELECT count(*) FROM medicine_batches WHERE quantity > 0 AND expiry < ?", today); err != nil {
		return nil, err
	}
	add(ledger.MatterMedicineExpired, n, fmt.Sprintf("过期药品待报损 %d 批", n))
	add(ledger.MatterFeedback, open, fmt.Sprintf("顾客意见待答复 %d 条", open))
	add(ledger.MatterFeedbackOverdue, late, fmt.Sprintf("其中已逾期 %d 条", late))
	return out, nil
}

// HandoverCheck returns what actor hands over now; nothing is written.
func (s *HandoverService) HandoverCheck(ctx context.Context, actor ledger.Staff) (ledger.HandoverCheck, error) {
	set, err := NewSettingsService(s.db).Settings(ctx)
	if err != nil {
		return ledger.HandoverCheck{}, err
	}
	st, err := scanStaff(s.db.db.QueryRowContext(ctx, "SELECT "+staffColumns+" FROM staff WHERE id = ?", actor.ID))
	if errNoRows(err) {
		return ledger.HandoverCheck{}, ledger.Errorf(ledger.EFORBIDDEN, "请先登录")
	} else if err != nil {
		return ledger.HandoverCheck{}, internal("load staff", err)
	}
	// The account as it is now: a disabled, locked or reset account sees
	// no figures (the role matrix found this read open to them).
	now := s.db.Now()
	if err := refuseAccount(st, now, set.Location, allRoles); err != nil {
		return ledger.HandoverCheck{}, err
	}
	return s.check(ctx, s.db.db, st, now, set)
}

// Handover records the shift handover. The incoming clerk's credentials
// are checked like a login (failures counted, lockout); in the same
// transaction as the successful check it re-reads the outgoing clerk,
// recomputes what is expected, and appends shift.handover {handover_no,
// from_id, from_name, to_id, to_name, since, cash_expected, cash_counted,
// difference, counts, open, note} by the outgoing clerk, then auth.login
// of the incoming one, stores the handovers row and queues the printed
// handover slip. Counts must cover every expected count; the incoming
// clerk must be another active account with their own password set.
func (s *HandoverService) Handover(ctx context.Context, actor ledger.Staff, req ledger.HandoverRequest) (ledger.Handover, ledger.Staff, error) {
	req, err := req.Normalize() // bad input changes nothing (not even a failed login)
	if err != nil {
		return ledger.Handover{}, ledger.Staff{}, err
	}
	note := req.Note
	set, err := NewSettingsService(s.db).Settings(ctx)
	if err != nil {
		return ledger.Handover{}, ledger.Staff{}, err
	}
	var out ledger.Handover
	incoming, err := s.staff.authenticate(ctx, req.Username, req.Password, func(t *tx, in ledger.Staff) error {
		from, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		if in.ID == from.ID {
			return ledger.Errorf(ledger.EINVALID, "接班人须是另一位员工，请接班人用自己的账户登录")
		}
		if in.MustChange {
			return ledger.Errorf(ledger.EFORBIDDEN, "接班人 %s 须先登录修改临时密码，再办理交接", in.Name)
		}
		c, err := s.check(t.ctx, t, from, t.now, set)
		if err != nil {
			return err
		}
		counts := make([]ledger.HandoverCount, len(c.Counts))
		for i, k := range c.Counts {
			n, ok := req.Counted[k.What]
			if !ok {
				return ledger.Errorf(ledger.EINVALID, "请清点%s", k.Label)
			}
			k.Counted = n
			counts[i] = k
		}
		date := t.now.In(set.Location()).Format("2006-01-02")
		prefix := ledger.HandoverNo(date, 0)
		prefix = prefix[:len(prefix)-2]
		var n int
		if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM handovers WHERE handover_no LIKE ?", prefix+"%").Scan(&n); err != nil {
			return internal("count handovers", err)
		}
		ev := handoverEvent{No: ledger.HandoverNo(date, n+1), FromID: from.ID, FromName: from.Name, ToID: in.ID, ToName: in.Name,
			Since: formatTime(c.Since), CashExpected: c.CashExpected, CashCounted: req.CashCounted,
			Difference: req.CashCounted - c.CashExpected, Counts: counts, Open: c.Open, Note: note}
		if ev.Open == nil {
			ev.Open = []ledger.OpenMatter{}
		}
		e, err := t.append(from.ID, "shift.handover", ev, 0)
		if err != nil {
			return err
		}
		countsJSON, _ := json.Marshal(ev.Counts)
		openJSON, _ := json.Marshal(ev.Open)
		if _, err := t.ExecContext(t.ctx, `INSERT INTO handovers(seq, handover_no, at, from_id, to_id, since, cash_expected, cash_counted,
			counts, open_matters, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, ev.No, formatTime(t.now), from.ID, in.ID,
			ev.Since, ev.CashExpected, ev.CashCounted, string(countsJSON), string(openJSON), note); err != nil {
			return internal("insert handover", err)
		}
		if _, err := t.append(in.ID, "auth.login", map[string]any{"staff_id": in.ID, "handover": ev.No}, 0); err != nil {
			return err
		}
		out = ev.handover(e.Seq, e.At)
		if _, err := t.enqueueDocument(ev.No, receipts.HandoverSlip(set.MallName, set.CounterName, out, set.Location())); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return ledger.Handover{}, ledger.Staff{}, err
	}
	return out, incoming, nil
}

// Handovers lists the recorded handovers, newest first (from the journal,
// which is what the rows are derived from).
func (s *HandoverService) Handovers(ctx context.Context, limit int) ([]ledger.Handover, error) {
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+entryColumns+" FROM journal WHERE kind = 'shift.handover' ORDER BY seq DESC LIMIT ?", limit)
	if err != nil {
		return nil, internal("list handovers", err)
	}
	defer rows.Close()
	var out []ledger.Handover
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		var ev handoverEvent
		if err := json.Unmarshal(e.Data, &ev); err != nil {
			return nil, internal(fmt.Sprintf("decode entry %d", e.Seq), err)
		}
		out = append(out, ev.handover(e.Seq, e.At))
	}
	return out, rows.Err()
}
