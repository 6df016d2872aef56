package ledger

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Point cards (积分卡, procedures 5.2.5 and 5.2.8): signup from shopping
// receipts and an ID, loss report, reissue, backfill of points, FAQ.
// Points are a ledger of entries, never a stored balance.

// MemberSettings are the point-card rules (Settings.Members).
type MemberSettings struct {
	// MinSingle: one receipt of at least this amount qualifies for a card.
	MinSingle Fen
	// MinDayTotal: receipts of one day adding up to this amount qualify.
	MinDayTotal Fen
	// PointsPerYuan is how many points one whole yuan earns.
	PointsPerYuan int
	// ReissueFee is charged in cash for a replacement card (补办).
	ReissueFee Fen
	// BackfillDays is how old a receipt may be for backfill (补录积分) and signup.
	BackfillDays int
	// ExpireDays: points earned longer ago than this expire (0: never).
	ExpireDays int
	// Guide is printed on the welcome slip (积分卡使用指南).
	Guide string
	// FAQ is what the staff read to customers: "问：…" / "答：…" lines.
	FAQ string
}

// DefaultMemberSettings are a fresh install's point-card rules.
func DefaultMemberSettings() MemberSettings {
	return MemberSettings{
		MinSingle: Yuan(200), MinDayTotal: Yuan(500), PointsPerYuan: 1, ReissueFee: Yuan(10),
		BackfillDays: 30, ExpireDays: 730,
		Guide: "凭卡在本广场消费可累计积分，每消费1元积1分。积分可在总服务台兑换礼品。卡片遗失请及时到总服务台挂失，补办收取工本费。",
		FAQ: "问：积分卡怎么办理？\n答：凭当日单张满200元或当日累计满500元的购物小票和身份证到总服务台办理。\n" +
			"问：忘记刷卡怎么办？\n答：30天内凭购物小票到总服务台补录积分，每张小票只能使用一次。\n" +
			"问：卡丢了怎么办？\n答：凭身份证到总服务台挂失，挂失后立即冻结；补办新卡收取工本费，积分转入新卡。\n" +
			"问：积分会过期吗？\n答：积分自获得之日起两年内有效。",
	}
}

// Validate checks the point-card rules.
func (m MemberSettings) Validate() error {
	if m.MinSingle <= 0 || m.MinSingle > Yuan(100000) || m.MinDayTotal <= 0 || m.MinDayTotal > Yuan(100000) {
		return Errorf(EINVALID, "办卡门槛须在 ￥0.01 到 ￥100000.00 之间")
	}
	if m.PointsPerYuan < 1 || m.PointsPerYuan > 100 {
		return Errorf(EINVALID, "每元积分须在1到100之间")
	}
	if m.ReissueFee < 0 || m.ReissueFee > Yuan(1000) {
		return Errorf(EINVALID, "补卡工本费须在 ￥0.00 到 ￥1000.00 之间")
	}
	if m.BackfillDays < 1 || m.BackfillDays > 366 {
		return Errorf(EINVALID, "补录积分期限须在1到366天之间")
	}
	if m.ExpireDays < 0 || m.ExpireDays > 3660 {
		return Errorf(EINVALID, "积分有效天数须在0（不过期）到3660之间")
	}
	if _, err := FieldCardGuide.Clean(m.Guide); err != nil {
		return err
	}
	if _, err := cleanFAQ(m.FAQ); err != nil {
		return err
	}
	return nil
}

// cleanFAQ checks the FAQ text line by line (line breaks are its format).
func cleanFAQ(s string) (string, error) {
	if len([]rune(s)) > FieldFAQ.Max {
		return "", Errorf(EINVALID, "%s不能超过%d个字", FieldFAQ.Label, FieldFAQ.Max)
	}
	for _, line := range strings.Split(s, "\n") {
		if _, err := FieldFAQ.Clean(line); err != nil {
			return "", err
		}
	}
	return strings.TrimSpace(s), nil
}

// FAQItem is one question and its answer.
type FAQItem struct{ Q, A string }

// FAQItems splits the FAQ text into questions and answers: a line starting
// with 问 (or Q) opens a question, the lines after it are its answer.
func (m MemberSettings) FAQItems() []FAQItem {
	var out []FAQItem
	for _, line := range strings.Split(m.FAQ, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if q, ok := cutAny(line, "问：", "问:", "Q:", "Q："); ok {
			out = append(out, FAQItem{Q: q})
			continue
		}
		a, _ := cutAny(line, "答：", "答:", "A:", "A：")
		if len(out) == 0 {
			out = append(out, FAQItem{})
		}
		last := &out[len(out)-1]
		last.A = strings.TrimSpace(last.A + "\n" + a)
	}
	return out
}

