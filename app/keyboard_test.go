package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"servicedesk/ledger"
)

// press sends a key the way the desktop driver does: to the focused
// widget, or to the window when nothing has the focus.
func (h *harness) press(name fyne.KeyName) {
	h.t.Helper()
	ev := &fyne.KeyEvent{Name: name}
	if f := h.win.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	h.win.Canvas().OnTypedKey()(ev)
}

// typeKeys types text the way the desktop driver does (focused widget, or
// the window's rune handler when nothing has the focus).
func (h *harness) typeKeys(text string) {
	h.t.Helper()
	for _, r := range text {
		if f := h.win.Canvas().Focused(); f != nil {
			f.TypedRune(r)
		} else {
			h.win.Canvas().OnTypedRune()(r)
		}
	}
}

// focused fails unless want has the keyboard focus.
func (h *harness) focused(want fyne.Focusable, what string) {
	h.t.Helper()
	if got := h.win.Canvas().Focused(); got != want {
		h.t.Fatalf("%s: focus on %s, want %s", what, describeFocus(got), describeFocus(want))
	}
}

func describeFocus(f fyne.Focusable) string {
	if f == nil {
		return "nothing"
	}
	if o, ok := f.(fyne.CanvasObject); ok {
		return describe(o)
	}
	return "?"
}

// TestFocusBackToFirstFieldAfterEveryAction: after a lend, a return, a
// cancelled confirmation, a cancelled approval, an error message and a
// stock intake, the cursor is back in the service's first field, so the
// next umbrella number typed lands there (not in the scan box as 无效凭证).
func TestFocusBackToFirstFieldAfterEveryAction(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	h.focused(s.item, "counter opened")

	// Lend by keyboard: number, Enter, Enter (confirm), Enter (close the
	// receipt preview).
	h.typeKeys("U-001")
	h.press(fyne.KeyReturn)
	h.press(fyne.KeyReturn)
	if s.preview == nil || h.ui.message == nil {
		t.Fatalf("no receipt preview: %q", h.ui.LastError())
	}
	h.press(fyne.KeyReturn)
	h.focused(s.item, "receipt preview closed with Enter")
	h.typeKeys("U-002")
	if s.item.Text != "U-002" || sh.scan.Text != "" || h.ui.LastError() != "" {
		t.Fatalf("next number went astray: item %q scan %q error %q", s.item.Text, sh.scan.Text, h.ui.LastError())
	}

	// A cancelled confirmation.
	h.press(fyne.KeyReturn)
	if h.ui.pending == nil {
		t.Fatal("no confirmation")
	}
	h.press(fyne.KeyEscape)
	h.focused(s.item, "confirmation cancelled")

	// An error message (no number), closed with Enter.
	s.item.SetText("")
	h.press(fyne.KeyReturn)
	if h.ui.message == nil || h.ui.LastError() == "" {
		t.Fatal("no error shown")
	}
	h.press(fyne.KeyReturn)
	h.focused(s.item, "error closed")

	// A return: scan the card, 1, Enter (confirm), Enter (close the slip).
	l, err := h.svc.Lending.LoanByReceipt(h.ui.ctx, s.preview.receiptNo)
	if err != nil {
		t.Fatal(err)
	}
	h.press(fyne.KeyF12)
	h.typeKeys(l.Token)
	h.press(fyne.KeyReturn)
	h.focused(s.fine, "loan found")
	h.typeKeys("1")
	h.press(fyne.KeyReturn)
	if got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID); got.Status != ledger.LoanReturned {
		t.Fatalf("not returned: %+v (%q)", got, h.ui.LastError())
	}
	h.press(fyne.KeyReturn)
	h.focused(s.item, "return slip closed")

	// A cancelled approval (Esc).
	l2 := h.lendThroughScreen(s, "U-003", "")
	h.ui.closeMessage()
	s.showLoan(&l2)
	h.typeKeys("3")
	if d := h.ui.lastApproval; d == nil || !d.pop.Visible() {
		t.Fatal("3 did not ask for approval")
	}
	h.press(fyne.KeyEscape)
	if h.ui.lastApproval.pop.Visible() {
		t.Fatal("Esc did not cancel the approval")
	}
	h.focused(s.item, "approval cancelled")

	// A stock intake: the intake field again.
	s.tabs.SelectIndex(1)
	h.focused(s.addItems, "stock tab opened")
	h.typeKeys("U-050~U-051")
	h.press(fyne.KeyReturn)
	h.press(fyne.KeyReturn)
	h.focused(s.addItems, "items added")
}

// TestTabOrderFollowsTheWork: Tab from the item number goes to the phone,
// then to the lend button; the stock picker comes after them.
func TestTabOrderFollowsTheWork(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	c := h.win.Canvas()
	h.focused(s.item, "start")
	c.FocusNext()
	h.focused(s.phone, "Tab from the item")
	c.FocusNext()
	h.focused(s.lend, "Tab from the phone")
	c.FocusNext()
	if c.Focused() != s.picker {
		t.Fatalf("after lend: %s", describeFocus(c.Focused()))
	}
	// Typing the phone after Tab lands in the phone field, not the picker.
	c.Focus(s.item)
	h.typeKeys("U-001")
	c.FocusNext()
	h.typeKeys("13812341234")
	if s.phone.Text != "13812341234" || s.item.Text != "U-001" {
		t.Fatalf("item %q phone %q", s.item.Text, s.phone.Text)
	}
}

