package broadcasting

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/devices/audio/audiotest"
	"servicedesk/ledger"
)

// weekdayAt is a harness on 2026-11-25 (09:00–09:04) at 09:00:30: the
// music plays and nothing is scheduled before 09:01.
func weekdayAt(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, local("2026-11-25", 9, 0, 0))
	h.render(local("2026-11-25", 9, 0, 30), nil)
	return h
}

func person(repeats int, interval time.Duration) ledger.Announcement {
	return ledger.Announcement{Template: ledger.TplPerson, Fields: map[string]string{
		ledger.FieldName: "张小明", ledger.FieldAge: "6", ledger.FieldClothing: "红色上衣", ledger.FieldPlace: "一楼总服务台"},
		Repeats: repeats, Interval: interval}
}

func free(text string, urgent bool) ledger.Announcement {
	return ledger.Announcement{Template: ledger.TplFree, Fields: map[string]string{ledger.FieldText: text}, Urgent: urgent}
}

// TestAnnouncementRendered: a 寻人 announcement with one repeat: chime,
// speech, the interval with the music back up, chime, speech; journaled
// with the name masked.
func TestAnnouncementRendered(t *testing.T) {
	h := weekdayAt(t)
	t0 := h.clock.Now()
	b, err := h.st.Enqueue(h.ctx, h.clerk, person(1, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if st := h.st.Status(); st.Playing == nil || st.Playing.ID != b.ID {
		t.Fatalf("not playing at once: %+v", st.Playing)
	}
	a := h.render(t0.Add(20*time.Second), nil)
	chimes, speech := a.Spans(chimeHz, present, win), a.Spans(speechHz, present, win)
	if len(chimes) != 2 || len(speech) != 2 {
		t.Fatalf("chimes %s speech %s", audiotest.FormatSpans(chimes), audiotest.FormatSpans(speech))
	}
	for i := range chimes {
		if chimes[i][1] > speech[i][0] {
			t.Fatalf("speech before its chime: %s / %s", audiotest.FormatSpans(chimes), audiotest.FormatSpans(speech))
		}
	}
	if gap := chimes[1][0] - speech[0][1]; !near(gap, 10*time.Second, win) {
		t.Fatalf("interval %v", gap)
	}
	full := a.Level(musicHz, speech[0][1]+3*time.Second, speech[0][1]+5*time.Second)
	ducked := a.Level(musicHz, speech[0][0]+500*time.Millisecond, speech[0][1]-200*time.Millisecond)
	if got := audiotest.DB(ducked / full); math.Abs(got+duckDB) > 0.2 {
		t.Fatalf("ducked by %.2f dB", -got)
	}
	if !strings.Contains(h.synth.texts[0], "张小明，6岁，身穿红色上衣") {
		t.Fatalf("spoken %q", h.synth.texts)
	}
	if got := strings.Join(h.ends(), " "); got != "music.start:played person:played" {
		t.Fatalf("ends %s", got)
	}
	end := h.entries("broadcast.end")[1]
	if !strings.Contains(string(end.Data), "张*") || strings.Contains(string(end.Data), "小明") {
		t.Fatalf("journal %s", end.Data)
	}
	h.verify()
}

// TestUrgentInterruptsAndMusicResumes: an urgent announcement stops the one
// playing at once; after it the interrupted one plays again from its
// chime, and the music comes back up.
func TestUrgentInterruptsAndMusicResumes(t *testing.T) {
	h := weekdayAt(t)
	t0 := h.clock.Now()
	first, err := h.st.Enqueue(h.ctx, h.clerk, free("请注意", false))
	if err != nil {
		t.Fatal(err)
	}
	var urgent ledger.Broadcast
	a := h.render(t0.Add(15*time.Second), func(now time.Time) {
		if now.Sub(t0) == 1500*time.Millisecond { // during the first one's speech
			if urgent, err = h.st.Enqueue(h.ctx, h.clerk, free("紧急疏散演练", true)); err != nil {
				t.Fatal(err)
			}
		}
	})
	speech, urg := a.Spans(speechHz, present, win), a.Spans(urgentHz, present, win)
	chimes := a.Spans(chimeHz, present, win)
	// first: chime 0–0.5, speech from 0.8, cut at 1.5; urgent: chime
	// 1.5–2.0, speech 2.3–4.3; first again: chime 4.3–4.8, speech 5.1–7.1.
	if len(chimes) != 3 || len(urg) != 1 || len(speech) != 2 {
		t.Fatalf("chimes %s urgent %s speech %s", audiotest.FormatSpans(chimes), audiotest.FormatSpans(urg), audiotest.FormatSpans(speech))
	}
	if !near(speech[0][1], 1500*time.Millisecond, win) || !near(chimes[1][0], 1500*time.Millisecond, win) {
		t.Fatalf("not interrupted at once: speech %s chimes %s", audiotest.FormatSpans(speech), audiotest.FormatSpans(chimes))
	}
	if !(urg[0][0] > chimes[1][1] && chimes[2][0] >= urg[0][1] && speech[1][0] > chimes[2][1]) {
		t.Fatalf("order: chimes %s urgent %s speech %s", audiotest.FormatSpans(chimes), audiotest.FormatSpans(urg), audiotest.FormatSpans(speech))
	}
	if !near(speech[1][1]-speech[1][0], speakLen, win) {
		t.Fatalf("replayed speech %v long", speech[1][1]-speech[1][0])
	}
	full := a.Level(musicHz, speech[1][1]+2*time.Second, speech[1][1]+3*time.Second)
	if math.Abs(full-amp) > 0.01 {
		t.Fatalf("music after the announcements %.3f", full)
	}
	if got := strings.Join(h.ends(), " "); got != "music.start:played free:played free:played" {
		t.Fatalf("ends %s", got)
	}
	if n := len(h.entries("broadcast.requeue")); n != 1 {
		t.Fatalf("%d requeue entries", n)
	}
	ends := h.entries("broadcast.end")
	var ev struct{ ID int64 }
	decode(t, ends[1].Data, &ev)
	if ev.ID != urgent.ID {
		t.Fatalf("urgent %d did not end first (%d, first %d)", urgent.ID, ev.ID, first.ID)
	}
}

// TestQueueActions: pause holds the queue and the speech, skip and cancel
// are journaled with who did them, and a paused queue keeps its items.
func TestQueueActions(t *testing.T) {
	h := weekdayAt(t)
	t0 := h.clock.Now()
	a1, _ := h.st.Enqueue(h.ctx, h.clerk, free("甲", false))
	a2, _ := h.st.Enqueue(h.ctx, h.clerk, free("乙", false))
	a3, _ := h.st.Enqueue(h.ctx, h.clerk, free("丙", false))
	h.render(t0.Add(time.Second), nil) // 甲's speech starts at 0.8 s
	h.st.SetPaused(true)
	a := h.render(t0.Add(4*time.Second), nil)
	if st := h.st.Status(); !st.Paused || st.Playing == nil || st.Playing.ID != a1.ID || len(st.Queue) != 3 {
		t.Fatalf("paused status %+v", st)
	}
	if lv := a.Level(speechHz, 0, a.Duration()); lv > 0.001 {
		t.Fatalf("speech while paused %.3f", lv)
	}
	if lv := a.Level(musicHz, time.Second, a.Duration()); lv < 0.49 {
		t.Fatalf("music not restored while paused: %.3f", lv)
	}
	h.st.SetPaused(false)
	if err := h.st.Skip(h.ctx, h.clerk); err != nil {
		t.Fatal(err)
	}
	if st := h.st.Status(); st.Playing == nil || st.Playing.ID != a2.ID {
		t.Fatalf("after skip: %+v", st.Playing)
	}
	if err := h.st.Cancel(h.ctx, h.clerk, a3.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.st.Cancel(h.ctx, h.clerk, a3.ID); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("cancelled twice: %v", err)
	}
	if err := h.st.Cancel(h.ctx, ledger.Staff{}, a2.ID); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("cancel without staff: %v", err)
	}
	h.render(h.clock.Now().Add(5*time.Second), nil)
	if got := strings.Join(h.ends(), " "); got != "music.start:played free:skipped free:cancelled free:played" {
		t.Fatalf("ends %s", got)
	}
	for _, e := range h.entries("broadcast.end")[1:3] {
		if e.StaffID != h.clerk.ID {
			t.Fatalf("end by %d", e.StaffID)
		}
	}
	if err := h.st.Skip(h.ctx, h.clerk); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("skip with nothing playing: %v", err)
	}
	h.verify()
}

