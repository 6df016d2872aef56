package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// PreviewCloseNo is the close number shown on the report of a day that is
// not closed yet.
const PreviewCloseNo = "未日结（预览）"

// reportLoan is what a report needs of a loan row (fixed at lend time).
type reportLoan struct {
	kind        ledger.ItemKind
	number      string
	receiptNo   string
	lentAt      time.Time
	lentBy      int64
	phoneMasked string
	deposit     ledger.Fen
}

// reportStaff is a staff member's display name and role.
type reportStaff struct {
	name string
	role ledger.Role
}

// Report builds the end-of-day report of business day dayID from the
// journal entries after the previous close up to the day's close. dayID 0
// (or an open day) gives a preview of the current day up to now, numbered
// PreviewCloseNo, with CashCounted 0. A closed day always gives the same
// report: its names, zone, cash and still-out list come from the day.close
// entry and the rows it covers, never from today's settings.
func (s *DayCloseService) Report(ctx context.Context, dayID int64) (receipts.DayReport, error) {
	set, err := NewSettingsService(s.db).Settings(ctx)
	if err != nil {
		return receipts.DayReport{}, err
	}
	var day ledger.BusinessDay
	var from int64
	if dayID == 0 {
		var desk string
		if desk, err = s.db.requireDesk(ctx); err == nil {
			day, from, err = currentDay(ctx, s.db.db, desk, s.db.Now(), set)
		}
	} else if day, err = dayByID(ctx, s.db.db, dayID); err == nil {
		from, err = dayFromSeq(ctx, s.db.db, day.Desk, day.OpenSeq)
	}
	if err != nil {
		return receipts.DayReport{}, err
	}
	if r, err := loadDesk(ctx, s.db.db, day.Desk); err == nil {
		set.CounterName, set.DrawerFloat = r.Name, r.float // the day's desk, not this one
	}
	b := &reportBuilder{ctx: ctx, q: s.db.db, day: day, desk: day.Desk, from: from, float: set.DrawerFloat}
	if day.Open() {
		if b.to, err = journalHead(ctx, s.db.db); err != nil {
			return receipts.DayReport{}, err
		}
		b.r = receipts.DayReport{Mall: set.MallName, Counter: set.CounterName, BusinessDate: day.Date,
			CloseNo: PreviewCloseNo, OpenedAt: day.OpenedAt, ClosedAt: s.db.Now(), Location: set.Location()}
		b.overdueDays = set.OverdueDays
	} else {
		cd, err := loadClose(ctx, s.db.db, day)
		if err != nil {
			return receipts.DayReport{}, err
		}
		b.to, b.close, b.float = day.CloseSeq, &cd, cd.Float
		loc := set.Location()
		if l, err := time.LoadLocation(cd.TimeZone); err == nil && cd.TimeZone != "" {
			loc = l
		}
		b.r = receipts.DayReport{Mall: cd.Mall, Counter: cd.Counter, BusinessDate: day.Date, CloseNo: cd.CloseNo,
			OpenedAt: day.OpenedAt, ClosedAt: day.ClosedAt, Location: loc,
			CashExpected: cd.CashExpected, CashCounted: cd.CashCounted}
		b.overdueDays = set.OverdueDays
	}
	if err := b.build(); err != nil {
		return receipts.DayReport{}, err
	}
	if b.to > 0 {
		var hash string
		if err := s.db.db.QueryRowContext(ctx, "SELECT hash FROM journal WHERE seq = ?", b.to).Scan(&hash); err != nil {
			return receipts.DayReport{}, internal("journal head of the report", err)
		}
		b.r.Anchor = ledger.NewJournalAnchor(ledger.Entry{Seq: b.to, Hash: hash}).String()
	}
	return b.r, nil
}

