package sqlstore

import (
	"context"
	"sort"
	"strings"
	"time"

	"servicedesk/ledger"
)

// FeedbackService implements ledger.FeedbackService and
// ledger.RatingService: customer feedback (顾客意见) with its follow-up, and
// the customers' 1–5 ratings.
type FeedbackService struct{ db *DB }

// NewFeedbackService returns the feedback service on db.
func NewFeedbackService(db *DB) *FeedbackService { return &FeedbackService{db: db} }

var (
	_ ledger.FeedbackService = (*FeedbackService)(nil)
	_ ledger.RatingService   = (*FeedbackService)(nil)
)

// feedbackEvent is the JSON of a feedback.log entry. Field names are part
// of the journal format: never rename them. The text is what the customer
// said about the mall; the contact is only the personal-data record's id
// and mask.
type feedbackEvent struct {
	ID            int64  `json:"feedback_id"`
	Channel       string `json:"channel"`
	Category      string `json:"category"`
	Complaint     bool   `json:"complaint,omitempty"`
	Text          string `json:"text"`
	Person        string `json:"person,omitempty"`
	ContactMasked string `json:"contact_masked,omitempty"`
	SupervisorID  int64  `json:"supervisor_id"`
	DueAt         string `json:"due_at"`
}

// feedbackAnswerEvent is the JSON of a feedback.answer entry.
type feedbackAnswerEvent struct {
	ID      int64  `json:"feedback_id"`
	Answer  string `json:"answer"`
	Overdue bool   `json:"overdue,omitempty"` // answered after the due time
}

// ratingEvent is the JSON of a feedback.rating entry.
type ratingEvent struct {
	Score  int    `json:"score"`
	Source string `json:"source"`
}

const feedbackColumns = `f.id, f.channel, f.category, f.complaint, f.text, f.person_id, f.contact_masked, f.received_by,
	coalesce(r.name, ''), f.supervisor_id, coalesce(s.name, ''), f.received_at, f.due_at, f.answer, f.answered_by,
	coalesce(a.name, ''), f.answered_at`

const feedbackFrom = ` FROM feedback f LEFT JOIN staff r ON r.id = f.received_by LEFT JOIN staff s ON s.id = f.supervisor_id
	LEFT JOIN staff a ON a.id = f.answered_by`

func scanFeedback(sc interface{ Scan(...any) error }) (ledger.Feedback, error) {
	var f ledger.Feedback
	var ch, cat, recv, due, ans string
	err := sc.Scan(&f.ID, &ch, &cat, &f.Complaint, &f.Text, &f.PersonID, &f.ContactMasked, &f.ReceivedBy, &f.ReceivedByName,
		&f.SupervisorID, &f.SupervisorName, &recv, &due, &f.Answer, &f.AnsweredBy, &f.AnsweredByName, &ans)
	if err != nil {
		return f, err
	}
	f.Channel, f.Category = ledger.FeedbackChannel(ch), ledger.FeedbackCategory(cat)
	if f.ReceivedAt, err = parseTime(recv); err != nil {
		return f, err
	}
	if f.DueAt, err = parseTime(due); err != nil {
		return f, err
	}
	f.AnsweredAt, err = parseTime(ans)
	return f, err
}

// contactMask joins the masked name and mobile of a feedback contact.
func contactMask(r ledger.PersonRecord) string {
	var parts []string
	for _, k := range []ledger.DataKind{ledger.DataName, ledger.DataMobile} {
		if m := r.Masked(k); m != "" {
			parts = append(parts, m)
		}
	}
	return strings.Join(parts, " ")
}

