package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"servicedesk/ledger"
)

// DayCloseService implements ledger.DayCloseService: the day close (日结)
// and the end-of-day report built from the journal (report.go).
type DayCloseService struct{ db *DB }

// NewDayCloseService returns the day-close service on db.
func NewDayCloseService(db *DB) *DayCloseService { return &DayCloseService{db: db} }

var _ ledger.DayCloseService = (*DayCloseService)(nil)

// closeData is the JSON of a day.close journal entry. Field names are part
// of the journal format: never rename them.
type closeData struct {
	CloseNo      string          `json:"close_no"`
	BusinessDate string          `json:"business_date"`
	DayID        int64           `json:"day_id"`
	FromSeq      int64           `json:"from_seq"`  // first entry of the day (after the previous close)
	OpenSeq      int64           `json:"open_seq"`  // the day.open entry
	CloseSeq     int64           `json:"close_seq"` // this entry
	OpenedAt     string          `json:"opened_at"`
	HeldAtOpen   ledger.Fen      `json:"deposits_held_open"`
	Taken        ledger.Fen      `json:"deposits_taken"`
	Refunded     ledger.Fen      `json:"refunded"`
	Collected    ledger.Fen      `json:"collected"`
	Compensation ledger.Fen      `json:"compensation"`
	Forfeited    ledger.Fen      `json:"forfeited"`
	HeldAtClose  ledger.Fen      `json:"deposits_held_close"`
	Fees         ledger.Fen      `json:"fees,omitempty"` // point-card reissue fees (cash)
	CashExpected ledger.Fen      `json:"cash_expected"`
	CashCounted  ledger.Fen      `json:"cash_counted"`
	Difference   ledger.Fen      `json:"difference"`
	ClerkID      int64           `json:"clerk_id"`
	ClerkName    string          `json:"clerk_name"`
	Approval     ledger.Approval `json:"approval"`
	StillOut     int             `json:"still_out"`
	Unprinted    int             `json:"unprinted"`
	Note         string          `json:"note"`
	Mall         string          `json:"mall"`
	Counter      string          `json:"counter"`
	TimeZone     string          `json:"time_zone"`
	// Several desks (omitted when zero, so a single desk's closes read as
	// before): the desk closed, its drawer float and the settlement of
	// loans closed at another desk than the one that lent them.
	Desk             string     `json:"desk,omitempty"`
	Float            ledger.Fen `json:"float,omitempty"`
	SettledElsewhere ledger.Fen `json:"settled_elsewhere,omitempty"`
	SettledForOthers ledger.Fen `json:"settled_for_others,omitempty"`
}

// summary returns the money recorded in the close.
func (c closeData) summary() ledger.CloseSummary {
	return ledger.CloseSummary{Float: c.Float, HeldAtOpen: c.HeldAtOpen, Taken: c.Taken, Refunded: c.Refunded, Collected: c.Collected,
		Compensation: c.Compensation, Forfeited: c.Forfeited, HeldAtClose: c.HeldAtClose, Fees: c.Fees,
		SettledElsewhere: c.SettledElsewhere, SettledForOthers: c.SettledForOthers}
}

// loanEvent is the JSON of a lend or return journal entry.
type loanEvent struct {
	LoanID      int64            `json:"loan_id"`
	ReceiptNo   string           `json:"receipt_no"`
	ReturnNo    string           `json:"return_no"`
	ItemNumber  string           `json:"item_number"`
	PhoneMasked string           `json:"phone_masked"`
	Outcome     string           `json:"outcome"`
	Deposit     ledger.Fen       `json:"deposit"`
	Refund      ledger.Fen       `json:"refund"`
	Charge      ledger.Fen       `json:"charge"`
	Collected   ledger.Fen       `json:"collected"`
	Forfeit     ledger.Fen       `json:"forfeit"`
	Damage      string           `json:"damage"`
	Approval    *ledger.Approval `json:"approval"`
	Desk        string           `json:"desk"`      // where it happened ("" before desks: A)
	LendDesk    string           `json:"lend_desk"` // a return or void: the desk that lent it
}

// at is the desk where the entry happened.
func (ev loanEvent) at() string { return orDefaultDesk(ev.Desk) }

// lentAt is the desk that lent the loan (for a lend, where it happened).
func (ev loanEvent) lentAt() string {
	if ev.LendDesk != "" {
		return ev.LendDesk
	}
	return ev.at()
}