// cutAny strips the first prefix that s starts with.
func cutAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
}

// Eligible applies the signup rule to the receipts: one receipt of at
// least MinSingle, or receipts of one day adding up to MinDayTotal.
func (m MemberSettings) Eligible(rs []ShopReceipt) error {
	byDay := map[string]Fen{}
	for _, r := range rs {
		if r.Amount >= m.MinSingle {
			return nil
		}
		byDay[r.Date] += r.Amount
		if byDay[r.Date] >= m.MinDayTotal {
			return nil
		}
	}
	return Errorf(EINVALID, "不符合办卡条件：须单张小票满%s或同一天累计满%s（现有最高 %s）", m.MinSingle.String(), m.MinDayTotal.String(), maxDay(byDay).String())
}

// maxDay is the largest day total.
func maxDay(byDay map[string]Fen) Fen {
	var m Fen
	for _, v := range byDay {
		m = max(m, v)
	}
	return m
}

// Points is what an amount earns: whole yuan times PointsPerYuan.
func (m MemberSettings) Points(amount Fen) int64 {
	if amount <= 0 {
		return 0
	}
	return int64(amount) / 100 * int64(m.PointsPerYuan)
}

// NormalizeCardNo checks a point-card number from a swipe, a scan or the
// keyboard: 4–20 characters of A–Z and 0–9, spaces dropped, uppercased
// (an EM4100 read is 10 hex digits, a printed number decimal).
func NormalizeCardNo(s string) (string, error) {
	n := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if !codeChars(n, 4, 20, "") {
		return "", Errorf(EINVALID, "卡号格式不正确：%s（4到20位字母或数字）", Quote(s))
	}
	return n, nil
}

// NormalizeBirthday keeps only month and day ("MM-DD") of a birthday given
// as MM-DD or YYYY-MM-DD: the card needs no more (birthday offers), so the
// year is never stored. "" stays "".
func NormalizeBirthday(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	bad := Errorf(EINVALID, "生日格式不正确：%s（例：03-15）", Quote(s))
	if len(s) == 10 {
		d, err := time.Parse("2006-01-02", s)
		if err != nil || d.Year() < 1900 {
			return "", bad
		}
		return d.Format("01-02"), nil
	}
	if _, err := time.Parse("2006-01-02", "2000-"+s); err != nil || len(s) != 5 { // 2000 is a leap year
		return "", bad
	}
	return s, nil
}

// CardStatus is where a member's card stands.
type CardStatus string

// Card states.
const (
	CardActive   CardStatus = "active"   // 正常
	CardLost     CardStatus = "lost"     // 已挂失（冻结）
	CardReplaced CardStatus = "replaced" // 已补办（作废，积分已转新卡）
)

// Label is the Chinese state.
func (s CardStatus) Label() string {
	switch s {
	case CardActive:
		return "正常"
	case CardLost:
		return "已挂失（冻结）"
	case CardReplaced:
		return "已补办作废"
	}
	return string(s)
}

// PointKind is the kind of a points entry.
type PointKind string

// Kinds of points entries.
const (
	PointsEarn     PointKind = "earn"     // 办卡小票积分
	PointsBackfill PointKind = "backfill" // 补录积分
	PointsAdjust   PointKind = "adjust"   // 人工调整（主管审批）
	PointsExpire   PointKind = "expire"   // 积分过期
	PointsMoveOut  PointKind = "move_out" // 补办转出
	PointsMoveIn   PointKind = "move_in"  // 补办转入
)

// Label is the Chinese name of the kind.
func (k PointKind) Label() string {
	switch k {
	case PointsEarn:
		return "办卡积分"
	case PointsBackfill:
		return "补录积分"
	case PointsAdjust:
		return "积分调整"
	case PointsExpire:
		return "积分过期"
	case PointsMoveOut:
		return "补办转出"
	case PointsMoveIn:
		return "补办转入"
	}
	return string(k)
}

// PointEntry is one line of a card's points ledger.
type PointEntry struct {
	ID       int64
	MemberID int64
	CardNo   string
	Kind     PointKind
	Points   int64 // + earned, − spent/expired/moved out
	Receipt  string
	Note     string
	At       time.Time
	Seq      int64 // the journal entry
}

