package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// MemberService implements ledger.MemberService: the point-card ledger
// (积分卡). Every action is one journal entry written in the same
// transaction as its rows; the points balance is the sum of point_entries.
type MemberService struct{ db *DB }

// NewMemberService returns the point-card service on db.
func NewMemberService(db *DB) *MemberService { return &MemberService{db: db} }

var _ ledger.MemberService = (*MemberService)(nil)

// memberNo is the member number shown to staff: M and six digits.
func memberNo(id int64) string { return fmt.Sprintf("M%06d", id) }

const memberColumns = "m.id, m.person_id, m.name_masked, m.mobile_masked, m.id_masked, m.birthday, m.card_no, m.card_status, m.joined_at, m.token, " +
	"(SELECT coalesce(sum(p.points), 0) FROM point_entries p WHERE p.member_id = m.id)"

// loadMember reads one member with the balance summed from the ledger.
func loadMember(ctx context.Context, q queryer, where string, args ...any) (ledger.Member, error) {
	var m ledger.Member
	var joined string
	err := q.QueryRowContext(ctx, "SELECT "+memberColumns+" FROM members m WHERE "+where, args...).Scan(&m.ID, &m.PersonID, &m.NameMasked,
		&m.MobileMasked, &m.IDMasked, &m.Birthday, &m.CardNo, &m.CardStatus, &joined, &m.Token, &m.Points)
	if errNoRows(err) {
		return m, ledger.Errorf(ledger.ENOTFOUND, "找不到该会员")
	} else if err != nil {
		return m, internal("load member", err)
	}
	m.No = memberNo(m.ID)
	m.JoinedAt, err = parseTime(joined)
	return m, err
}

// Member returns one member.
func (s *MemberService) Member(ctx context.Context, id int64) (ledger.Member, error) {
	return loadMember(ctx, s.db.db, "m.id = ?", id)
}

// MemberByToken verifies a slip's QR token and returns its member.
func (s *MemberService) MemberByToken(ctx context.Context, token string) (ledger.Member, error) {
	id, err := tokenID(ctx, s.db, token, receipts.KindPointCard, ledger.Errorf(ledger.EINVALID, "这不是积分卡凭证"))
	if err != nil {
		return ledger.Member{}, err
	}
	return s.Member(ctx, id)
}

// Find looks a member up by a card number they ever held (a replaced card
// names its member, so the clerk sees it was replaced) or, through the
// keyed hash of the personal-data store, by mobile. A search by mobile is
// journaled as member.find {by, found} without the number.
func (s *MemberService) Find(ctx context.Context, actor ledger.Staff, query string) (ledger.Member, error) {
	q := strings.TrimSpace(query)
	if mobile, err := ledger.NormalizeMobile(q); err == nil && len(strings.Trim(q, "+0123456789 -")) == 0 && len(q) >= 11 {
		keys, err := s.db.personalKeys()
		if err != nil {
			return ledger.Member{}, err
		}
		var m ledger.Member
		err = s.db.inTx(ctx, func(t *tx) error {
			if _, err := t.actor(actor, allRoles...); err != nil {
				return err
			}
			var id int64
			err := t.QueryRowContext(ctx, `SELECT m.id FROM person_fields f JOIN persons p ON p.id = f.person_id JOIN members m ON m.person_id = p.id
				WHERE f.lookup = ? AND f.kind = ? AND p.purpose = ? AND p.erased_at = 0 ORDER BY m.id DESC LIMIT 1`,
				keys.Index(ledger.DataMobile, mobile), ledger.DataMobile, ledger.PurposeMember).Scan(&id)
			found := 1
			if errNoRows(err) {
				found = 0
			} else if err != nil {
				return internal("find member", err)
			}
			if _, err := t.append(actor.ID, "member.find", map[string]any{"by": "mobile", "found": found}, 0); err != nil {
				return err
			}
			if found == 0 {
				return nil
			}
			m, err = loadMember(ctx, t, "m.id = ?", id)
			return err
		})
		if err == nil && m.ID == 0 {
			err = ledger.Errorf(ledger.ENOTFOUND, "手机号 %s 没有积分卡", ledger.MaskMobile(mobile))
		}
		return m, err
	}
	if _, err := ledger.NormalizeCardNo(q); err != nil {
		return ledger.Member{}, ledger.Errorf(ledger.EINVALID, "请刷卡，或输入卡号或11位手机号")
	}
	return s.MemberByCard(ctx, q)
}

