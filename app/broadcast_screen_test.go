package app

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicedesk/app/broadcasting"
	"servicedesk/devices/audio"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// paRate is the engine rate of the GUI tests (the sound is not measured here).
const paRate = 4000

// gtone is a mono WAV tone for the fake speech engine and the chime.
func gtone(hz float64, d time.Duration) []byte {
	n := int(d.Seconds() * paRate)
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], paRate)
	binary.LittleEndian.PutUint32(b[28:], paRate*2)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(int16(8000*math.Sin(2*math.Pi*hz*float64(i)/paRate))))
	}
	return b
}

// guiSynth speaks every text as one second of tone.
type guiSynth struct {
	mu    sync.Mutex
	texts []string
}

func (g *guiSynth) Name() string { return "test-synth" }
func (g *guiSynth) Synthesize(_ context.Context, text string) ([]byte, error) {
	g.mu.Lock()
	g.texts = append(g.texts, text)
	g.mu.Unlock()
	return gtone(700, time.Second), nil
}

// pa is a real station (real store, real engine) the GUI tests drive.
type pa struct {
	st     *broadcasting.Station
	engine *audio.Engine
	svc    *sqlstore.BroadcastService
	outErr error
	synth  *guiSynth
}

// withPA wires a station into the harness before login. cfg edits the
// broadcast settings first (nil: the test schedule below).
func (h *harness) withPA(speech bool, cfg func(*ledger.BroadcastConfig)) *pa {
	h.t.Helper()
	p := &pa{engine: audio.NewEngine(paRate), svc: sqlstore.NewBroadcastService(h.db), synth: &guiSynth{}}
	c := ledger.DefaultBroadcastConfig()
	var err error
	// 10:00–22:00 weekdays; the test clock starts Wednesday 10:00 CST.
	if c.Schedule, err = ledger.ParseSchedule("开门+1 音乐开始\n开门+2 广播 欢迎光临\n闭店 音乐停止\n"); err != nil {
		h.t.Fatal(err)
	}
	if cfg != nil {
		cfg(&c)
	}
	h.clock.Add(-48 * time.Hour)
	if err := p.svc.UpdateBroadcastConfig(context.Background(), h.admin, c); err != nil {
		h.t.Fatal(err)
	}
	h.clock.Add(48 * time.Hour)
	conf := broadcasting.Config{Service: p.svc, Settings: h.svc.Settings, Engine: p.engine,
		Output: func() error { return p.outErr }, Chime: gtone(1500, 300*time.Millisecond), Now: h.clock.Now,
		Rand: rand.New(rand.NewPCG(1, 2))}
	if speech {
		conf.Speech = p.synth
	}
	if p.st, err = broadcasting.New(conf); err != nil {
		h.t.Fatal(err)
	}
	if err := p.st.Open(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	h.ui.svc.Broadcasts = p.svc
	h.ui.cfg.PA = p.st
	return p
}

// run advances the clock by d in 10 ms steps, ticking the station and
// pulling its engine as the sound card would, then ticks the UI.
func (h *harness) run(p *pa, d time.Duration) {
	h.t.Helper()
	buf := make([][2]float64, paRate/100)
	for end := h.clock.Now().Add(d); h.clock.Now().Before(end); {
		h.clock.Add(10 * time.Millisecond)
		p.st.Tick(context.Background())
		p.engine.Stream(buf)
	}
	h.ui.Tick()
}

// broadcast opens the broadcast console with F7.
func (h *harness) broadcast(user string) *broadcastScreen {
	h.t.Helper()
	sh := h.mustShell(user)
	sh.key(fyne.KeyF7)
	s, ok := sh.screens["broadcast"].(*broadcastScreen)
	if !ok || sh.Current() != "broadcast" {
		h.t.Fatal("F7 did not open the broadcast console")
	}
	return s
}

// pick selects a template by its Chinese name.
func (s *broadcastScreen) pick(t *testing.T, kind ledger.TemplateKind) {
	t.Helper()
	for i, k := range s.kinds {
		if k == kind {
			s.template.SetSelectedIndex(i)
			return
		}
	}
	t.Fatalf("no template %s", kind)
}

// say queues a free-text announcement through the form.
func (s *broadcastScreen) say(t *testing.T, text string, urgent bool) {
	t.Helper()
	s.pick(t, ledger.TplFree)
	test.Type(s.fields[ledger.FieldText], text)
	if urgent {
		test.Tap(s.urgent)
	} else {
		test.Tap(s.enqueue)
	}
	if !strings.Contains(s.message.Text, "已") {
		t.Fatalf("not queued: %q", s.message.Text)
	}
}

// queueText lists the queue rows' labels.
func (s *broadcastScreen) queueText() string {
	var out []string
	for _, r := range s.queueRows {
		out = append(out, strings.ReplaceAll(r.label.Text, "\n", " "))
	}
	return strings.Join(out, " | ")
}

func TestBroadcastQueuePauseSkipCancelUrgent(t *testing.T) {
	h := newHarness(t, true)
	p := h.withPA(true, func(c *ledger.BroadcastConfig) { c.Schedule = nil })
	s := h.broadcast("li")
	if !strings.Contains(s.nowPlaying.Text, "当前没有广播") || !s.skip.Disabled() || s.queueText() != "" {
		t.Fatalf("idle console: %q / %q", s.nowPlaying.Text, s.queueText())
	}
	s.say(t, "第一条", false)
	s.say(t, "第二条", false)
	s.say(t, "第三条", false)
	q := s.queueText()
	if len(s.queueRows) != 3 || !strings.Contains(q, "#1  [自由广播] 第一条 播放中") || !strings.Contains(q, "#3  [自由广播] 第三条 排队中") {
		t.Fatalf("queue: %s", q)
	}
	if !strings.Contains(s.nowPlaying.Text, "正在播放（提示音）：[自由广播] 第一条") {
		t.Fatalf("on air: %q", s.nowPlaying.Text)
	}

	// Pause: the queue and the announcement hold.
	test.Tap(s.pause)
	h.run(p, 5*time.Second)
	if s.pause.Text != "继续播放" || !strings.Contains(s.nowPlaying.Text, "已暂停") || p.engine.State().Program != 1 {
		t.Fatalf("paused: %q %q %+v", s.pause.Text, s.nowPlaying.Text, p.engine.State())
	}
	test.Tap(s.pause)
	if s.pause.Text != "暂停队列" {
		t.Fatalf("resumed: %q", s.pause.Text)
	}

	// Skip the first; the second goes on air.
	test.Tap(s.skip)
	if s.actionMsg.Text != "已跳过" || !strings.Contains(s.nowPlaying.Text, "第二条") || len(s.queueRows) != 2 {
		t.Fatalf("after skip: %q %q %s", s.actionMsg.Text, s.nowPlaying.Text, s.queueText())
	}
	// Cancel the third from its row.
	test.Tap(s.queueRows[1].cancel)
	if s.actionMsg.Text != "已取消 #3" || len(s.queueRows) != 1 {
		t.Fatalf("after cancel: %q %s", s.actionMsg.Text, s.queueText())
	}

	// Urgent: interrupts the second, which goes back to the queue.
	s.say(t, "紧急通知", true)
	if !strings.Contains(s.nowPlaying.Text, "[紧急·自由广播] 紧急通知") || !strings.Contains(s.queueText(), "#2  [自由广播] 第二条 排队中") {
		t.Fatalf("urgent: %q / %s", s.nowPlaying.Text, s.queueText())
	}
	h.run(p, 10*time.Second) // the urgent one, then the second again
	if !strings.Contains(s.nowPlaying.Text, "当前没有广播") || s.queueText() != "" {
		t.Fatalf("after all: %q / %s", s.nowPlaying.Text, s.queueText())
	}
	var results []string
	entries, _ := h.svc.Journal.Entries(context.Background(), 0, 1000)
	for _, e := range entries {
		if e.Kind == "broadcast.end" {
			for _, st := range []string{"skipped", "cancelled", "played"} {
				if strings.Contains(string(e.Data), `"status":"`+st+`"`) {
					results = append(results, st)
				}
			}
			if !strings.Contains(string(e.Data), `"status":"played"`) && e.StaffID != h.clerk.ID {
				t.Fatalf("%s by %d", e.Data, e.StaffID)
			}
		}
	}
	if strings.Join(results, " ") != "skipped cancelled played played" {
		t.Fatalf("journal %v", results)
	}
	if p.synth.texts[0] != "第一条" || !slicesContains(p.synth.texts, "紧急通知") {
		t.Fatalf("spoken %q", p.synth.texts)
	}
	h.verify()
}

// slicesContains reports whether xs holds x.
func slicesContains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestBroadcastTemplatesWithFields(t *testing.T) {
	h := newHarness(t, true)
	p := h.withPA(true, func(c *ledger.BroadcastConfig) { c.Schedule = nil })
	s := h.broadcast("li")
	s.tabs.SelectIndex(1)

	s.pick(t, ledger.TplPerson)
	for _, k := range []string{ledger.FieldName, ledger.FieldAge, ledger.FieldClothing, ledger.FieldPlace} {
		if s.fields[k] == nil {
			t.Fatalf("寻人 lacks field %s", k)
		}
	}
	// Missing the name: nothing is queued, the message says what is missing.
	test.Type(s.fields[ledger.FieldPlace], "一楼总服务台")
	test.Tap(s.enqueue)
	if !strings.Contains(s.message.Text, "请填写姓名") || len(p.st.Status().Queue) != 0 {
		t.Fatalf("no name: %q", s.message.Text)
	}
	test.Type(s.fields[ledger.FieldName], "张小明")
	test.Type(s.fields[ledger.FieldAge], "6岁")
	test.Type(s.fields[ledger.FieldClothing], "红色上衣")
	s.repeats.SetSelectedIndex(2)
	s.interval.SetText("30")
	if !strings.Contains(s.preview.Text, "现在广播寻人：张小明，6岁，身穿红色上衣，听到广播后请到一楼总服务台") ||
		!strings.Contains(s.preview.Text, "共播3遍，每遍间隔30秒") {
		t.Fatalf("preview %q", s.preview.Text)
	}
	s.interval.SetText("2")
	test.Tap(s.enqueue)
	if !strings.Contains(s.message.Text, "重复间隔") || len(p.st.Status().Queue) != 0 {
		t.Fatalf("bad interval: %q", s.message.Text)
	}
	s.interval.SetText("30")
	test.Tap(s.enqueue)
	if s.message.Text != "已加入队列：寻人" || s.fields[ledger.FieldName].Text != "" {
		t.Fatalf("queued: %q", s.message.Text)
	}
	q := p.st.Status().Queue
	if len(q) != 1 || q[0].Repeats != 2 || q[0].Interval != 30*time.Second || !strings.Contains(q[0].Text, "张小明") {
		t.Fatalf("queue %+v", q)
	}

	// 挪车: the plate is checked and normalised.
	s.pick(t, ledger.TplCar)
	test.Type(s.fields[ledger.FieldPlate], "京A1234")
	test.Tap(s.enqueue)
	if !strings.Contains(s.message.Text, "车牌号格式不正确") {
		t.Fatalf("bad plate: %q", s.message.Text)
	}
	s.fields[ledger.FieldPlate].SetText("粤b·d12345")
	if !strings.Contains(s.preview.Text, "车牌号为粤BD12345的车主") {
		t.Fatalf("car preview %q", s.preview.Text)
	}
	test.Tap(s.enqueue)
	h.run(p, 80*time.Second) // the person announcement (3 times) plays, then the car one starts
	if !slicesContains(p.synth.texts, strings.Replace(s.lastCarText(t, p), "粤BD12345", "粤 B D 一 二 三 四 五", 1)) {
		t.Fatalf("plate not spelled for speech: %q", p.synth.texts)
	}

	// 闭店提醒 starts with today's closing time.
	s.pick(t, ledger.TplClosing)
	if got := s.fields[ledger.FieldTime].Text; got != "22:00" {
		t.Fatalf("closing time prefilled %q", got)
	}
	if !strings.Contains(s.preview.Text, "将于22:00结束营业") {
		t.Fatalf("closing preview %q", s.preview.Text)
	}
	// Enter in a field queues it too.
	s.fields[ledger.FieldTime].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.message.Text != "已加入队列：闭店提醒" {
		t.Fatalf("enter: %q", s.message.Text)
	}
}

// lastCarText is the car announcement's displayed text from the store.
func (s *broadcastScreen) lastCarText(t *testing.T, p *pa) string {
	t.Helper()
	recent, err := p.svc.Recent(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range recent {
		if b.Kind == string(ledger.TplCar) {
			return b.Text
		}
	}
	t.Fatal("no car announcement")
	return ""
}

func TestBroadcastPlanAndWarnings(t *testing.T) {
	h := newHarness(t, true)
	p := h.withPA(false, nil) // no speech engine
	p.outErr = os.ErrNotExist // and no sound card
	s := h.broadcast("li")
	h.run(p, time.Second)
	if !strings.Contains(s.warnings.Text, "音频设备不可用，广播不会播出，队列保留") ||
		!strings.Contains(s.warnings.Text, "未安装语音引擎（espeak-ng），只能播放录音文件") {
		t.Fatalf("warnings %q", s.warnings.Text)
	}
	if got := h.ui.shell.nav[6].button.Text; !strings.Contains(got, "无音频") {
		t.Fatalf("nav %q", got)
	}
	s.tabs.SelectIndex(2)
	if !strings.Contains(s.dayInfo.Text, "2026-11-25  工作日  营业 10:00-22:00") || len(s.planRows) != 3 {
		t.Fatalf("plan %q %d", s.dayInfo.Text, len(s.planRows))
	}
	h.run(p, 2*time.Minute)
	rows := func() string {
		var out []string
		for _, r := range s.planRows {
			out = append(out, r.Text)
		}
		return strings.Join(out, " | ")
	}
	want := "10:01  音乐开始  —  已播 | 10:02  广播：欢迎光临  —  排队中 | 22:00  音乐停止  —  待播"
	if rows() != want {
		t.Fatalf("plan\n got %s\nwant %s", rows(), want)
	}
	// The sound card comes back; the welcome still cannot be spoken
	// (no speech engine): it waits with the reason.
	p.outErr = nil
	h.run(p, time.Second)
	if !strings.Contains(s.queueText(), "无语音引擎，无法朗读；可设置录音文件或取消") {
		t.Fatalf("queue %s", s.queueText())
	}
	// Past the grace time nothing new is queued for it: it stays queued
	// (it was due in time), and the staff cancel it.
	test.Tap(s.queueRows[0].cancel)
	h.run(p, time.Second)
	if rows() != "10:01  音乐开始  —  已播 | 10:02  广播：欢迎光临  —  已取消 | 22:00  音乐停止  —  待播" {
		t.Fatalf("plan after cancel %s", rows())
	}
}

func TestBroadcastSettingsSave(t *testing.T) {
	h := newHarness(t, true)
	p := h.withPA(true, nil)
	s := h.broadcast("li")
	if !s.settings.save.Disabled() || s.settings.readOnly.Hidden {
		t.Fatal("a clerk can edit the broadcast settings")
	}
	h.ui.shell.key(fyne.KeyF1)
	h.ui.showLogin()
	s = h.broadcast("wang")
	b := s.settings
	if b.save.Disabled() || !strings.Contains(b.schedule.Text, "开门+2 广播 欢迎光临") {
		t.Fatalf("supervisor form: %v %q", b.save.Disabled(), b.schedule.Text)
	}
	before := len(h.journalKinds())
	b.schedule.SetText(b.schedule.Text + "25:00 音乐开始\n")
	test.Tap(b.save)
	if !strings.Contains(b.message.Text, "定时计划第4行") || len(h.journalKinds()) != before {
		t.Fatalf("bad line: %q", b.message.Text)
	}
	b.schedule.SetText("开门+1 音乐开始\n闭店-30 闭店提醒\n")
	b.special.SetText("2026-11-25 店庆 09:00-23:00\n")
	b.duck.SetText("20")
	test.Tap(b.save)
	if b.message.Text != "广播设置已保存" {
		t.Fatalf("save: %q", b.message.Text)
	}
	kinds := h.journalKinds()
	if kinds[len(kinds)-1] != "broadcast.config" {
		t.Fatalf("journal %v", kinds[len(kinds)-1])
	}
	// The station re-plans today with the new hours.
	h.run(p, time.Second)
	s.tabs.SelectIndex(2)
	if !strings.Contains(s.dayInfo.Text, "节假日（店庆）  营业 09:00-23:00") || len(s.planRows) != 2 ||
		!strings.HasPrefix(s.planRows[1].Text, "22:30  闭店提醒") {
		t.Fatalf("plan after save: %q %d", s.dayInfo.Text, len(s.planRows))
	}
	if st := p.st.Status(); st.DuckDB != 20 {
		t.Fatalf("duck %d", st.DuckDB)
	}
}

// TestBroadcastEnglish runs TestBroadcastEnglishScreen with the English
// table in a child process (translations are process-wide).
func TestBroadcastEnglish(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") == "en" {
		t.Skip("inside the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBroadcastEnglishScreen$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "SD_TEST_LANG=en")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestBroadcastEnglishScreen") {
		t.Fatalf("english run: %v\n%s", err, out)
	}
}

func TestBroadcastEnglishScreen(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestBroadcastEnglish")
	}
	h := newHarness(t, true)
	h.withPA(false, nil)
	s := h.broadcast("li")
	if s.pause.Text != "Pause queue" || s.enqueue.Text != "Add to queue" || s.urgent.Text != "Urgent" {
		t.Fatalf("buttons %q %q %q", s.pause.Text, s.enqueue.Text, s.urgent.Text)
	}
	if !strings.Contains(s.warnings.Text, "No speech engine") {
		t.Fatalf("warnings %q", s.warnings.Text)
	}
	s.pick(t, ledger.TplPerson)
	test.Tap(s.enqueue)
	if !strings.Contains(s.message.Text, "Name") {
		t.Fatalf("message %q", s.message.Text)
	}
	for _, tab := range s.tabs.Items {
		if strings.ContainsFunc(tab.Text, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Fatalf("tab %q not translated", tab.Text)
		}
	}
}

// broadcastLabels are the broadcast console's domain labels and station
// messages, which the console passes through T.
func broadcastLabels() []string {
	out := []string{"待播", "未执行（计划修改前）", "无语音引擎，无法朗读；可设置录音文件或取消",
		"音频输出已在设置中关闭，广播不会播出", "未检测到音频设备（声卡），广播不会播出，队列保留",
		"音频设备不可用，广播不会播出，队列保留", "未安装语音引擎（espeak-ng），只能播放录音文件",
		"背景音乐文件夹无法读取", "背景音乐文件夹中没有 WAV 或 MP3 文件", "有音乐文件无法播放，已跳过",
		"提示音文件无法播放，改用内置提示音", "语音引擎无法使用，只能播放录音文件"}
	for _, k := range ledger.TemplateKinds() {
		out = append(out, k.Label(), k.Label()+"录音文件")
		for _, f := range k.Fields() {
			out = append(out, f.Label)
		}
	}
	for _, st := range []ledger.BroadcastStatus{ledger.BroadcastQueued, ledger.BroadcastPlaying, ledger.BroadcastPlayed,
		ledger.BroadcastFailed, ledger.BroadcastSkipped, ledger.BroadcastCancelled, ledger.BroadcastMissed, ledger.BroadcastInterrupted} {
		out = append(out, st.Label())
	}
	for _, a := range []ledger.ScheduleAction{ledger.ActMusicStart, ledger.ActMusicStop, ledger.ActPlayFile, ledger.ActSpeak, ledger.ActClosing} {
		out = append(out, a.Label())
	}
	for _, d := range []ledger.DayType{ledger.DayWeekday, ledger.DayWeekend, ledger.DayHoliday} {
		out = append(out, d.Label())
	}
	return out
}

// TestBroadcastConsoleFits checks every tab of the console, with a station,
// a queue and the supervisor's settings, at 1024×768 and 1366×768.
func TestBroadcastConsoleFits(t *testing.T) {
	for _, size := range counterScreens {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			h := newHarness(t, true)
			h.withPA(true, nil)
			h.win.Resize(size)
			s := h.broadcast("wang")
			h.win.Resize(size)
			s.say(t, strings.Repeat("很长的广播内容", 40), false)
			s.say(t, "第二条", false)
			n := 0
			for i := range s.tabs.Items {
				s.tabs.SelectIndex(i)
				n += checkFits(t, h.win, "broadcast tab "+s.tabs.Items[i].Text)
			}
			if n < 40 {
				t.Fatalf("found only %d controls", n)
			}
		})
	}
}