// Member is a point-card holder as the screens see them: masked.
type Member struct {
	ID           int64
	No           string // 会员号, e.g. M000012
	PersonID     string // record in the personal-data store
	NameMasked   string
	MobileMasked string
	IDMasked     string
	Birthday     string // MM-DD or ""
	CardNo       string // the current card
	CardStatus   CardStatus
	JoinedAt     time.Time
	Points       int64 // the sum of the points entries
	Token        string
	// SlipNo is the receipt number of the slip the last action printed
	// (signup, reissue); "" when it printed none.
	SlipNo string
}

// SignupRequest is a point-card application (积分卡申请表).
type SignupRequest struct {
	Name, Mobile, ResidentID, Birthday string
	CardNo                             string
	Receipts                           []ShopReceipt
}

// MemberService is the point-card ledger.
type MemberService interface {
	// Signup checks the receipts (each used once for points across all
	// members and desks) against the eligibility rule, keeps the person in
	// the personal-data store (one member per ID number), issues the card,
	// earns the receipts' points and queues the welcome slip.
	Signup(ctx context.Context, actor Staff, req SignupRequest) (Member, error)
	// Member returns one member.
	Member(ctx context.Context, id int64) (Member, error)
	// Find looks a member up by card number (any card they ever held) or
	// mobile (through the keyed hash); journaled when by mobile.
	Find(ctx context.Context, actor Staff, query string) (Member, error)
	// MemberByToken verifies a slip's QR token and returns its member.
	MemberByToken(ctx context.Context, token string) (Member, error)
	// PointEntries lists a member's points ledger, newest first.
	PointEntries(ctx context.Context, memberID int64) ([]PointEntry, error)
	// ReportLoss freezes the member's card at once, at every desk.
	ReportLoss(ctx context.Context, actor Staff, memberID int64) (Member, error)
	// Reissue issues a new card, moves the points to it and takes the fee
	// in cash (a receipt is printed).
	Reissue(ctx context.Context, actor Staff, memberID int64, newCard string) (Member, error)
	// Backfill adds points from receipts within the backfill window.
	Backfill(ctx context.Context, actor Staff, memberID int64, receipts []ShopReceipt) (Member, error)
	// Adjust adds or removes points with a supervisor's approval.
	Adjust(ctx context.Context, actor Staff, memberID int64, points int64, note string, approval *Approval) (Member, error)
	// ExpirePoints writes expiry entries for points older than the
	// settings allow, run by a supervisor; it returns the number of
	// members touched.
	ExpirePoints(ctx context.Context, actor Staff) (int, error)
	// ExpirePointsScheduled is the program's own expiry run (system,
	// staff 0), at start and hourly.
	ExpirePointsScheduled(ctx context.Context) (int, error)
	// Shops lists the mall's shops by unit; AddShop registers one.
	Shops(ctx context.Context) ([]Shop, error)
	AddShop(ctx context.Context, actor Staff, s Shop) (Shop, error)
}

// AdjustApproval is the request to change member m's points by delta.
func AdjustApproval(actorID int64, m Member, delta int64) ApprovalRequest {
	amount := delta
	if amount < 0 {
		amount = -amount
	}
	return ApprovalRequest{Action: ActionPointsAdjust, Record: "member:" + strconv.FormatInt(m.ID, 10) + ";points:" + strconv.FormatInt(delta, 10), Amount: Fen(amount), ActorID: actorID,
		Detail: "会员 " + m.No + "，卡号 " + m.CardNo + "，积分 " + signed(delta)}
}

// signed formats n with its sign: +100, -20.
func signed(n int64) string {
	if n > 0 {
		return "+" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// ExpiredPoints is how many points of a ledger have expired by cutoff and
// are not yet written off, first in first out: credits earned before the
// cutoff, less everything already taken off (expiry, negative
// adjustments), never more than the balance. Moves between the member's
// own cards (补办) are neither credits nor debits.
func ExpiredPoints(entries []PointEntry, cutoff time.Time) int64 {
	var old, debits, balance int64
	for _, e := range entries {
		balance += e.Points
		switch {
		case e.Kind == PointsMoveIn || e.Kind == PointsMoveOut:
		case e.Points < 0:
			debits += -e.Points
		case e.At.Before(cutoff):
			old += e.Points
		}
	}
	return max(0, min(old-debits, balance))
}