// orDefaultDesk maps the desk of an entry written before desks existed
// ("") to the desk such a database became.
func orDefaultDesk(code string) string {
	if code == "" {
		return ledger.DefaultDeskCode
	}
	return code
}

// loanKind splits a lending journal kind ("umbrella.return") into the item
// kind and the action (lend, return, void); ok is false for any other kind.
// A void (冲正) closes the loan like a return with a full refund.
func loanKind(kind string) (ledger.ItemKind, string, bool) {
	k, action, _ := strings.Cut(kind, ".")
	if (k != string(ledger.KindUmbrella) && k != string(ledger.KindStroller)) || (action != "lend" && action != "return" && action != "void") {
		return "", "", false
	}
	return ledger.ItemKind(k), action, true
}

// dayFromSeq returns the first journal seq of desk's day whose day.open
// entry is openSeq: the entry after the desk's previous close (logins
// before the first loan belong to the day too). Other desks' entries in
// between are filtered out by whoever reads the range. Pass the head + 1
// for a day not opened yet.
func dayFromSeq(ctx context.Context, q queryer, desk string, openSeq int64) (int64, error) {
	var last int64
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(close_seq), 0) FROM business_days WHERE desk = ? AND close_seq > 0 AND close_seq < ?", desk, openSeq).Scan(&last); err != nil {
		return 0, internal("previous close", err)
	}
	return last + 1, nil
}

// journalHead returns the last journal seq (0 for an empty journal).
func journalHead(ctx context.Context, q queryer) (int64, error) {
	var head int64
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM journal").Scan(&head); err != nil {
		return 0, internal("journal head", err)
	}
	return head, nil
}

// depositsHeld sums the deposits of desk's loans out just after entry seq:
// lent there at or before it and not closed (anywhere) by then.
func depositsHeld(ctx context.Context, q queryer, desk string, seq int64) (ledger.Fen, error) {
	var sum ledger.Fen
	err := q.QueryRowContext(ctx, `SELECT coalesce(sum(deposit), 0) FROM loans
		WHERE desk = ? AND lend_seq <= ? AND (return_seq = 0 OR return_seq > ?)`, desk, seq, seq).Scan(&sum)
	if err != nil {
		return 0, internal("sum deposits held", err)
	}
	return sum, nil
}

// dayMoney computes desk's money in the journal entries from..to:
// deposits held before and after, the cash that moved at the desk, and the
// settlement of loans lent at one desk and closed at another.
func dayMoney(ctx context.Context, q queryer, desk string, from, to int64) (ledger.CloseSummary, error) {
	var m ledger.CloseSummary
	var err error
	if m.HeldAtOpen, err = depositsHeld(ctx, q, desk, from-1); err != nil {
		return m, err
	}
	if m.HeldAtClose, err = depositsHeld(ctx, q, desk, to); err != nil {
		return m, err
	}
	rows, err := q.QueryContext(ctx, `SELECT kind, data FROM journal WHERE seq BETWEEN ? AND ?
		AND kind IN ('umbrella.lend', 'umbrella.return', 'umbrella.void', 'stroller.lend', 'stroller.return', 'stroller.void', 'member.reissue') ORDER BY seq`, from, to)
	if err != nil {
		return m, internal("read day journal", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, data string
		if err := rows.Scan(&kind, &data); err != nil {
			return m, internal("scan day journal", err)
		}
		if kind == "member.reissue" {
			if entryDesk([]byte(data)) != desk {
				continue // a fee taken at another desk is in that drawer
			}
			var fee struct {
				Fee ledger.Fen `json:"fee"`
			}
			if err := json.Unmarshal([]byte(data), &fee); err != nil {
				return m, internal("decode "+kind, err)
			}
			m.Fees += fee.Fee
			continue
		}
		var ev loanEvent
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			return m, internal("decode "+kind, err)
		}
		_, action, _ := loanKind(kind)
		switch {
		case action == "lend":
			if ev.at() == desk {
				m.Taken += ev.Deposit
			}
		case ev.at() == desk:
			m.Refunded += ev.Refund
			m.Collected += ev.Collected
			m.Compensation += ev.Charge
			m.Forfeited += ev.Forfeit
			if ev.lentAt() != desk {
				m.SettledForOthers += ev.Deposit
			}
		case ev.lentAt() == desk:
			m.SettledElsewhere += ev.Deposit
		}
	}
	if err := rows.Err(); err != nil {
		return m, internal("read day journal", err)
	}
	return m, nil
}