// MemberByCard looks a member up by a card number they ever held (a
// replaced card names its member; compare CardNo to see it was replaced).
// It needs no staff and writes nothing: the kiosk reads points with it.
func (s *MemberService) MemberByCard(ctx context.Context, cardNo string) (ledger.Member, error) {
	card, err := ledger.NormalizeCardNo(cardNo)
	if err != nil {
		return ledger.Member{}, err
	}
	var memberID int64
	err = s.db.db.QueryRowContext(ctx, "SELECT member_id FROM member_cards WHERE card_no = ?", card).Scan(&memberID)
	if errNoRows(err) {
		return ledger.Member{}, ledger.Errorf(ledger.ENOTFOUND, "卡号 %s 不是本广场的积分卡", card)
	} else if err != nil {
		return ledger.Member{}, internal("find card", err)
	}
	return s.Member(ctx, memberID)
}

// PointEntries lists a member's points ledger, newest first.
func (s *MemberService) PointEntries(ctx context.Context, memberID int64) ([]ledger.PointEntry, error) {
	return pointEntries(ctx, s.db.db, memberID, "DESC")
}

// pointEntries reads a member's points ledger in id order (ASC or DESC).
func pointEntries(ctx context.Context, q queryer, memberID int64, order string) ([]ledger.PointEntry, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, member_id, card_no, kind, points, receipt, note, at, seq FROM point_entries WHERE member_id = ? ORDER BY id "+order, memberID)
	if err != nil {
		return nil, internal("list points", err)
	}
	defer rows.Close()
	var out []ledger.PointEntry
	for rows.Next() {
		var e ledger.PointEntry
		var at string
		if err := rows.Scan(&e.ID, &e.MemberID, &e.CardNo, &e.Kind, &e.Points, &e.Receipt, &e.Note, &at, &e.Seq); err != nil {
			return nil, internal("scan points", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// today is the counter's calendar date.
func (t *tx) today(set ledger.Settings) string { return t.now.In(set.Location()).Format("2006-01-02") }

// shopByID loads one shop in the transaction.
func (t *tx) shopByID(id int64) (ledger.Shop, error) {
	var sh ledger.Shop
	err := t.QueryRowContext(t.ctx, "SELECT id, name, unit, uscc FROM shops WHERE id = ?", id).Scan(&sh.ID, &sh.Name, &sh.Unit, &sh.USCC)
	if errNoRows(err) {
		return sh, ledger.Errorf(ledger.ENOTFOUND, "找不到该商户")
	} else if err != nil {
		return sh, internal("load shop", err)
	}
	sh.Active = true
	return sh, nil
}

// pointReceipts checks receipts for points inside the transaction: clean,
// within the window, the shops exist, and not one of them already used for
// a signup or points by anybody at any desk. It fills in the shop names.
func (t *tx) pointReceipts(rs []ledger.ShopReceipt, set ledger.Settings) ([]ledger.ShopReceipt, error) {
	rs, err := ledger.CleanReceipts(rs, t.today(set), set.Members.BackfillDays)
	if err != nil {
		return nil, err
	}
	for i, r := range rs {
		sh, err := t.shopByID(r.ShopID)
		if err != nil {
			return nil, err
		}
		rs[i].ShopName = sh.Name
		var member int64
		var seq int64
		err = t.QueryRowContext(t.ctx, "SELECT member_id, seq FROM point_receipts WHERE shop_id = ? AND receipt_no = ?", r.ShopID, r.No).Scan(&member, &seq)
		if err == nil {
			var at string
			_ = t.QueryRowContext(t.ctx, "SELECT at FROM journal WHERE seq = ?", seq).Scan(&at)
			when := at
			if tm, perr := parseTime(at); perr == nil {
				when = tm.In(set.Location()).Format("2006-01-02 15:04")
			}
			return nil, ledger.Errorf(ledger.ECONFLICT, "%s 小票 %s 已于 %s 用于会员 %s 的积分，每张小票只能使用一次", sh.Name, r.No, when, memberNo(member))
		} else if !errNoRows(err) {
			return nil, internal("check receipt", err)
		}
	}
	return rs, nil
}

// receiptRef is a receipt in a journal entry.
type receiptRef struct {
	ShopID int64      `json:"shop_id"`
	No     string     `json:"no"`
	Amount ledger.Fen `json:"amount"`
	Date   string     `json:"date"`
	Points int64      `json:"points,omitempty"`
}

// refs turns receipts into journal references with their points.
func refs(rs []ledger.ShopReceipt, set ledger.MemberSettings) []receiptRef {
	out := make([]receiptRef, len(rs))
	for i, r := range rs {
		out[i] = receiptRef{ShopID: r.ShopID, No: r.No, Amount: r.Amount, Date: r.Date, Points: set.Points(r.Amount)}
	}
	return out
}

// earnFromReceipts writes the used receipts and one points entry per
// receipt, all belonging to journal entry seq.
func (t *tx) earnFromReceipts(m ledger.Member, kind ledger.PointKind, rs []ledger.ShopReceipt, set ledger.MemberSettings, seq int64) (int64, error) {
	var total int64
	for _, r := range rs {
		if _, err := t.ExecContext(t.ctx, "INSERT INTO point_receipts(shop_id, receipt_no, amount, bought_on, member_id, seq) VALUES (?, ?, ?, ?, ?, ?)",
			r.ShopID, r.No, r.Amount, r.Date, m.ID, seq); err != nil {
			return 0, internal("use receipt", err)
		}
		p := set.Points(r.Amount)
		if err := t.addPoints(m, kind, p, r.ShopName+" "+r.No, "", seq); err != nil {
			return 0, err
		}
		total += p
	}
	return total, nil
}

// addPoints appends one line to the points ledger.
func (t *tx) addPoints(m ledger.Member, kind ledger.PointKind, points int64, receipt, note string, seq int64) error {
	_, err := t.ExecContext(t.ctx, "INSERT INTO point_entries(member_id, card_no, kind, points, receipt, note, at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		m.ID, m.CardNo, kind, points, receipt, note, formatTime(t.now), seq)
	if err != nil {
		return internal("add points", err)
	}
	return nil
}

// cardTaken refuses a card number any member ever held.
func (t *tx) cardTaken(card string) error {
	var member int64
	err := t.QueryRowContext(t.ctx, "SELECT member_id FROM member_cards WHERE card_no = ?", card).Scan(&member)
	if err == nil {
		return ledger.Errorf(ledger.ECONFLICT, "卡号 %s 已发给会员 %s，不能再发", card, memberNo(member))
	} else if !errNoRows(err) {
		return internal("check card", err)
	}
	return nil
}

// slip queues a point-card slip in the transaction.
func (t *tx) slip(set ledger.Settings, clerk ledger.Staff, receiptNo string, in receipts.SlipInfo) (ledger.PrintJob, error) {
	in.ReceiptNo, in.Mall, in.Counter, in.Staff, in.Time, in.Location = receiptNo, set.MallName, set.CounterName, clerk.Name, t.now, set.Location()
	return t.enqueueDocument(receiptNo, receipts.CardSlip(in))
}

// Signup issues a point card (积分卡办理): the receipts are checked and
// used once, the eligibility rule applied, the person kept in the
// personal-data store (one active member per ID number), the card number
// refused if any member ever held it, the receipts' points earned and the
// welcome slip with the card guide queued. Journaled as member.signup
// {member_id, person, card_no, receipts, points, receipt_no, job_id}.
func (s *MemberService) Signup(ctx context.Context, actor ledger.Staff, req ledger.SignupRequest) (ledger.Member, error) {
	card, err := ledger.NormalizeCardNo(req.CardNo)
	if err != nil {
		return ledger.Member{}, err
	}
	birthday, err := ledger.NormalizeBirthday(req.Birthday)
	if err != nil {
		return ledger.Member{}, err
	}
	if strings.TrimSpace(req.Mobile) == "" {
		return ledger.Member{}, ledger.Errorf(ledger.EINVALID, "请填写手机号")
	}
	if strings.TrimSpace(req.Name) == "" {
		return ledger.Member{}, ledger.Errorf(ledger.EINVALID, "请填写姓名")
	}
	var m ledger.Member
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		rs, err := t.pointReceipts(req.Receipts, set)
		if err != nil {
			return err
		}
		if err := set.Members.Eligible(rs); err != nil {
			return err
		}
		if err := t.cardTaken(card); err != nil {
			return err
		}
		p, err := t.collectPerson(actor.ID, ledger.CollectRequest{Purpose: ledger.PurposeMember, UniqueResidentID: true,
			Values: map[ledger.DataKind]string{ledger.DataName: req.Name, ledger.DataMobile: req.Mobile, ledger.DataResidentID: req.ResidentID}})
		if err != nil {
			return err
		}
		m = ledger.Member{PersonID: p.ID, NameMasked: p.Masked(ledger.DataName), MobileMasked: p.Masked(ledger.DataMobile),
			IDMasked: p.Masked(ledger.DataResidentID), Birthday: birthday, CardNo: card, CardStatus: ledger.CardActive, JoinedAt: t.now}
		if err := t.QueryRowContext(ctx, `INSERT INTO members(person_id, name_masked, mobile_masked, id_masked, birthday, card_no, card_status, joined_at, joined_by, join_seq)
			VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, 0) RETURNING id`, m.PersonID, m.NameMasked, m.MobileMasked, m.IDMasked, birthday, card,
			formatTime(t.now), actor.ID).Scan(&m.ID); err != nil {
			return internal("insert member", err)
		}
		m.No = memberNo(m.ID)
		sig, err := t.signer()
		if err != nil {
			return err
		}
		m.Token = sig.Sign(receipts.KindPointCard, m.ID)
		receiptNo, err := t.nextReceiptNo(actor.ID)
		if err != nil {
			return err
		}
		m.SlipNo = receiptNo
		var total int64
		for _, r := range rs {
			total += set.Members.Points(r.Amount)
		}
		money := make([]receipts.Line, 0, len(rs)+1)
		for _, r := range rs {
			money = append(money, receipts.MoneyLine(r.ShopName+" 小票 "+r.No, r.Amount, false))
		}
		money = append(money, receipts.CountLine("本次积分", strconv.FormatInt(total, 10), true))
		job, err := t.slip(set, clerk, receiptNo, receipts.SlipInfo{Title: "积分卡开卡凭证", Token: m.Token, Text: set.Members.Guide,
			Fields: [][2]string{{"会员号", m.No}, {"卡号", card}, {"姓名", m.NameMasked}, {"手机", m.MobileMasked}, {"小票", strconv.Itoa(len(rs)) + " 张，" + ledger.SumReceipts(rs).String()}},
			Money:  money})
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "member.signup", map[string]any{"member_id": m.ID, "member_no": m.No, "person": m.PersonID, "card_no": card,
			"name_masked": m.NameMasked, "mobile_masked": m.MobileMasked, "receipts": refs(rs, set.Members), "points": total,
			"receipt_no": receiptNo, "job_id": job.ID}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE members SET token = ?, join_seq = ? WHERE id = ?", m.Token, e.Seq, m.ID); err != nil {
			return internal("update member", err)
		}
		if _, err := t.ExecContext(ctx, "INSERT INTO member_cards(card_no, member_id, status, issued_seq) VALUES (?, ?, 'active', ?)", card, m.ID, e.Seq); err != nil {
			return internal("issue card", err)
		}
		if m.Points, err = t.earnFromReceipts(m, ledger.PointsEarn, rs, set.Members, e.Seq); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return ledger.Member{}, err
	}
	return m, nil
}

// activeMember loads a member inside the transaction and refuses a frozen card.
func (t *tx) activeMember(id int64) (ledger.Member, error) {
	m, err := loadMember(t.ctx, t, "m.id = ?", id)
	if err != nil {
		return m, err
	}
	if m.CardStatus == ledger.CardLost {
		return m, ledger.Errorf(ledger.ECONFLICT, "卡号 %s 已挂失冻结，不能使用；请办理补卡", m.CardNo)
	}
	return m, nil
}

// ReportLoss freezes the member's current card (挂失). The row changes in
// the shared database, so every desk refuses the card from the next read.
// Journaled as member.lost {member_id, card_no, points}.
func (s *MemberService) ReportLoss(ctx context.Context, actor ledger.Staff, memberID int64) (ledger.Member, error) {
	var m ledger.Member
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		var err error
		if m, err = t.activeMember(memberID); err != nil {
			return err
		}
		e, err := t.append(actor.ID, "member.lost", map[string]any{"member_id": m.ID, "member_no": m.No, "card_no": m.CardNo, "points": m.Points}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE members SET card_status = 'lost' WHERE id = ? AND card_status = 'active'", m.ID); err != nil {
			return internal("freeze member", err)
		}
		if _, err := t.ExecContext(ctx, "UPDATE member_cards SET status = 'lost', lost_seq = ? WHERE card_no = ? AND status = 'active'", e.Seq, m.CardNo); err != nil {
			return internal("freeze card", err)
		}
		m.CardStatus = ledger.CardLost
		return nil
	})
	return m, err
}

// Reissue replaces the member's card (补办): the old card (lost, or
// damaged and still active) is retired for good, the points move to the
// new card as a pair of entries (out of the old, into the new), the fee
// from the settings is taken in cash and a receipt queued. Journaled as
// member.reissue {member_id, old_card, new_card, points, fee, receipt_no,
// job_id}; the fee is in the day's cash (day close).
func (s *MemberService) Reissue(ctx context.Context, actor ledger.Staff, memberID int64, newCard string) (ledger.Member, error) {
	card, err := ledger.NormalizeCardNo(newCard)
	if err != nil {
		return ledger.Member{}, err
	}
	var m ledger.Member
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		if m, err = loadMember(ctx, t, "m.id = ?", memberID); err != nil {
			return err
		}
		if err := t.cardTaken(card); err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		fee := set.Members.ReissueFee
		receiptNo, err := t.nextReceiptNo(actor.ID)
		if err != nil {
			return err
		}
		old := m.CardNo
		m.SlipNo = receiptNo
		job, err := t.slip(set, clerk, receiptNo, receipts.SlipInfo{Title: "积分卡补办凭证", Token: m.Token,
			Fields: [][2]string{{"会员号", m.No}, {"原卡号", old + "（作废）"}, {"新卡号", card}, {"姓名", m.NameMasked}},
			Money:  []receipts.Line{receipts.CountLine("转入新卡积分", strconv.FormatInt(m.Points, 10), false), receipts.MoneyLine("补卡工本费（现金）", fee, true)},
			Text:   set.Members.Guide})
		if err != nil {
			return err
		}
		desk, err := t.desk() // the fee is cash in this desk's drawer
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "member.reissue", map[string]any{"member_id": m.ID, "member_no": m.No, "old_card": old, "new_card": card,
			"points": m.Points, "fee": fee, "receipt_no": receiptNo, "job_id": job.ID, "desk": desk}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE member_cards SET status = 'replaced', replaced_seq = ? WHERE card_no = ?", e.Seq, old); err != nil {
			return internal("retire card", err)
		}
		if _, err := t.ExecContext(ctx, "INSERT INTO member_cards(card_no, member_id, status, issued_seq) VALUES (?, ?, 'active', ?)", card, m.ID, e.Seq); err != nil {
			return internal("issue card", err)
		}
		if m.Points != 0 {
			if err := t.addPoints(m, ledger.PointsMoveOut, -m.Points, "", "转入新卡 "+card, e.Seq); err != nil {
				return err
			}
		}
		m.CardNo, m.CardStatus = card, ledger.CardActive
		if m.Points != 0 {
			if err := t.addPoints(m, ledger.PointsMoveIn, m.Points, "", "由原卡 "+old+" 转入", e.Seq); err != nil {
				return err
			}
		}
		if _, err := t.ExecContext(ctx, "UPDATE members SET card_no = ?, card_status = 'active' WHERE id = ?", card, m.ID); err != nil {
			return internal("update member", err)
		}
		return nil
	})
	return m, err
}

