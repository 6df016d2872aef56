package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// lostFound opens F4 and returns its screen.
func (h *harness) lostFound() *lostFoundScreen {
	h.t.Helper()
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF4})
	s, ok := h.ui.shell.screens["lost"].(*lostFoundScreen)
	if !ok || h.ui.shell.Current() != "lost" {
		h.t.Fatal("F4 did not open the lost-and-found screen")
	}
	return s
}

// registerThroughScreen fills the registration form and confirms it.
func (h *harness) registerThroughScreen(s *lostFoundScreen, cat, desc, when, place, storage string) ledger.FoundItem {
	h.t.Helper()
	s.tabs.SelectIndex(0)
	s.regCat.SetSelected(cat)
	test.Type(s.regDesc, desc)
	s.regWhen.SetText(when)
	test.Type(s.regPlace, place)
	test.Type(s.regFinder, "保洁员")
	test.Type(s.regStorage, storage)
	s.regStorage.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.confirm == nil {
		h.t.Fatalf("no confirmation: %q", h.ui.LastError())
	}
	s.confirm.Confirm()
	s.confirm = nil
	if s.item == nil || s.item.Description != desc {
		h.t.Fatalf("not registered: %q", h.ui.LastError())
	}
	return *s.item
}

func TestLostFoundRegisterSearchMatchThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	s := h.lostFound()
	if len(s.regCat.Options) != len(ledger.DefaultLostFoundCategories()) {
		t.Fatalf("categories %v", s.regCat.Options)
	}
	f := h.registerThroughScreen(s, "钱包", "黑色皮钱包，内有银行卡", "09:40", "三楼美食广场", "A柜-3")
	if f.No != "A-20261125-0001" || f.FoundAt.In(h.ui.settings.Location()).Format("15:04") != "09:40" || f.DueDate != "2026-12-25" {
		t.Fatalf("item %+v", f)
	}
	// The label is previewed, printed through the queue and decodes with the
	// project's ESC/POS decoder; its QR opens the record from the scan box.
	if s.preview == nil || !strings.Contains(s.preview.text.Text, "失物标签") || s.preview.qr == nil {
		t.Fatalf("label preview %+v", s.preview)
	}
	h.ui.closeMessage()
	dec := decodeJob(t, h, f.No)
	text := strings.Join(dec.Texts(), "")
	for _, want := range []string{"失物标签", "20261125-0001", "类别：钱包", "物品：黑色皮钱包，内有银行卡", "存放：A柜-3", "保管至：2026-12-25，逾期移交公安"} {
		if !strings.Contains(text, want) {
			t.Errorf("label lacks %q:\n%s", want, strings.Join(dec.Texts(), "\n"))
		}
	}
	h.registerThroughScreen(s, "钥匙", "一串钥匙，三把", "2026-11-25 08:00", "停车场", "A柜-5")
	for i := 0; i < 14; i++ {
		if _, err := h.svc.LostFound.Register(h.ui.ctx, h.clerk, ledger.RegisterFoundRequest{Category: "衣物", Description: "外套",
			FoundAt: h.clock.Now().Add(-time.Hour), FoundPlace: "二楼", Finder: "顾客", Storage: "B架"}); err != nil {
			t.Fatal(err)
		}
	}
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	test.Type(sh.scan, dec.QR())
	sh.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if sh.Current() != "lost" || s.item == nil || s.item.ID != f.ID || !strings.Contains(s.itemInfo.Text, "黑色皮钱包") {
		t.Fatalf("scan did not open the item: %q %q", sh.Current(), h.ui.LastError())
	}
	// A typed label number opens it too.
	s.showItem(nil)
	test.Type(sh.scan, f.No)
	sh.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.item == nil || s.item.ID != f.ID {
		t.Fatalf("typed number did not open the item: %q", h.ui.LastError())
	}
	// Search: words, category, storage, dates; paginated.
	s.tabs.SelectIndex(1)
	if s.total != 16 || len(s.items) != pageSize || s.next.Disabled() {
		t.Fatalf("all held: total %d, page %d", s.total, len(s.items))
	}
	test.Tap(s.next)
	if len(s.items) != 16-pageSize || !s.next.Disabled() {
		t.Fatalf("page 2: %d", len(s.items))
	}
	test.Type(s.qWords, "钱包 黑色")
	test.Tap(s.search)
	if s.total != 1 || s.items[0].ID != f.ID {
		t.Fatalf("words: %d", s.total)
	}
	s.qWords.SetText("")
	s.qCat.SetSelected("钥匙")
	test.Tap(s.search)
	if s.total != 1 || s.items[0].Category != "钥匙" {
		t.Fatalf("category: %d", s.total)
	}
	s.qCat.SetSelectedIndex(0)
	test.Type(s.qStorage, "a柜")
	s.qFrom.SetText("2026-11-25")
	s.qTo.SetText("2026-11-25")
	test.Tap(s.search)
	if s.total != 2 {
		t.Fatalf("storage+dates: %d", s.total)
	}
	s.qFrom.SetText("2026-11-26")
	test.Tap(s.search)
	if !strings.Contains(h.ui.LastError(), "开始日期不能晚于结束日期") {
		t.Fatalf("reversed dates: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.results.Select(0)

	// A lost report is matched against the found items, side by side with a score.
	s.tabs.SelectIndex(2)
	s.rCat.SetSelected("钱包")
	test.Type(s.rDesc, "黑色钱包，有银行卡")
	test.Type(s.rPlace, "美食广场")
	test.Type(s.rFrom, "09:00")
	test.Type(s.rTo, "10:00")
	test.Tap(s.rAdd)
	if s.report == nil || len(s.matches) == 0 || s.matches[0].Item.ID != f.ID || s.matches[0].Score < 90 {
		t.Fatalf("matches %+v (error %q)", s.matches, h.ui.LastError())
	}
	if line := s.matchLine(s.matches[0]); !strings.Contains(line, "类别相同") || !strings.Contains(line, "分") {
		t.Fatalf("match line %q", line)
	}
	s.matchList.Select(0)
	if !strings.Contains(s.reportInf.Text, "黑色钱包，有银行卡") || !strings.Contains(s.reportInf.Text, "黑色皮钱包，内有银行卡") || s.claimIt.Disabled() {
		t.Fatalf("side by side: %q", s.reportInf.Text)
	}
	// One action drafts the 寻物 announcement.
	test.Tap(s.draftRep)
	if !strings.Contains(h.ui.lastInfo, "有顾客在美食广场遗失黑色钱包") {
		t.Fatalf("draft %q", h.ui.lastInfo)
	}
	h.ui.closeMessage()
	test.Tap(s.claimIt)
	if s.tabs.SelectedIndex() != 3 || s.claimItem == nil || s.claimItem.ID != f.ID || s.cReport != s.report.ID {
		t.Fatalf("claim tab not prepared: %d %+v", s.tabs.SelectedIndex(), s.claimItem)
	}
	s.tabs.SelectIndex(5)
	if len(s.draftRows) != 1 || s.draftRows[0].Template != ledger.DraftItem || !s.queue.Disabled() {
		t.Fatalf("drafts %+v", s.draftRows)
	}
	// The draft goes to the broadcast console's queue, once.
	s.drafts.Select(0)
	test.Tap(s.queue)
	queue, err := sqlstore.NewBroadcastService(h.db).Queue(h.ui.ctx)
	if err != nil || len(queue) != 1 || queue[0].Text != s.draftRows[0].Text || !strings.Contains(h.ui.lastInfo, "已送广播台排队") {
		t.Fatalf("broadcast queue %+v %v (%q)", queue, err, h.ui.LastError())
	}
	h.ui.closeMessage()
	if !strings.Contains(s.draftLine(s.draftRows[0]), "已送广播台") {
		t.Fatalf("draft line %q", s.draftLine(s.draftRows[0]))
	}
	s.drafts.Select(0)
	if !s.queue.Disabled() {
		t.Fatal("a queued draft can be queued again")
	}
	h.verify()
}

func TestLostFoundDisposalTwoApproversThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	old, err := h.svc.LostFound.Register(ctx, h.clerk, ledger.RegisterFoundRequest{Category: "衣物", Description: "灰色围巾",
		FoundAt: h.clock.Now().AddDate(0, 0, -40), FoundPlace: "二楼", Finder: "保洁员", Storage: "B架"})
	if err != nil {
		t.Fatal(err)
	}
	card, err := h.svc.LostFound.Register(ctx, h.clerk, ledger.RegisterFoundRequest{Category: "证件", Description: "学生证",
		FoundAt: h.clock.Now().AddDate(0, 0, -20), FoundPlace: "一楼", Finder: "顾客", Storage: "A柜-1", OwnerName: "李四"})
	if err != nil {
		t.Fatal(err)
	}
	sh := h.mustShell("li")
	if !strings.Contains(sh.glance.alerts.Text, "失物保管到期 2 件") || !strings.Contains(sh.nav[3].button.Text, "(2 到期)") {
		t.Fatalf("alerts %q nav %q", sh.glance.alerts.Text, sh.nav[3].button.Text)
	}
	s := h.lostFound()
	s.tabs.SelectIndex(4)
	if len(s.dueItems) != 2 || s.dueItems[0].ID != old.ID {
		t.Fatalf("due %+v", s.dueItems)
	}
	// An ID document cannot be donated.
	s.due.Select(1)
	s.dMethod.SetSelectedIndex(1)
	test.Type(s.dTo, "某慈善会")
	test.Tap(s.dispose)
	if !strings.Contains(h.ui.LastError(), "证件类失物须移交公安机关") {
		t.Fatalf("document donated: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.due.Select(0)
	s.dMethod.SetSelectedIndex(1) // 捐赠
	test.Tap(s.dispose)
	d1 := h.ui.lastApproval
	if d1 == nil || !strings.Contains(d1.what.Text, "失物处置（捐赠）") || !strings.Contains(d1.what.Text, old.No) {
		t.Fatalf("first approval %+v", d1)
	}
	test.Type(d1.username, "wang")
	test.Type(d1.password, pw)
	test.Type(d1.reason, "期满无人认领")
	test.Tap(d1.approve)
	d2 := h.ui.lastApproval
	if d2 == d1 || !d2.pop.Visible() || d2.box.Objects[0].(*widget.Label).Text != T("第二位主管审批（须与第一位不同）") {
		t.Fatalf("second approval not asked: %+v", d2)
	}
	// The same supervisor twice is refused and asked again; nothing changes.
	test.Type(d2.username, "wang")
	test.Type(d2.password, pw)
	test.Type(d2.reason, "期满")
	test.Tap(d2.approve)
	again := h.ui.lastApproval
	if got, _ := h.svc.LostFound.Item(ctx, old.ID); got.Status != ledger.FoundHeld || again == d2 || !strings.Contains(again.message.Text, "须由两位不同的主管审批") {
		t.Fatalf("same supervisor twice: %s %q", got.Status, again.message.Text)
	}
	// A second, different supervisor: disposed, where it went recorded.
	test.Type(again.username, "zhao")
	test.Type(again.password, pw)
	test.Type(again.reason, "同意捐赠")
	test.Tap(again.approve)
	got, _ := h.svc.LostFound.Item(ctx, old.ID)
	if got.Status != ledger.FoundDisposed || got.DisposedTo != "某慈善会" || strings.Join(got.Approvers, ",") != "王主管,赵主管" {
		t.Fatalf("disposed %+v (%q)", got, h.ui.LastError())
	}
	if !strings.Contains(h.ui.lastInfo, "已捐赠") && !strings.Contains(h.ui.lastInfo, "捐赠") {
		t.Fatalf("info %q", h.ui.lastInfo)
	}
	h.ui.closeMessage()
	if len(s.dueItems) != 1 || s.dueItems[0].ID != card.ID {
		t.Fatalf("due after disposal %+v", s.dueItems)
	}
	// A disposed item cannot be claimed.
	s.tabs.SelectIndex(3)
	test.Type(s.cCode, old.No)
	test.Tap(s.cFind)
	if !s.claim.Disabled() || !strings.Contains(s.cItem.Text, "不能认领") {
		t.Fatalf("disposed item offered for claim: %q", s.cItem.Text)
	}
	// The ID document drafts a 招领 announcement with the name masked.
	s.openItem(card)
	test.Tap(s.draftItem)
	if !strings.Contains(h.ui.lastInfo, "拾到姓名为李*的证件") || strings.Contains(h.ui.lastInfo, "李四") {
		t.Fatalf("draft %q", h.ui.lastInfo)
	}
	h.verify()
}

func TestLostFoundClaimThroughScreen(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	s := h.lostFound()
	f := h.registerThroughScreen(s, "证件", "身份证一张", "10:00", "二楼电梯口", "A柜-1")
	h.ui.closeMessage()
	// Claim from the scan box's label number, in the claim tab.
	s.tabs.SelectIndex(3)
	test.Type(s.cCode, f.No)
	s.cCode.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.claimItem == nil || s.claimItem.ID != f.ID || s.claim.Disabled() {
		t.Fatalf("claim item %+v (%q)", s.claimItem, h.ui.LastError())
	}
	test.Type(s.cDesc, "我的身份证，掉在电梯口")
	test.Type(s.cName, "王小明")
	test.Type(s.cMobile, "13812345678")
	test.Type(s.cID, "11010519491231002X")
	// The description must be checked first.
	test.Tap(s.claim)
	if s.confirm != nil || !strings.Contains(h.ui.LastError(), "请先核对认领人的描述") {
		t.Fatalf("unchecked claim: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.cMatches.SetChecked(true)
	s.cID.SetText("110105194912310021") // wrong check digit
	test.Tap(s.claim)
	if s.confirm != nil || !strings.Contains(h.ui.LastError(), "身份证号码无效") {
		t.Fatalf("bad ID: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.cID.SetText("11010519491231002X")
	s.cID.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.confirm == nil {
		t.Fatalf("no confirmation: %q", h.ui.LastError())
	}
	s.confirm.Confirm()
	got, _ := h.svc.LostFound.Item(h.ui.ctx, f.ID)
	if got.Status != ledger.FoundClaimed || got.ClaimantID != "1***************2X" || got.ClaimantName != "王**" {
		t.Fatalf("claimed %+v (%q)", got, h.ui.LastError())
	}
	// The handover receipt is previewed and printed for signature, masked.
	if s.preview == nil || !strings.Contains(s.preview.text.Text, "失物认领交接单") || !strings.Contains(s.preview.text.Text, "认领人签字") {
		t.Fatalf("handover preview %+v", s.preview)
	}
	h.ui.closeMessage()
	text := strings.Join(decodeJob(t, h, got.ClaimNo).Texts(), "")
	for _, want := range []string{"失物编号：" + f.No, "认领人：王**", "138****5678", "身份证号：1***************2X"} {
		if !strings.Contains(text, want) {
			t.Errorf("handover lacks %q: %s", want, text)
		}
	}
	for _, whole := range []string{"11010519491231002X", "13812345678", "王小明"} {
		if strings.Contains(text, whole) || strings.Contains(s.itemInfo.Text, whole) {
			t.Fatalf("%q printed or shown", whole)
		}
	}
	// A second claim of the same item is refused: the screen offers none,
	// and the service refuses one sent anyway.
	s.tabs.SelectIndex(3)
	test.Type(s.cCode, f.No)
	test.Tap(s.cFind)
	if !s.claim.Disabled() || !strings.Contains(s.cItem.Text, "不能认领") {
		t.Fatalf("claimed item offered again: %q", s.cItem.Text)
	}
	s.askClaim()
	s.claimItem = &f // a screen still showing the item as held
	s.claim.Enable()
	test.Type(s.cDesc, "身份证")
	s.cMatches.SetChecked(true)
	test.Type(s.cName, "李四")
	test.Type(s.cMobile, "13912345678")
	test.Type(s.cID, "11010519491231002X")
	test.Tap(s.claim)
	s.confirm.Confirm()
	if !strings.Contains(h.ui.LastError(), "已于 2026-11-25 10:00 被认领（交接单 "+got.ClaimNo+"）") {
		t.Fatalf("double claim: %q", h.ui.LastError())
	}
	if again, _ := h.svc.LostFound.Item(h.ui.ctx, f.ID); again.ClaimNo != got.ClaimNo || again.ClaimantName != "王**" {
		t.Fatalf("second claim changed the record: %+v", again)
	}
	_ = sh
	h.verify()
}

// A supervisor edits the category list on F4 (名称 保管天数 [公安]): a new
// category is offered for registration with its own retention; a bad line
// is refused with its line number and changes nothing. A clerk has no
// category tab.
func TestLostFoundCategoriesThroughScreen(t *testing.T) {
	clerk := newHarness(t, true)
	clerk.mustShell("li")
	for _, it := range clerk.lostFound().tabs.Items {
		if it.Text == T("类别设置") {
			t.Fatal("a clerk sees the category editor")
		}
	}
	h := newHarness(t, true)
	h.mustShell("wang")
	s := h.lostFound()
	s.tabs.SelectIndex(len(s.tabs.Items) - 1)
	if !strings.HasPrefix(s.catText.Text, "证件 15 公安\n") {
		t.Fatalf("editor text %q", s.catText.Text)
	}
	before := s.catText.Text
	s.catText.SetText(before + "\n宠物用品 七")
	test.Tap(s.catSave)
	if !strings.Contains(h.ui.LastError(), "第10行的保管天数须为整数") || len(h.ui.settings.Categories()) != len(ledger.DefaultLostFoundCategories()) {
		t.Fatalf("bad line: %q, %d categories", h.ui.LastError(), len(h.ui.settings.Categories()))
	}
	h.ui.closeMessage()
	s.catText.SetText(before + "\n宠物用品 7")
	test.Tap(s.catSave)
	set, _ := h.svc.Settings.Settings(h.ui.ctx)
	c, ok := ledger.CategoryByName(set.Categories(), "宠物用品")
	if !ok || c.RetentionDays != 7 || c.Police || !strings.Contains(h.ui.lastInfo, "10") {
		t.Fatalf("saved %+v %v (%q)", c, ok, h.ui.lastInfo)
	}
	h.ui.closeMessage()
	found := false
	for _, o := range s.regCat.Options {
		found = found || o == "宠物用品"
	}
	if !found {
		t.Fatalf("register offers %v", s.regCat.Options)
	}
	f := h.registerThroughScreen(s, "宠物用品", "红色牵引绳", "09:40", "一楼", "B架-1")
	if f.DueDate != "2026-12-02" {
		t.Fatalf("due %s, want 7 days after 2026-11-25", f.DueDate)
	}
}
