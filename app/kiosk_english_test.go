package app

import (
	"context"
	"os"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/test"

	"servicedesk/devices"
)

// TestEnglishKioskAndHandover: in English, every kiosk page and the
// handover screen draw no Chinese but the mall's and staff's own names; it
// only runs in TestEnglishUI's child process.
func TestEnglishKioskAndHandover(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestEnglishUI")
	}
	kh := newKioskHarness(t)
	k := kh.k
	names := strings.NewReplacer("测试广场", "", "北门服务台", "", "李柜员", "", "￥", "")
	noHan := func(where, text string) {
		t.Helper()
		for _, r := range names.Replace(text) {
			if unicode.Is(unicode.Han, r) {
				t.Fatalf("%s shows Chinese %q: %s", where, string(r), text)
			}
		}
	}
	if !strings.Contains(kh.texts(), "Self-service") || !strings.Contains(kh.texts(), "My loan") {
		t.Fatalf("start: %s", kh.texts())
	}
	noHan("start", kh.texts())
	for _, id := range []string{"loan", "found", "info", "rate", "points"} {
		k.Home()
		test.Tap(k.start.tiles[id])
		noHan(id, kh.texts())
	}
	// A swiped card: active, lost, unknown.
	m := kh.signupMember("0A00C3F5E1")
	for _, card := range []string{"0A00C3F5E1", "FFFF000001"} {
		k.HandleCard(devices.Card{ID: card})
		noHan("points "+card, kh.texts())
	}
	if !strings.Contains(kh.texts(), "not a point card") {
		t.Fatalf("unknown card: %s", kh.texts())
	}
	if _, err := kh.svc.Members.ReportLoss(context.Background(), kh.clerk, m.ID); err != nil {
		t.Fatal(err)
	}
	k.HandleCard(devices.Card{ID: "0A00C3F5E1"})
	noHan("points lost", kh.texts())
	if !strings.Contains(kh.texts(), "frozen") {
		t.Fatalf("lost card: %s", kh.texts())
	}
	k.Home()
	test.Tap(k.start.staff)
	noHan("exit", kh.texts())

	kh.withHandover()
	sh := kh.mustShell("li")
	test.Tap(sh.status.logout)
	if !kh.ui.HandoverShown() {
		t.Fatal("no handover screen")
	}
	noHan("handover", strings.Join(drawnTexts(kh.win.Content()), ""))
}