// LogFeedback records feedback, forwarded to an active supervisor or admin
// (not the clerk logging it, unless that clerk is the supervisor), with
// its due time. Any staff member may log. Journaled as feedback.log
// {feedback_id, channel, category, complaint, text, person, contact_masked,
// supervisor_id, due_at}; the contact (optional) goes to the personal-data
// store in the same transaction (personal.collect).
func (s *FeedbackService) LogFeedback(ctx context.Context, actor ledger.Staff, req ledger.FeedbackRequest) (ledger.Feedback, error) {
	req, err := req.Normalize() // bad input changes nothing
	if err != nil {
		return ledger.Feedback{}, err
	}
	contact := req.Contact()
	var out ledger.Feedback
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		sup, err := t.staffByID(req.SupervisorID)
		if ledger.ErrorCode(err) == ledger.ENOTFOUND || (err == nil && (!sup.Role.CanApprove() || sup.Disabled)) {
			return ledger.Errorf(ledger.EINVALID, "请选择转交的主管")
		} else if err != nil {
			return err
		}
		ev := feedbackEvent{Channel: string(req.Channel), Category: string(req.Category), Complaint: req.Complaint, Text: req.Text,
			SupervisorID: sup.ID, DueAt: formatTime(t.now.Add(req.Due))}
		if len(contact) > 0 {
			rec, err := t.collectPerson(clerk.ID, ledger.CollectRequest{Purpose: ledger.PurposeFeedback, Values: contact})
			if err != nil {
				return err
			}
			ev.Person, ev.ContactMasked = rec.ID, contactMask(rec)
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO feedback(channel, category, complaint, text, person_id, contact_masked,
			received_by, supervisor_id, received_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ev.Channel, ev.Category, ev.Complaint, ev.Text, ev.Person, ev.ContactMasked, clerk.ID, sup.ID,
			formatTime(t.now), ev.DueAt).Scan(&ev.ID); err != nil {
			return internal("insert feedback", err)
		}
		e, err := t.append(clerk.ID, "feedback.log", ev, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE feedback SET log_seq = ? WHERE id = ?", e.Seq, ev.ID); err != nil {
			return internal("update feedback", err)
		}
		out, err = scanFeedback(t.QueryRowContext(ctx, "SELECT "+feedbackColumns+feedbackFrom+" WHERE f.id = ?", ev.ID))
		if err != nil {
			return internal("load feedback", err)
		}
		return nil
	})
	return out, err
}

// AnswerFeedback records the answer given to the customer. Supervisors and
// admins answer; an answer is recorded once and never changed. Journaled
// as feedback.answer {feedback_id, answer, overdue}.
func (s *FeedbackService) AnswerFeedback(ctx context.Context, actor ledger.Staff, id int64, answer string) (ledger.Feedback, error) {
	answer, err := ledger.FieldFeedbackAnswer.Clean(answer)
	if err != nil {
		return ledger.Feedback{}, err
	}
	var out ledger.Feedback
	err = s.db.inTx(ctx, func(t *tx) error {
		st, err := t.actor(actor, ledger.RoleSupervisor, ledger.RoleAdmin)
		if err != nil {
			return err
		}
		f, err := scanFeedback(t.QueryRowContext(ctx, "SELECT "+feedbackColumns+feedbackFrom+" WHERE f.id = ?", id)) // the journal head lock serialises writers
		if errNoRows(err) {
			return ledger.Errorf(ledger.ENOTFOUND, "找不到意见 %d", id)
		} else if err != nil {
			return internal("load feedback", err)
		}
		if f.Answered() {
			return ledger.Errorf(ledger.ECONFLICT, "意见 %d 已于 %s 答复", id, f.AnsweredAt.In(t.location()).Format("01-02 15:04"))
		}
		e, err := t.append(st.ID, "feedback.answer", feedbackAnswerEvent{ID: id, Answer: answer, Overdue: f.Overdue(t.now)}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE feedback SET answer = ?, answered_by = ?, answered_at = ?, answer_seq = ? WHERE id = ? AND answer_seq = 0",
			answer, st.ID, formatTime(t.now), e.Seq, id); err != nil {
			return internal("answer feedback", err)
		}
		out, err = scanFeedback(t.QueryRowContext(ctx, "SELECT "+feedbackColumns+feedbackFrom+" WHERE f.id = ?", id))
		if err != nil {
			return internal("load feedback", err)
		}
		return nil
	})
	return out, err
}

// FeedbackByID returns one piece of feedback.
func (s *FeedbackService) FeedbackByID(ctx context.Context, id int64) (ledger.Feedback, error) {
	f, err := scanFeedback(s.db.db.QueryRowContext(ctx, "SELECT "+feedbackColumns+feedbackFrom+" WHERE f.id = ?", id))
	if errNoRows(err) {
		return f, ledger.Errorf(ledger.ENOTFOUND, "找不到意见 %d", id)
	} else if err != nil {
		return f, internal("load feedback", err)
	}
	return f, nil
}

