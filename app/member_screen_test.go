package app

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/devices"
	"servicedesk/ledger"
)

// Valid codes for the GUI tests (check characters by GB 32100 / GB 11643).
const (
	testUSCC  = "91310000MA1FL0000N"
	testUSCC2 = "91110108551385082Q"
	testIDA   = "11010519491231002X"
	testIDB   = "440304199001011233"
)

// memPort is an in-memory serial port: the bytes given are read once,
// then reads time out empty until it is closed.
type memPort struct {
	mu     sync.Mutex
	data   []byte
	closed bool
}

func (p *memPort) Name() string                { return "mem-reader" }
func (p *memPort) Write(b []byte) (int, error) { return len(b), nil }
func (p *memPort) Close() error                { p.mu.Lock(); p.closed = true; p.mu.Unlock(); return nil }
func (p *memPort) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, io.EOF
	}
	if len(p.data) == 0 {
		p.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		p.mu.Lock()
		return 0, nil
	}
	n := copy(b, p.data)
	p.data = p.data[n:]
	return n, nil
}

// swipe reads a card through the card-reader path: an RDM6300 frame on an
// in-memory port, parsed by devices.CardReader, handed to the UI as the
// app hands it (HandleCard on the UI goroutine).
func (h *harness) swipe(hexID string) {
	h.t.Helper()
	var sum byte
	for i := 0; i < 10; i += 2 {
		var v byte
		for _, c := range []byte(hexID[i : i+2]) {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= c - '0'
			default:
				v |= c - 'A' + 10
			}
		}
		sum ^= v
	}
	const hexd = "0123456789ABCDEF"
	frame := "\x02" + hexID + string(hexd[sum>>4]) + string(hexd[sum&15]) + "\x03"
	cards := make(chan devices.Card, 1)
	port := &memPort{data: []byte("\x00\xff" + frame)} // stray bytes first
	r, err := devices.NewCardReader(devices.ReaderConfig{Port: devices.PortConfig{Name: "mem-reader"}, Framing: devices.FramingRDM6300,
		Open: func(devices.PortConfig) (devices.Port, error) { return port, nil }, OnCard: func(c devices.Card) { cards <- c }})
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = r.Run(ctx); close(done) }()
	defer func() { cancel(); r.Close(); <-done }()
	select {
	case c := <-cards:
		h.ui.HandleCard(c)
	case <-time.After(5 * time.Second):
		h.t.Fatalf("no card read; stats %+v", r.Stats())
	}
}

// addShops registers two shops as the supervisor.
func (h *harness) addShops() (a, b ledger.Shop) {
	h.t.Helper()
	var err error
	if a, err = h.svc.Members.AddShop(context.Background(), h.sup, ledger.Shop{Name: "星光咖啡", Unit: "B1-012", USCC: testUSCC}); err != nil {
		h.t.Fatal(err)
	}
	if b, err = h.svc.Members.AddShop(context.Background(), h.sup, ledger.Shop{Name: "童趣玩具", Unit: "3F-201", USCC: testUSCC2}); err != nil {
		h.t.Fatal(err)
	}
	return a, b
}

// members opens F5 and returns its screen.
func (h *harness) members() *memberScreen {
	h.t.Helper()
	h.ui.shell.open("points")
	s, ok := h.ui.shell.screens["points"].(*memberScreen)
	if !ok {
		h.t.Fatal("no point-card screen")
	}
	return s
}

