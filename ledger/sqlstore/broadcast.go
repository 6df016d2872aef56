package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// BroadcastService implements ledger.BroadcastService: the PA console's
// configuration and its broadcasts. Every change is a broadcast.* journal
// entry written in the same transaction as the row it changes.
type BroadcastService struct{ db *DB }

// NewBroadcastService returns the broadcast service on db.
func NewBroadcastService(db *DB) *BroadcastService { return &BroadcastService{db: db} }

var _ ledger.BroadcastService = (*BroadcastService)(nil)

// broadcastEvent is the journal data of a broadcast.* entry. Text is the
// masked text (PIPL: a lost child's name is journaled as 张*).
type broadcastEvent struct {
	ID        int64  `json:"id"`
	Source    string `json:"source"`
	Kind      string `json:"kind"`
	Text      string `json:"text,omitempty"`
	File      string `json:"file,omitempty"`
	PlanKey   string `json:"plan_key,omitempty"`
	PlannedAt string `json:"planned_at,omitempty"`
	Repeats   int    `json:"repeats,omitempty"`
	IntervalS int    `json:"interval_s,omitempty"`
	Urgent    bool   `json:"urgent,omitempty"`
	QueuedBy  int64  `json:"queued_by,omitempty"`
	Status    string `json:"status,omitempty"`
	Note      string `json:"note,omitempty"`
}

// event is the journal data describing b.
func event(b ledger.Broadcast) broadcastEvent {
	return broadcastEvent{ID: b.ID, Source: string(b.Source), Kind: b.Kind, Text: b.TextMasked, File: b.File,
		PlanKey: b.PlanKey, PlannedAt: formatTime(b.PlannedAt), Repeats: b.Repeats, IntervalS: int(b.Interval / time.Second),
		Urgent: b.Urgent, QueuedBy: b.StaffID, Status: string(b.Status), Note: b.Note}
}

// maxNoteRunes bounds a broadcast's note (failure reasons come from devices).
const maxBroadcastNote = 200

// clipNote keeps a note to maxBroadcastNote characters.
func clipNote(s string) string {
	r := []rune(s)
	if len(r) > maxBroadcastNote {
		return string(r[:maxBroadcastNote-1]) + "…"
	}
	return s
}

// BroadcastConfig returns the stored configuration, or the defaults.
func (s *BroadcastService) BroadcastConfig(ctx context.Context) (ledger.BroadcastConfig, error) {
	var raw string
	err := s.db.db.QueryRowContext(ctx, "SELECT value FROM broadcast_config WHERE id = 1").Scan(&raw)
	if errNoRows(err) {
		return ledger.DefaultBroadcastConfig(), nil
	} else if err != nil {
		return ledger.BroadcastConfig{}, internal("load broadcast config", err)
	}
	var cfg ledger.BroadcastConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return ledger.BroadcastConfig{}, internal("decode broadcast config", err)
	}
	return cfg, nil
}

