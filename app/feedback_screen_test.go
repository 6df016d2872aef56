package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// drawnTexts walks o as it is drawn (containers, then each widget's
// renderer) and returns every visible text: what a person could read.
func drawnTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *canvas.Text:
			if v.Text != "" {
				out = append(out, v.Text)
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
	walk(o)
	return out
}

// feedbackScreen opens the feedback screen of the staff on duty.
func (h *harness) feedbackScreen() *feedbackScreen {
	h.t.Helper()
	h.ui.shell.open("feedback")
	s, ok := h.ui.shell.screens["feedback"].(*feedbackScreen)
	if !ok {
		h.t.Fatal("no feedback screen")
	}
	return s
}

// TestFeedbackScreen: a clerk logs oral feedback with a contact; it is
// forwarded to the chosen supervisor, due in 24 hours, the contact shows
// masked only; bad input changes nothing; after 25 hours it is flagged
// overdue (list and service list); the supervisor sees open, overdue and
// the satisfaction average against 4.2, and records the answer.
func TestFeedbackScreen(t *testing.T) {
	h := newHarness(t, true)
	h.withHandover()
	h.mustShell("li")
	s := h.feedbackScreen()
	if s.summary.Visible() || strings.Contains(strings.Join(drawnTexts(s.root), "|"), "记录答复") {
		t.Fatal("a clerk sees the supervisors' summary or the answer button")
	}
	n := len(h.journalKinds())
	test.Type(s.text, "三楼洗手间没有纸巾")
	test.Tap(s.submit)
	if !strings.Contains(h.ui.LastError(), "请选择意见类别") || len(h.journalKinds()) != n {
		t.Fatalf("no category: %q", h.ui.LastError())
	}
	h.ui.closeMessage()
	s.category.SetSelected("环境卫生")
	s.complaint.SetChecked(true)
	test.Type(s.name, "张三丰")
	test.Type(s.mobile, "138 1234 5678")
	s.supervisor.SetSelected("王主管（主管）")
	test.Tap(s.submit)
	if !strings.Contains(s.message.Text, "意见 #1 已登记，转交 王主管") {
		t.Fatalf("message %q (error %q)", s.message.Text, h.ui.LastError())
	}
	if s.text.Text != "" || s.name.Text != "" || s.mobile.Text != "" {
		t.Fatal("form not emptied for the next customer")
	}
	if len(s.rows) != 1 || !strings.Contains(s.rows[0].Text, "#1 【待答复】 投诉·环境卫生 三楼洗手间没有纸巾 ＞ 王主管") {
		t.Fatalf("rows %v", s.rows)
	}
	if !strings.Contains(s.detail.Text, "联系人：张** 138****5678") || !strings.Contains(s.detail.Text, "11-26 10:00 前答复") {
		t.Fatalf("detail %q", s.detail.Text)
	}
	all := strings.Join(drawnTexts(h.win.Content()), "|")
	if !strings.Contains(all, "138****5678") || !strings.Contains(all, "登记顾客意见") {
		t.Fatalf("the walk misses what is drawn: %s", all)
	}
	if strings.Contains(all, "13812345678") || strings.Contains(all, "张三丰") {
		t.Fatalf("contact in full on screen: %s", all)
	}
	h.clock.Add(25 * time.Hour)
	h.ui.shell.open("feedback")
	if !strings.Contains(s.rows[0].Text, "【已逾期】") || s.rows[0].Importance != widget.DangerImportance {
		t.Fatalf("not flagged overdue: %q", s.rows[0].Text)
	}
	var nav string
	for _, it := range h.ui.shell.nav {
		if it.id == "feedback" {
			nav = it.button.Text
		}
	}
	if !strings.Contains(nav, "1 逾期") {
		t.Fatalf("nav %q", nav)
	}
	// Two kiosk ratings: 5 and 4.
	rs := sqlstore.NewFeedbackService(h.db)
	if err := rs.Rate(context.Background(), 5, ledger.RatingKiosk); err != nil {
		t.Fatal(err)
	}
	h.clock.Add(time.Minute)
	if err := rs.Rate(context.Background(), 4, ledger.RatingKiosk); err != nil {
		t.Fatal(err)
	}
	h.ui.Logout()
	h.mustShell("wang")
	s = h.feedbackScreen()
	if !s.summary.Visible() || s.summary.Text != "待答复 1 条，已逾期 1 条\n满意度 4.50 分（近 30 天 2 次评分，目标 4.2 分，达标）" {
		t.Fatalf("summary %q", s.summary.Text)
	}
	test.Tap(s.rows[0])
	test.Type(s.answer, "已通知保洁补充，电话回复顾客")
	test.Tap(s.reply)
	if !strings.Contains(s.message.Text, "意见 #1 的答复已记录") || !strings.Contains(s.rows[0].Text, "【已答复】") {
		t.Fatalf("after answer: %q / %q (error %q)", s.message.Text, s.rows[0].Text, h.ui.LastError())
	}
	if !strings.HasPrefix(s.summary.Text, "待答复 0 条，已逾期 0 条") || !s.reply.Disabled() {
		t.Fatalf("summary after answer %q", s.summary.Text)
	}
	kinds := strings.Join(h.journalKinds(), ",")
	for _, k := range []string{"personal.collect", "feedback.log", "feedback.rating", "feedback.answer"} {
		if !strings.Contains(kinds, k) {
			t.Fatalf("journal lacks %s: %s", k, kinds)
		}
	}
	h.verify()
}

// TestFeedbackScreenBelowTarget: an average under 4.2 says 未达标.
func TestFeedbackScreenBelowTarget(t *testing.T) {
	h := newHarness(t, true)
	h.withHandover()
	if err := sqlstore.NewFeedbackService(h.db).Rate(context.Background(), 3, ledger.RatingKiosk); err != nil {
		t.Fatal(err)
	}
	h.mustShell("wang")
	s := h.feedbackScreen()
	if !strings.Contains(s.summary.Text, "满意度 3.00 分（近 30 天 1 次评分，目标 4.2 分，未达标）") || s.summary.Importance != widget.DangerImportance {
		t.Fatalf("summary %q", s.summary.Text)
	}
}
