package app

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// kioskHarness is a kiosk on the harness's database, in its own window.
type kioskHarness struct {
	*harness
	k     *Kiosk
	kwin  fyne.Window
	quits int
}

func newKioskHarness(t *testing.T) *kioskHarness {
	t.Helper()
	h := newHarness(t, true)
	kh := &kioskHarness{harness: h}
	kh.kwin = test.NewTempWindow(t, nil)
	kh.kwin.Resize(fyne.NewSize(1024, 768))
	kh.k = NewKiosk(kh.kwin, KioskServices{
		Settings: h.svc.Settings,
		Loans:    KioskLoansFrom(h.svc.Lending.LoanByToken),
		Hours:    sqlstore.NewBroadcastService(h.db),
		Ratings:  sqlstore.NewFeedbackService(h.db),
		Exit:     h.svc.Staff,
		Found:    KioskFoundFrom(sqlstore.NewLostFoundService(h.db), h.svc.Settings),
		Points:   KioskPointsFrom(sqlstore.NewMemberService(h.db).MemberByCard, h.svc.Members.PointEntries),
	}, KioskConfig{Now: h.clock.Now, Quit: func() { kh.quits++ }})
	if err := kh.k.Start(); err != nil {
		t.Fatal(err)
	}
	return kh
}

// texts is everything the kiosk window draws now.
// Wrapped lines are joined without a separator, so a phrase broken across
// lines is still found.
func (kh *kioskHarness) texts() string { return strings.Join(drawnTexts(kh.kwin.Content()), "") }

// lend lends an item at the counter with a phone number and returns it.
func (kh *kioskHarness) lend(kind ledger.ItemKind, number, phone string) ledger.Loan {
	kh.t.Helper()
	l, err := kh.svc.Lending.Lend(context.Background(), kh.clerk, ledger.LendRequest{Kind: kind, ItemNumber: number, Phone: phone})
	if err != nil {
		kh.t.Fatal(err)
	}
	return l
}

// TestKioskStart: the start screen's tiles; point cards and lost and found
// say they are not available in this version; services and today's hours.
func TestKioskStart(t *testing.T) {
	kh := newKioskHarness(t)
	k := kh.k
	if k.Page() != "start" {
		t.Fatalf("page %s", k.Page())
	}
	all := kh.texts()
	for _, w := range []string{"测试广场 · 自助服务", "借用查询", "扫描押金卡二维码", "积分查询", "失物招领", "服务与营业时间", "服务评价", "员工"} {
		if !strings.Contains(all, w) {
			t.Fatalf("start lacks %q: %s", w, all)
		}
	}
	test.Tap(k.start.tiles["points"])
	if k.Page() != "points" || !strings.Contains(kh.texts(), "请刷积分卡") {
		t.Fatalf("points: %s", kh.texts())
	}
	test.Tap(k.points.back)
	k.Home()
	test.Tap(k.start.tiles["info"])
	info := kh.texts()
	// 2026-11-25 is a Wednesday: the default weekday hours.
	for _, w := range []string{"今日营业时间：10:00-22:00", "爱心雨伞：押金 ￥50.00", "仅限在广场内使用", "服务台：北门服务台"} {
		if !strings.Contains(info, w) {
			t.Fatalf("info lacks %q: %s", w, info)
		}
	}
	// A swiped point card says the same as the tile.
	k.Home()
	k.HandleCard(devices.Card{ID: "0A00C3F5E1"})
	if k.Page() != "points" {
		t.Fatalf("card swipe: page %s", k.Page())
	}
}

// found registers a found item at the counter with a finder and storage.
func (kh *kioskHarness) found(cat, desc, place string, at time.Time) ledger.FoundItem {
	kh.t.Helper()
	it, err := sqlstore.NewLostFoundService(kh.db).Register(context.Background(), kh.clerk, ledger.RegisterFoundRequest{
		Category: cat, Description: desc, FoundAt: at, FoundPlace: place, Finder: "保洁员", FinderName: "钱多多",
		FinderMobile: "13655556666", OwnerName: "孙悟空", Storage: "失物柜B-3"})
	if err != nil {
		kh.t.Fatal(err)
	}
	return it
}

