package ledger

import (
	"context"
	"strings"
	"time"
)

// Customer feedback (顾客意见, procedures 5.2.6): oral and written opinions,
// suggestions, praise and complaints are logged at the counter, passed to a
// supervisor the same hour, and followed up: each has a due time for the
// answer (24 hours by default) and is flagged overdue until the answer is
// recorded. The customer's contact lives in the personal-data store
// (PurposeFeedback); the feedback row and the journal keep its id and mask.

// FeedbackChannel is how the feedback reached the counter.
type FeedbackChannel string

// The channels of procedures 5.2.6.
const (
	FeedbackOral    FeedbackChannel = "oral"    // 口头意见: listened to and written down by staff
	FeedbackWritten FeedbackChannel = "written" // 书面意见: the customer wrote in the book or on a slip
)

// FeedbackChannels lists the channels in display order.
func FeedbackChannels() []FeedbackChannel { return []FeedbackChannel{FeedbackOral, FeedbackWritten} }

// Label is the channel's Chinese name.
func (c FeedbackChannel) Label() string {
	switch c {
	case FeedbackOral:
		return "口头"
	case FeedbackWritten:
		return "书面"
	}
	return string(c)
}

// Valid reports whether c is a known channel.
func (c FeedbackChannel) Valid() bool { return c == FeedbackOral || c == FeedbackWritten }

// FeedbackCategory is what the feedback is about.
type FeedbackCategory string

// Categories of feedback.
const (
	CategoryService    FeedbackCategory = "service"    // 服务态度
	CategoryGoods      FeedbackCategory = "goods"      // 商品与商户
	CategoryCleaning   FeedbackCategory = "cleaning"   // 环境卫生
	CategoryFacilities FeedbackCategory = "facilities" // 设施设备
	CategoryParking    FeedbackCategory = "parking"    // 停车交通
	CategoryEvents     FeedbackCategory = "events"     // 活动促销
	CategoryPraise     FeedbackCategory = "praise"     // 表扬
	CategoryOther      FeedbackCategory = "other"      // 其他
)

// FeedbackCategories lists the categories in display order.
func FeedbackCategories() []FeedbackCategory {
	return []FeedbackCategory{CategoryService, CategoryGoods, CategoryCleaning, CategoryFacilities,
		CategoryParking, CategoryEvents, CategoryPraise, CategoryOther}
}

// Label is the category's Chinese name.
func (c FeedbackCategory) Label() string {
	switch c {
	case CategoryService:
		return "服务态度"
	case CategoryGoods:
		return "商品与商户"
	case CategoryCleaning:
		return "环境卫生"
	case CategoryFacilities:
		return "设施设备"
	case CategoryParking:
		return "停车交通"
	case CategoryEvents:
		return "活动促销"
	case CategoryPraise:
		return "表扬"
	case CategoryOther:
		return "其他"
	}
	return string(c)
}

// Valid reports whether c is a known category.
func (c FeedbackCategory) Valid() bool { return c.Label() != string(c) }

// Feedback limits and defaults.
const (
	// DefaultFeedbackDue is the time a supervisor has to answer.
	DefaultFeedbackDue = 24 * time.Hour
	// MaxFeedbackDue is the longest follow-up time that can be set.
	MaxFeedbackDue = 30 * 24 * time.Hour
	// SatisfactionTarget is the average rating the mall aims for.
	SatisfactionTarget = 4.2
)

// Free-text rules of feedback.
var (
	FieldFeedbackText   = TextField{Label: "意见内容", Min: 2, Max: 500}
	FieldFeedbackAnswer = TextField{Label: "处理结果", Min: 2, Max: 500}
)

// FeedbackRequest logs one piece of feedback.
type FeedbackRequest struct {
	Channel   FeedbackChannel
	Category  FeedbackCategory
	Complaint bool   // 投诉: the customer complains (not only suggests)
	Text      string // what the customer said or wrote (no contact data here)
	// ContactName and ContactMobile are optional; when given they go to the
	// personal-data store, never into the feedback row or the journal.
	ContactName   string
	ContactMobile string
	// SupervisorID is the supervisor the feedback is forwarded to.
	SupervisorID int64
	// Due is the follow-up time from now; 0 means DefaultFeedbackDue.
	Due time.Duration
}

// Normalize checks a feedback request and returns it cleaned: a known
// channel and category, the text by its rule, the due time defaulted and
// bounded, the contact trimmed and valid (name and mobile by the
// personal-data rules; either may be empty). It says nothing about the
// supervisor, which only the store can check.
func (r FeedbackRequest) Normalize() (FeedbackRequest, error) {
	if !r.Channel.Valid() {
		return r, Errorf(EINVALID, "请选择意见来源（口头或书面）")
	}
	if !r.Category.Valid() {
		return r, Errorf(EINVALID, "请选择意见类别")
	}
	var err error
	if r.Text, err = FieldFeedbackText.Clean(r.Text); err != nil {
		return r, err
	}
	if r.Due == 0 {
		r.Due = DefaultFeedbackDue
	}
	if r.Due < time.Hour || r.Due > MaxFeedbackDue {
		return r, Errorf(EINVALID, "跟进期限须在 1 小时到 %d 天之间", int(MaxFeedbackDue/(24*time.Hour)))
	}
	r.ContactName, r.ContactMobile = strings.TrimSpace(r.ContactName), strings.TrimSpace(r.ContactMobile)
	if c := r.Contact(); len(c) > 0 {
		vals, err := (CollectRequest{Purpose: PurposeFeedback, Values: c}).Validate()
		if err != nil {
			return r, err
		}
		r.ContactName, r.ContactMobile = vals[DataName], vals[DataMobile]
	}
	return r, nil
}

