package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// Valid codes for tests (check characters computed by hand, see
// ledger/validate_test.go for the validators' own tables).
const (
	usccA = "91310000MA1FL0000N"
	usccB = "91110108551385082Q"
	idA   = "11010519491231002X"
	idB   = "440304199001011233"
	idC   = "310101198512154566"
)

// cardsFixture has personal-data keys, two shops and the point-card and
// invoice services.
type cardsFixture struct {
	*pdFixture
	members  *MemberService
	invoices *InvoiceService
	shopA    ledger.Shop
	shopB    ledger.Shop
}

func newCardsFixture(t testing.TB) *cardsFixture {
	t.Helper()
	f := &cardsFixture{pdFixture: newPDFixture(t)}
	f.members, f.invoices = NewMemberService(f.db), NewInvoiceService(f.db)
	var err error
	if f.shopA, err = f.members.AddShop(context.Background(), f.sup, ledger.Shop{Name: "星光咖啡", Unit: "b1-012", USCC: usccA}); err != nil {
		t.Fatal(err)
	}
	if f.shopB, err = f.members.AddShop(context.Background(), f.sup, ledger.Shop{Name: "童趣玩具", Unit: "3F-201", USCC: usccB}); err != nil {
		t.Fatal(err)
	}
	return f
}

// rc is a receipt of shop on the fixture's day (2026-11-25 in Shanghai).
func rc(shop ledger.Shop, no string, yuan int64) ledger.ShopReceipt {
	return ledger.ShopReceipt{ShopID: shop.ID, No: no, Amount: ledger.Yuan(yuan), Date: "2026-11-25"}
}

// signup registers a member with one qualifying receipt.
func (f *cardsFixture) signup(t testing.TB, card, mobile, id string, rs ...ledger.ShopReceipt) ledger.Member {
	t.Helper()
	m, err := f.members.Signup(context.Background(), f.clerk, ledger.SignupRequest{Name: "张三丰", Mobile: mobile, ResidentID: id, CardNo: card, Receipts: rs})
	if err != nil {
		t.Fatalf("signup %s: %v", card, err)
	}
	return m
}

func wantErr(t *testing.T, err error, code, contains string) {
	t.Helper()
	if ledger.ErrorCode(err) != code || !strings.Contains(ledger.ErrorMessage(err), contains) {
		t.Fatalf("want %s %q, got %v", code, contains, err)
	}
}