// UpdateBroadcastConfig validates and stores cfg, journaled as
// broadcast.config. When the calendar or schedule changed, the change time
// is kept so items planned earlier that day are not reported missed.
func (s *BroadcastService) UpdateBroadcastConfig(ctx context.Context, actor ledger.Staff, cfg ledger.BroadcastConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	old, err := s.BroadcastConfig(ctx)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, ledger.RoleAdmin, ledger.RoleSupervisor); err != nil {
			return err
		}
		cfg.ScheduleChangedAt = old.ScheduleChangedAt
		if !sameSchedule(old, cfg) {
			cfg.ScheduleChangedAt = t.now
		}
		raw, err := json.Marshal(cfg)
		if err != nil {
			return internal("encode broadcast config", err)
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO broadcast_config(id, value) VALUES (1, ?)
			ON CONFLICT(id) DO UPDATE SET value = excluded.value`, string(raw)); err != nil {
			return internal("store broadcast config", err)
		}
		_, err = t.append(actor.ID, "broadcast.config", cfg, 0)
		return err
	})
}

// sameSchedule reports whether two configurations plan the same days.
func sameSchedule(a, b ledger.BroadcastConfig) bool {
	ja, _ := json.Marshal([]any{a.Calendar, a.Schedule})
	jb, _ := json.Marshal([]any{b.Calendar, b.Schedule})
	return string(ja) == string(jb)
}

// Enqueue queues a staff announcement, journaled as broadcast.queue.
func (s *BroadcastService) Enqueue(ctx context.Context, actor ledger.Staff, a ledger.Announcement) (ledger.Broadcast, error) {
	a, err := a.Normalize()
	if err != nil {
		return ledger.Broadcast{}, err
	}
	b := ledger.Broadcast{Source: ledger.SourceManual, Kind: string(a.Template), Text: a.Text(nil),
		TextMasked: a.Text(receipts.MaskName), Speech: a.SpeechText(), Repeats: a.Repeats, Interval: a.Interval,
		Urgent: a.Urgent, StaffID: actor.ID, Status: ledger.BroadcastQueued}
	err = s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		var err error
		b, err = t.insertBroadcast(b, "", "broadcast.queue", actor.ID)
		return err
	})
	return b, err
}

// scheduled builds the broadcast of a plan item.
func scheduled(item ledger.PlanItem, status ledger.BroadcastStatus, note string) ledger.Broadcast {
	b := ledger.Broadcast{Source: ledger.SourceSchedule, PlanKey: item.Key, PlannedAt: item.At.UTC(),
		Kind: string(item.Entry.Action), Text: item.Text, TextMasked: item.Text, Speech: item.Text,
		Status: status, Note: clipNote(note)}
	if item.Entry.Action == ledger.ActPlayFile {
		b.File = item.Entry.Arg
	}
	return b
}

// QueueScheduled queues a due plan item once per day.
func (s *BroadcastService) QueueScheduled(ctx context.Context, item ledger.PlanItem, note string) (ledger.Broadcast, bool, error) {
	return s.recordPlan(ctx, item, ledger.BroadcastQueued, note)
}

// RecordScheduled records a plan item with a final status once per day.
func (s *BroadcastService) RecordScheduled(ctx context.Context, item ledger.PlanItem, status ledger.BroadcastStatus, note string) (ledger.Broadcast, bool, error) {
	if !status.Final() {
		return ledger.Broadcast{}, false, ledger.Errorf(ledger.EINVALID, "广播状态无效：%s", status)
	}
	return s.recordPlan(ctx, item, status, note)
}

// recordPlan inserts a plan item's broadcast unless the day has it.
func (s *BroadcastService) recordPlan(ctx context.Context, item ledger.PlanItem, status ledger.BroadcastStatus, note string) (ledger.Broadcast, bool, error) {
	if item.Key == "" || item.Date == "" {
		return ledger.Broadcast{}, false, ledger.Errorf(ledger.EINVALID, "定时广播缺少计划编号")
	}
	b := scheduled(item, status, note)
	var ok bool
	err := s.db.inTx(ctx, func(t *tx) error {
		var n int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM broadcasts WHERE plan_key = ?", item.Key).Scan(&n); err != nil {
			return internal("check plan item", err)
		}
		if ok = n == 0; !ok {
			return nil
		}
		kind := "broadcast.queue"
		if status.Final() {
			kind = "broadcast.end"
		}
		var err error
		b, err = t.insertBroadcast(b, item.Date, kind, 0)
		return err
	})
	return b, ok, err
}

// insertBroadcast journals b and stores it; a final b is ended at once.
// The id is taken as max+1 inside the write transaction (writers queue on
// the journal head), so the journal entry can name the row it creates.
func (t *tx) insertBroadcast(b ledger.Broadcast, planDate, kind string, staffID int64) (ledger.Broadcast, error) {
	b.CreatedAt = t.now
	final := b.Status.Final()
	if final {
		b.FinishedAt = t.now
	}
	if err := t.QueryRowContext(t.ctx, "SELECT coalesce(max(id), 0) + 1 FROM broadcasts").Scan(&b.ID); err != nil {
		return b, internal("next broadcast id", err)
	}
	e, err := t.append(staffID, kind, event(b), 0)
	if err != nil {
		return b, err
	}
	var endSeq int64
	if final {
		endSeq = e.Seq
	}
	_, err = t.ExecContext(t.ctx, `INSERT INTO broadcasts(id, source, plan_date, plan_key, planned_at, kind, text, text_masked,
		speech, file, repeats, interval_ms, urgent, staff_id, status, note, created_at, queue_seq, finished_at, end_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.Source, planDate, b.PlanKey, formatTime(b.PlannedAt), b.Kind, b.Text, b.TextMasked, b.Speech, b.File,
		b.Repeats, b.Interval.Milliseconds(), b.Urgent, b.StaffID, b.Status, b.Note, formatTime(b.CreatedAt), e.Seq,
		formatTime(b.FinishedAt), endSeq)
	if err != nil {
		return b, internal("insert broadcast", err)
	}
	return b, nil
}