// Backfill adds points from receipts the customer did not swipe the card
// for (补录积分): within the configured window, each receipt once across
// all members and desks, on an active card. Journaled as member.backfill
// {member_id, card_no, receipts, points}.
func (s *MemberService) Backfill(ctx context.Context, actor ledger.Staff, memberID int64, rs []ledger.ShopReceipt) (ledger.Member, error) {
	var m ledger.Member
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		var err error
		if m, err = t.activeMember(memberID); err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		clean, err := t.pointReceipts(rs, set)
		if err != nil {
			return err
		}
		var total int64
		for _, r := range clean {
			total += set.Members.Points(r.Amount)
		}
		e, err := t.append(actor.ID, "member.backfill", map[string]any{"member_id": m.ID, "member_no": m.No, "card_no": m.CardNo,
			"receipts": refs(clean, set.Members), "points": total}, 0)
		if err != nil {
			return err
		}
		if _, err := t.earnFromReceipts(m, ledger.PointsBackfill, clean, set.Members, e.Seq); err != nil {
			return err
		}
		m.Points += total
		return nil
	})
	return m, err
}

// Adjust changes a member's points by hand with a supervisor's approval
// bound to the member and the exact change. A deduction never takes the
// balance below zero. Journaled as member.adjust {member_id, card_no,
// points, note, approval}.
func (s *MemberService) Adjust(ctx context.Context, actor ledger.Staff, memberID int64, points int64, note string, approval *ledger.Approval) (ledger.Member, error) {
	note, err := ledger.FieldPointsNote.Clean(note)
	if err != nil {
		return ledger.Member{}, err
	}
	if points == 0 || points > 1_000_000 || points < -1_000_000 {
		return ledger.Member{}, ledger.Errorf(ledger.EINVALID, "调整积分须为非零整数（不超过1000000）")
	}
	var m ledger.Member
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		var err error
		if m, err = t.activeMember(memberID); err != nil {
			return err
		}
		if m.Points+points < 0 {
			return ledger.Errorf(ledger.EINVALID, "积分不足：现有 %d 分，不能扣减 %d 分", m.Points, -points)
		}
		used, err := t.useApprovals(ledger.AdjustApproval(actor.ID, m, points), approval)
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "member.adjust", map[string]any{"member_id": m.ID, "member_no": m.No, "card_no": m.CardNo,
			"points": points, "note": note, "approval": used[0]}, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		if err := t.addPoints(m, ledger.PointsAdjust, points, "", note, e.Seq); err != nil {
			return err
		}
		m.Points += points
		return nil
	})
	return m, err
}