// TestKioskFoundItems: found items held are listed by category and date
// with public fields only (category, day, place): no description, finder,
// owner, storage or label number; claimed items are not listed.
func TestKioskFoundItems(t *testing.T) {
	kh := newKioskHarness(t)
	k := kh.k
	now := kh.clock.Now()
	wallet := kh.found("钱包", "棕色真皮钱包内有银行卡", "3F 星巴克门口", now.Add(-time.Hour))
	kh.found("钥匙", "一串三把钥匙挂小熊", "B1 停车场电梯口", now.Add(-3*24*time.Hour))
	kh.found("钱包", "黑色长款钱包", "1F 正门", now.Add(-20*24*time.Hour))
	test.Tap(k.start.tiles["found"])
	if k.Page() != "found" {
		t.Fatalf("page %s", k.Page())
	}
	got := k.found.list.Text
	if !strings.HasPrefix(got, "共 2 件") || !strings.Contains(got, "钱包　11-25 拾获　地点：3F 星巴克门口") || !strings.Contains(got, "钥匙　11-22 拾获") {
		t.Fatalf("last 7 days: %q", got)
	}
	k.found.category.SetSelected("钱包")
	if got := k.found.list.Text; !strings.HasPrefix(got, "共 1 件") {
		t.Fatalf("wallets, 7 days: %q", got)
	}
	k.found.days.SetSelected("近 30 天")
	if got := k.found.list.Text; !strings.HasPrefix(got, "共 2 件") || !strings.Contains(got, "1F 正门") {
		t.Fatalf("wallets, 30 days: %q", got)
	}
	k.found.days.SetSelected("今天")
	if got := k.found.list.Text; !strings.HasPrefix(got, "共 1 件") {
		t.Fatalf("wallets today: %q", got)
	}
	all := kh.texts()
	for _, bad := range []string{"真皮", "银行卡", "保洁员", "钱*", "钱多多", "6666", "孙", "失物柜", wallet.No} {
		if strings.Contains(all, bad) {
			t.Fatalf("the kiosk shows %q: %s", bad, all)
		}
	}
	// Claimed at the counter: no longer listed.
	if _, err := sqlstore.NewLostFoundService(kh.db).Claim(context.Background(), kh.clerk, ledger.ClaimRequest{ItemID: wallet.ID, Description: "棕色钱包有银行卡", Matches: true,
		Name: "周杰", Mobile: "13800001234", ResidentID: "11010519491231002X"}); err != nil {
		t.Fatal(err)
	}
	k.found.days.SetSelected("近 7 天")
	if got := k.found.list.Text; !strings.Contains(got, "这段时间没有保管中的拾获物品") {
		t.Fatalf("after the claim: %q", got)
	}
}

