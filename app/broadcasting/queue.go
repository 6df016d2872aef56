package broadcasting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gopxl/beep/v2"

	"servicedesk/devices/audio"
	"servicedesk/ledger"
)

// errNoSpeechEngine blocks an announcement that needs synthesised speech.
var errNoSpeechEngine = errors.New("no speech engine")

// collectDone records the outcome of programs the engine finished.
func (s *Station) collectDone(ctx context.Context) bool {
	changed := false
	for _, d := range s.cfg.Engine.TakeDone() {
		if s.playing == nil || d.ID != s.playing.ID {
			continue // stopped by an action that already recorded it
		}
		status, note := ledger.BroadcastPlayed, ""
		if !d.Completed {
			status, note = ledger.BroadcastFailed, "播放中断"
			if d.Err != nil {
				note = "播放出错：" + d.Err.Error()
			}
		}
		if b, err := s.cfg.Service.Finish(ctx, ledger.Staff{}, d.ID, status, note); err != nil {
			s.fail("finish broadcast", err)
		} else {
			s.track(b)
		}
		s.playing = nil
		s.queueDirty = true
		changed = true
	}
	return changed
}

// outputProblem says why sound cannot reach the PA ("" when it can), with
// the device's own words as detail.
func (s *Station) outputProblem() (problem, detail string) {
	if s.bc.Output == "none" {
		return "音频输出已在设置中关闭，广播不会播出", ""
	}
	if s.cfg.Output == nil {
		return "未检测到音频设备（声卡），广播不会播出，队列保留", ""
	}
	if err := s.cfg.Output(); err != nil {
		return "音频设备不可用，广播不会播出，队列保留", err.Error()
	}
	return "", ""
}

// refreshQueue re-reads the queue when it changed or is old.
func (s *Station) refreshQueue(ctx context.Context, now time.Time) error {
	if !s.queueDirty && now.Sub(s.queueAt) < queueRefresh && !now.Before(s.queueAt) {
		return nil
	}
	q, err := s.cfg.Service.Queue(ctx)
	if err != nil {
		return err
	}
	s.queue, s.queueAt, s.queueDirty = q, now, false
	return nil
}

// dispatch starts the next playable broadcast when nothing plays.
func (s *Station) dispatch(ctx context.Context, now time.Time) bool {
	before := len(s.queue)
	if err := s.refreshQueue(ctx, now); err != nil {
		s.fail("read the queue", err)
		return false
	}
	changed := len(s.queue) != before
	if problem, _ := s.outputProblem(); s.paused || s.cfg.Engine.Busy() != 0 || problem != "" {
		return changed
	}
	blocked := map[int64]string{}
	defer func() { s.blocked = blocked }()
	for _, b := range s.queue {
		if b.Status != ledger.BroadcastQueued {
			continue
		}
		prog, err := s.prepare(ctx, b)
		if errors.Is(err, errNoSpeechEngine) {
			blocked[b.ID] = "无语音引擎，无法朗读；可设置录音文件或取消"
			continue
		}
		if err != nil {
			s.cfg.Logger.Warn("broadcast cannot play", "id", b.ID, "err", err)
			ended, ferr := s.cfg.Service.Finish(ctx, ledger.Staff{}, b.ID, ledger.BroadcastFailed, err.Error())
			if ferr != nil {
				s.fail("finish broadcast", ferr)
				return true
			}
			s.track(ended)
			s.queueDirty = true
			return true
		}
		started, err := s.cfg.Service.Start(ctx, b.ID)
		if err != nil {
			prog.Close()
		}
		if ledger.ErrorCode(err) == ledger.ECONFLICT {
			s.queueDirty = true // another desk or an action got it first
			return true
		}
		if err != nil {
			s.fail("start broadcast", err)
			return true
		}
		s.cfg.Engine.Play(prog)
		s.playing = &started
		s.track(started)
		s.queueDirty = true
		s.lastErr = ""
		return true
	}
	if len(blocked) != len(s.blocked) {
		changed = true
	}
	return changed
}

// prepare builds a broadcast's program: a scheduled file, or chime and
// speech (a recording when the template has one, else synthesised).
func (s *Station) prepare(ctx context.Context, b ledger.Broadcast) (*audio.Program, error) {
	sr := s.cfg.Engine.SampleRate()
	if b.File != "" {
		f, err := audio.Open(b.File, sr)
		if err != nil {
			return nil, fmt.Errorf("音频文件无法播放：%w", err)
		}
		return audio.NewProgram(b.ID, audio.Segment{Name: "file", Stream: f, Duck: true, Closer: f}), nil
	}
	speech, err := s.speechFor(ctx, b)
	if err != nil {
		return nil, err
	}
	return audio.Announcement(b.ID, s.chime, speech, b.Repeats, b.Interval, sr), nil
}