// currentDay returns desk's open business day, or a day not opened yet
// (ID 0, today's date) when nothing has happened there since its last
// close, with the first journal seq that belongs to it.
func currentDay(ctx context.Context, q queryer, desk string, now time.Time, set ledger.Settings) (ledger.BusinessDay, int64, error) {
	d, err := scanDay(q.QueryRowContext(ctx, "SELECT "+dayColumns+" FROM business_days WHERE close_seq = 0 AND desk = ?", desk))
	if errNoRows(err) {
		head, err := journalHead(ctx, q)
		if err != nil {
			return d, 0, err
		}
		// No lending opened a day yet: entries since the last close (the
		// morning's broadcasts, say) belong to the day that opens next.
		d = ledger.BusinessDay{Desk: desk, Date: now.In(set.Location()).Format("2006-01-02")}
		from, err := dayFromSeq(ctx, q, desk, head+1)
		return d, from, err
	} else if err != nil {
		return d, 0, internal("load business day", err)
	}
	from, err := dayFromSeq(ctx, q, desk, d.OpenSeq)
	return d, from, err
}

// requireDesk returns the code of the desk this handle runs as.
func (d *DB) requireDesk(ctx context.Context) (string, error) {
	code, err := d.deskCode(ctx, d.db)
	if err == nil && code == "" {
		err = ledger.Errorf(ledger.ENOTFOUND, "系统尚未初始化")
	}
	return code, err
}

// CloseCheck returns this desk's open day's checklist: its loans still out
// (strollers first), the overdue ones, its unprinted receipts, and the
// money so far. Nothing is written.
func (s *DayCloseService) CloseCheck(ctx context.Context) (ledger.CloseCheck, error) {
	set, err := NewSettingsService(s.db).Settings(ctx)
	if err != nil {
		return ledger.CloseCheck{}, err
	}
	desk, err := s.db.requireDesk(ctx)
	if err != nil {
		return ledger.CloseCheck{}, err
	}
	now := s.db.Now()
	var c ledger.CloseCheck
	if c.Day, c.FromSeq, err = currentDay(ctx, s.db.db, desk, now, set); err != nil {
		return c, err
	}
	head, err := journalHead(ctx, s.db.db)
	if err != nil {
		return c, err
	}
	if c.Money, err = dayMoney(ctx, s.db.db, desk, c.FromSeq, head); err != nil {
		return c, err
	}
	c.Money.Float = set.DrawerFloat
	if c.StillOut, err = NewLendingService(s.db).StillOut(ctx); err != nil {
		return c, err
	}
	for _, l := range c.StillOut {
		if l.Overdue(now, set.OverdueDays) {
			c.Overdue = append(c.Overdue, l)
		}
	}
	if c.Unprinted, err = NewPrintQueue(s.db).Pending(ctx); err != nil {
		return c, err
	}
	return c, nil
}