// TestReturnActionsHaveKeys: after a loan is found its actions carry their
// keys, the first has the focus, and 1–4 act from the keyboard.
func TestReturnActionsHaveKeys(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lending(ledger.KindUmbrella)
	l := h.lendThroughScreen(s, "U-001", "")
	h.ui.closeMessage()
	for i, b := range s.returnButtons() {
		if want := string(rune('1' + i)); !strings.HasPrefix(b.Text, want+" ") {
			t.Errorf("button %q does not show its key %s", b.Text, want)
		}
	}
	h.win.Canvas().Focus(s.code)
	h.typeKeys(l.ReceiptNo)
	h.press(fyne.KeyReturn)
	h.focused(s.fine, "loan found")
	if !s.fine.HasFocus() {
		t.Fatal("the focused action does not know it")
	}
	// 1: the full refund, shown large in green.
	h.typeKeys("1")
	if h.ui.pending == nil || h.ui.lastMoney == nil || h.ui.lastMoney.Text != "应退 ￥50.00" {
		t.Fatalf("1: pending=%v money=%+v", h.ui.pending != nil, h.ui.lastMoney)
	}
	h.press(fyne.KeyEscape)
	// 2: the damage list; its own keys pick the damage.
	h.win.Canvas().Focus(s.fine)
	h.typeKeys("2")
	if s.damagePick == nil || h.win.Canvas().Focused() != s.damagePick.buttons[0] {
		t.Fatal("2 did not open the damage list with the focus on it")
	}
	h.typeKeys("1")
	if h.ui.pending == nil || h.ui.lastMoney.Text != "应退 ￥30.00" {
		t.Fatalf("damage 1: money %+v", h.ui.lastMoney)
	}
	h.press(fyne.KeyEscape)
	// 3: the forfeit needs a supervisor.
	h.win.Canvas().Focus(s.fine)
	h.typeKeys("3")
	if d := h.ui.lastApproval; d == nil || !d.pop.Visible() || h.ui.lastMoney.Text != "应退 ￥0.00" {
		t.Fatal("3 did not open the approval with the money")
	}
	h.press(fyne.KeyEscape)
	// 4: a copy of the deposit card.
	h.win.Canvas().Focus(s.fine)
	h.typeKeys("4")
	if !strings.Contains(h.ui.lastInfo, "补打") {
		t.Fatalf("4: %q", h.ui.lastInfo)
	}
	h.press(fyne.KeyReturn)
	// A scanner typing while an action has the focus: the scan box takes it.
	h.win.Canvas().Focus(s.fine)
	h.typeKeys("SD1.")
	if h.ui.shell.scan.Text != "SD1." {
		t.Fatalf("scan box = %q", h.ui.shell.scan.Text)
	}
	if got, _ := h.svc.Lending.Loan(h.ui.ctx, l.ID); got.Status != ledger.LoanOpen {
		t.Fatalf("a cancelled key changed the loan: %+v", got)
	}
}

// TestFocusRingVisibleInBothThemes renders the focused return action in the
// light and the dark theme and finds the ring's colour around it, with
// enough contrast to the background to be seen.
func TestFocusRingVisibleInBothThemes(t *testing.T) {
	for _, choice := range []string{themeLight, themeDark} {
		t.Run(choice, func(t *testing.T) {
			h := newHarness(t, true)
			set, _ := h.svc.Settings.Settings(h.ui.ctx)
			set.Theme = choice
			if err := h.svc.Settings.UpdateSettings(h.ui.ctx, h.admin, set); err != nil {
				t.Fatal(err)
			}
			h.mustShell("li")
			s := h.lending(ledger.KindUmbrella)
			l := h.lendThroughScreen(s, "U-001", "")
			h.ui.closeMessage()
			s.showLoan(&l)
			th := h.ui.app.Settings().Theme()
			v := h.ui.app.Settings().ThemeVariant()
			ring := th.Color(colorNameFocusRing, v)
			if r := contrast(ring, th.Color("background", v)); r < 3 {
				t.Fatalf("focus ring contrast %.2f < 3", r)
			}
			count := func() int {
				img := h.win.Canvas().Capture()
				pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.fine)
				scale := float32(img.Bounds().Dx()) / h.win.Canvas().Size().Width
				n := 0
				x0, y0 := int(pos.X*scale), int(pos.Y*scale)
				x1, y1 := int((pos.X+s.fine.Size().Width)*scale), int((pos.Y+s.fine.Size().Height)*scale)
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						if near(img.At(x, y), ring) {
							n++
						}
					}
				}
				return n
			}
			with := count()
			h.win.Canvas().Focus(s.item)
			without := count()
			if with < 100 || without != 0 {
				t.Fatalf("ring pixels: %d focused, %d unfocused", with, without)
			}
		})
	}
}