// addReceipt types one receipt into a pad (shop index, number, amount,
// date) and presses Enter.
func (h *harness) addReceipt(p *receiptPad, shop int, no, yuan, date string) {
	h.t.Helper()
	if shop >= 0 {
		p.shop.SetSelectedIndex(shop)
	}
	test.Type(p.no, no)
	test.Type(p.amount, yuan)
	p.date.SetText(date)
	p.date.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// fillSignup fills the application form.
func (h *harness) fillSignup(s *memberScreen, name, mobile, id string) {
	for e, v := range map[*keyEntry]string{s.name: name, s.mobile: mobile, s.idNo: id} {
		e.SetText("")
		test.Type(e, v)
	}
}

// confirmPending confirms the open confirmation dialog.
func (h *harness) confirmPending() {
	h.t.Helper()
	d := h.ui.pendingDialog()
	if d == nil {
		h.t.Fatalf("no confirmation (error %q)", h.ui.LastError())
	}
	d.Confirm()
}

func TestMemberSignupWithCardReaderAndRefusals(t *testing.T) {
	h := newHarness(t, true)
	h.addShops()
	h.mustShell("li")
	s := h.members()
	s.root.Select(s.join)
	s.refresh()

	// Receipts first: ￥150 alone does not qualify, a second one that day does.
	h.addReceipt(s.pad, 0, "a1001", "150", "2026-11-25")
	if !strings.Contains(s.eligible.Text, "不符合办卡条件") {
		t.Fatalf("eligibility %q", s.eligible.Text)
	}
	h.addReceipt(s.pad, 1, "T-77", "360.50", "2026-11-25")
	if !strings.Contains(s.eligible.Text, "符合办卡条件，可积 510 分") || !strings.Contains(s.pad.list.Text, "合计 ￥510.50") {
		t.Fatalf("eligibility %q / %q", s.eligible.Text, s.pad.list.Text)
	}
	h.fillSignup(s, "张三丰", "13812345678", testIDA)
	test.Type(s.birthday, "1990-03-15")
	// The card number comes from a swipe on the serial reader.
	h.swipe("0A00C3F5E1")
	if s.card.Text != "0A00C3F5E1" {
		t.Fatalf("card field %q", s.card.Text)
	}
	test.Tap(s.signup)
	if h.ui.LastError() != "" {
		t.Fatalf("signup refused: %s", h.ui.LastError())
	}
	if s.root.Selected() != s.find || s.member == nil || s.member.Points != 510 || s.member.Birthday != "03-15" {
		t.Fatalf("after signup: %+v", s.member)
	}
	if !strings.Contains(s.info.Text, "卡号 0A00C3F5E1") || !strings.Contains(s.info.Text, "138****5678") || strings.Contains(s.info.Text, "13812345678") {
		t.Fatalf("info %q", s.info.Text)
	}
	if h.ui.preview == nil || !strings.Contains(strings.Join(h.ui.preview.doc.Text(), "\n"), "积分卡开卡凭证") || h.ui.preview.doc.QR != s.member.Token {
		t.Fatal("welcome slip not shown")
	}
	if !strings.Contains(strings.Join(h.ui.preview.doc.Text(), "\n"), "积分卡使用指南") && !strings.Contains(strings.Join(h.ui.preview.doc.Text(), "\n"), "每消费1元积1分") {
		t.Fatal("welcome slip without the guide")
	}
	first := *s.member

	// The same shopping receipt for another person: refused, nothing written.
	before := len(h.journalKinds())
	s.root.Select(s.join)
	h.addReceipt(s.pad, 0, "A1001", "300", "2026-11-25")
	h.fillSignup(s, "李四", "13900001111", testIDB)
	test.Type(s.card, "1234567")
	test.Tap(s.signup)
	if !strings.Contains(h.ui.LastError(), "小票 A1001 已于") || !strings.Contains(h.ui.LastError(), "只能使用一次") {
		t.Fatalf("duplicate receipt: %q", h.ui.LastError())
	}
	if len(h.journalKinds()) != before {
		t.Fatal("a refused signup wrote to the journal")
	}
	// The same ID number with a fresh receipt: refused (one member per ID).
	h.ui.closeMessage()
	s.pad.reset()
	h.addReceipt(s.pad, 0, "A1002", "300", "2026-11-25")
	h.fillSignup(s, "张三", "13900001111", strings.ToLower(testIDA))
	test.Tap(s.signup)
	if !strings.Contains(h.ui.LastError(), "身份证号 1***************2X 已有有效的积分卡会员登记") {
		t.Fatalf("duplicate ID: %q", h.ui.LastError())
	}
	if len(h.journalKinds()) != before {
		t.Fatal("a refused signup wrote to the journal")
	}
	// With the other ID it goes through, with the receipt A1002.
	h.ui.closeMessage()
	h.fillSignup(s, "李四", "13900001111", testIDB)
	test.Tap(s.signup)
	if s.member == nil || s.member.ID == first.ID || s.member.Points != 300 {
		t.Fatalf("second member %+v (%q)", s.member, h.ui.LastError())
	}

	// Lookup by a swipe on the lookup tab, by mobile, and by the slip's QR.
	h.swipe("0A00C3F5E1")
	if s.member == nil || s.member.ID != first.ID {
		t.Fatalf("swipe lookup: %+v", s.member)
	}
	test.Type(s.query, "13900001111")
	test.Tap(s.search)
	if s.member == nil || s.member.No != "M000002" {
		t.Fatalf("mobile lookup: %+v", s.member)
	}
	h.ui.shell.open("umbrella")
	h.ui.handleScan(first.Token)
	if h.ui.shell.Current() != "points" || s.member.ID != first.ID {
		t.Fatalf("scan did not open the member: %s", h.ui.shell.Current())
	}
	h.ui.handleScan(first.Token[:len(first.Token)-2] + "AA")
	if h.ui.LastError() != "无效凭证" {
		t.Fatalf("forged token: %q", h.ui.LastError())
	}
	h.verify()
}

func TestMemberLossReissueBackfillAdjust(t *testing.T) {
	h := newHarness(t, true)
	a, b := h.addShops()
	ctx := context.Background()
	m, err := h.svc.Members.Signup(ctx, h.clerk, ledger.SignupRequest{Name: "王芳", Mobile: "13611112222", ResidentID: testIDA, CardNo: "CARD0001",
		Receipts: []ledger.ShopReceipt{{ShopID: a.ID, No: "A1", Amount: ledger.Yuan(260), Date: "2026-11-25"}}})
	if err != nil {
		t.Fatal(err)
	}
	h.mustShell("li")
	s := h.members()
	s.refresh()
	test.Type(s.query, "card0001")
	s.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.member == nil || s.member.ID != m.ID {
		t.Fatalf("lookup: %q", h.ui.LastError())
	}

	// Loss report: frozen at once, at this desk and at any other.
	test.Tap(s.loss)
	h.confirmPending()
	if s.member.CardStatus != ledger.CardLost || !strings.Contains(s.info.Text, "已挂失冻结") || !s.addPts.Disabled() {
		t.Fatalf("after loss: %+v %q", s.member, s.info.Text)
	}
	if _, err := h.svc.Members.Backfill(ctx, h.sup, m.ID, []ledger.ShopReceipt{{ShopID: b.ID, No: "B1", Amount: 100, Date: "2026-11-25"}}); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("frozen card took points at another desk: %v", err)
	}
	// Reissue: the new card swiped, the fee shown, the points moved.
	h.swipe("0A00C3F5E2")
	if s.newCard.Text != "0A00C3F5E2" {
		t.Fatalf("new card field %q", s.newCard.Text)
	}
	test.Tap(s.reissue)
	if h.ui.lastMoney == nil || h.ui.lastMoney.Text != "应收 ￥10.00" {
		t.Fatal("fee not shown")
	}
	h.confirmPending()
	if s.member.CardNo != "0A00C3F5E2" || s.member.CardStatus != ledger.CardActive || s.member.Points != 260 {
		t.Fatalf("after reissue %+v (%q)", s.member, h.ui.LastError())
	}
	if !strings.Contains(s.ledger.Text, "补办转入  +260  0A00C3F5E2") || !strings.Contains(s.ledger.Text, "补办转出  -260  CARD0001") {
		t.Fatalf("ledger %q", s.ledger.Text)
	}
	if !strings.Contains(strings.Join(h.ui.preview.doc.Text(), "\n"), "补卡工本费（现金） ￥10.00") {
		t.Fatal("reissue slip without the fee")
	}
	chk, _ := h.ui.svc.Journal.Verify(ctx)
	if !chk.OK {
		t.Fatal(chk)
	}

	// Backfill: a receipt past the window is refused, one inside it counts.
	h.addReceipt(s.backfill, 1, "B-OLD", "99", "2026-10-20")
	test.Tap(s.addPts)
	if !strings.Contains(h.ui.LastError(), "已超过30天补录期限") {
		t.Fatalf("backfill window: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.backfill.reset()
	h.addReceipt(s.backfill, 1, "B-NEW", "99", "2026-10-26")
	test.Tap(s.addPts)
	if s.member.Points != 359 {
		t.Fatalf("backfill: %d (%q)", s.member.Points, h.ui.LastError())
	}
	// The same receipt again: refused.
	h.addReceipt(s.backfill, 1, "B-NEW", "99", "2026-10-26")
	test.Tap(s.addPts)
	if !strings.Contains(h.ui.LastError(), "只能使用一次") {
		t.Fatalf("backfill twice: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.backfill.reset()

	// Adjustment with a supervisor's approval.
	test.Type(s.adjPts, "-59")
	test.Type(s.adjNote, "兑换礼品：雨伞")
	test.Tap(s.adjust)
	h.approveAs("wang", "兑换礼品")
	if s.member.Points != 300 {
		t.Fatalf("adjust: %d (%q)", s.member.Points, h.ui.LastError())
	}
	// Full data with another supervisor's approval, journaled.
	test.Tap(s.reveal)
	h.approveAs("wang", "顾客核对信息")
	if !strings.Contains(s.revealed.Text, "13611112222") || !strings.Contains(s.revealed.Text, "王芳") {
		t.Fatalf("reveal %q (%q)", s.revealed.Text, h.ui.LastError())
	}
	kinds := strings.Join(h.journalKinds(), " ")
	for _, k := range []string{"member.lost", "member.reissue", "member.backfill", "member.adjust", "personal.reveal"} {
		if !strings.Contains(kinds, k) {
			t.Errorf("%s not journaled", k)
		}
	}
	h.verify()
}

func TestMemberFAQAndSettings(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.members()
	s.root.Select(s.faq)
	s.refresh()
	if !strings.Contains(s.faqText.Text, "问：积分卡怎么办理？") || s.setForm.Visible() {
		t.Fatalf("clerk faq %q visible=%v", s.faqText.Text, s.setForm.Visible())
	}
	h.ui.Logout()
	h.mustShell("wang")
	s = h.members()
	s.root.Select(s.faq)
	s.refresh()
	if !s.setForm.Visible() {
		t.Fatal("supervisor cannot edit the rules")
	}
	s.faqEdit.SetText("问：停车能用积分抵扣吗？\n答：每100积分抵扣1小时停车费。")
	s.fee.SetText("15")
	test.Tap(s.saveSets)
	if h.ui.settings.Members.ReissueFee != ledger.Yuan(15) || !strings.Contains(s.faqText.Text, "停车能用积分抵扣吗") {
		t.Fatalf("not saved: %+v %q (%q)", h.ui.settings.Members, s.faqText.Text, h.ui.LastError())
	}
	s.window.SetText("0")
	test.Tap(s.saveSets)
	if !strings.Contains(h.ui.LastError(), "补录积分期限") || h.ui.settings.Members.BackfillDays != 30 {
		t.Fatalf("bad window saved: %q", h.ui.LastError())
	}
}

// cardsLabels are the point-card and invoice labels the screens pass
// through T.
func cardsLabels() []string {
	var out []string
	for _, s := range []ledger.CardStatus{ledger.CardActive, ledger.CardLost, ledger.CardReplaced} {
		out = append(out, s.Label())
	}
	for _, k := range []ledger.PointKind{ledger.PointsEarn, ledger.PointsBackfill, ledger.PointsAdjust, ledger.PointsExpire, ledger.PointsMoveOut, ledger.PointsMoveIn} {
		out = append(out, k.Label())
	}
	for _, b := range []ledger.BuyerType{ledger.BuyerCompany, ledger.BuyerPersonal} {
		out = append(out, b.Label())
	}
	for _, s := range []ledger.InvoiceStatus{ledger.InvoiceIssued, ledger.InvoiceVoided, ledger.InvoiceReversed, ledger.InvoiceRed} {
		out = append(out, s.Label())
	}
	for _, a := range []ledger.ApprovalAction{ledger.ActionPointsAdjust, ledger.ActionInvoiceVoid} {
		out = append(out, a.Label())
	}
	for _, f := range []ledger.TextField{ledger.FieldShopName, ledger.FieldInvoiceTitle, ledger.FieldInvoiceReason, ledger.FieldPointsNote, ledger.FieldCardGuide, ledger.FieldFAQ} {
		out = append(out, f.Label)
	}
	return out
}