// TestNoAudioDeviceKeepsQueue: without an output the console says so, the
// scheduled welcome and a staff announcement wait in the queue; when the
// device comes back they play.
func TestNoAudioDeviceKeepsQueue(t *testing.T) {
	h := newHarness(t, local("2026-11-25", 9, 0, 50))
	h.outErr = os.ErrNotExist
	b, err := h.st.Enqueue(h.ctx, h.clerk, free("请注意", false))
	if err != nil {
		t.Fatal(err)
	}
	a := h.render(local("2026-11-25", 9, 1, 20), nil)
	st := h.st.Status()
	if !strings.Contains(st.OutputProblem, "音频设备不可用") || st.Playing != nil || len(st.Queue) != 2 || st.Queue[0].ID != b.ID {
		t.Fatalf("status %+v", st)
	}
	if lv := a.Level(chimeHz, 0, a.Duration()); lv > 0.001 {
		t.Fatal("chime without a device")
	}
	h.outErr = nil
	a = h.render(local("2026-11-25", 9, 1, 30), nil)
	if sp := a.Spans(speechHz, present, win); len(sp) != 2 {
		t.Fatalf("after the device came back: %s", audiotest.FormatSpans(sp))
	}
	if got := strings.Join(h.ends(), " "); got != "music.start:played free:played speak:played" {
		t.Fatalf("ends %s", got)
	}
}