// Start claims a queued broadcast for playing, journaled as broadcast.start.
func (s *BroadcastService) Start(ctx context.Context, id int64) (ledger.Broadcast, error) {
	var b ledger.Broadcast
	err := s.db.inTx(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, "UPDATE broadcasts SET status = 'playing', started_at = ? WHERE id = ? AND status = 'queued'", formatTime(t.now), id)
		if err != nil {
			return internal("start broadcast", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ledger.Errorf(ledger.ECONFLICT, "该广播已不在队列中")
		}
		if b, err = t.broadcast(id); err != nil {
			return err
		}
		_, err = t.append(0, "broadcast.start", broadcastEvent{ID: id, Source: string(b.Source), Kind: b.Kind}, 0)
		return err
	})
	return b, err
}

// Requeue puts a playing broadcast back at its place in the queue.
func (s *BroadcastService) Requeue(ctx context.Context, id int64, note string) error {
	return s.db.inTx(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, "UPDATE broadcasts SET status = 'queued', started_at = '', note = ? WHERE id = ? AND status = 'playing'", clipNote(note), id)
		if err != nil {
			return internal("requeue broadcast", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ledger.Errorf(ledger.ECONFLICT, "该广播不在播放中")
		}
		_, err = t.append(0, "broadcast.requeue", broadcastEvent{ID: id, Note: clipNote(note)}, 0)
		return err
	})
}

// endFrom lists the live statuses each outcome may follow.
var endFrom = map[ledger.BroadcastStatus][]ledger.BroadcastStatus{
	ledger.BroadcastPlayed:      {ledger.BroadcastPlaying},
	ledger.BroadcastSkipped:     {ledger.BroadcastPlaying},
	ledger.BroadcastInterrupted: {ledger.BroadcastPlaying},
	ledger.BroadcastCancelled:   {ledger.BroadcastQueued, ledger.BroadcastPlaying},
	ledger.BroadcastFailed:      {ledger.BroadcastQueued, ledger.BroadcastPlaying},
	ledger.BroadcastMissed:      {ledger.BroadcastQueued},
}

// Finish records a live broadcast's outcome, journaled as broadcast.end.
func (s *BroadcastService) Finish(ctx context.Context, actor ledger.Staff, id int64, status ledger.BroadcastStatus, note string) (ledger.Broadcast, error) {
	from, ok := endFrom[status]
	if !ok {
		return ledger.Broadcast{}, ledger.Errorf(ledger.EINVALID, "广播状态无效：%s", status)
	}
	var b ledger.Broadcast
	err := s.db.inTx(ctx, func(t *tx) error {
		if actor.ID != 0 {
			if _, err := t.actor(actor, allRoles...); err != nil {
				return err
			}
		}
		var err error
		b, err = t.finish(actor.ID, id, status, note, from)
		return err
	})
	return b, err
}

// finish ends broadcast id with status if it is in one of the from states.
func (t *tx) finish(actorID, id int64, status ledger.BroadcastStatus, note string, from []ledger.BroadcastStatus) (ledger.Broadcast, error) {
	b, err := t.broadcast(id)
	if err != nil {
		return b, err
	}
	if b.Status.Final() {
		return b, ledger.Errorf(ledger.ECONFLICT, "该广播已结束（%s）", b.Status.Label())
	}
	allowed := false
	for _, f := range from {
		allowed = allowed || b.Status == f
	}
	if !allowed {
		return b, ledger.Errorf(ledger.ECONFLICT, "该广播%s，不能标记为%s", b.Status.Label(), status.Label())
	}
	b.Status, b.Note, b.FinishedAt, b.EndedBy = status, clipNote(note), t.now, actorID
	e, err := t.append(actorID, "broadcast.end", event(b), 0)
	if err != nil {
		return b, err
	}
	// Once ended, the row keeps the masked text like the journal: a lost
	// child's name stays only while the announcement is live (PIPL).
	b.Text, b.Speech = b.TextMasked, ""
	if _, err := t.ExecContext(t.ctx, `UPDATE broadcasts SET status = ?, note = ?, finished_at = ?, end_seq = ?, ended_by = ?,
		text = ?, speech = ? WHERE id = ?`, status, b.Note, formatTime(t.now), e.Seq, actorID, b.Text, b.Speech, id); err != nil {
		return b, internal("end broadcast", err)
	}
	return b, nil
}

