package broadcasting

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mrand "math/rand"

	"servicedesk/devices/audio"
	"servicedesk/devices/audio/audiotest"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// Test sounds, each at its own frequency so a measurement finds it in the
// mix (whole cycles in 100 ms windows at 4 kHz).
const (
	rate     = 4000
	musicHz  = 250
	chimeHz  = 1500
	speechHz = 700
	urgentHz = 1000
	amp      = 0.5
	present  = 0.05
	duckDB   = 12
	chimeLen = 500 * time.Millisecond
	speakLen = 2 * time.Second
	step     = 10 * time.Millisecond
	win      = 100 * time.Millisecond
)

var cst = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// local is a counter-local time on date (YYYY-MM-DD) at hh:mm:ss.
func local(date string, hh, mm, ss int) time.Time {
	d, _ := time.ParseInLocation("2006-01-02", date, cst)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, ss, 0, cst)
}

// clock is the fake clock shared by the store and the station.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// fakeSynth speaks every text as a 2 s tone: 1000 Hz for texts containing
// 紧急, 700 Hz for the others. It records what it was asked to say.
type fakeSynth struct {
	mu    sync.Mutex
	texts []string
}

func (f *fakeSynth) Name() string { return "test-synth" }
func (f *fakeSynth) Synthesize(_ context.Context, text string) ([]byte, error) {
	f.mu.Lock()
	f.texts = append(f.texts, text)
	f.mu.Unlock()
	hz := float64(speechHz)
	if strings.Contains(text, "紧急") {
		hz = urgentHz
	}
	return toneWAV(hz, speakLen), nil
}

// toneWAV is a mono tone at the test rate.
func toneWAV(hz float64, d time.Duration) []byte {
	n := int(d.Seconds() * rate)
	pcm := make([]int16, n)
	for i := range pcm {
		env := 1.0
		if f := rate / 200; i < f {
			env = float64(i) / float64(f)
		} else if n-i < f {
			env = float64(n-i) / float64(f)
		}
		pcm[i] = int16(amp * env * 32767 * math.Sin(2*math.Pi*hz*float64(i)/rate))
	}
	return audiotest.MonoWAV(rate, pcm)
}

// harness is a station on a real SQLite file with a fake clock, rendering
// its engine into WAV files.
type harness struct {
	t       *testing.T
	ctx     context.Context
	db      *sqlstore.DB
	svc     *sqlstore.BroadcastService
	journal *sqlstore.JournalService
	clock   *clock
	admin   ledger.Staff
	clerk   ledger.Staff
	synth   *fakeSynth
	outErr  error
	dir     string
	st      *Station
	engine  *audio.Engine
}

// testSchedule runs on every day type; the calendar moves it.
const testSchedule = `
开门 音乐开始
开门+1 广播 欢迎光临
闭店-1 闭店提醒
闭店 音乐停止
`

// newHarness opens a database at dbPath ("" for a fresh one), saves the
// test configuration once and starts a station at start.
func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), clock: &clock{t: start}, synth: &fakeSynth{}, dir: t.TempDir()}
	db, err := sqlstore.Open(h.ctx, filepath.Join(h.dir, "desk.db"), sqlstore.Options{Now: h.clock.Now, Rand: mrand.New(mrand.NewSource(1))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db, h.svc, h.journal = db, sqlstore.NewBroadcastService(db), sqlstore.NewJournalService(db)
	staff := sqlstore.NewStaffService(db)
	h.admin, err = staff.Setup(h.ctx, ledger.SetupRequest{MallName: "测试广场", CounterName: "总服务台",
		Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: "counter2026"}})
	if err != nil {
		t.Fatal(err)
	}
	h.clerk, err = staff.AddStaff(h.ctx, h.admin, ledger.NewStaff{Username: "li", Name: "李柜员", Role: ledger.RoleClerk, Password: "counter2026"})
	if err != nil {
		t.Fatal(err)
	}
	music := filepath.Join(h.dir, "music")
	os.Mkdir(music, 0o755)
	audiotest.WriteTone(t, filepath.Join(music, "01.wav"), rate, audiotest.Tone{Freq: musicHz, Amp: amp, Dur: 20 * time.Second})
	cfg := ledger.DefaultBroadcastConfig()
	cfg.Calendar = ledger.Calendar{Weekday: ledger.Hours{Open: 540, Close: 544}, Weekend: ledger.Hours{Open: 541, Close: 545},
		Holiday: ledger.Hours{Open: 542, Close: 546}}
	if cfg.Calendar.Special, err = ledger.ParseSpecialDays("2026-10-01~2026-10-07 国庆节"); err != nil {
		t.Fatal(err)
	}
	if cfg.Schedule, err = ledger.ParseSchedule(testSchedule); err != nil {
		t.Fatal(err)
	}
	cfg.MusicFolder, cfg.MusicVolume, cfg.DuckDB, cfg.GraceMinutes = music, 100, duckDB, 1
	h.saveConfig(cfg)
	h.start()
	return h
}

