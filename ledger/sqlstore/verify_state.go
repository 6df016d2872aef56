package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"servicedesk/ledger"
)

// The state tables are derived from the journal in the same transaction as
// each entry. verifyState replays the journal into the state it implies and
// compares it with the tables row by row, so a row changed without an
// entry (or an entry cut off the end) shows, naming the first bad place.

// maxProblems bounds the problems one verification lists.
const maxProblems = 50

// wantItem, wantLoan, wantDay, wantStaff and wantApproval are rows as the
// journal says they must be.
type wantItem struct {
	kind, number, status string
	homeDesk, desk       string
	addedSeq             int64
}

type wantLoan struct {
	kind, receiptNo, lentAt, phoneMasked, status, closedAt, damage, returnNo string
	itemID, lentBy, deposit, closedBy, refund, charge, collected, forfeit    int64
	approverID, lendSeq, returnSeq                                           int64
	desk, returnDesk                                                         string
}

type wantDay struct {
	date, openedAt, closedAt, closeNo, desk string
	dayID, closeSeq                         int64
}

type wantStaff struct {
	username, name, role string
	disabled, mustChange bool
}

type wantApproval struct {
	action, record, reason, expiresAt string
	amount, actorID, approverID       int64
	grantSeq, usedSeq                 int64
}

// replay is the state the journal implies.
type replay struct {
	last      int64
	items     map[int64]*wantItem
	loans     map[int64]*wantLoan
	days      map[int64]*wantDay // by open_seq
	staff     map[int64]*wantStaff
	approvals map[int64]*wantApproval
	medLost   medLostReplay
	settings  string // the last settings.update data
	problems  []string
	where     string
}

// problem records what is wrong; the first one names the place.
func (r *replay) problem(where, format string, args ...any) {
	if r.where == "" {
		r.where = where
	}
	if len(r.problems) < maxProblems {
		r.problems = append(r.problems, where+": "+fmt.Sprintf(format, args...))
	}
}

// approvalRef is the approval part of an action's entry.
type approvalRef struct {
	ID         int64 `json:"approval_id"`
	ApproverID int64 `json:"approver_id"`
}