// RecoverInterrupted ends broadcasts a crash left playing as interrupted.
func (s *BroadcastService) RecoverInterrupted(ctx context.Context) ([]ledger.Broadcast, error) {
	var out []ledger.Broadcast
	err := s.db.inTx(ctx, func(t *tx) error {
		out = nil
		rows, err := t.QueryContext(ctx, "SELECT id FROM broadcasts WHERE status = 'playing' ORDER BY id")
		if err != nil {
			return internal("list playing broadcasts", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return internal("scan broadcast", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			b, err := t.finish(0, id, ledger.BroadcastInterrupted, "程序退出时正在播放，未自动重播", []ledger.BroadcastStatus{ledger.BroadcastPlaying})
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

const broadcastColumns = `id, source, plan_key, planned_at, kind, text, text_masked, speech, file, repeats, interval_ms,
	urgent, staff_id, status, note, created_at, started_at, finished_at, ended_by`

// scanBroadcast reads one broadcasts row (broadcastColumns order).
func scanBroadcast(sc interface{ Scan(...any) error }) (ledger.Broadcast, error) {
	var b ledger.Broadcast
	var planned, created, started, finished string
	var intervalMS int64
	if err := sc.Scan(&b.ID, &b.Source, &b.PlanKey, &planned, &b.Kind, &b.Text, &b.TextMasked, &b.Speech, &b.File,
		&b.Repeats, &intervalMS, &b.Urgent, &b.StaffID, &b.Status, &b.Note, &created, &started, &finished, &b.EndedBy); err != nil {
		return b, err
	}
	b.Interval = time.Duration(intervalMS) * time.Millisecond
	var err error
	for _, p := range []struct {
		s string
		t *time.Time
	}{{planned, &b.PlannedAt}, {created, &b.CreatedAt}, {started, &b.StartedAt}, {finished, &b.FinishedAt}} {
		if *p.t, err = parseTime(p.s); err != nil {
			return b, err
		}
	}
	return b, nil
}

// broadcast loads one broadcast inside a transaction.
func (t *tx) broadcast(id int64) (ledger.Broadcast, error) {
	b, err := scanBroadcast(t.QueryRowContext(t.ctx, "SELECT "+broadcastColumns+" FROM broadcasts WHERE id = ?", id))
	if errNoRows(err) {
		return b, ledger.Errorf(ledger.ENOTFOUND, "找不到该广播")
	} else if err != nil {
		return b, internal("load broadcast", err)
	}
	return b, nil
}

// listBroadcasts runs a broadcasts query.
func (s *BroadcastService) listBroadcasts(ctx context.Context, where string, args ...any) ([]ledger.Broadcast, error) {
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+broadcastColumns+" FROM broadcasts "+where, args...)
	if err != nil {
		return nil, internal("list broadcasts", err)
	}
	defer rows.Close()
	var out []ledger.Broadcast
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			return nil, internal("scan broadcast", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Queue lists the live broadcasts: the playing one, then urgent, then oldest.
func (s *BroadcastService) Queue(ctx context.Context) ([]ledger.Broadcast, error) {
	return s.listBroadcasts(ctx, `WHERE status IN ('queued','playing')
		ORDER BY CASE WHEN status = 'playing' THEN 0 ELSE 1 END, CASE WHEN urgent THEN 0 ELSE 1 END, id`)
}

// Scheduled lists the scheduled broadcasts of a plan date.
func (s *BroadcastService) Scheduled(ctx context.Context, date string) ([]ledger.Broadcast, error) {
	return s.listBroadcasts(ctx, "WHERE plan_date = ? ORDER BY id", date)
}

// Recent lists the newest broadcasts, newest first (at most 500).
func (s *BroadcastService) Recent(ctx context.Context, limit int) ([]ledger.Broadcast, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return s.listBroadcasts(ctx, "ORDER BY id DESC LIMIT ?", limit)
}