// Reports builds the reports of every closed business day dated from..to
// (inclusive), oldest first, for the Excel export. ENOTFOUND when none.
func (s *DayCloseService) Reports(ctx context.Context, from, to string) ([]receipts.DayReport, error) {
	if from == "" || to == "" {
		return nil, ledger.Errorf(ledger.EINVALID, "请输入起止日期，例：2026-11-01 到 2026-11-30")
	}
	if from > to {
		return nil, ledger.Errorf(ledger.EINVALID, "开始日期不能晚于结束日期")
	}
	days, err := s.Days(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var out []receipts.DayReport
	for _, d := range days {
		if d.Open() {
			continue
		}
		r, err := s.Report(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("report of %s: %w", d.Date, err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, ledger.Errorf(ledger.ENOTFOUND, "%s 至 %s 没有已日结的营业日", from, to)
	}
	return out, nil
}

// reportBuilder fills one DayReport from the journal entries from..to.
type reportBuilder struct {
	ctx         context.Context
	q           queryer
	day         ledger.BusinessDay
	desk        string // the day's desk: other desks' entries in from..to are left out
	float       ledger.Fen
	from, to    int64
	close       *closeData // nil for a preview
	overdueDays int
	r           receipts.DayReport

	staff     map[int64]reportStaff
	loans     map[int64]reportLoan
	collected map[ledger.ItemKind]ledger.Fen // cash collected on top of deposits
	// broadcasts collects the day's broadcast.end entries.
	broadcasts broadcastSection
	ml         *medLostReport // medicine and lost-and-found sections
	// handovers collects the day's shift.handover rows.
	handovers [][]string
	// cards collects the day's point-card and invoice entries.
	cards cardsSection
	// settlement lists the loans lent at one desk and closed at the other
	// (this desk on one side); settledElsewhere/ForOthers sum their deposits.
	settlement                         []([]string)
	settledElsewhere, settledForOthers ledger.Fen
}

// entryDesk is the desk an entry of another kind than lending happened at
// (its "desk" field; entries from before desks belong to the default desk).
func entryDesk(data []byte) string {
	var v struct {
		Desk string `json:"desk"`
	}
	_ = json.Unmarshal(data, &v)
	return orDefaultDesk(v.Desk)
}

// kinds is the display order of the lending ledgers.
var kinds = []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller}

// build reads the rows the day needs and lays out every part of the report.
func (b *reportBuilder) build() error {
	if err := b.loadStaff(); err != nil {
		return err
	}
	if err := b.loadLoans(); err != nil {
		return err
	}
	rows, err := b.q.QueryContext(b.ctx, "SELECT "+entryColumns+" FROM journal WHERE seq BETWEEN ? AND ? ORDER BY seq", b.from, b.to)
	if err != nil {
		return internal("read day journal", err)
	}
	var entries []ledger.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return err
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return internal("read day journal", err)
	}
	rows.Close()

	sum := map[ledger.ItemKind]*receipts.SummaryRow{}
	sec := map[ledger.ItemKind]*receipts.Section{}
	for _, k := range kinds {
		sum[k] = &receipts.SummaryRow{Service: k.Label()}
		sec[k] = newLoanSection(k)
	}
	onDuty := map[int64]bool{}
	duty := func(id int64) {
		if id != 0 && !onDuty[id] {
			onDuty[id] = true
			b.r.StaffOnDuty = append(b.r.StaffOnDuty, b.staffLabel(id))
		}
	}
	for _, e := range entries {
		kind, action, isLoan := loanKind(e.Kind)
		if !isLoan && !strings.HasPrefix(e.Kind, "broadcast.") && entryDesk(e.Data) != b.desk {
			continue // another desk's login, write-off or close (the PA is the mall's: every desk lists it)
		}
		switch {
		case isLoan:
			var ev loanEvent
			if err := json.Unmarshal(e.Data, &ev); err != nil {
				return internal(fmt.Sprintf("decode entry %d", e.Seq), err)
			}
			if ev.at() != b.desk {
				if action != "lend" && ev.lentAt() == b.desk {
					b.settle(e, kind, ev, true) // our loan, closed at another desk
				}
				continue
			}
			duty(e.StaffID)
			if action != "lend" && ev.lentAt() != b.desk {
				b.settle(e, kind, ev, false) // another desk's loan, closed here
			}
			b.loanEntry(e, kind, action, ev, sum[kind], sec[kind])
		case e.Kind == "auth.login":
			duty(e.StaffID)
		case e.Kind == "broadcast.end":
			if err := b.broadcastEntry(e); err != nil {
				return err
			}
		case e.Kind == "shift.handover":
			duty(e.StaffID)
			if err := b.handoverEntry(e); err != nil {
				return err
			}
		case e.Kind == "item.status":
			duty(e.StaffID)
			b.itemStatusEntry(e)
		case strings.HasPrefix(e.Kind, "medicine.") || strings.HasPrefix(e.Kind, "lostfound."):
			duty(e.StaffID)
			if _, err := b.medLostEntry(e); err != nil {
				return err
			}
		case strings.HasPrefix(e.Kind, "member.") && e.Kind != "member.find", strings.HasPrefix(e.Kind, "invoice."):
			duty(e.StaffID)
			if err := b.cardsEntry(e); err != nil {
				return err
			}
		case e.Kind == "day.close":
			duty(e.StaffID)
			if b.close != nil {
				duty(b.close.Approval.ApproverID)
				b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: "日结", Ref: b.close.CloseNo,
					Amount: b.close.CashCounted, Clerk: b.staffName(b.close.ClerkID), Approver: b.close.Approval.ApproverName,
					Reason: b.close.Approval.Reason})
			}
		}
	}
	if err := b.stillOut(sum); err != nil {
		return err
	}
	held, err := b.heldByKind()
	if err != nil {
		return err
	}
	money := ledger.CloseSummary{Float: b.float, SettledElsewhere: b.settledElsewhere, SettledForOthers: b.settledForOthers}
	for _, k := range kinds {
		row := sum[k]
		row.HeldAtOpen, row.HeldAtClose = held[k][0], held[k][1]
		b.r.Summary = append(b.r.Summary, *row)
		s := sec[k]
		b.totals(k, s, row)
		b.r.Sections = append(b.r.Sections, *s)
		money.HeldAtClose += row.HeldAtClose
		money.Compensation += row.Compensation
		money.Forfeited += row.Forfeited
	}
	if err := b.medLostSections(); err != nil {
		return err
	}
	b.r.Sections = append(b.r.Sections, b.cardsTables()...)
	money.Fees = b.cards.fees
	if s := b.broadcastTable(); s != nil {
		b.r.Sections = append(b.r.Sections, *s)
	}
	if s := b.handoverTable(); s != nil {
		b.r.Sections = append(b.r.Sections, *s)
	}
	if len(b.settlement) > 0 || b.float != 0 {
		b.r.Sections = append(b.r.Sections, b.settlementSection())
	}
	if b.close == nil {
		b.r.CashExpected = money.Expected()
	}
	return nil
}