// CloseDay closes the open business day. Any staff member may count the
// drawer; a supervisor other than that clerk approves. In one transaction
// it appends day.close {close_no, business_date, day_id, from_seq,
// open_seq, close_seq, opened_at, deposits_held_open, deposits_taken,
// refunded, collected, compensation, forfeited, deposits_held_close,
// cash_expected, cash_counted, difference, clerk_id, clerk_name,
// approval{approver_id, approver_name, reason}, still_out, unprinted,
// note, mall, counter, time_zone} and marks the business_days row closed;
// the closed row can never change again (trigger). With no open day
// (nothing happened since the last close) it refuses with ECONFLICT.
func (s *DayCloseService) CloseDay(ctx context.Context, actor ledger.Staff, req ledger.CloseRequest) (ledger.DayClose, error) {
	if req.CashCounted < 0 || req.CashCounted > ledger.Yuan(10_000_000) {
		return ledger.DayClose{}, ledger.Errorf(ledger.EINVALID, "实点现金金额无效")
	}
	note, err := ledger.FieldCloseNote.Clean(req.Note)
	if err != nil {
		return ledger.DayClose{}, err
	}
	var out ledger.DayClose
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		desk, err := t.desk()
		if err != nil {
			return err
		}
		day, err := scanDay(t.QueryRowContext(ctx, "SELECT "+dayColumns+" FROM business_days WHERE close_seq = 0 AND desk = ?", desk))
		if errNoRows(err) {
			return ledger.Errorf(ledger.ECONFLICT, "自上次日结以来没有新的业务，无需日结")
		} else if err != nil {
			return internal("load business day", err)
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		from, err := dayFromSeq(ctx, t, desk, day.OpenSeq)
		if err != nil {
			return err
		}
		head, err := journalHead(ctx, t)
		if err != nil {
			return err
		}
		money, err := dayMoney(ctx, t, desk, from, head)
		if err != nil {
			return err
		}
		money.Float = set.DrawerFloat
		if !money.Balanced() {
			return internal("day close", fmt.Errorf("journal money does not balance: %+v", money))
		}
		expected := money.Expected()
		used, err := t.useApprovals(ledger.DayCloseApproval(actor.ID, day, expected, req.CashCounted), req.Approval)
		if err != nil {
			return err
		}
		var n int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM business_days WHERE desk = ? AND business_date = ? AND close_seq > 0", desk, day.Date).Scan(&n); err != nil {
			return internal("count closes", err)
		}
		var stillOut, unprinted int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM loans WHERE status = 'open' AND desk = ?", desk).Scan(&stillOut); err != nil {
			return internal("count still out", err)
		}
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM print_jobs WHERE printed_at = '' AND desk = ?", desk).Scan(&unprinted); err != nil {
			return internal("count unprinted", err)
		}
		cd := closeData{CloseNo: ledger.CloseNo(desk, day.Date, n+1), BusinessDate: day.Date, DayID: day.ID,
			FromSeq: from, OpenSeq: day.OpenSeq, CloseSeq: head + 1, OpenedAt: formatTime(day.OpenedAt),
			HeldAtOpen: money.HeldAtOpen, Taken: money.Taken, Refunded: money.Refunded, Collected: money.Collected,
			Compensation: money.Compensation, Forfeited: money.Forfeited, HeldAtClose: money.HeldAtClose, Fees: money.Fees,
			CashExpected: expected, CashCounted: req.CashCounted, Difference: req.CashCounted - expected,
			ClerkID: clerk.ID, ClerkName: clerk.Name,
			Approval: used[0],
			StillOut: stillOut, Unprinted: unprinted, Note: note,
			Mall: set.MallName, Counter: set.CounterName, TimeZone: set.TimeZone,
			Desk: desk, Float: money.Float, SettledElsewhere: money.SettledElsewhere, SettledForOthers: money.SettledForOthers}
		e, err := t.append(actor.ID, "day.close", cd, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		if e.Seq != cd.CloseSeq {
			return internal("day close", fmt.Errorf("close seq %d, want %d", e.Seq, cd.CloseSeq))
		}
		res, err := t.ExecContext(ctx, "UPDATE business_days SET closed_at = ?, close_seq = ?, close_no = ? WHERE id = ? AND close_seq = 0",
			formatTime(t.now), e.Seq, cd.CloseNo, day.ID)
		if err != nil {
			return internal("close business day", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return internal("close business day", fmt.Errorf("day %d not open", day.ID))
		}
		day.ClosedAt, day.CloseSeq = t.now, e.Seq
		out = cd.dayClose(day)
		return nil
	})
	if err != nil {
		return ledger.DayClose{}, err
	}
	return out, nil
}

// dayClose converts the recorded close to the domain type.
func (c closeData) dayClose(day ledger.BusinessDay) ledger.DayClose {
	return ledger.DayClose{No: c.CloseNo, Day: day, FromSeq: c.FromSeq, ClerkID: c.ClerkID, ClerkName: c.ClerkName,
		Approval: c.Approval, Money: c.summary(), CashExpected: c.CashExpected, CashCounted: c.CashCounted,
		Difference: c.Difference, Note: c.Note, Mall: c.Mall, Counter: c.Counter, TimeZone: c.TimeZone}
}

// dayByID loads one business day.
func dayByID(ctx context.Context, q queryer, id int64) (ledger.BusinessDay, error) {
	d, err := scanDay(q.QueryRowContext(ctx, "SELECT "+dayColumns+" FROM business_days WHERE id = ?", id))
	if errNoRows(err) {
		return d, ledger.Errorf(ledger.ENOTFOUND, "找不到该营业日")
	} else if err != nil {
		return d, internal("load business day", err)
	}
	return d, nil
}

