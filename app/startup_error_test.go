package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The startup error window shows the whole message (scrollable, wrapped) and
// its Close button closes it.
func TestStartupErrorWindow(t *testing.T) {
	a := test.NewTempApp(t)
	ApplyTheme(a)
	msg := "无法打开数据库 /data/servicedesk.db：数据库版本（9）比本程序（3）新，请升级程序；数据库未作任何改动\n\n请这样处理：请安装该版本或更新的服务台程序。\n\n详细信息已写入日志：/data/servicedesk.log"
	s := NewStartupError(a, "服务台无法启动 Service Desk could not start", msg)
	s.Window.Show()
	if s.Window.Title() != "服务台无法启动 Service Desk could not start" {
		t.Errorf("title %q", s.Window.Title())
	}
	if s.Message.Text != msg || s.Message.Wrapping != fyne.TextWrapWord {
		t.Errorf("message %q wrapping %v", s.Message.Text, s.Message.Wrapping)
	}
	// The message is on the canvas (not only in a field).
	found := false
	for _, o := range test.LaidOutObjects(s.Window.Content()) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "请这样处理") && l.Visible() {
			found = true
		}
	}
	if !found {
		t.Error("message not laid out in the window")
	}
	if sz := s.Window.Canvas().Size(); sz.Width > 1024 || sz.Height > 768 {
		t.Errorf("window %v larger than a 1024x768 screen", sz)
	}
	closed := false
	s.Window.SetOnClosed(func() { closed = true })
	test.Tap(s.Close)
	if !closed {
		t.Error("Close did not close the window")
	}
}