// TestNoSpeechEngine: the console says so; a text announcement waits (not
// dropped) with the reason; a template with a recording plays it.
func TestNoSpeechEngine(t *testing.T) {
	h := weekdayAt(t)
	h.st.cfg.Speech = nil
	rec := filepath.Join(h.dir, "closing.wav")
	audiotest.WriteTone(t, rec, rate, audiotest.Tone{Freq: urgentHz, Amp: amp, Dur: time.Second})
	cfg, _ := h.svc.BroadcastConfig(h.ctx)
	cfg.Recordings = map[ledger.TemplateKind]string{ledger.TplClosing: rec}
	h.saveConfig(cfg)
	text, _ := h.st.Enqueue(h.ctx, h.clerk, free("请注意", false))
	closing, err := h.st.Enqueue(h.ctx, h.clerk, ledger.Announcement{Template: ledger.TplClosing, Fields: map[string]string{ledger.FieldTime: "09:04"}})
	if err != nil {
		t.Fatal(err)
	}
	a := h.render(h.clock.Now().Add(3*time.Second), nil)
	st := h.st.Status()
	if !strings.Contains(st.SpeechProblem, "未安装语音引擎") || !strings.Contains(st.Blocked[text.ID], "无语音引擎") {
		t.Fatalf("status %+v", st)
	}
	if sp := a.Spans(urgentHz, present, win); len(sp) != 1 {
		t.Fatalf("recording %s", audiotest.FormatSpans(sp))
	}
	if got := strings.Join(h.ends(), " "); got != "music.start:played closing:played" {
		t.Fatalf("ends %s (closing %d)", got, closing.ID)
	}
	if q := h.st.Status().Queue; len(q) != 1 || q[0].ID != text.ID {
		t.Fatalf("queue %+v", q)
	}
}

// TestRestartNoDoublePlayMissedShown: the program dies while the welcome
// plays and is started again after the closing reminder's grace time: the
// welcome is shown interrupted (not replayed), the reminder missed, the
// music switched off as scheduled; nothing was played twice.
func TestRestartNoDoublePlayMissedShown(t *testing.T) {
	h := newHarness(t, local("2026-11-25", 8, 59, 50))
	h.render(local("2026-11-25", 9, 1, 1), nil) // the welcome's chime is on air
	if st := h.st.Status(); st.Playing == nil || st.Playing.Kind != "speak" {
		t.Fatalf("welcome not playing: %+v", st.Playing)
	}
	// Killed: nothing finishes it. Started again at 09:04:20: the 09:03
	// reminder is past its 1-minute grace, the 09:04 music stop is not.
	h.clock.Set(local("2026-11-25", 9, 4, 20))
	h.start()
	a := h.render(local("2026-11-25", 9, 5, 0), nil)
	if p := a.Peak(0, a.Duration()); p != 0 {
		t.Fatalf("something played after the restart: peak %v", p)
	}
	got := strings.Join(h.planStates(), " | ")
	want := "09:00 music.start 已播 | 09:01 speak 中断（程序退出时正在播放，未自动重播） | 09:03 closing 错过（到时未能播出（迟1分钟，超过1分钟）） | 09:04 music.stop 已播"
	if got != want {
		t.Fatalf("plan\n got %s\nwant %s", got, want)
	}
	if n := len(h.entries("broadcast.start")); n != 1 {
		t.Fatalf("%d starts", n)
	}
	// A third start the same day changes nothing.
	h.start()
	h.render(local("2026-11-25", 9, 5, 5), nil)
	if n := len(h.entries("broadcast.end")); n != 4 {
		t.Fatalf("%d ends after another restart", n)
	}
	h.verify()
}

// TestSecondInstancePlaysEachItemOnce: two programs on one database (a
// second window, or a second desk) both tick; every scheduled item and
// announcement is claimed by exactly one.
func TestSecondInstancePlaysEachItemOnce(t *testing.T) {
	h := newHarness(t, local("2026-11-25", 8, 59, 50))
	first, firstEngine := h.st, h.engine
	h.start()
	second, secondEngine := h.st, h.engine
	h.st.Enqueue(h.ctx, h.clerk, free("请注意", false))
	buf := make([][2]float64, rate/100)
	for now := h.clock.Now(); now.Before(local("2026-11-25", 9, 4, 30)); now = now.Add(step) {
		h.clock.Set(now)
		first.Tick(h.ctx)
		second.Tick(h.ctx)
		firstEngine.Stream(buf)
		secondEngine.Stream(buf)
	}
	if n := len(h.entries("broadcast.start")); n != 3 {
		t.Fatalf("%d starts for 3 broadcasts", n)
	}
	if got := strings.Join(h.ends(), " "); got != "free:played music.start:played speak:played closing:played music.stop:played" {
		t.Fatalf("ends %s", got)
	}
	if len(h.entries("broadcast.queue")) != 3 {
		t.Fatal("queued twice")
	}
	h.verify()
}
