package app

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
)

// withDisplay gives the harness a customer display in a second window.
func (h *harness) withDisplay() (*CustomerDisplay, fyne.Window) {
	w := test.NewTempWindow(h.t, nil)
	w.Resize(fyne.NewSize(800, 600))
	d := NewCustomerDisplay(w, h.clock.Now)
	h.ui.cfg.CustomerDisplay = d
	return d, w
}

// displayAllowed is everything the customer display may ever draw besides
// amounts.
var displayAllowed = map[string]bool{"欢迎光临": true, "服务台竭诚为您服务": true, "应收": true, "应退": true,
	"请保管好您的凭证": true, "谢谢光临，祝您购物愉快！": true}

// checkDisplay fails when the display draws anything but its own lines and
// the amount want ("" for none).
func checkDisplay(t *testing.T, d *CustomerDisplay, want ...string) {
	t.Helper()
	got := drawnTexts(d.Content())
	for _, s := range got {
		if !displayAllowed[s] && !strings.HasPrefix(s, "￥") {
			t.Fatalf("customer display shows %q (all: %q)", s, got)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("customer display shows %q, want %q", got, want)
	}
}

// TestCustomerDisplay: lending shows 应收 ￥50.00 while the clerk confirms,
// then the deposit card's QR (the signed token, read back with zbarimg)
// and the thanks; 30 seconds later the welcome. A cancelled confirmation
// goes back to the welcome; a return shows 应退. The clerk's screen (the
// phone mask, the item, names, the shift's 净收) never reaches it.
func TestCustomerDisplay(t *testing.T) {
	h := newHarness(t, true)
	d, w := h.withDisplay()
	checkDisplay(t, d, "欢迎光临", "服务台竭诚为您服务")
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	test.Type(s.item, "U-001")
	test.Type(s.phone, "13812345678")
	s.item.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.confirm == nil || d.State() != "amount" {
		t.Fatalf("no amount on the display: %s (error %q)", d.State(), h.ui.LastError())
	}
	checkDisplay(t, d, "应收", "￥50.00")
	s.confirm.Confirm()
	s.confirm = nil
	if d.State() != "receipt" || d.QR() == nil {
		t.Fatalf("no receipt QR on the display: %s", d.State())
	}
	checkDisplay(t, d, "请保管好您的凭证", "谢谢光临，祝您购物愉快！")
	loans, _, err := h.svc.Lending.OpenLoans(h.ui.ctx, ledger.KindUmbrella, 0, 10)
	if err != nil || len(loans) != 1 {
		t.Fatalf("loans %v %v", loans, err)
	}
	if zbar, err := exec.LookPath("zbarimg"); err == nil {
		path := filepath.Join(t.TempDir(), "display.png")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
		if err != nil {
			t.Fatalf("zbarimg on the display: %v", err)
		}
		if got := strings.TrimSpace(string(out)); got != loans[0].Token {
			t.Fatalf("display QR reads %q, want the deposit card's token %q", got, loans[0].Token)
		}
	}
	h.clock.Add(displayIdle - time.Second)
	h.ui.Tick()
	if d.State() != "receipt" {
		t.Fatal("receipt left the display too early")
	}
	h.clock.Add(time.Second)
	h.ui.Tick()
	checkDisplay(t, d, "欢迎光临", "服务台竭诚为您服务")
	h.ui.closeMessage()

	// A cancelled confirmation goes back to the welcome.
	test.Type(s.item, "U-002")
	s.item.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	checkDisplay(t, d, "应收", "￥50.00")
	h.press(fyne.KeyEscape)
	checkDisplay(t, d, "欢迎光临", "服务台竭诚为您服务")

	// Returning shows the refund.
	h.ui.handleScan(loans[0].Token)
	if s.fine.Disabled() {
		t.Fatalf("scan did not open the loan: %q", h.ui.LastError())
	}
	test.Tap(s.fine)
	checkDisplay(t, d, "应退", "￥50.00")

	// The shift's net cash at 交班 is the clerk's: never on the display.
	h.press(fyne.KeyEscape)
	h.ui.askHandover()
	checkDisplay(t, d, "欢迎光临", "服务台竭诚为您服务")
}
