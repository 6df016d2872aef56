package broadcasting

import (
	"time"

	"servicedesk/ledger"
)

// PlanRow is one line of today's plan as the console shows it.
type PlanRow struct {
	Item ledger.PlanItem
	// Broadcast is what became of the item (zero while it is still to come).
	Broadcast ledger.Broadcast
	// State is the Chinese state: 待播, 已播, 错过, 排队中, 设置修改前 …
	State string
	// Done reports that the item ran (or was recorded) today.
	Done bool
}

// Status is a snapshot of the station for the console.
type Status struct {
	Date  string
	Day   ledger.DayInfo
	Plan  []PlanRow
	Queue []ledger.Broadcast // playing first, then urgent, then oldest
	// Playing is the broadcast on air (nil when none); Segment its part.
	Playing *ledger.Broadcast
	Segment string
	Paused  bool
	// Blocked maps queued broadcasts that cannot play now to the reason.
	Blocked map[int64]string

	MusicOn      bool
	Track        string
	MusicFiles   int
	MusicFolder  string
	MusicProblem string // a fixed message (translated by the console)
	MusicDetail  string // the folder or file and the error
	Volume       int
	Shuffle      bool
	DuckDB       int

	// OutputProblem says why the PA cannot be heard ("" when it can);
	// OutputDetail is the device's own error.
	OutputProblem, OutputDetail string
	// SpeechName names the speech engine; SpeechProblem says why there is none.
	SpeechName, SpeechProblem string
	ChimeProblem, ChimeDetail string
	LastError                 string
	// At is when the snapshot was taken.
	At time.Time
}

// Status returns the latest snapshot.
func (s *Station) Status() Status {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	return s.snap
}

// snapStale reports whether the snapshot is old enough to refresh (the
// engine's segment and track change without an event).
func (s *Station) snapStale() bool {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	now := s.cfg.Now()
	return now.Sub(s.snap.At) >= time.Second || now.Before(s.snap.At)
}

// publish takes a snapshot and tells the console; op is held.
func (s *Station) publish() {
	es := s.cfg.Engine.State()
	st := Status{Date: s.date, Day: s.day, Paused: s.paused, Blocked: map[int64]string{},
		MusicOn: es.MusicOn, Track: es.Track, MusicFiles: s.musicFiles, MusicFolder: s.bc.MusicFolder,
		MusicProblem: s.musicErr, MusicDetail: s.musicDetail, Volume: s.bc.MusicVolume, Shuffle: s.bc.MusicShuffle, DuckDB: s.bc.DuckDB,
		SpeechProblem: s.cfg.SpeechProblem, ChimeProblem: s.chimeErr, ChimeDetail: s.chimeDetail,
		LastError: s.lastErr, At: s.cfg.Now()}
	st.OutputProblem, st.OutputDetail = s.outputProblem()
	if s.cfg.Speech != nil {
		st.SpeechName = s.cfg.Speech.Name()
	} else if st.SpeechProblem == "" {
		st.SpeechProblem = "未安装语音引擎（espeak-ng），只能播放录音文件"
	}
	if pl := s.cfg.Engine.Playlist(); pl != nil && st.MusicProblem == "" {
		if bad, last := pl.Problem(); bad > 0 && last != nil {
			st.MusicProblem, st.MusicDetail = "有音乐文件无法播放，已跳过", last.Error()
		}
	}
	for k, v := range s.blocked {
		st.Blocked[k] = v
	}
	st.Queue = append(st.Queue, s.queue...)
	if s.playing != nil {
		p := *s.playing
		st.Playing, st.Segment = &p, es.Segment
		if len(st.Queue) == 0 || st.Queue[0].ID != p.ID {
			p.Status = ledger.BroadcastPlaying
			st.Queue = append([]ledger.Broadcast{p}, st.Queue...)
		}
	}
	now := s.cfg.Now()
	for _, it := range s.plan {
		row := PlanRow{Item: it, State: "待播"}
		if b, ok := s.done[it.Key]; ok {
			row.Broadcast, row.Done = b, true
			row.State = b.Status.Label()
			if b.Note != "" {
				row.State += "（" + b.Note + "）"
			}
		} else if !it.At.After(now) && s.beforeChange(it) {
			row.State = "未执行（计划修改前）"
		}
		st.Plan = append(st.Plan, row)
	}
	s.snapMu.Lock()
	s.snap = st
	s.snapMu.Unlock()
	if s.cfg.OnChange != nil {
		s.cfg.OnChange()
	}
}

// track keeps today's plan up to date with a scheduled broadcast's change.
func (s *Station) track(b ledger.Broadcast) {
	if b.PlanKey != "" && b.ID != 0 {
		if _, ok := s.done[b.PlanKey]; ok || b.PlannedAt.In(s.loc).Format("2006-01-02") == s.date {
			s.done[b.PlanKey] = b
		}
	}
}