// Contact returns the request's contact as personal data (nil for none).
func (r FeedbackRequest) Contact() map[DataKind]string {
	c := map[DataKind]string{}
	if v := strings.TrimSpace(r.ContactName); v != "" {
		c[DataName] = v
	}
	if v := strings.TrimSpace(r.ContactMobile); v != "" {
		c[DataMobile] = v
	}
	if len(c) == 0 {
		return nil
	}
	return c
}

// Feedback is one logged piece of feedback and its follow-up.
type Feedback struct {
	ID             int64
	Channel        FeedbackChannel
	Category       FeedbackCategory
	Complaint      bool
	Text           string
	PersonID       string // the contact's personal-data record ("" for none)
	ContactMasked  string // 张* 138****1234, or ""
	ReceivedBy     int64
	ReceivedByName string
	SupervisorID   int64
	SupervisorName string
	ReceivedAt     time.Time
	DueAt          time.Time
	Answer         string
	AnsweredBy     int64
	AnsweredByName string
	AnsweredAt     time.Time
}

// Answered reports whether the answer is recorded.
func (f Feedback) Answered() bool { return !f.AnsweredAt.IsZero() }

// Overdue reports whether the answer is missing past the due time.
func (f Feedback) Overdue(now time.Time) bool { return !f.Answered() && now.After(f.DueAt) }

// StatusLabel is 已答复, 已逾期 or 待答复 at now.
func (f Feedback) StatusLabel(now time.Time) string {
	switch {
	case f.Answered():
		return "已答复"
	case f.Overdue(now):
		return "已逾期"
	}
	return "待答复"
}

// Rating is a customer's 1–5 rating of the service after a visit.
type Rating struct {
	Score  int
	Source string // "kiosk" or a desk's own counter pad
	At     time.Time
}

// Rating sources.
const (
	RatingKiosk   = "kiosk"
	RatingCounter = "counter"
)

// MinRatingGap is the shortest time between two ratings from the same
// source: a child tapping the stars twenty times is one rating.
const MinRatingGap = 15 * time.Second

// ValidScore checks a rating score.
func ValidScore(score int) error {
	if score < 1 || score > 5 {
		return Errorf(EINVALID, "评分须为 1 到 5 分")
	}
	return nil
}

// FeedbackSummary is what supervisors see: open and overdue feedback and
// the satisfaction average against the target.
type FeedbackSummary struct {
	Open     int // not answered yet
	Overdue  int // not answered past the due time
	Ratings  int // ratings counted
	ScoreSum int // sum of their scores
	// RecentRatings and RecentSum cover the last 30 days.
	RecentRatings int
	RecentSum     int
}

// Average is the mean score of all ratings (0 when there are none).
func (s FeedbackSummary) Average() float64 {
	if s.Ratings == 0 {
		return 0
	}
	return float64(s.ScoreSum) / float64(s.Ratings)
}

// RecentAverage is the mean score of the last 30 days (0 for none).
func (s FeedbackSummary) RecentAverage() float64 {
	if s.RecentRatings == 0 {
		return 0
	}
	return float64(s.RecentSum) / float64(s.RecentRatings)
}

// MeetsTarget reports whether the recent average reaches the target
// (no ratings meet nothing).
func (s FeedbackSummary) MeetsTarget() bool {
	return s.RecentRatings > 0 && s.RecentAverage() >= SatisfactionTarget-1e-9
}

// FeedbackFilter selects feedback to list.
type FeedbackFilter struct {
	OpenOnly bool  // only not yet answered
	ForStaff int64 // only forwarded to this supervisor (0: all)
	Limit    int   // at most (0: 200)
}

// FeedbackService logs feedback and ratings and follows them up.
type FeedbackService interface {
	// LogFeedback records feedback and forwards it to a supervisor,
	// journaled feedback.log; the contact goes to the personal-data store
	// in the same transaction.
	LogFeedback(ctx context.Context, actor Staff, req FeedbackRequest) (Feedback, error)
	// AnswerFeedback records the answer given to the customer (supervisors
	// and admins), journaled feedback.answer. An answer is never changed.
	AnswerFeedback(ctx context.Context, actor Staff, id int64, answer string) (Feedback, error)
	// FeedbackByID returns one piece of feedback.
	FeedbackByID(ctx context.Context, id int64) (Feedback, error)
	// Feedbacks lists feedback, overdue first, then newest.
	Feedbacks(ctx context.Context, f FeedbackFilter) ([]Feedback, error)
	// FeedbackSummary counts open and overdue feedback and the ratings.
	FeedbackSummary(ctx context.Context) (FeedbackSummary, error)
	// Supervisors lists the active supervisors feedback can go to.
	Supervisors(ctx context.Context) ([]Staff, error)
}

// RatingService takes customer ratings. It is the only write a kiosk has:
// it names no staff and moves no money or stock.
type RatingService interface {
	// Rate records a 1–5 rating from source, journaled feedback.rating by
	// the system (staff 0). A second rating from the same source within
	// MinRatingGap is refused.
	Rate(ctx context.Context, score int, source string) error
}