// settle lists a loan lent at one desk and closed at another: elsewhere is
// true for this desk's loan closed at another desk (its deposit stays in
// this drawer, to hand over), false for another desk's loan closed here
// (this drawer paid the refund).
func (b *reportBuilder) settle(e ledger.Entry, kind ledger.ItemKind, ev loanEvent, elsewhere bool) {
	what, other := "本台借出，在 "+ev.at()+" 归还", ev.at()
	if elsewhere {
		b.settledElsewhere += ev.Deposit
	} else {
		what, other = ev.lentAt()+" 借出，在本台归还", ev.lentAt()
		b.settledForOthers += ev.Deposit
	}
	ref := ev.ReturnNo + "（借 " + ev.ReceiptNo + "）"
	b.settlement = append(b.settlement, []string{b.clock(e.At), kind.Label() + " " + ev.ItemNumber, ref, what, other, money(ev.Deposit)})
}

// settlementSection is the table of cash between desks: the float, loans
// closed at another desk than the one that lent them, and the totals.
func (b *reportBuilder) settlementSection() receipts.Section {
	s := receipts.Section{Title: "服务台间结算与备用金", Columns: []string{"时间", "物品", "单号", "说明", "对方服务台", "押金"}}
	if b.float != 0 {
		s.Rows = append(s.Rows, []string{"", "", "", "备用金（每日开始时在抽屉中）", "", b.float.String()})
	}
	s.Rows = append(s.Rows, b.settlement...)
	s.Totals = []string{"合计", fmt.Sprintf("%d 笔", len(b.settlement)), "", "应交出 " + b.settledElsewhere.String() + "，应补入 " + b.settledForOthers.String(), "", ""}
	return s
}

