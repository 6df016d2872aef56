package sqlstore

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// TestFeedbackLogForwardAnswer logs oral feedback with a contact: the
// contact goes to the personal-data store (the row and the journal keep
// the id and the mask), it is forwarded to the chosen supervisor, due in
// 24 hours, overdue after that until a supervisor answers; the answer is
// recorded once.
func TestFeedbackLogForwardAnswer(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	fb := NewFeedbackService(f.db)
	got, err := fb.LogFeedback(ctx, f.clerk, ledger.FeedbackRequest{Channel: ledger.FeedbackOral, Category: ledger.CategoryCleaning,
		Complaint: true, Text: "三楼洗手间没有纸巾", ContactName: "张三丰", ContactMobile: "13812345678", SupervisorID: f.sup.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got.SupervisorName != "王主管" || got.ReceivedByName != "李柜员" || got.ContactMasked != "张** 138****5678" || got.PersonID == "" {
		t.Fatalf("logged %+v", got)
	}
	if want := f.clock.Now().Add(24 * time.Hour); !got.DueAt.Equal(want) {
		t.Fatalf("due %v, want %v", got.DueAt, want)
	}
	rec, err := f.pd.Record(ctx, got.PersonID)
	if err != nil || rec.Purpose != ledger.PurposeFeedback {
		t.Fatalf("person record %+v %v", rec, err)
	}
	// Nothing whole of the contact in the journal or the database file.
	es, _ := f.journal.Entries(ctx, 0, 1000)
	for _, e := range es {
		if strings.Contains(string(e.Data), "13812345678") || strings.Contains(string(e.Data), "张三丰") {
			t.Fatalf("contact in journal entry %s: %s", e.Kind, e.Data)
		}
	}
	if !onPostgres() {
		for _, p := range []string{f.path, f.path + "-wal"} {
			raw, _ := os.ReadFile(p)
			if strings.Contains(string(raw), "13812345678") {
				t.Fatalf("whole mobile in %s", p)
			}
		}
	}
	sum, err := fb.FeedbackSummary(ctx)
	if err != nil || sum.Open != 1 || sum.Overdue != 0 {
		t.Fatalf("summary %+v %v", sum, err)
	}
	f.clock.Add(25 * time.Hour)
	sum, _ = fb.FeedbackSummary(ctx)
	if sum.Overdue != 1 {
		t.Fatalf("not overdue after 25 h: %+v", sum)
	}
	list, _ := fb.Feedbacks(ctx, ledger.FeedbackFilter{ForStaff: f.sup.ID})
	if len(list) != 1 || !list[0].Overdue(f.clock.Now()) || list[0].StatusLabel(f.clock.Now()) != "已逾期" {
		t.Fatalf("supervisor's list %+v", list)
	}
	if _, err := fb.AnswerFeedback(ctx, f.clerk, got.ID, "已补充纸巾"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk answered: %v", err)
	}
	n := f.journalLen(t)
	if _, err := fb.AnswerFeedback(ctx, f.sup, got.ID, " "); ledger.ErrorCode(err) != ledger.EINVALID || f.journalLen(t) != n {
		t.Fatalf("empty answer: %v", err)
	}
	ans, err := fb.AnswerFeedback(ctx, f.sup, got.ID, "已通知保洁补充纸巾，并电话回复顾客")
	if err != nil || !ans.Answered() || ans.AnsweredByName != "王主管" || ans.Overdue(f.clock.Now()) {
		t.Fatalf("answer %+v %v", ans, err)
	}
	if _, err := fb.AnswerFeedback(ctx, f.admin, got.ID, "再答一次"); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second answer: %v", err)
	}
	sum, _ = fb.FeedbackSummary(ctx)
	if sum.Open != 0 || sum.Overdue != 0 {
		t.Fatalf("summary after answer %+v", sum)
	}
	kinds := map[string]int{}
	es, _ = f.journal.Entries(ctx, 0, 1000)
	for _, e := range es {
		kinds[e.Kind]++
	}
	if kinds["feedback.log"] != 1 || kinds["feedback.answer"] != 1 || kinds["personal.collect"] != 1 {
		t.Fatalf("journal kinds %v", kinds)
	}
	if res, err := f.journal.Verify(ctx); err != nil || !res.OK {
		t.Fatalf("verify %+v %v", res, err)
	}
}

// TestFeedbackBadInputChangesNothing: every refused request leaves the
// journal, the feedback table and the personal-data store as they were.
func TestFeedbackBadInputChangesNothing(t *testing.T) {
	f := newPDFixture(t)
	ctx := context.Background()
	fb := NewFeedbackService(f.db)
	ok := ledger.FeedbackRequest{Channel: ledger.FeedbackWritten, Category: ledger.CategoryService, Text: "服务很好", SupervisorID: f.sup.ID}
	n := f.journalLen(t)
	for name, mut := range map[string]func(r *ledger.FeedbackRequest){
		"channel":        func(r *ledger.FeedbackRequest) { r.Channel = "email" },
		"category":       func(r *ledger.FeedbackRequest) { r.Category = "x" },
		"empty text":     func(r *ledger.FeedbackRequest) { r.Text = "  " },
		"long text":      func(r *ledger.FeedbackRequest) { r.Text = strings.Repeat("好", 501) },
		"control text":   func(r *ledger.FeedbackRequest) { r.Text = "好\u202e评" },
		"bad mobile":     func(r *ledger.FeedbackRequest) { r.ContactMobile = "12345" },
		"clerk as sup":   func(r *ledger.FeedbackRequest) { r.SupervisorID = f.clerk.ID },
		"no sup":         func(r *ledger.FeedbackRequest) { r.SupervisorID = 0 },
		"short due":      func(r *ledger.FeedbackRequest) { r.Due = time.Minute },
		"long due":       func(r *ledger.FeedbackRequest) { r.Due = 40 * 24 * time.Hour },
		"unknown sup id": func(r *ledger.FeedbackRequest) { r.SupervisorID = 999 },
	} {
		r := ok
		mut(&r)
		if _, err := fb.LogFeedback(ctx, f.clerk, r); ledger.ErrorCode(err) != ledger.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := f.journalLen(t); got != n {
		t.Fatalf("journal grew from %d to %d", n, got)
	}
	if _, total, _ := f.pd.Records(ctx, 0, 10); total != 0 {
		t.Fatalf("%d personal records left by refused requests", total)
	}
	if _, err := fb.LogFeedback(ctx, ledger.Staff{}, ok); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("no login: %v", err)
	}
	if _, err := fb.LogFeedback(ctx, f.clerk, ok); err != nil {
		t.Fatal(err)
	}
}

// TestRatings: scores 1–5 only, journaled by the system, one per source
// within MinRatingGap; the averages count all and the last 30 days; the
// rows cannot be changed or deleted.
func TestRatings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fb := NewFeedbackService(f.db)
	n := f.journalLen(t)
	for _, bad := range []int{0, 6, -1} {
		if err := fb.Rate(ctx, bad, ledger.RatingKiosk); ledger.ErrorCode(err) != ledger.EINVALID {
			t.Fatalf("score %d: %v", bad, err)
		}
	}
	if err := fb.Rate(ctx, 5, ""); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("empty source: %v", err)
	}
	if f.journalLen(t) != n {
		t.Fatal("refused ratings were journaled")
	}
	if err := fb.Rate(ctx, 5, ledger.RatingKiosk); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(5 * time.Second)
	if err := fb.Rate(ctx, 1, ledger.RatingKiosk); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second rating within the gap: %v", err)
	}
	if err := fb.Rate(ctx, 4, ledger.RatingCounter); err != nil {
		t.Fatalf("other source: %v", err)
	}
	f.clock.Add(40 * 24 * time.Hour)
	for _, s := range []int{3, 4} {
		f.clock.Add(ledger.MinRatingGap)
		if err := fb.Rate(ctx, s, ledger.RatingKiosk); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := fb.FeedbackSummary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ratings != 4 || sum.Average() != 4.0 || sum.RecentRatings != 2 || sum.RecentAverage() != 3.5 || sum.MeetsTarget() {
		t.Fatalf("summary %+v avg %.2f recent %.2f", sum, sum.Average(), sum.RecentAverage())
	}
	es, _ := f.journal.Entries(ctx, 0, 1000)
	last := es[len(es)-1]
	if last.Kind != "feedback.rating" || last.StaffID != 0 || string(last.Data) != `{"score":4,"source":"kiosk"}` {
		t.Fatalf("rating entry %+v %s", last, last.Data)
	}
	for _, q := range []string{"UPDATE ratings SET score = 5", "DELETE FROM ratings", "UPDATE handovers SET note = 'x'"} {
		if _, err := f.db.SQL().Exec(q); err == nil && !strings.Contains(q, "handovers") {
			t.Fatalf("%s allowed", q)
		} else if err != nil && f.db.Classify(err) != ErrImmutable {
			t.Fatalf("%s: %v (%s)", q, err, f.db.Classify(err))
		}
	}
}

// TestFeedbackRowsImmutable: the feedback row's content never changes and
// its answer is written once, whoever writes to the database.
func TestFeedbackRowsImmutable(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fb := NewFeedbackService(f.db)
	got, err := fb.LogFeedback(ctx, f.clerk, ledger.FeedbackRequest{Channel: ledger.FeedbackWritten, Category: ledger.CategoryPraise,
		Text: "李柜员很耐心", SupervisorID: f.sup.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fb.AnswerFeedback(ctx, f.sup, got.ID, "已转告本人，谢谢"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE feedback SET text = 'x'", "UPDATE feedback SET answer = 'x'", "DELETE FROM feedback",
		"UPDATE feedback SET due_at = ''"} {
		_, err := f.db.SQL().Exec(q)
		if err == nil || f.db.Classify(err) != ErrImmutable {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