// recordingKind maps a broadcast to the template whose recording it uses.
func recordingKind(b ledger.Broadcast) ledger.TemplateKind {
	if b.Kind == string(ledger.ActClosing) {
		return ledger.TplClosing
	}
	if b.Source == ledger.SourceManual {
		return ledger.TemplateKind(b.Kind)
	}
	return ""
}

// speechFor returns the speech of a broadcast.
func (s *Station) speechFor(ctx context.Context, b ledger.Broadcast) (*beep.Buffer, error) {
	sr := s.cfg.Engine.SampleRate()
	if rec := s.bc.Recordings[recordingKind(b)]; rec != "" {
		buf, err := audio.Load(rec, sr)
		if err != nil {
			return nil, fmt.Errorf("录音文件无法播放：%w", err)
		}
		return buf, nil
	}
	text := b.Speech
	if text == "" {
		text = b.Text
	}
	if buf, ok := s.speech[text]; ok {
		return buf, nil
	}
	if s.cfg.Speech == nil {
		return nil, errNoSpeechEngine
	}
	wav, err := s.cfg.Speech.Synthesize(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("语音合成失败：%w", err)
	}
	buf, err := audio.LoadBytes(wav, "wav", sr)
	if err != nil {
		return nil, fmt.Errorf("语音合成失败：%w", err)
	}
	if len(s.speechOrder) >= maxSpeechCache {
		delete(s.speech, s.speechOrder[0])
		s.speechOrder = s.speechOrder[1:]
	}
	s.speech[text] = buf
	s.speechOrder = append(s.speechOrder, text)
	return buf, nil
}

// Enqueue queues a staff announcement; an urgent one interrupts what is
// playing (which goes back to the queue and plays again after it).
func (s *Station) Enqueue(ctx context.Context, actor ledger.Staff, a ledger.Announcement) (ledger.Broadcast, error) {
	s.op.Lock()
	defer s.op.Unlock()
	b, err := s.cfg.Service.Enqueue(ctx, actor, a)
	if err != nil {
		return b, err
	}
	s.queueDirty = true
	if b.Urgent && s.playing != nil && !s.playing.Urgent {
		cur := s.playing
		s.playing = nil
		s.cfg.Engine.Stop()
		if err := s.cfg.Service.Requeue(ctx, cur.ID, "被紧急广播打断，稍后重播"); err != nil {
			s.fail("requeue", err)
		} else {
			cur.Status = ledger.BroadcastQueued
			s.track(*cur)
		}
		if s.paused {
			s.paused = false
			s.cfg.Engine.Pause(false)
		}
	}
	s.dispatch(ctx, s.cfg.Now())
	s.publish()
	return b, nil
}

// Skip ends the broadcast playing (journaled as skipped by actor).
func (s *Station) Skip(ctx context.Context, actor ledger.Staff) error {
	s.op.Lock()
	defer s.op.Unlock()
	if s.playing == nil {
		return ledger.Errorf(ledger.ECONFLICT, "当前没有正在播放的广播")
	}
	return s.end(ctx, actor, s.playing.ID, ledger.BroadcastSkipped)
}

// Cancel takes a broadcast out of the queue (or stops it if it plays).
func (s *Station) Cancel(ctx context.Context, actor ledger.Staff, id int64) error {
	s.op.Lock()
	defer s.op.Unlock()
	return s.end(ctx, actor, id, ledger.BroadcastCancelled)
}

// end records an action's outcome and stops the engine when it was playing.
func (s *Station) end(ctx context.Context, actor ledger.Staff, id int64, status ledger.BroadcastStatus) error {
	if actor.ID == 0 {
		return ledger.Errorf(ledger.EFORBIDDEN, "请先登录")
	}
	b, err := s.cfg.Service.Finish(ctx, actor, id, status, "")
	if err != nil {
		s.queueDirty = true
		s.publish()
		return err
	}
	s.track(b)
	if s.playing != nil && s.playing.ID == id {
		s.playing = nil
		s.cfg.Engine.Stop()
	}
	s.queueDirty = true
	s.dispatch(ctx, s.cfg.Now())
	s.publish()
	return nil
}

// SetPaused holds the queue and the announcement playing (the music comes
// back up), or continues them.
func (s *Station) SetPaused(on bool) {
	s.op.Lock()
	defer s.op.Unlock()
	s.paused = on
	s.cfg.Engine.Pause(on)
	if !on {
		s.dispatch(context.Background(), s.cfg.Now())
	}
	s.publish()
}

// SetMusic switches the background music on or off by hand (until the
// next scheduled music entry).
func (s *Station) SetMusic(on bool) {
	s.op.Lock()
	defer s.op.Unlock()
	s.cfg.Engine.SetMusic(on)
	s.publish()
}

// NextTrack skips to the next music file.
func (s *Station) NextTrack() {
	s.op.Lock()
	defer s.op.Unlock()
	s.cfg.Engine.NextTrack()
	s.publish()
}
