// Package broadcasting runs the PA console: the day's schedule with an
// injected clock (runs by itself while the app is open, survives a restart:
// no double play, a missed item is shown as missed), the queue of
// announcements (pause, skip, cancel, urgent), and the background music.
// Every broadcast goes through ledger.BroadcastService, so it is journaled;
// the sound goes through devices/audio.
package broadcasting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gopxl/beep/v2"

	"servicedesk/devices/audio"
	"servicedesk/ledger"
)

// Config wires a station.
type Config struct {
	Service  ledger.BroadcastService
	Settings ledger.SettingsService // the counter's time zone
	Engine   *audio.Engine
	// Speech synthesises announcements; nil when no speech engine is
	// installed (SpeechProblem says why): recordings still play.
	Speech        audio.Synth
	SpeechProblem string
	// Output reports the audio output: nil error when sound reaches the
	// PA. A nil func means there is no output at all.
	Output func() error
	// Chime is the built-in chime (WAV bytes), used when the settings name
	// no chime file.
	Chime  []byte
	Now    func() time.Time
	Rand   *rand.Rand
	Logger *slog.Logger
	// OnChange is called (on the station's goroutine) after the state
	// shown on the console changed.
	OnChange func()
}

// Timing of the station.
const (
	// TickEvery is how often Run ticks.
	TickEvery = 200 * time.Millisecond
	// queueRefresh re-reads the queue for other desks' changes.
	queueRefresh = 2 * time.Second
	// maxSpeechCache is how many synthesised texts are kept.
	maxSpeechCache = 32
)

// Station is the PA console's brain. Its methods are safe from any
// goroutine: actions and ticks are serialised.
type Station struct {
	cfg Config
	op  sync.Mutex // serialises Tick and the actions

	// guarded by op
	bc          ledger.BroadcastConfig
	loaded      bool
	loc         *time.Location
	date        string
	day         ledger.DayInfo
	plan        []ledger.PlanItem
	done        map[string]ledger.Broadcast // plan key → today's broadcast
	musicKey    string                      // last scheduled music item applied
	queue       []ledger.Broadcast
	queueAt     time.Time
	queueDirty  bool
	playing     *ledger.Broadcast
	blocked     map[int64]string
	paused      bool
	chime       *beep.Buffer
	chimeErr    string
	chimeDetail string
	musicFolder string
	musicFiles  int
	musicErr    string
	musicDetail string
	speech      map[string]*beep.Buffer
	speechOrder []string
	lastErr     string

	snapMu sync.Mutex
	snap   Status
}