func TestMemberSignupRules(t *testing.T) {
	f := newCardsFixture(t)
	ctx := context.Background()
	head := func() int64 { es, _ := f.journal.Entries(ctx, 0, 100000); return es[len(es)-1].Seq }

	// Not eligible: ￥150 + ￥300 on different days, nothing ≥ ￥200 alone... (150 < 200; 300 ≥ 200 qualifies)
	before := head()
	_, err := f.members.Signup(ctx, f.clerk, ledger.SignupRequest{Name: "张三", Mobile: "13812345678", ResidentID: idA, CardNo: "0A00C3F5E1",
		Receipts: []ledger.ShopReceipt{rc(f.shopA, "A1", 150), {ShopID: f.shopB.ID, No: "B1", Amount: ledger.Yuan(190), Date: "2026-11-24"}}})
	wantErr(t, err, ledger.EINVALID, "不符合办卡条件")
	if head() != before {
		t.Fatal("a refused signup wrote to the journal")
	}
	// Same-day total ≥ ￥500 qualifies.
	m := f.signup(t, "0A00C3F5E1", "13812345678", idA, rc(f.shopA, "A1", 150), rc(f.shopB, "B1", 190), rc(f.shopB, "B2", 180))
	if m.Points != 520 || m.CardStatus != ledger.CardActive || m.No != "M000001" || m.IDMasked != "1***************2X" || m.MobileMasked != "138****5678" {
		t.Fatalf("member %+v", m)
	}
	if m.NameMasked != "张*丰" && m.NameMasked != "张**" && !strings.HasPrefix(m.NameMasked, "张") {
		t.Fatalf("name mask %q", m.NameMasked)
	}
	// The same receipt again, for another person: refused, naming the first member.
	_, err = f.members.Signup(ctx, f.clerk, ledger.SignupRequest{Name: "李四", Mobile: "13900001111", ResidentID: idB, CardNo: "1234567",
		Receipts: []ledger.ShopReceipt{rc(f.shopA, " a1 ", 300)}})
	wantErr(t, err, ledger.ECONFLICT, "M000001")
	// The same ID number again: refused (one member per ID).
	_, err = f.members.Signup(ctx, f.clerk, ledger.SignupRequest{Name: "张三", Mobile: "13900001111", ResidentID: strings.ToLower(idA), CardNo: "1234567",
		Receipts: []ledger.ShopReceipt{rc(f.shopA, "A9", 300)}})
	wantErr(t, err, ledger.ECONFLICT, "身份证号")
	// The same card number: refused.
	_, err = f.members.Signup(ctx, f.clerk, ledger.SignupRequest{Name: "李四", Mobile: "13900001111", ResidentID: idB, CardNo: "0a00 c3f5e1",
		Receipts: []ledger.ShopReceipt{rc(f.shopA, "A9", 300)}})
	wantErr(t, err, ledger.ECONFLICT, "卡号 0A00C3F5E1 已发给会员")
	// Receipt A9 was not used by the refused attempts.
	m2 := f.signup(t, "1234567", "13900001111", idB, rc(f.shopA, "A9", 300))
	if m2.Points != 300 {
		t.Fatalf("points %d", m2.Points)
	}
	// Lookups: card, mobile (journaled without the number), token.
	if got, err := f.members.Find(ctx, f.clerk, "0a00c3f5e1"); err != nil || got.ID != m.ID || got.Points != 520 {
		t.Fatalf("find by card: %+v %v", got, err)
	}
	if got, err := f.members.Find(ctx, f.clerk, "139 0000 1111"); err != nil || got.ID != m2.ID {
		t.Fatalf("find by mobile: %+v %v", got, err)
	}
	if _, err := f.members.Find(ctx, f.clerk, "13700000000"); ledger.ErrorCode(err) != ledger.ENOTFOUND {
		t.Fatalf("unknown mobile: %v", err)
	}
	if got, err := f.members.MemberByToken(ctx, m.Token); err != nil || got.ID != m.ID {
		t.Fatalf("by token: %v", err)
	}
	if _, err := f.members.MemberByToken(ctx, m.Token[:len(m.Token)-1]+"A"); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("forged token: %v", err)
	}
	for _, e := range f.entriesOfKind(t, "member.find") {
		if strings.Contains(string(e.Data), "13900001111") || strings.Contains(string(e.Data), "1111") {
			t.Fatalf("mobile in the journal: %s", e.Data)
		}
	}
	for _, e := range f.entriesOfKind(t, "member.signup") {
		if strings.Contains(string(e.Data), idA[:10]) || strings.Contains(string(e.Data), "13812345678") || strings.Contains(string(e.Data), "张三") {
			t.Fatalf("personal data in the journal: %s", e.Data)
		}
	}
	f.verifyOK(t)
}

func (f *cardsFixture) verifyOK(t *testing.T) {
	t.Helper()
	res, err := f.journal.Verify(context.Background())
	if err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
}

