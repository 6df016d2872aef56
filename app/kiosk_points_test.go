package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"servicedesk/devices"
	"servicedesk/ledger"
)

// signupMember issues card on the harness's database with a name, mobile
// and ID, 260 yuan of receipts and a 59-yuan backfill.
func (kh *kioskHarness) signupMember(card string) ledger.Member {
	kh.t.Helper()
	ctx := context.Background()
	a, b := kh.addShops()
	m, err := kh.svc.Members.Signup(ctx, kh.clerk, ledger.SignupRequest{Name: "欧阳娜娜", Mobile: "13611112222", ResidentID: testIDA,
		CardNo: card, Receipts: []ledger.ShopReceipt{{ShopID: a.ID, No: "A20261125000123", Amount: ledger.Yuan(260), Date: "2026-11-25"}}})
	if err != nil {
		kh.t.Fatal(err)
	}
	if m, err = kh.svc.Members.Backfill(ctx, kh.clerk, m.ID, []ledger.ShopReceipt{{ShopID: b.ID, No: "T-1001", Amount: ledger.Yuan(59), Date: "2026-11-24"}}); err != nil {
		kh.t.Fatal(err)
	}
	return m
}

// TestKioskPoints: the 积分查询 tile waits for a card; a swiped card shows
// its balance and latest entries with the card number masked and nothing
// personal; a lost card and a replaced card say so without points; an
// unknown card and a garbled read say so; the look-ups write nothing.
func TestKioskPoints(t *testing.T) {
	kh := newKioskHarness(t)
	k := kh.k
	ctx := context.Background()
	m := kh.signupMember("0A00C3F5E1")
	if m.Points != 319 {
		t.Fatalf("points %d", m.Points)
	}
	before := len(kh.journalKinds())
	noPersonal := func(where string) {
		t.Helper()
		all := kh.texts()
		for _, bad := range []string{"欧阳", "娜娜", "13611112222", "2222", testIDA, "002X", "0A00C3F5E1", "0A00C3", "A20261125000123", "T-1001", "星光咖啡", m.No, "****"} {
			if strings.Contains(all, bad) {
				t.Fatalf("%s: the kiosk shows %q: %s", where, bad, all)
			}
		}
	}
	want := func(where string, words ...string) {
		t.Helper()
		all := kh.texts()
		for _, w := range words {
			if !strings.Contains(all, w) {
				t.Fatalf("%s lacks %q: %s", where, w, all)
			}
		}
		noPersonal(where)
	}

	test.Tap(k.start.tiles["points"])
	want("tile", "请刷积分卡", "请将积分卡贴近读卡区")
	k.HandleCard(devices.Card{ID: "0a00c3f5e1"})
	want("active card", "积分卡：尾号 F5E1", "积分余额：319 分", "最近积分记录：", "2026-11-25　补录积分　+59", "2026-11-25　办卡积分　+260")

	// From the start screen, the swipe opens the page itself.
	k.Home()
	k.HandleCard(devices.Card{ID: "0A00C3F5E1"})
	if k.Page() != "points" {
		t.Fatalf("page %s", k.Page())
	}
	want("swipe from start", "积分余额：319 分")

	k.HandleCard(devices.Card{ID: "FFFF000001"})
	want("unknown", "查询不到积分：尾号 0001 的卡不是本广场的积分卡")
	if strings.Contains(kh.texts(), "积分余额：") {
		t.Fatalf("unknown card left the balance: %s", kh.texts())
	}
	k.HandleCard(devices.Card{ID: "\x02??"})
	want("garbled", "查询不到积分：无法识别的卡")

	// Nothing of the customer stays once the kiosk goes home.
	k.HandleCard(devices.Card{ID: "0A00C3F5E1"})
	k.Home()
	test.Tap(k.start.tiles["points"])
	if strings.Contains(kh.texts(), "319") {
		t.Fatalf("the last balance stayed: %s", kh.texts())
	}
	if got := kh.journalKinds()[before:]; len(got) != 0 {
		t.Fatalf("the look-ups journaled %v", got)
	}

	// Lost: frozen, no balance.
	if _, err := kh.svc.Members.ReportLoss(ctx, kh.clerk, m.ID); err != nil {
		t.Fatal(err)
	}
	k.HandleCard(devices.Card{ID: "0A00C3F5E1"})
	want("lost", "尾号 F5E1", "此卡已挂失冻结")
	if strings.Contains(kh.texts(), "319") {
		t.Fatalf("a lost card shows its balance: %s", kh.texts())
	}
	// Replaced: the old card is void, the new one has the points.
	if _, err := kh.svc.Members.Reissue(ctx, kh.clerk, m.ID, "0A00C3F5E2"); err != nil {
		t.Fatal(err)
	}
	k.HandleCard(devices.Card{ID: "0A00C3F5E1"})
	want("replaced", "此卡已补办作废，积分已转入新卡。")
	if strings.Contains(kh.texts(), "319") {
		t.Fatalf("a replaced card shows its balance: %s", kh.texts())
	}
	k.HandleCard(devices.Card{ID: "0A00C3F5E2"})
	want("new card", "尾号 F5E2", "积分余额：319 分", "补办转入　+319")
	kh.verify()
}

// TestKioskPointsUnavailable: without a points service the tile and a
// swipe say the service is not available here.
func TestKioskPointsUnavailable(t *testing.T) {
	kh := newKioskHarness(t)
	kh.k.svc.Points = nil
	kh.k.Home()
	kh.k.HandleCard(devices.Card{ID: "0A00C3F5E1"})
	if kh.k.Page() != "points" || !strings.Contains(kh.texts(), "“积分查询”本版本暂未开放自助查询，请到服务台办理。") {
		t.Fatalf("no points service: %s", kh.texts())
	}
}

// signupMemberB issues a second member's card (another name, mobile, ID).
func (kh *kioskHarness) signupMemberB(card string) ledger.Member {
	kh.t.Helper()
	shops, err := kh.svc.Members.Shops(context.Background())
	if err != nil || len(shops) == 0 {
		kh.t.Fatalf("shops %v %v", shops, err)
	}
	m, err := kh.svc.Members.Signup(context.Background(), kh.clerk, ledger.SignupRequest{Name: "李四", Mobile: "13900001111", ResidentID: testIDB,
		CardNo: card, Receipts: []ledger.ShopReceipt{{ShopID: shops[0].ID, No: "A20261125000999", Amount: ledger.Yuan(300), Date: "2026-11-25"}}})
	if err != nil {
		kh.t.Fatal(err)
	}
	return m
}