// TestKioskLoanByQR: the customer's own receipt QR shows item, time,
// deposit and where to return; no phone, no staff; a forged or altered
// token and a typed receipt number are refused; a returned loan says so.
// The idle timeout takes the kiosk back to the start screen with nothing
// of the customer left.
func TestKioskLoanByQR(t *testing.T) {
	kh := newKioskHarness(t)
	k := kh.k
	l := kh.lend(ledger.KindUmbrella, "U-002", "13812345678")
	test.Tap(k.start.tiles["loan"])
	if k.Page() != "loan" {
		t.Fatalf("page %s", k.Page())
	}
	test.Type(k.loan.code, l.Token)
	k.loan.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	got := k.loan.result.Text
	for _, w := range []string{"借用物品：爱心雨伞 U-002", "借出时间：2026-11-25 10:00", "押金：￥50.00", "状态：借用中", "归还地点：北门服务台"} {
		if !strings.Contains(got, w) {
			t.Fatalf("loan lacks %q: %s", w, got)
		}
	}
	all := kh.texts()
	for _, bad := range []string{"5678", "138", "李柜员", l.ReceiptNo} {
		if strings.Contains(all, bad) {
			t.Fatalf("kiosk shows %q: %s", bad, all)
		}
	}
	// Forged: one character of the signature changed.
	forged := []byte(l.Token)
	if forged[len(forged)-1] == 'A' {
		forged[len(forged)-1] = 'B'
	} else {
		forged[len(forged)-1] = 'A'
	}
	k.HandleScan(string(forged))
	if !strings.Contains(k.loan.result.Text, "未找到借用记录") || strings.Contains(k.loan.result.Text, "U-002") {
		t.Fatalf("forged token: %s", k.loan.result.Text)
	}
	k.HandleScan(l.ReceiptNo)
	if !strings.Contains(k.loan.result.Text, "无效凭证") {
		t.Fatalf("typed receipt number: %s", k.loan.result.Text)
	}
	// Returned at the counter: the kiosk says so.
	if _, err := kh.svc.Lending.Return(context.Background(), kh.clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine}); err != nil {
		t.Fatal(err)
	}
	// A keyboard-wedge scan typed on the start screen opens the loan page.
	k.Home()
	for _, r := range l.Token {
		kh.kwin.Canvas().OnTypedRune()(r)
	}
	kh.k.loan.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if k.Page() != "loan" || !strings.Contains(k.loan.result.Text, "状态：已还") || !strings.Contains(k.loan.result.Text, "已退押金：￥50.00") {
		t.Fatalf("returned loan: page %s %q", k.Page(), k.loan.result.Text)
	}
	// Idle: back to the start screen, the result gone.
	kh.clock.Add(DefaultKioskIdle - time.Second)
	k.Tick()
	if k.Page() != "loan" {
		t.Fatal("went home too early")
	}
	kh.clock.Add(time.Second)
	k.Tick()
	if k.Page() != "start" || strings.Contains(kh.texts(), "U-002") || k.loan.result.Text != "" || k.loan.code.Text != "" {
		t.Fatalf("after idle: page %s, %s", k.Page(), kh.texts())
	}
}

// TestKioskRating: a rating is journaled by the system (no staff), once
// per customer: the buttons lock after it, and a second customer within
// the gap is thanked without a second entry.
func TestKioskRating(t *testing.T) {
	kh := newKioskHarness(t)
	k := kh.k
	n := len(kh.journalKinds())
	test.Tap(k.start.tiles["rate"])
	test.Tap(k.rate.stars[3])
	if !strings.Contains(k.rate.message.Text, "谢谢您的评价（4 分）") || !k.rate.stars[0].Disabled() {
		t.Fatalf("rating: %q", k.rate.message.Text)
	}
	test.Tap(k.rate.stars[0]) // disabled: nothing
	es, err := kh.svc.Journal.Entries(context.Background(), int64(n), 10)
	if err != nil || len(es) != 1 || es[0].Kind != "feedback.rating" || es[0].StaffID != 0 {
		t.Fatalf("entries %+v %v", es, err)
	}
	k.Home()
	kh.clock.Add(5 * time.Second)
	test.Tap(k.start.tiles["rate"])
	test.Tap(k.rate.stars[0])
	if !strings.Contains(k.rate.message.Text, "已收到您的评价") || len(kh.journalKinds()) != n+1 {
		t.Fatalf("second rating within the gap: %q", k.rate.message.Text)
	}
	kh.clock.Add(ledger.MinRatingGap)
	k.Home()
	test.Tap(k.start.tiles["rate"])
	test.Tap(k.rate.stars[4])
	fs := sqlstore.NewFeedbackService(kh.db)
	s, err := fs.FeedbackSummary(context.Background())
	if err != nil || s.Ratings != 2 || s.Average() != 4.5 {
		t.Fatalf("summary %+v %v", s, err)
	}
}

// TestKioskExit: leaving kiosk mode needs a staff member's own password; a
// wrong one counts as a failed login and stays; Esc goes home.
func TestKioskExit(t *testing.T) {
	kh := newKioskHarness(t)
	k := kh.k
	test.Tap(k.start.staff)
	if k.Page() != "exit" {
		t.Fatalf("page %s", k.Page())
	}
	test.Type(k.exit.username, "li")
	test.Type(k.exit.password, "guess1234")
	test.Tap(k.exit.ok)
	if kh.quits != 0 || !strings.Contains(k.exit.message.Text, "用户名或密码") || k.exit.password.Text != "" {
		t.Fatalf("wrong password: quits %d, %q", kh.quits, k.exit.message.Text)
	}
	kinds := kh.journalKinds()
	if kinds[len(kinds)-1] != "auth.login_failed" {
		t.Fatalf("failure not journaled: %v", kinds[len(kinds)-3:])
	}
	k.exit.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if k.Page() != "start" {
		t.Fatalf("Esc: page %s", k.Page())
	}
	test.Tap(k.start.staff)
	test.Type(k.exit.username, "li")
	test.Type(k.exit.password, pw)
	k.exit.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if kh.quits != 1 {
		t.Fatalf("right password did not leave: %q", k.exit.message.Text)
	}
}