// loadClose reads the day.close entry of a closed day.
func loadClose(ctx context.Context, q queryer, day ledger.BusinessDay) (closeData, error) {
	var cd closeData
	if day.Open() {
		return cd, ledger.Errorf(ledger.ECONFLICT, "营业日 %s 尚未日结", day.Date)
	}
	var kind, data string
	err := q.QueryRowContext(ctx, "SELECT kind, data FROM journal WHERE seq = ?", day.CloseSeq).Scan(&kind, &data)
	if err != nil {
		return cd, internal("load day close", err)
	}
	if kind != "day.close" {
		return cd, internal("load day close", fmt.Errorf("entry %d is %s", day.CloseSeq, kind))
	}
	if err := json.Unmarshal([]byte(data), &cd); err != nil {
		return cd, internal("decode day close", err)
	}
	return cd, nil
}

// Close returns the recorded close of a closed business day.
func (s *DayCloseService) Close(ctx context.Context, dayID int64) (ledger.DayClose, error) {
	day, err := dayByID(ctx, s.db.db, dayID)
	if err != nil {
		return ledger.DayClose{}, err
	}
	cd, err := loadClose(ctx, s.db.db, day)
	if err != nil {
		return ledger.DayClose{}, err
	}
	return cd.dayClose(day), nil
}

// checkDate accepts "" or a real YYYY-MM-DD date.
func checkDate(d string) error {
	if d == "" {
		return nil
	}
	if _, err := time.Parse("2006-01-02", d); err != nil {
		return ledger.Errorf(ledger.EINVALID, "日期格式不正确：%s（例：2026-11-25）", ledger.Quote(d))
	}
	return nil
}

// Days lists this desk's business days dated from..to (inclusive, "" for
// open-ended), oldest first, the open day included.
func (s *DayCloseService) Days(ctx context.Context, from, to string) ([]ledger.BusinessDay, error) {
	desk, err := s.db.requireDesk(ctx)
	if err != nil {
		return nil, err
	}
	return s.days(ctx, desk, from, to)
}

// days lists desk's business days ("" for every desk's) dated from..to.
func (s *DayCloseService) days(ctx context.Context, desk, from, to string) ([]ledger.BusinessDay, error) {
	if err := checkDate(from); err != nil {
		return nil, err
	}
	if err := checkDate(to); err != nil {
		return nil, err
	}
	if to == "" {
		to = "9999-12-31"
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+dayColumns+" FROM business_days WHERE business_date >= ? AND business_date <= ? AND (desk = ? OR ? = '') ORDER BY id",
		from, to, desk, desk)
	if err != nil {
		return nil, internal("list business days", err)
	}
	defer rows.Close()
	var out []ledger.BusinessDay
	for rows.Next() {
		d, err := scanDay(rows)
		if err != nil {
			return nil, internal("scan business day", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list business days", err)
	}
	return out, nil
}

// DayByDate returns this desk's n-th close of a business date (n >= 1),
// or with n <= 0 its last closed day of that date, else that date's open day.
func (s *DayCloseService) DayByDate(ctx context.Context, date string, n int) (ledger.BusinessDay, error) {
	if date == "" {
		return ledger.BusinessDay{}, ledger.Errorf(ledger.EINVALID, "请输入营业日，例：2026-11-25")
	}
	if err := checkDate(date); err != nil {
		return ledger.BusinessDay{}, err
	}
	desk, err := s.db.requireDesk(ctx)
	if err != nil {
		return ledger.BusinessDay{}, err
	}
	q := "SELECT " + dayColumns + " FROM business_days WHERE desk = ? AND business_date = ? AND close_seq > 0 ORDER BY close_seq LIMIT 1 OFFSET ?"
	args := []any{desk, date, max(n-1, 0)}
	if n <= 0 {
		q = "SELECT " + dayColumns + " FROM business_days WHERE desk = ? AND business_date = ? ORDER BY close_seq = 0, id DESC LIMIT 1"
		args = []any{desk, date}
	}
	d, err := scanDay(s.db.db.QueryRowContext(ctx, q, args...))
	if errNoRows(err) {
		if n > 0 {
			return d, ledger.Errorf(ledger.ENOTFOUND, "营业日 %s 没有第 %d 次日结", date, n)
		}
		return d, ledger.Errorf(ledger.ENOTFOUND, "营业日 %s 没有记录", date)
	} else if err != nil {
		return d, internal("find business day", err)
	}
	return d, nil
}

// DefaultReportDir is the folder for end-of-day reports when the settings
// name none: "reports" beside the database file in the data directory (on
// PostgreSQL, in Options.DataDir).
func (s *DayCloseService) DefaultReportDir() string {
	if s.db.path == "" {
		return filepath.Join(s.db.dataDir, "reports")
	}
	return filepath.Join(filepath.Dir(s.db.path), "reports")
}