// loadStaff reads every staff member's name and role (names never change).
func (b *reportBuilder) loadStaff() error {
	rows, err := b.q.QueryContext(b.ctx, "SELECT id, name, role FROM staff")
	if err != nil {
		return internal("list staff", err)
	}
	defer rows.Close()
	b.staff = map[int64]reportStaff{}
	for rows.Next() {
		var id int64
		var st reportStaff
		if err := rows.Scan(&id, &st.name, &st.role); err != nil {
			return internal("scan staff", err)
		}
		b.staff[id] = st
	}
	return rows.Err()
}

// loadLoans reads the loans lent or returned in the day and those out at
// its end.
func (b *reportBuilder) loadLoans() error {
	rows, err := b.q.QueryContext(b.ctx, `SELECT l.id, l.kind, i.number, l.receipt_no, l.lent_at, l.lent_by, l.phone_masked, l.deposit
		FROM loans l JOIN items i ON i.id = l.item_id
		WHERE l.lend_seq <= ? AND (l.return_seq = 0 OR l.return_seq >= ?)`, b.to, b.from)
	if err != nil {
		return internal("list day loans", err)
	}
	defer rows.Close()
	b.loans = map[int64]reportLoan{}
	for rows.Next() {
		var id int64
		var l reportLoan
		var lent string
		if err := rows.Scan(&id, &l.kind, &l.number, &l.receiptNo, &lent, &l.lentBy, &l.phoneMasked, &l.deposit); err != nil {
			return internal("scan day loan", err)
		}
		if l.lentAt, err = parseTime(lent); err != nil {
			return internal("scan day loan", err)
		}
		b.loans[id] = l
	}
	return rows.Err()
}

// staffName returns a staff member's name ("#id" for an unknown id).
func (b *reportBuilder) staffName(id int64) string {
	if st, ok := b.staff[id]; ok {
		return st.name
	}
	if id == 0 {
		return "系统"
	}
	return fmt.Sprintf("#%d", id)
}

// staffLabel is the on-duty label: the name, with the role for supervisors
// and admins.
func (b *reportBuilder) staffLabel(id int64) string {
	st, ok := b.staff[id]
	if ok && st.role != ledger.RoleClerk {
		return st.name + "（" + st.role.Label() + "）"
	}
	return b.staffName(id)
}

// clock formats a time as HH:MM in the report's zone.
func (b *reportBuilder) clock(t time.Time) string {
	return t.In(b.r.Location).Format("15:04")
}

// money formats an amount, "" for zero.
func money(f ledger.Fen) string {
	if f == 0 {
		return ""
	}
	return f.String()
}

// newLoanSection returns the empty table of one lending ledger.
func newLoanSection(k ledger.ItemKind) *receipts.Section {
	if k == ledger.KindStroller {
		return &receipts.Section{Title: k.Label() + "借还明细",
			Columns: []string{"时间", "业务", "单号", "童车编号", "柜员", "联系电话", "结果"}}
	}
	return &receipts.Section{Title: k.Label() + "借还明细",
		Columns: []string{"时间", "业务", "单号", "雨伞编号", "柜员", "押金", "退还", "赔偿", "补收", "没收", "联系电话", "结果"}}
}

// outcomeLabel describes a return's outcome for the table.
func outcomeLabel(ev loanEvent) string {
	switch ledger.ReturnOutcome(ev.Outcome) {
	case ledger.ReturnFine:
		return ledger.LoanReturned.Label()
	case ledger.ReturnDamaged:
		if ev.Damage != "" {
			return "损坏（" + ev.Damage + "）"
		}
		return "损坏"
	case ledger.ReturnLost:
		if ev.Approval != nil {
			return "遗失，" + ev.Approval.ApproverName + "批准"
		}
		return "遗失"
	}
	return ev.Outcome
}