// ExpirePoints writes off points earned longer ago than the settings
// allow (first in, first out), one member.expire entry per member with
// points due, run by a supervisor or admin.
func (s *MemberService) ExpirePoints(ctx context.Context, actor ledger.Staff) (int, error) {
	if actor.ID <= 0 {
		return 0, ledger.Errorf(ledger.EFORBIDDEN, "请先登录")
	}
	return s.expire(ctx, actor, true)
}

// ExpirePointsScheduled is the program's own expiry run: the system
// (staff 0) writes the entries, at start and hourly.
func (s *MemberService) ExpirePointsScheduled(ctx context.Context) (int, error) {
	return s.expire(ctx, ledger.Staff{}, false)
}

// expire writes the expiry entries; checkActor re-reads the actor's
// account in the transaction.
func (s *MemberService) expire(ctx context.Context, actor ledger.Staff, checkActor bool) (int, error) {
	n := 0
	err := s.db.inTx(ctx, func(t *tx) error {
		n = 0
		if checkActor {
			if _, err := t.actor(actor, supervisors...); err != nil {
				return err
			}
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		if set.Members.ExpireDays == 0 {
			return nil
		}
		cutoff := t.now.AddDate(0, 0, -set.Members.ExpireDays)
		ids, err := scanInts(t.QueryContext(ctx, "SELECT DISTINCT member_id FROM point_entries WHERE at < ? ORDER BY member_id", formatTime(cutoff)))
		if err != nil {
			return err
		}
		for _, id := range ids {
			entries, err := pointEntries(ctx, t, id, "ASC")
			if err != nil {
				return err
			}
			due := ledger.ExpiredPoints(entries, cutoff)
			if due <= 0 {
				continue
			}
			m, err := loadMember(ctx, t, "m.id = ?", id)
			if err != nil {
				return err
			}
			e, err := t.append(actor.ID, "member.expire", map[string]any{"member_id": m.ID, "member_no": m.No, "card_no": m.CardNo,
				"points": -due, "cutoff": formatTime(cutoff)}, 0)
			if err != nil {
				return err
			}
			if err := t.addPoints(m, ledger.PointsExpire, -due, "", fmt.Sprintf("%d天前获得的积分过期", set.Members.ExpireDays), e.Seq); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// scanInts reads one integer column.
func scanInts(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, err error) ([]int64, error) {
	if err != nil {
		return nil, internal("query", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, internal("scan", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Shops lists the mall's shops by unit number.
func (s *MemberService) Shops(ctx context.Context) ([]ledger.Shop, error) {
	return listShops(ctx, s.db.db)
}

// listShops reads every shop by unit.
func listShops(ctx context.Context, q queryer) ([]ledger.Shop, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name, unit, uscc FROM shops ORDER BY unit")
	if err != nil {
		return nil, internal("list shops", err)
	}
	defer rows.Close()
	var out []ledger.Shop
	for rows.Next() {
		sh := ledger.Shop{Active: true}
		if err := rows.Scan(&sh.ID, &sh.Name, &sh.Unit, &sh.USCC); err != nil {
			return nil, internal("scan shop", err)
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// AddShop registers a shop: a name, a unit number (unique) and the
// shop's unified social credit code, checked by its GB 32100 check
// character. Journaled as shop.add {shop_id, name, unit, uscc}.
func (s *MemberService) AddShop(ctx context.Context, actor ledger.Staff, sh ledger.Shop) (ledger.Shop, error) {
	name, err := ledger.FieldShopName.Clean(sh.Name)
	if err != nil {
		return sh, err
	}
	unit, err := ledger.NormalizeShopUnit(sh.Unit)
	if err != nil {
		return sh, err
	}
	uscc, err := ledger.ValidateUSCC(sh.USCC)
	if err != nil {
		return sh, ledger.Errorf(ledger.EINVALID, "商户统一社会信用代码无效：%s（校验位不符）", ledger.Quote(sh.USCC))
	}
	out := ledger.Shop{Name: name, Unit: unit, USCC: uscc, Active: true}
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, supervisors...); err != nil {
			return err
		}
		var n int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM shops WHERE unit = ?", unit).Scan(&n); err != nil {
			return internal("check shop", err)
		}
		if n > 0 {
			return ledger.Errorf(ledger.ECONFLICT, "铺位 %s 已登记商户", unit)
		}
		if err := t.QueryRowContext(ctx, "INSERT INTO shops(name, unit, uscc, added_seq) VALUES (?, ?, ?, ?) RETURNING id",
			name, unit, uscc, t.headSeq+1).Scan(&out.ID); err != nil {
			return internal("insert shop", err)
		}
		_, err := t.append(actor.ID, "shop.add", map[string]any{"shop_id": out.ID, "name": name, "unit": unit, "uscc": uscc}, 0)
		return err
	})
	return out, err
}