// apply replays one entry.
func (r *replay) apply(seq int64, at string, staffID int64, kind, data string) {
	r.last = seq
	r.applyMedLost(seq, kind, data)
	bad := func(err error) { r.problem(fmt.Sprintf("journal seq %d", seq), "%s data unreadable: %v", kind, err) }
	var ev struct {
		loanEvent
		ItemID   int64        `json:"item_id"`
		To       string       `json:"to"`
		Kind     string       `json:"kind"`
		Items    []itemRef    `json:"items"`
		ID       int64        `json:"id"`
		StaffID  int64        `json:"staff_id"`
		Username string       `json:"username"`
		Name     string       `json:"name"`
		Role     string       `json:"role"`
		Approval *approvalRef `json:"approval"`
		// actions approved by two (lostfound.dispose)
		Approvals []approvalRef `json:"approvals"`
		// approval.grant
		ApprovalID int64      `json:"approval_id"`
		Action     string     `json:"action"`
		Record     string     `json:"record"`
		Amount     ledger.Fen `json:"amount"`
		ActorID    int64      `json:"actor_id"`
		ApproverID int64      `json:"approver_id"`
		Reason     string     `json:"reason"`
		ExpiresAt  string     `json:"expires_at"`
		// day.open / day.close
		BusinessDate string `json:"business_date"`
		DayID        int64  `json:"day_id"`
		CloseNo      string `json:"close_no"`
		OpenSeq      int64  `json:"open_seq"`
	}
	k, action, isLoan := loanKind(kind)
	switch {
	case isLoan, kind == "item.add", kind == "item.status", kind == "item.transfer", strings.HasPrefix(kind, "staff."), kind == "approval.grant",
		kind == "day.open", kind == "day.close", strings.Contains(data, `"approval_id"`):
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			bad(err)
			return
		}
	case kind == "settings.update":
		r.settings = data
		return
	default:
		return
	}
	used := ev.Approvals
	if ev.Approval != nil {
		used = append(used, *ev.Approval)
	}
	for _, u := range used {
		if u.ID == 0 {
			continue
		}
		if a := r.approvals[u.ID]; a != nil {
			a.usedSeq = seq
		} else {
			r.problem(fmt.Sprintf("journal seq %d", seq), "uses approval %d that was never granted", u.ID)
		}
	}
	switch {
	case kind == "item.add":
		for _, it := range ev.Items {
			r.items[it.ID] = &wantItem{kind: ev.Kind, number: it.Number, status: string(ledger.ItemIn), addedSeq: seq,
				homeDesk: ev.at(), desk: ev.at()}
		}
	case kind == "item.transfer":
		for _, ref := range ev.Items {
			if it := r.items[ref.ID]; it != nil {
				it.desk = ev.To
			} else {
				r.problem(fmt.Sprintf("journal seq %d", seq), "moves item %d that was never added", ref.ID)
			}
		}
	case kind == "item.status":
		if it := r.items[ev.ItemID]; it != nil {
			it.status = ev.To
		}
	case isLoan && action == "lend":
		r.loans[ev.LoanID] = &wantLoan{kind: string(k), itemID: ev.ItemID, receiptNo: ev.ReceiptNo, lentAt: at, lentBy: staffID,
			phoneMasked: ev.PhoneMasked, deposit: int64(ev.Deposit), status: string(ledger.LoanOpen), lendSeq: seq, desk: ev.at()}
		if it := r.items[ev.ItemID]; it != nil {
			it.status = string(ledger.ItemOut)
		}
	case isLoan:
		l := r.loans[ev.LoanID]
		if l == nil {
			r.problem(fmt.Sprintf("journal seq %d", seq), "%s closes loan %d that was never lent", kind, ev.LoanID)
			return
		}
		item := ledger.ItemIn
		switch {
		case action == "void":
			l.status = string(ledger.LoanVoided)
		case ev.Outcome == string(ledger.ReturnDamaged):
			l.status, item = string(ledger.LoanDamaged), ledger.ItemDamaged
		case ev.Outcome == string(ledger.ReturnLost):
			l.status, item = string(ledger.LoanLost), ledger.ItemLost
		default:
			l.status = string(ledger.LoanReturned)
		}
		l.closedAt, l.closedBy, l.returnNo, l.returnSeq, l.returnDesk = at, staffID, ev.ReturnNo, seq, ev.at()
		l.refund, l.charge, l.collected, l.forfeit, l.damage = int64(ev.Refund), int64(ev.Charge), int64(ev.Collected), int64(ev.Forfeit), ev.Damage
		if ev.Approval != nil {
			l.approverID = ev.Approval.ApproverID
		}
		if it := r.items[l.itemID]; it != nil {
			it.status, it.desk = string(item), ev.at()
		}
	case kind == "day.open":
		r.days[seq] = &wantDay{date: ev.BusinessDate, openedAt: at, desk: ev.at()}
	case kind == "day.close":
		d := r.days[ev.OpenSeq]
		if d == nil {
			r.problem(fmt.Sprintf("journal seq %d", seq), "closes a day opened at seq %d that was never opened", ev.OpenSeq)
			return
		}
		d.dayID, d.closeSeq, d.closeNo, d.closedAt = ev.DayID, seq, ev.CloseNo, at
	case kind == "staff.add":
		r.staff[ev.ID] = &wantStaff{username: ev.Username, name: ev.Name, role: ev.Role}
	case kind == "staff.disabled", kind == "staff.enabled", kind == "staff.password_reset", kind == "staff.password_changed":
		s := r.staff[ev.StaffID]
		if s == nil {
			r.problem(fmt.Sprintf("journal seq %d", seq), "%s names staff %d that was never added", kind, ev.StaffID)
			return
		}
		switch kind {
		case "staff.disabled", "staff.enabled":
			s.disabled = kind == "staff.disabled"
		default:
			s.mustChange = kind == "staff.password_reset"
		}
	case kind == "approval.grant":
		r.approvals[ev.ApprovalID] = &wantApproval{action: ev.Action, record: ev.Record, amount: int64(ev.Amount), actorID: ev.ActorID,
			approverID: ev.ApproverID, reason: ev.Reason, expiresAt: ev.ExpiresAt, grantSeq: seq}
	}
}

// itemRef is one item of an item.add entry.
type itemRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
}