// saveConfig stores cfg a day before the test's clock, so no plan item
// counts as "planned before the change".
func (h *harness) saveConfig(cfg ledger.BroadcastConfig) {
	h.t.Helper()
	now := h.clock.Now()
	h.clock.Set(now.Add(-48 * time.Hour))
	if err := h.svc.UpdateBroadcastConfig(h.ctx, h.admin, cfg); err != nil {
		h.t.Fatal(err)
	}
	h.clock.Set(now)
	if h.st != nil {
		if err := h.st.Reload(h.ctx); err != nil {
			h.t.Fatal(err)
		}
	}
}

// start builds a station (a fresh program start) on the database.
func (h *harness) start() {
	h.t.Helper()
	h.engine = audio.NewEngine(rate)
	st, err := New(Config{Service: h.svc, Settings: sqlstore.NewSettingsService(h.db), Engine: h.engine,
		Speech: h.synth, Output: func() error { return h.outErr }, Chime: toneWAV(chimeHz, chimeLen),
		Now: h.clock.Now, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := st.Open(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	h.st = st
}

// render ticks the station and pulls its engine in 10 ms steps from the
// clock's time until `until`, calling at (when set) before each step with
// the time; it returns the audio (time 0 = the start).
func (h *harness) render(until time.Time, at func(time.Time)) audiotest.Audio {
	h.t.Helper()
	path := filepath.Join(h.dir, "render.wav")
	f, err := os.Create(path)
	if err != nil {
		h.t.Fatal(err)
	}
	w, err := audio.NewWAVWriter(f, rate)
	if err != nil {
		h.t.Fatal(err)
	}
	buf := make([][2]float64, rate/100)
	for now := h.clock.Now(); now.Before(until); now = now.Add(step) {
		h.clock.Set(now)
		if at != nil {
			at(now)
		}
		h.st.Tick(h.ctx)
		h.engine.Stream(buf)
		if err := w.Write(buf); err != nil {
			h.t.Fatal(err)
		}
	}
	h.clock.Set(until)
	if err := w.Flush(); err != nil {
		h.t.Fatal(err)
	}
	f.Close()
	return audiotest.ReadWAV(h.t, path)
}

// ends lists the broadcast.end entries as "kind:status".
func (h *harness) ends() []string {
	h.t.Helper()
	var out []string
	for _, e := range h.entries("broadcast.end") {
		var ev struct{ Kind, Status string }
		decode(h.t, e.Data, &ev)
		out = append(out, ev.Kind+":"+ev.Status)
	}
	return out
}

// entries lists the journal entries of one kind.
func (h *harness) entries(kind string) []ledger.Entry {
	h.t.Helper()
	all, err := h.journal.Entries(h.ctx, 0, 100000)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []ledger.Entry
	for _, e := range all {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// verify fails unless the journal chain verifies.
func (h *harness) verify() {
	h.t.Helper()
	res, err := h.journal.Verify(h.ctx)
	if err != nil || !res.OK {
		h.t.Fatalf("verify %+v %v", res, err)
	}
}

// planStates lists today's plan as "HH:MM action state".
func (h *harness) planStates() []string {
	var out []string
	for _, r := range h.st.Status().Plan {
		out = append(out, r.Item.At.In(cst).Format("15:04")+" "+string(r.Item.Entry.Action)+" "+r.State)
	}
	return out
}

// decode unmarshals journal data.
func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}