// kioskAllowedMethods is every method the kiosk's services may have: reads
// of public data, the rating, and the staff password check to leave.
var kioskAllowedMethods = map[string]bool{"Settings": true, "PublicLoan": true, "BroadcastConfig": true, "Rate": true, "Login": true,
	"FoundCategories": true, "PublicFound": true, "PublicCard": true}

// TestKioskReachesNoStaffActionOrPersonalData: (1) what the kiosk holds:
// every service it has is an interface whose methods are only reads of
// public data, the rating and the exit check, and it holds nothing of the
// counter (no UI, no Services); (2) what it shows: starting from the start
// screen every reachable button is tapped, page by page (breadth first,
// each path replayed from a fresh start), with a customer's loan (phone
// given), feedback with a contact and staff in the database; no page ever
// draws a staff name, a phone, a customer's name, a receipt number or a
// counter action, and the walk changes no money, stock or loan: its only
// journal entries are ratings.
func TestKioskReachesNoStaffActionOrPersonalData(t *testing.T) {
	kh := newKioskHarness(t)
	ctx := context.Background()
	// (1) The kiosk's reach, by type.
	st := reflect.TypeOf(KioskServices{})
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if f.Type.Kind() != reflect.Interface {
			t.Fatalf("KioskServices.%s is a %s, not a narrow interface", f.Name, f.Type)
		}
		for j := 0; j < f.Type.NumMethod(); j++ {
			if m := f.Type.Method(j).Name; !kioskAllowedMethods[m] {
				t.Fatalf("KioskServices.%s has method %s: the kiosk must reach nothing but public reads, the rating and the exit", f.Name, m)
			}
		}
	}
	kt := reflect.TypeOf(Kiosk{})
	for i := 0; i < kt.NumField(); i++ {
		f := kt.Field(i)
		for _, bad := range []reflect.Type{reflect.TypeOf(&UI{}), reflect.TypeOf(Services{})} {
			if f.Type == bad {
				t.Fatalf("Kiosk.%s holds the counter's %s", f.Name, bad)
			}
		}
	}

	// (2) What it shows, tapping everything reachable.
	l := kh.lend(ledger.KindUmbrella, "U-001", "13912348765")
	kh.lend(ledger.KindStroller, "C-01", "")
	fb := sqlstore.NewFeedbackService(kh.db)
	if _, err := fb.LogFeedback(ctx, kh.clerk, ledger.FeedbackRequest{Channel: ledger.FeedbackOral, Category: ledger.CategoryService,
		Text: "希望增加母婴室指示牌", ContactName: "欧阳娜娜", ContactMobile: "13700001111", SupervisorID: kh.sup.ID}); err != nil {
		t.Fatal(err)
	}
	kh.found("证件", "身份证一张", "2F 洗手间", kh.clock.Now().Add(-time.Hour))
	member := kh.signupMember("0A00C3F5E1")
	lost := kh.signupMemberB("0B00C3F5E9")
	if _, err := kh.svc.Members.ReportLoss(ctx, kh.clerk, lost.ID); err != nil {
		t.Fatal(err)
	}
	umbrellas, _ := kh.svc.Lending.Stock(ctx, ledger.KindUmbrella)
	strollers, _ := kh.svc.Lending.Stock(ctx, ledger.KindStroller)
	journalBefore := len(kh.journalKinds())

	forbidden := []string{"陈管理", "王主管", "赵主管", "李柜员", "欧阳", "13912348765", "8765", "13700001111", "1111", "****",
		l.ReceiptNo, "母婴室", "身份证一张", "保洁员", "钱多多", "6666", "孙", "失物柜", "个人信息", "确认借出", "完好归还", "冲正", "日结", "库存", "交班", "审批", "广播台", "设置",
		"娜娜", "13611112222", "2222", testIDA, testIDB, "002X", "0A00C3F5E1", "0B00C3F5E9", "A20261125000123", "T-1001", "星光咖啡", member.No, lost.No, "李四", "13900001111",
	}
	check := func(where string) {
		all := kh.texts()
		for _, bad := range forbidden {
			if strings.Contains(all, bad) {
				t.Fatalf("%s: the kiosk shows %q: %s", where, bad, all)
			}
		}
	}
	// buttons lists the enabled buttons drawn now, in tree order.
	buttons := func() []*widget.Button {
		var out []*widget.Button
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			if o == nil || !o.Visible() {
				return
			}
			switch v := o.(type) {
			case *widget.Button:
				if !v.Disabled() {
					out = append(out, v)
				}
				return
			case *fyne.Container:
				for _, c := range v.Objects {
					walk(c)
				}
				return
			case fyne.Widget:
				for _, c := range test.WidgetRenderer(v).Objects() {
					walk(c)
				}
			}
		}
		walk(kh.kwin.Content())
		return out
	}
	// replay goes home and taps the path (indexes into buttons()).
	replay := func(path []int) bool {
		kh.k.Home()
		for _, i := range path {
			bs := buttons()
			if i >= len(bs) {
				return false
			}
			test.Tap(bs[i])
		}
		return true
	}
	type state struct {
		path []int
	}
	seen := map[string]bool{}
	queue := []state{{}}
	taps := 0
	pages := map[string]bool{}
	for len(queue) > 0 && taps < 400 {
		s := queue[0]
		queue = queue[1:]
		if !replay(s.path) {
			continue
		}
		key := kh.k.Page() + "|" + kh.texts()
		if seen[key] {
			continue
		}
		seen[key] = true
		pages[kh.k.Page()] = true
		check(fmt.Sprint("path ", s.path, " page ", kh.k.Page()))
		// On the loan page, scan the customer's token, a forged one and a
		// receipt number too.
		if kh.k.Page() == "loan" {
			for _, code := range []string{l.Token, l.Token[:len(l.Token)-2] + "ZZ", l.ReceiptNo} {
				kh.k.HandleScan(code)
				check("loan " + code)
			}
		}
		// On the points page, swipe the member's card, a lost one and an
		// unknown one.
		if kh.k.Page() == "points" {
			for card, shows := range map[string]string{member.CardNo: "积分余额：319 分", lost.CardNo: "此卡已挂失冻结", "FFFF000001": "不是本广场的积分卡"} {
				kh.k.HandleCard(devices.Card{ID: card})
				if !strings.Contains(kh.texts(), shows) {
					t.Fatalf("swiped %s: %s", card, kh.texts())
				}
				check("points " + card)
			}
		}
		if kh.k.Page() == "exit" {
			continue // typing credentials is a staff action, tested in TestKioskExit
		}
		for i := range buttons() {
			taps++
			queue = append(queue, state{path: append(append([]int(nil), s.path...), i)})
		}
	}
	for _, p := range []string{"start", "loan", "points", "found", "info", "rate", "exit"} {
		if !pages[p] {
			t.Fatalf("the walk never reached %s (reached %v)", p, pages)
		}
	}
	if kh.quits != 0 {
		t.Fatal("the walk left kiosk mode without a password")
	}
	u2, _ := kh.svc.Lending.Stock(ctx, ledger.KindUmbrella)
	s2, _ := kh.svc.Lending.Stock(ctx, ledger.KindStroller)
	if u2 != umbrellas || s2 != strollers {
		t.Fatalf("stock changed: %+v → %+v, %+v → %+v", umbrellas, u2, strollers, s2)
	}
	after := kh.journalKinds()[journalBefore:]
	if len(after) == 0 {
		t.Fatal("the walk never rated: the rate page was not tapped through")
	}
	for _, k := range after {
		if k != "feedback.rating" {
			t.Fatalf("the walk journaled %s (all: %v)", k, after)
		}
	}
	kh.verify()
}