// verifyState replays the journal and compares the state tables with it.
// It returns the problems (the first names the first bad place) and the
// replayed state.
func verifyState(ctx context.Context, q queryer) (*replay, error) {
	r := &replay{items: map[int64]*wantItem{}, loans: map[int64]*wantLoan{}, days: map[int64]*wantDay{},
		staff: map[int64]*wantStaff{}, approvals: map[int64]*wantApproval{},
		medLost: medLostReplay{batches: map[int64]int64{}, found: map[int64]*wantFound{}}}
	rows, err := q.QueryContext(ctx, "SELECT seq, at, staff_id, kind, data FROM journal ORDER BY seq")
	if err != nil {
		return nil, internal("read journal", err)
	}
	for rows.Next() {
		var seq, staffID int64
		var at, kind, data string
		if err := rows.Scan(&seq, &at, &staffID, &kind, &data); err != nil {
			rows.Close()
			return nil, internal("scan journal", err)
		}
		r.apply(seq, at, staffID, kind, data)
	}
	if err := rows.Close(); err != nil {
		return nil, internal("read journal", err)
	}
	for _, check := range []func(context.Context, queryer) error{r.checkSeqs, r.checkItems, r.checkLoans, r.checkDays, r.checkStaff, r.checkApprovals, r.checkSettings, r.checkBatches, r.checkFound} {
		if err := check(ctx, q); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// seqColumns are the state columns that name journal entries.
var seqColumns = []struct{ table, key, column string }{
	{"items", "id", "added_seq"},
	{"loans", "id", "lend_seq"},
	{"loans", "id", "return_seq"},
	{"business_days", "id", "open_seq"},
	{"business_days", "id", "close_seq"},
	{"approvals", "id", "grant_seq"},
	{"approvals", "id", "used_seq"},
	{"persons", "id", "created_seq"},
	{"persons", "id", "erased_seq"},
	{"broadcasts", "id", "queue_seq"},
	{"broadcasts", "id", "end_seq"},
	{"medicines", "id", "added_seq"},
	{"medicine_batches", "id", "added_seq"},
	{"medicine_dispenses", "id", "seq"},
	{"medicine_moves", "id", "seq"},
	{"found_items", "id", "reg_seq"},
	{"found_items", "id", "claim_seq"},
	{"found_items", "id", "dispose_seq"},
	{"lost_reports", "id", "seq"},
	{"lost_reports", "id", "close_seq"},
	{"lostfound_drafts", "id", "seq"},
	{"shops", "id", "added_seq"},
	{"members", "id", "join_seq"},
	{"member_cards", "card_no", "issued_seq"},
	{"member_cards", "card_no", "lost_seq"},
	{"member_cards", "card_no", "replaced_seq"},
	{"point_entries", "id", "seq"},
	{"point_receipts", "receipt_no", "seq"},
	{"invoices", "id", "issue_seq"},
	{"invoices", "id", "end_seq"},
	{"invoice_receipts", "id", "released_seq"},
}

// checkSeqs: every *_seq stored in the state tables names an entry the
// journal has (a journal cut short leaves state rows pointing past its end).
func (r *replay) checkSeqs(ctx context.Context, q queryer) error {
	for _, c := range seqColumns {
		var id string
		var seq int64
		err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s > ? ORDER BY %s, %s LIMIT 1", c.key, c.column, c.table, c.column, c.column, c.key), r.last).Scan(&id, &seq)
		if errNoRows(err) {
			continue
		} else if err != nil {
			return internal("check "+c.table+"."+c.column, err)
		}
		var n int64
		if err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE %s > ?", c.table, c.column), r.last).Scan(&n); err != nil {
			return internal("check "+c.table+"."+c.column, err)
		}
		r.problem(fmt.Sprintf("%s id %s", c.table, id), "%s = %d is not in the journal (it ends at seq %d; %d rows point past the end): entries were removed", c.column, seq, r.last, n)
	}
	return nil
}

// differ records a field that disagrees with the journal.
func (r *replay) differ(where, field string, got, want any) {
	r.problem(where, "%s is %v, the journal says %v", field, got, want)
}

func (r *replay) checkItems(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, "SELECT id, kind, number, status, added_seq, home_desk, desk FROM items ORDER BY id")
	if err != nil {
		return internal("read items", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id, added int64
		var got wantItem
		if err := rows.Scan(&id, &got.kind, &got.number, &got.status, &added, &got.homeDesk, &got.desk); err != nil {
			return internal("scan items", err)
		}
		got.addedSeq, seen[id] = added, true
		where := fmt.Sprintf("items id %d (%s)", id, got.number)
		want := r.items[id]
		if want == nil {
			r.problem(where, "no journal entry added this item")
			continue
		}
		r.compare(where, []field{{"kind", got.kind, want.kind}, {"number", got.number, want.number},
			{"status", got.status, want.status}, {"added_seq", got.addedSeq, want.addedSeq},
			{"home_desk", got.homeDesk, want.homeDesk}, {"desk", got.desk, want.desk}})
	}
	if err := rows.Err(); err != nil {
		return internal("read items", err)
	}
	r.missing("items", seen, keys(r.items))
	return nil
}

// field is one compared column.
type field struct {
	name      string
	got, want any
}

// compare records every field that differs.
func (r *replay) compare(where string, fs []field) {
	for _, f := range fs {
		if f.got != f.want {
			r.differ(where, f.name, f.got, f.want)
		}
	}
}

// missing records rows the journal has but the table lacks.
func (r *replay) missing(table string, seen map[int64]bool, want []int64) {
	for _, id := range want {
		if !seen[id] {
			r.problem(fmt.Sprintf("%s id %d", table, id), "the journal has it, the table does not")
		}
	}
}

// keys returns a map's keys in order.
func keys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (r *replay) checkLoans(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, item_id, receipt_no, lent_at, lent_by, phone_masked, deposit, status, closed_at, closed_by,
		refund, charge, collected, forfeit, damage, approver_id, return_no, lend_seq, return_seq, desk, return_desk FROM loans ORDER BY id`)
	if err != nil {
		return internal("read loans", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		var g wantLoan
		if err := rows.Scan(&id, &g.kind, &g.itemID, &g.receiptNo, &g.lentAt, &g.lentBy, &g.phoneMasked, &g.deposit, &g.status, &g.closedAt,
			&g.closedBy, &g.refund, &g.charge, &g.collected, &g.forfeit, &g.damage, &g.approverID, &g.returnNo, &g.lendSeq, &g.returnSeq,
			&g.desk, &g.returnDesk); err != nil {
			return internal("scan loans", err)
		}
		seen[id] = true
		where := fmt.Sprintf("loans id %d (receipt %s)", id, g.receiptNo)
		w := r.loans[id]
		if w == nil {
			r.problem(where, "no journal entry lent this loan")
			continue
		}
		r.compare(where, []field{{"status", g.status, w.status}, {"deposit", g.deposit, w.deposit}, {"kind", g.kind, w.kind},
			{"item_id", g.itemID, w.itemID}, {"receipt_no", g.receiptNo, w.receiptNo}, {"lent_at", g.lentAt, w.lentAt},
			{"lent_by", g.lentBy, w.lentBy}, {"phone_masked", g.phoneMasked, w.phoneMasked}, {"closed_at", g.closedAt, w.closedAt},
			{"closed_by", g.closedBy, w.closedBy}, {"refund", g.refund, w.refund}, {"charge", g.charge, w.charge},
			{"collected", g.collected, w.collected}, {"forfeit", g.forfeit, w.forfeit}, {"damage", g.damage, w.damage},
			{"approver_id", g.approverID, w.approverID}, {"return_no", g.returnNo, w.returnNo},
			{"lend_seq", g.lendSeq, w.lendSeq}, {"return_seq", g.returnSeq, w.returnSeq},
			{"desk", g.desk, w.desk}, {"return_desk", g.returnDesk, w.returnDesk}})
	}
	if err := rows.Err(); err != nil {
		return internal("read loans", err)
	}
	r.missing("loans", seen, keys(r.loans))
	return nil
}

func (r *replay) checkDays(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, "SELECT id, business_date, opened_at, open_seq, closed_at, close_seq, close_no, desk FROM business_days ORDER BY id")
	if err != nil {
		return internal("read business days", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id, openSeq int64
		var g wantDay
		if err := rows.Scan(&id, &g.date, &g.openedAt, &openSeq, &g.closedAt, &g.closeSeq, &g.closeNo, &g.desk); err != nil {
			return internal("scan business days", err)
		}
		seen[openSeq] = true
		where := fmt.Sprintf("business_days id %d (%s)", id, g.date)
		w := r.days[openSeq]
		if w == nil {
			r.problem(where, "no day.open entry at seq %d", openSeq)
			continue
		}
		if w.closeSeq != 0 && w.dayID != id {
			r.differ(where, "id", id, w.dayID)
		}
		r.compare(where, []field{{"close_seq", g.closeSeq, w.closeSeq}, {"close_no", g.closeNo, w.closeNo},
			{"business_date", g.date, w.date}, {"opened_at", g.openedAt, w.openedAt}, {"closed_at", g.closedAt, w.closedAt},
			{"desk", g.desk, w.desk}})
	}
	if err := rows.Err(); err != nil {
		return internal("read business days", err)
	}
	for _, open := range keys(r.days) {
		if !seen[open] {
			r.problem(fmt.Sprintf("business_days opened at seq %d", open), "the journal has it, the table does not")
		}
	}
	return nil
}

func (r *replay) checkStaff(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, "SELECT id, username, name, role, disabled, must_change FROM staff ORDER BY id")
	if err != nil {
		return internal("read staff", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		var g wantStaff
		if err := rows.Scan(&id, &g.username, &g.name, &g.role, &g.disabled, &g.mustChange); err != nil {
			return internal("scan staff", err)
		}
		seen[id] = true
		where := fmt.Sprintf("staff id %d (%s)", id, g.username)
		w := r.staff[id]
		if w == nil {
			r.problem(where, "no staff.add entry for this account")
			continue
		}
		r.compare(where, []field{{"role", g.role, w.role}, {"disabled", g.disabled, w.disabled}, {"username", g.username, w.username},
			{"name", g.name, w.name}, {"must_change", g.mustChange, w.mustChange}})
	}
	if err := rows.Err(); err != nil {
		return internal("read staff", err)
	}
	r.missing("staff", seen, keys(r.staff))
	return nil
}

func (r *replay) checkApprovals(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, "SELECT id, action, record, amount, actor_id, approver_id, reason, expires_at, grant_seq, used_seq FROM approvals ORDER BY id")
	if err != nil {
		return internal("read approvals", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		var g wantApproval
		if err := rows.Scan(&id, &g.action, &g.record, &g.amount, &g.actorID, &g.approverID, &g.reason, &g.expiresAt, &g.grantSeq, &g.usedSeq); err != nil {
			return internal("scan approvals", err)
		}
		seen[id] = true
		where := fmt.Sprintf("approvals id %d", id)
		w := r.approvals[id]
		if w == nil {
			r.problem(where, "no approval.grant entry for this approval")
			continue
		}
		r.compare(where, []field{{"used_seq", g.usedSeq, w.usedSeq}, {"action", g.action, w.action}, {"record", g.record, w.record},
			{"amount", g.amount, w.amount}, {"actor_id", g.actorID, w.actorID}, {"approver_id", g.approverID, w.approverID},
			{"reason", g.reason, w.reason}, {"expires_at", g.expiresAt, w.expiresAt}, {"grant_seq", g.grantSeq, w.grantSeq}})
	}
	if err := rows.Err(); err != nil {
		return internal("read approvals", err)
	}
	r.missing("approvals", seen, keys(r.approvals))
	return nil
}

func (r *replay) checkSettings(ctx context.Context, q queryer) error {
	var raw string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE id = 1").Scan(&raw)
	if errNoRows(err) {
		if r.settings != "" {
			r.problem("settings", "the table is empty, the journal has settings")
		}
		return nil
	} else if err != nil {
		return internal("read settings", err)
	}
	var got, want ledger.Settings
	if r.settings == "" || json.Unmarshal([]byte(r.settings), &want) != nil {
		r.problem("settings", "no settings.update entry for the stored settings")
		return nil
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		r.problem("settings", "stored settings unreadable: %v", err)
		return nil
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		r.problem("settings", "the stored settings differ from the last settings.update entry")
	}
	return nil
}

// summary is the replayed state in numbers.
func (r *replay) summary() *ledger.StateSummary {
	s := &ledger.StateSummary{Items: len(r.items), Loans: len(r.loans), Approvals: len(r.approvals)}
	for _, l := range r.loans {
		if l.status == string(ledger.LoanOpen) {
			s.OpenLoans++
			s.DepositsHeld += ledger.Fen(l.deposit)
		}
	}
	for _, d := range r.days {
		if d.closeSeq != 0 {
			s.ClosedDays++
		}
	}
	return s
}

// checkHead compares the chain head kept beside the journal with the
// journal's last entry: entries removed from the end leave the head
// pointing past it.
func (r *replay) checkHead(ctx context.Context, q queryer, lastHash string) error {
	var seq int64
	var hash string
	err := q.QueryRowContext(ctx, "SELECT last_seq, last_hash FROM journal_head WHERE id = 1").Scan(&seq, &hash)
	switch {
	case errNoRows(err):
		r.problem("journal_head", "the chain head row is missing")
	case err != nil:
		return internal("read journal head", err)
	case seq > r.last:
		r.problem("journal_head", "the chain head is entry %d (%s…) but the journal ends at entry %d: the last %d entries were removed",
			seq, short(hash), r.last, seq-r.last)
	case seq < r.last:
		r.problem("journal_head", "the chain head is entry %d but the journal goes on to entry %d", seq, r.last)
	case hash != lastHash:
		r.problem("journal_head", "the chain head's hash %s… is not the last entry's %s…", short(hash), short(lastHash))
	}
	return nil
}

// short is the first 16 hex digits of a hash.
func short(h string) string {
	if len(h) > ledger.AnchorHexLen {
		return h[:ledger.AnchorHexLen]
	}
	return h
}