// New returns a station; call Open before the first Tick.
func New(cfg Config) (*Station, error) {
	if cfg.Service == nil || cfg.Settings == nil || cfg.Engine == nil {
		return nil, errors.New("broadcasting: service, settings and engine are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Station{cfg: cfg, done: map[string]ledger.Broadcast{}, blocked: map[int64]string{}, speech: map[string]*beep.Buffer{}}, nil
}

// Open recovers from a crash (broadcasts left playing are marked
// interrupted, never replayed by themselves) and loads the configuration.
func (s *Station) Open(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	got, err := s.cfg.Service.RecoverInterrupted(ctx)
	if err != nil {
		return fmt.Errorf("recover broadcasts: %w", err)
	}
	for _, b := range got {
		s.cfg.Logger.Warn("broadcast interrupted by a restart", "id", b.ID, "kind", b.Kind)
	}
	if err := s.reload(ctx); err != nil {
		return err
	}
	s.publish()
	return nil
}

// Run ticks until ctx ends.
func (s *Station) Run(ctx context.Context) {
	t := time.NewTicker(TickEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Tick(ctx)
		}
	}
}

// Reload re-reads the configuration (after the console saved it).
func (s *Station) Reload(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	err := s.reload(ctx)
	s.publish()
	return err
}

// reload loads the configuration and applies it to the engine; op is held.
func (s *Station) reload(ctx context.Context) error {
	bc, err := s.cfg.Service.BroadcastConfig(ctx)
	if err != nil {
		return err
	}
	set, err := s.cfg.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	s.bc, s.loaded, s.loc = bc, true, set.Location()
	s.date = "" // re-plan
	e := s.cfg.Engine
	e.SetDuck(float64(bc.DuckDB))
	e.SetMusicVolume(bc.MusicVolume)
	s.loadChime()
	if bc.MusicFolder != s.musicFolder || e.Playlist() == nil {
		s.loadMusic()
	}
	e.SetShuffle(bc.MusicShuffle)
	s.speech, s.speechOrder = map[string]*beep.Buffer{}, nil
	s.queueDirty = true
	return nil
}

// loadChime decodes the configured or built-in chime.
func (s *Station) loadChime() {
	sr := s.cfg.Engine.SampleRate()
	var err error
	s.chimeErr, s.chimeDetail = "", ""
	if s.bc.Chime != "" {
		if s.chime, err = audio.Load(s.bc.Chime, sr); err == nil {
			return
		}
		s.chimeErr, s.chimeDetail = "提示音文件无法播放，改用内置提示音", err.Error()
		s.cfg.Logger.Warn("chime file", "err", err)
	}
	if len(s.cfg.Chime) == 0 {
		s.chime = nil
		return
	}
	if s.chime, err = audio.LoadBytes(s.cfg.Chime, "wav", sr); err != nil {
		s.chime = nil
		s.cfg.Logger.Error("built-in chime", "err", err)
	}
}

// loadMusic scans the music folder into a new playlist.
func (s *Station) loadMusic() {
	s.musicFolder, s.musicFiles, s.musicErr, s.musicDetail = s.bc.MusicFolder, 0, "", ""
	if s.bc.MusicFolder == "" {
		s.cfg.Engine.SetPlaylist(nil)
		return
	}
	files, err := audio.ScanMusic(s.bc.MusicFolder)
	switch {
	case err != nil:
		s.musicErr, s.musicDetail = "背景音乐文件夹无法读取", s.bc.MusicFolder
		s.cfg.Logger.Warn("music folder", "err", err)
	case len(files) == 0:
		s.musicErr, s.musicDetail = "背景音乐文件夹中没有 WAV 或 MP3 文件", s.bc.MusicFolder
	}
	s.musicFiles = len(files)
	seed := rand.New(rand.NewPCG(s.cfg.Rand.Uint64(), s.cfg.Rand.Uint64()))
	s.cfg.Engine.SetPlaylist(audio.NewPlaylist(files, s.bc.MusicShuffle, seed, s.cfg.Engine.SampleRate()))
}

// Tick runs the schedule and the queue once: ends what finished, queues
// what is due, records what was missed, and starts the next broadcast.
func (s *Station) Tick(ctx context.Context) {
	s.op.Lock()
	defer s.op.Unlock()
	if !s.loaded {
		if err := s.reload(ctx); err != nil {
			s.fail("load broadcast settings", err)
			return
		}
	}
	now := s.cfg.Now()
	changed := s.collectDone(ctx)
	if date := now.In(s.loc).Format("2006-01-02"); date != s.date {
		if err := s.loadDay(ctx, date); err != nil {
			s.fail("load the day's plan", err)
			return
		}
		changed = true
	}
	if s.runSchedule(ctx, now) {
		changed = true
	}
	if changed {
		s.publish() // before dispatch, which may wait for the speech engine
		changed = false
	}
	if s.dispatch(ctx, now) {
		changed = true
	}
	if changed || s.snapStale() {
		s.publish()
	}
}

// fail logs an error and shows it on the console.
func (s *Station) fail(what string, err error) {
	s.cfg.Logger.Error("broadcast: "+what, "err", err)
	s.lastErr = ledger.ErrorMessage(err)
	s.publish()
}

// loadDay plans a date and loads what of it was already done.
func (s *Station) loadDay(ctx context.Context, date string) error {
	day, plan, err := s.bc.Plan(date, s.loc)
	if err != nil {
		return err
	}
	got, err := s.cfg.Service.Scheduled(ctx, date)
	if err != nil {
		return err
	}
	s.date, s.day, s.plan = date, day, plan
	s.done = map[string]ledger.Broadcast{}
	for _, b := range got {
		s.done[b.PlanKey] = b
	}
	s.musicKey = ""
	return nil
}

// grace is how late a scheduled announcement may still start.
func (s *Station) grace() time.Duration { return time.Duration(s.bc.GraceMinutes) * time.Minute }

// beforeChange reports whether a plan item was planned before today's
// schedule change (then it is neither played nor reported missed).
func (s *Station) beforeChange(it ledger.PlanItem) bool {
	return !s.bc.ScheduleChangedAt.IsZero() && it.At.Before(s.bc.ScheduleChangedAt)
}

// lateNote describes how late a scheduled item runs ("" when on time).
func lateNote(now, at time.Time) string {
	if late := now.Sub(at); late >= time.Minute {
		return fmt.Sprintf("迟%d分钟", int(late.Minutes()))
	}
	return ""
}

// runSchedule handles every due plan item once; it reports a change.
func (s *Station) runSchedule(ctx context.Context, now time.Time) bool {
	changed := false
	var lastMusic *ledger.PlanItem
	for i := range s.plan {
		it := s.plan[i]
		if it.At.After(now) {
			break
		}
		if it.Entry.Action.IsMusic() {
			lastMusic = &s.plan[i]
			continue
		}
		if _, ok := s.done[it.Key]; ok || s.beforeChange(it) {
			continue
		}
		var b ledger.Broadcast
		var err error
		if now.Sub(it.At) <= s.grace() {
			b, _, err = s.cfg.Service.QueueScheduled(ctx, it, lateNote(now, it.At))
			s.queueDirty = true
		} else {
			b, _, err = s.cfg.Service.RecordScheduled(ctx, it, ledger.BroadcastMissed,
				fmt.Sprintf("到时未能播出（%s，超过%d分钟）", lateNote(now, it.At), s.bc.GraceMinutes))
		}
		if err != nil {
			s.fail("schedule", err)
			return changed
		}
		s.remember(it.Key, b, ctx)
		changed = true
	}
	// Music is a state: the latest due music entry decides it, even late
	// (after a restart); earlier ones it supersedes are recorded missed.
	for i := range s.plan {
		it := s.plan[i]
		if it.At.After(now) || !it.Entry.Action.IsMusic() {
			continue
		}
		if _, ok := s.done[it.Key]; ok {
			continue
		}
		last := it.Key == lastMusic.Key
		if !last && s.beforeChange(it) {
			continue
		}
		status, note := ledger.BroadcastPlayed, lateNote(now, it.At)
		if !last {
			status, note = ledger.BroadcastMissed, "程序未运行，已被之后的计划取代"
		}
		b, _, err := s.cfg.Service.RecordScheduled(ctx, it, status, note)
		if err != nil {
			s.fail("schedule", err)
			return changed
		}
		s.remember(it.Key, b, ctx)
		changed = true
	}
	if lastMusic != nil && lastMusic.Key != s.musicKey {
		s.musicKey = lastMusic.Key
		s.cfg.Engine.SetMusic(lastMusic.Entry.Action == ledger.ActMusicStart)
		changed = true
	}
	return changed
}

// remember records a plan item's broadcast; when another desk recorded it
// first (b is empty), the day is re-read.
func (s *Station) remember(key string, b ledger.Broadcast, ctx context.Context) {
	if b.ID != 0 && b.PlanKey == key {
		s.done[key] = b
		return
	}
	got, err := s.cfg.Service.Scheduled(ctx, s.date)
	if err != nil {
		s.fail("reload the day", err)
		return
	}
	for _, x := range got {
		s.done[x.PlanKey] = x
	}
	if _, ok := s.done[key]; !ok {
		s.done[key] = ledger.Broadcast{PlanKey: key, Status: ledger.BroadcastQueued}
	}
}