// loanEntry adds one lend or return to the summary, the section, the
// hourly chart and the approvals.
func (b *reportBuilder) loanEntry(e ledger.Entry, kind ledger.ItemKind, action string, ev loanEvent, row *receipts.SummaryRow, s *receipts.Section) {
	l := b.loans[ev.LoanID]
	phone := ev.PhoneMasked
	if phone == "" {
		phone = l.phoneMasked
	}
	var cells []string
	if action == "lend" {
		row.Lent++
		row.DepositsTaken += ev.Deposit
		b.r.HourlyLoans[e.At.In(b.r.Location).Hour()]++
		if kind == ledger.KindStroller {
			cells = []string{b.clock(e.At), "借出", ev.ReceiptNo, ev.ItemNumber, b.staffName(e.StaffID), phone, "借出"}
		} else {
			cells = []string{b.clock(e.At), "借出", ev.ReceiptNo, ev.ItemNumber, b.staffName(e.StaffID),
				money(ev.Deposit), "", "", "", "", phone, "借出"}
		}
		s.Rows = append(s.Rows, cells)
		return
	}
	if action == "void" {
		b.voidEntry(e, kind, ev, row, s, phone)
		return
	}
	switch ledger.ReturnOutcome(ev.Outcome) {
	case ledger.ReturnFine:
		row.Returned++
	case ledger.ReturnDamaged:
		row.Returned++
		row.Damaged++
	case ledger.ReturnLost:
		row.Lost++
	}
	row.Refunded += ev.Refund
	row.Forfeited += ev.Forfeit
	row.Compensation += ev.Charge
	if b.collected == nil {
		b.collected = map[ledger.ItemKind]ledger.Fen{}
	}
	b.collected[kind] += ev.Collected
	ref := ev.ReturnNo + "（借 " + ev.ReceiptNo + "）"
	if kind == ledger.KindStroller {
		cells = []string{b.clock(e.At), "归还", ref, ev.ItemNumber, b.staffName(e.StaffID), phone, outcomeLabel(ev)}
	} else {
		cells = []string{b.clock(e.At), "归还", ref, ev.ItemNumber, b.staffName(e.StaffID),
			money(ev.Deposit), money(ev.Refund), money(ev.Charge), money(ev.Collected), money(ev.Forfeit), phone, outcomeLabel(ev)}
	}
	s.Rows = append(s.Rows, cells)
	if ev.Approval != nil {
		action := "遗失登记"
		if ev.Forfeit > 0 {
			action = "没收押金"
		}
		b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: action, Ref: ev.ReturnNo,
			Amount: ev.Forfeit, Clerk: b.staffName(e.StaffID), Approver: ev.Approval.ApproverName, Reason: ev.Approval.Reason})
	}
}

// voidEntry adds a void (冲正) of a loan registered by mistake: the
// deposit refunded in full, listed among the approvals.
func (b *reportBuilder) voidEntry(e ledger.Entry, kind ledger.ItemKind, ev loanEvent, row *receipts.SummaryRow, s *receipts.Section, phone string) {
	row.Refunded += ev.Refund
	result := ledger.LoanVoided.Label()
	if ev.Approval != nil {
		result += "，" + ev.Approval.ApproverName + "批准"
	}
	ref := ev.ReturnNo + "（借 " + ev.ReceiptNo + "）"
	if kind == ledger.KindStroller {
		s.Rows = append(s.Rows, []string{b.clock(e.At), "冲正", ref, ev.ItemNumber, b.staffName(e.StaffID), phone, result})
	} else {
		s.Rows = append(s.Rows, []string{b.clock(e.At), "冲正", ref, ev.ItemNumber, b.staffName(e.StaffID),
			money(ev.Deposit), money(ev.Refund), "", "", "", phone, result})
	}
	if ev.Approval != nil {
		b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: "冲正", Ref: ev.ReturnNo + "（借 " + ev.ReceiptNo + "）",
			Amount: ev.Refund, Clerk: b.staffName(e.StaffID), Approver: ev.Approval.ApproverName, Reason: ev.Approval.Reason})
	}
}

