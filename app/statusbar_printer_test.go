package app

import (
	"testing"

	"fyne.io/fyne/v2/widget"
)

// A printer whose status is not asked shows 状态未知 in plain text: not
// the green 正常 nor the red 未连接.
func TestStatusBarPrinterStates(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	for _, c := range []struct {
		st   DeviceState
		text string
		imp  widget.Importance
	}{
		{DeviceState{Label: "状态未知", Unknown: true}, "打印机：状态未知", widget.MediumImportance},
		{DeviceState{Label: "正常", OK: true}, "打印机：正常", widget.SuccessImportance},
		{DeviceState{Label: "未连接"}, "打印机：未连接", widget.DangerImportance},
		{DeviceState{Label: "未配置", Off: true}, "打印机：未配置", widget.LowImportance},
	} {
		st := c.st
		h.ui.cfg.Printer = func() DeviceState { return st }
		sh.status.refresh()
		if sh.status.printer.Text != c.text || sh.status.printer.Importance != c.imp {
			t.Errorf("%+v: %q importance %v, want %q %v", st, sh.status.printer.Text, sh.status.printer.Importance, c.text, c.imp)
		}
	}
}