// Feedbacks lists feedback: every open one first (earliest due first),
// then the answered ones, newest first, up to the limit.
func (s *FeedbackService) Feedbacks(ctx context.Context, filter ledger.FeedbackFilter) ([]ledger.Feedback, error) {
	limit := filter.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	where := ""
	var args []any
	if filter.ForStaff != 0 {
		where = " AND f.supervisor_id = ?"
		args = append(args, filter.ForStaff)
	}
	open, err := s.listFeedback(ctx, "SELECT "+feedbackColumns+feedbackFrom+" WHERE f.answer_seq = 0"+where+" ORDER BY f.id", args...)
	if err != nil {
		return nil, err
	}
	// Times are RFC 3339 text: order by the parsed time, not the text.
	sort.SliceStable(open, func(i, j int) bool { return open[i].DueAt.Before(open[j].DueAt) })
	if filter.OpenOnly || len(open) >= limit {
		return open, nil
	}
	done, err := s.listFeedback(ctx, "SELECT "+feedbackColumns+feedbackFrom+" WHERE f.answer_seq <> 0"+where+" ORDER BY f.id DESC LIMIT ?",
		append(args, limit-len(open))...)
	if err != nil {
		return nil, err
	}
	return append(open, done...), nil
}

// listFeedback runs a feedback query.
func (s *FeedbackService) listFeedback(ctx context.Context, q string, args ...any) ([]ledger.Feedback, error) {
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, internal("list feedback", err)
	}
	defer rows.Close()
	var out []ledger.Feedback
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, internal("scan feedback", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list feedback", err)
	}
	return out, nil
}

// FeedbackSummary counts open and overdue feedback and sums the ratings
// (all, and the last 30 days).
func (s *FeedbackService) FeedbackSummary(ctx context.Context) (ledger.FeedbackSummary, error) {
	var sum ledger.FeedbackSummary
	now := s.db.Now()
	open, err := s.Feedbacks(ctx, ledger.FeedbackFilter{OpenOnly: true})
	if err != nil {
		return sum, err
	}
	sum.Open = len(open)
	for _, f := range open {
		if f.Overdue(now) {
			sum.Overdue++
		}
	}
	recent := micros(now.Add(-30 * 24 * time.Hour))
	err = s.db.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(score), 0),
		coalesce(sum(CASE WHEN rated_us >= ? THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN rated_us >= ? THEN score ELSE 0 END), 0)
		FROM ratings`, recent, recent).Scan(&sum.Ratings, &sum.ScoreSum, &sum.RecentRatings, &sum.RecentSum)
	if err != nil {
		return sum, internal("sum ratings", err)
	}
	return sum, nil
}

// Supervisors lists the active supervisors and admins, by name.
func (s *FeedbackService) Supervisors(ctx context.Context) ([]ledger.Staff, error) {
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+staffColumns+" FROM staff WHERE role IN (?, ?) AND disabled = ? ORDER BY id",
		ledger.RoleSupervisor, ledger.RoleAdmin, false)
	if err != nil {
		return nil, internal("list supervisors", err)
	}
	defer rows.Close()
	var out []ledger.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, internal("scan staff", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// maxRatingSource bounds the source name of a rating.
const maxRatingSource = 20

// Rate records a customer's rating, journaled by the system (staff 0) as
// feedback.rating {score, source}. It needs no login and touches nothing
// but the ratings: the kiosk's only write. A second rating from the same
// source within ledger.MinRatingGap is refused (ECONFLICT).
func (s *FeedbackService) Rate(ctx context.Context, score int, source string) error {
	if err := ledger.ValidScore(score); err != nil {
		return err
	}
	source = strings.TrimSpace(source)
	if source == "" || len(source) > maxRatingSource || strings.ContainsFunc(source, ledger.Forbidden) {
		return ledger.Errorf(ledger.EINVALID, "评价来源无效")
	}
	return s.db.inTx(ctx, func(t *tx) error {
		var last int64
		err := t.QueryRowContext(ctx, "SELECT coalesce(max(rated_us), 0) FROM ratings WHERE source = ?", source).Scan(&last)
		if err != nil {
			return internal("last rating", err)
		}
		if last != 0 && t.now.Sub(fromMicros(last)) < ledger.MinRatingGap {
			return ledger.Errorf(ledger.ECONFLICT, "已收到您的评价，谢谢！")
		}
		e, err := t.append(0, "feedback.rating", ratingEvent{Score: score, Source: source}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "INSERT INTO ratings(seq, score, source, rated_us) VALUES (?, ?, ?, ?)",
			e.Seq, score, source, micros(t.now)); err != nil {
			return internal("insert rating", err)
		}
		return nil
	})
}