// itemStatusEntry lists an approved item write-off among the approvals.
func (b *reportBuilder) itemStatusEntry(e ledger.Entry) {
	var ev struct {
		Kind     ledger.ItemKind   `json:"kind"`
		Number   string            `json:"number"`
		To       ledger.ItemStatus `json:"to"`
		Approval *ledger.Approval  `json:"approval"`
	}
	if json.Unmarshal(e.Data, &ev) != nil || ev.Approval == nil {
		return
	}
	b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: "报废", Ref: ev.Kind.Label() + " " + ev.Number,
		Clerk: b.staffName(e.StaffID), Approver: ev.Approval.ApproverName, Reason: ev.Approval.Reason})
}

// stillOut lists the loans out at the end of the day, strollers first,
// and counts them per service. Overdue is judged at the day's end.
func (b *reportBuilder) stillOut(sum map[ledger.ItemKind]*receipts.SummaryRow) error {
	rows, err := b.q.QueryContext(b.ctx, `SELECT l.id FROM loans l WHERE l.desk = ? AND l.lend_seq <= ? AND (l.return_seq = 0 OR l.return_seq > ?)
		ORDER BY l.kind, l.id`, b.desk, b.to, b.to)
	if err != nil {
		return internal("list still out", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return internal("scan still out", err)
		}
		l := b.loans[id]
		note := ""
		if b.overdueDays > 0 && b.r.ClosedAt.Sub(l.lentAt) > time.Duration(b.overdueDays)*24*time.Hour {
			note = "逾期"
		}
		sum[l.kind].StillOut++
		b.r.StillOut = append(b.r.StillOut, receipts.StillOutRow{Service: l.kind.Label(), ItemNo: l.number, LentAt: l.lentAt,
			Staff: b.staffName(l.lentBy), Phone: l.phoneMasked, Deposit: l.deposit, Note: joinNote(l.receiptNo, note)})
	}
	return rows.Err()
}

// joinNote puts the receipt number and a remark in the note column.
func joinNote(receiptNo, note string) string {
	if note == "" {
		return "单号 " + receiptNo
	}
	return "单号 " + receiptNo + "，" + note
}

// heldByKind sums deposits held per kind at the start and the end of the day.
func (b *reportBuilder) heldByKind() (map[ledger.ItemKind][2]ledger.Fen, error) {
	out := map[ledger.ItemKind][2]ledger.Fen{}
	for i, seq := range []int64{b.from - 1, b.to} {
		rows, err := b.q.QueryContext(b.ctx, `SELECT kind, coalesce(sum(deposit), 0) FROM loans
			WHERE desk = ? AND lend_seq <= ? AND (return_seq = 0 OR return_seq > ?) GROUP BY kind`, b.desk, seq, seq)
		if err != nil {
			return nil, internal("sum deposits held", err)
		}
		for rows.Next() {
			var k ledger.ItemKind
			var f ledger.Fen
			if err := rows.Scan(&k, &f); err != nil {
				rows.Close()
				return nil, internal("sum deposits held", err)
			}
			v := out[k]
			v[i] = f
			out[k] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, internal("sum deposits held", err)
		}
	}
	return out, nil
}

// totals writes a section's bold totals line.
func (b *reportBuilder) totals(k ledger.ItemKind, s *receipts.Section, row *receipts.SummaryRow) {
	count := fmt.Sprintf("%d 笔", len(s.Rows))
	if k == ledger.KindStroller {
		s.Totals = []string{"合计", count, "", "", "", "", fmt.Sprintf("借 %d 还 %d", row.Lent, row.Returned)}
		return
	}
	s.Totals = []string{"合计", count, "", "", "", row.DepositsTaken.String(), row.Refunded.String(),
		row.Compensation.String(), b.collected[k].String(), row.Forfeited.String(), "", ""}
}