func TestMemberLossReissueBackfillAdjust(t *testing.T) {
	f := newCardsFixture(t)
	ctx := context.Background()
	m := f.signup(t, "CARD0001", "13812345678", idA, rc(f.shopA, "A1", 250))

	// A second desk on the same database sees the loss at once.
	other := NewMemberService(f.db)
	if _, err := f.members.ReportLoss(ctx, f.clerk, m.ID); err != nil {
		t.Fatal(err)
	}
	_, err := other.Backfill(ctx, f.sup, m.ID, []ledger.ShopReceipt{rc(f.shopB, "B1", 99)})
	wantErr(t, err, ledger.ECONFLICT, "已挂失冻结")
	if _, err := f.members.ReportLoss(ctx, f.clerk, m.ID); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second loss report: %v", err)
	}

	// Reissue: the points move, the fee is cash, the old card is dead.
	if _, err := f.members.Reissue(ctx, f.clerk, m.ID, "CARD0001"); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("reissue onto the same card: %v", err)
	}
	m, err = f.members.Reissue(ctx, f.clerk, m.ID, "CARD0002")
	if err != nil || m.CardNo != "CARD0002" || m.CardStatus != ledger.CardActive || m.Points != 250 {
		t.Fatalf("reissue: %+v %v", m, err)
	}
	es, _ := f.members.PointEntries(ctx, m.ID)
	if len(es) != 3 || es[0].Kind != ledger.PointsMoveIn || es[0].CardNo != "CARD0002" || es[1].Kind != ledger.PointsMoveOut || es[1].CardNo != "CARD0001" || es[1].Points != -250 {
		t.Fatalf("entries %+v", es)
	}
	if old, err := f.members.Find(ctx, f.clerk, "CARD0001"); err != nil || old.CardNo != "CARD0002" {
		t.Fatalf("old card lookup: %+v %v", old, err)
	}
	chk, err := NewDayCloseService(f.db).CloseCheck(ctx)
	if err != nil || chk.Money.Fees != ledger.Yuan(10) || chk.Expected() != ledger.Yuan(10) || !chk.Money.Balanced() {
		t.Fatalf("fee not in the drawer: %+v %v", chk.Money, err)
	}

	// Backfill: within the window, each receipt once.
	old := ledger.ShopReceipt{ShopID: f.shopB.ID, No: "B-OLD", Amount: ledger.Yuan(100), Date: "2026-10-25"}
	_, err = f.members.Backfill(ctx, f.clerk, m.ID, []ledger.ShopReceipt{old})
	wantErr(t, err, ledger.EINVALID, "已超过30天补录期限")
	old.Date = "2026-10-26"
	if m, err = f.members.Backfill(ctx, f.clerk, m.ID, []ledger.ShopReceipt{old, rc(f.shopA, "A2", 88)}); err != nil || m.Points != 250+100+88 {
		t.Fatalf("backfill: %+v %v", m, err)
	}
	_, err = f.members.Backfill(ctx, f.clerk, m.ID, []ledger.ShopReceipt{rc(f.shopA, "A1", 250)})
	wantErr(t, err, ledger.ECONFLICT, "每张小票只能使用一次")
	future := rc(f.shopA, "A3", 10)
	future.Date = "2026-11-26"
	_, err = f.members.Backfill(ctx, f.clerk, m.ID, []ledger.ShopReceipt{future})
	wantErr(t, err, ledger.EINVALID, "晚于今天")

	// Adjust needs an approval bound to the member and the change.
	_, err = f.members.Adjust(ctx, f.clerk, m.ID, -38, "兑换礼品：保温杯", nil)
	wantErr(t, err, ledger.EFORBIDDEN, "须主管审批")
	a := f.grant(t, ledger.AdjustApproval(f.clerk.ID, m, -38), "wang", "兑换礼品")
	_, err = f.members.Adjust(ctx, f.clerk, m.ID, -39, "兑换礼品：保温杯", a)
	wantErr(t, err, ledger.EFORBIDDEN, "审批与本次操作不符")
	if m, err = f.members.Adjust(ctx, f.clerk, m.ID, -38, "兑换礼品：保温杯", a); err != nil || m.Points != 400 {
		t.Fatalf("adjust: %+v %v", m, err)
	}
	if _, err = f.members.Adjust(ctx, f.clerk, m.ID, -38, "兑换礼品：保温杯", a); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("approval reused: %v", err)
	}
	b := f.grant(t, ledger.AdjustApproval(f.clerk.ID, m, -401), "wang", "兑换礼品")
	_, err = f.members.Adjust(ctx, f.clerk, m.ID, -401, "兑换礼品：电饭煲", b)
	wantErr(t, err, ledger.EINVALID, "积分不足")

	// Expiry: two years on, everything earned before the cutoff goes,
	// less what was already spent; a second run writes nothing.
	f.clock.Add(731 * 24 * time.Hour)
	if n, err := f.members.ExpirePointsScheduled(ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	if m, _ = f.members.Member(ctx, m.ID); m.Points != 0 {
		t.Fatalf("after expiry %d", m.Points)
	}
	if n, err := f.members.ExpirePointsScheduled(ctx); err != nil || n != 0 {
		t.Fatalf("expire again: %d %v", n, err)
	}
	f.verifyOK(t)
}

func TestPointRowsAppendOnly(t *testing.T) {
	f := newCardsFixture(t)
	m := f.signup(t, "CARD0001", "13812345678", idA, rc(f.shopA, "A1", 250))
	for _, q := range []string{
		"UPDATE point_entries SET points = 99999 WHERE member_id = ?",
		"DELETE FROM point_entries WHERE member_id = ?",
		"DELETE FROM point_receipts WHERE member_id = ?",
		"UPDATE point_receipts SET member_id = member_id WHERE member_id = ?",
		"DELETE FROM members WHERE id = ?",
	} {
		if _, err := f.db.db.Exec(q, m.ID); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
}
