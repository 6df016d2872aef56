package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/app/broadcasting"
	"servicedesk/ledger"
)

// BroadcastConsole is the PA station the broadcast screen drives
// (broadcasting.Station).
type BroadcastConsole interface {
	// Status is the latest snapshot: plan, queue, music, device problems.
	Status() broadcasting.Status
	// Enqueue queues an announcement (an urgent one interrupts).
	Enqueue(ctx context.Context, actor ledger.Staff, a ledger.Announcement) (ledger.Broadcast, error)
	// Skip ends the broadcast playing; Cancel takes one out of the queue.
	Skip(ctx context.Context, actor ledger.Staff) error
	Cancel(ctx context.Context, actor ledger.Staff, id int64) error
	// SetPaused holds or continues the queue.
	SetPaused(on bool)
	// SetMusic switches the background music; NextTrack skips a file.
	SetMusic(on bool)
	NextTrack()
	// Reload re-reads the settings after a save.
	Reload(ctx context.Context) error
}

// broadcastScreen is the PA console (广播, F7): the queue with pause, skip
// and cancel, announcements from templates, today's plan with what already
// played, the background music, and (for supervisors) the settings.
type broadcastScreen struct {
	u    *UI
	root fyne.CanvasObject
	tabs *container.AppTabs

	// console tab
	warnings   *widget.Label
	nowPlaying *widget.Label
	pause      *widget.Button
	skip       *widget.Button
	queueBox   *fyne.Container
	queueRows  []*queueRow
	queueSig   string
	music      *widget.Label
	musicOn    *widget.Button
	nextTrack  *widget.Button
	actionMsg  *widget.Label

	// templates tab
	template  *widget.Select
	kinds     []ledger.TemplateKind
	fieldsBox *fyne.Container
	fields    map[string]*keyEntry
	repeats   *widget.Select
	interval  *keyEntry
	preview   *widget.Label
	enqueue   *widget.Button
	urgent    *widget.Button
	message   *widget.Label

	// plan tab
	dayInfo  *widget.Label
	planBox  *fyne.Container
	planRows []*widget.Label
	planSig  string

	settings *broadcastSettings
	status   broadcasting.Status
}

// queueRow is one broadcast in the queue.
type queueRow struct {
	id     int64
	label  *widget.Label
	cancel *widget.Button
}

func (u *UI) newBroadcastScreen() screen {
	s := &broadcastScreen{u: u, fields: map[string]*keyEntry{}}
	s.tabs = container.NewAppTabs(
		container.NewTabItem(T("播音台"), s.buildConsole()),
		container.NewTabItem(T("广播模板"), s.buildTemplates()),
		container.NewTabItem(T("今日计划"), s.buildPlan()),
	)
	if u.svc.Broadcasts != nil {
		s.settings = u.newBroadcastSettings(s)
		s.tabs.Append(container.NewTabItem(T("广播设置"), s.settings.root))
	}
	s.root = s.tabs
	return s
}

// buildConsole lays out what is on air, the queue and the music.
func (s *broadcastScreen) buildConsole() fyne.CanvasObject {
	s.warnings = widget.NewLabel("")
	s.warnings.Wrapping = fyne.TextWrapWord
	s.warnings.Importance = widget.DangerImportance
	s.nowPlaying = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.nowPlaying.Wrapping = fyne.TextWrapWord
	s.pause = widget.NewButton(T("暂停队列"), s.togglePause)
	s.skip = widget.NewButton(T("跳过当前广播"), s.doSkip)
	s.queueBox = container.NewVBox()
	s.music = widget.NewLabel("")
	s.music.Wrapping = fyne.TextWrapWord
	s.musicOn = widget.NewButton(T("播放音乐"), s.toggleMusic)
	s.nextTrack = widget.NewButton(T("下一首"), func() {
		if pa := s.u.cfg.PA; pa != nil {
			pa.NextTrack()
			s.live()
		}
	})
	s.actionMsg = widget.NewLabel("")
	s.actionMsg.Wrapping = fyne.TextWrapWord
	onAir := widget.NewCard(T("正在播放"), "", container.NewVBox(s.nowPlaying,
		container.NewHBox(s.pause, s.skip), s.actionMsg))
	queue := widget.NewCard(T("广播队列"), T("紧急广播排在最前；取消的广播记入台账"), s.queueBox)
	music := widget.NewCard(T("背景音乐"), "", container.NewVBox(s.music, container.NewHBox(s.musicOn, s.nextTrack)))
	return container.NewVScroll(container.NewVBox(s.warnings, onAir, queue, music))
}

// buildTemplates lays out the announcement form.
func (s *broadcastScreen) buildTemplates() fyne.CanvasObject {
	s.kinds = ledger.TemplateKinds()
	var names []string
	for _, k := range s.kinds {
		names = append(names, T(k.Label()))
	}
	s.fieldsBox = container.NewVBox()
	s.preview = widget.NewLabel("")
	s.preview.Wrapping = fyne.TextWrapWord
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.template = widget.NewSelect(names, func(string) { s.showFields() })
	var repeatNames []string
	for i := 0; i <= ledger.MaxRepeats; i++ {
		repeatNames = append(repeatNames, repeatLabel(i))
	}
	s.repeats = widget.NewSelect(repeatNames, func(string) { s.showPreview() })
	s.repeats.SetSelectedIndex(0)
	s.interval = s.u.newKeyEntry(T("秒，如 60"))
	s.interval.SetText("60")
	s.interval.OnChanged = func(string) { s.showPreview() }
	s.enqueue = widget.NewButton(T("加入队列"), func() { s.doEnqueue(false) })
	s.enqueue.Importance = widget.HighImportance
	s.urgent = widget.NewButton(T("紧急插播"), func() { s.doEnqueue(true) })
	s.urgent.Importance = widget.DangerImportance
	s.template.SetSelectedIndex(0)
	form := widget.NewForm(
		widget.NewFormItem(T("模板"), s.template),
		widget.NewFormItem(T("重复"), s.repeats),
		widget.NewFormItem(T("间隔（秒）"), s.interval))
	previewCard := widget.NewCard(T("广播内容预览"), T("先播提示音，再播语音"), s.preview)
	return container.NewVScroll(container.NewVBox(form, s.fieldsBox, previewCard,
		container.NewHBox(s.enqueue, s.urgent), s.message))
}

// repeatLabel names a repeat count.
func repeatLabel(n int) string {
	if n == 0 {
		return T("不重复")
	}
	return T("重复%d次", n)
}

// buildPlan lays out today's plan.
func (s *broadcastScreen) buildPlan() fyne.CanvasObject {
	s.dayInfo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.planBox = container.NewVBox()
	note := widget.NewLabel(T("定时广播由程序按计划自动播出；错过的项目在此显示，不会补播。"))
	note.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(container.NewVBox(s.dayInfo, note, s.planBox))
}

// selectedKind is the template picked.
func (s *broadcastScreen) selectedKind() ledger.TemplateKind {
	i := s.template.SelectedIndex()
	if i < 0 || i >= len(s.kinds) {
		return ledger.TplFree
	}
	return s.kinds[i]
}

// showFields rebuilds the field entries for the template picked.
func (s *broadcastScreen) showFields() {
	if s.fieldsBox == nil {
		return
	}
	kind := s.selectedKind()
	s.fields = map[string]*keyEntry{}
	form := widget.NewForm()
	for _, f := range kind.Fields() {
		e := s.u.newKeyEntry(T("例：%s", f.Hint))
		if f.Key == ledger.FieldTime {
			e.SetText(s.status.Day.Hours.Close.String())
		}
		e.OnChanged = func(string) { s.showPreview() }
		e.OnSubmitted = func(string) { s.doEnqueue(false) }
		s.fields[f.Key] = e
		label := T(f.Label)
		if f.Required {
			label += " *"
		}
		form.Append(label, e)
	}
	s.fieldsBox.Objects = []fyne.CanvasObject{form}
	s.fieldsBox.Refresh()
	s.showPreview()
}

// announcement is what the form holds.
func (s *broadcastScreen) announcement(urgent bool) (ledger.Announcement, error) {
	a := ledger.Announcement{Template: s.selectedKind(), Fields: map[string]string{}, Urgent: urgent}
	for k, e := range s.fields {
		a.Fields[k] = e.Text
	}
	a.Repeats = max(0, s.repeats.SelectedIndex())
	if a.Repeats > 0 {
		sec, err := strconv.Atoi(strings.TrimSpace(s.interval.Text))
		if err != nil {
			return a, ledger.Errorf(ledger.EINVALID, "重复间隔须为整数秒")
		}
		a.Interval = time.Duration(sec) * time.Second
	}
	return a.Normalize()
}

// showPreview shows the text the form would broadcast, or what is missing.
func (s *broadcastScreen) showPreview() {
	if s.preview == nil || s.repeats == nil {
		return
	}
	a, err := s.announcement(false)
	if err != nil {
		s.preview.SetText(T("（填写完整后显示）") + "\n" + errText(err))
		return
	}
	text := a.Text(nil)
	if a.Repeats > 0 {
		text += "\n" + T("（共播%d遍，每遍间隔%d秒）", a.Repeats+1, int(a.Interval/time.Second))
	}
	s.preview.SetText(text)
}

// doEnqueue queues the drafted announcement.
func (s *broadcastScreen) doEnqueue(urgent bool) {
	s.u.touch()
	pa := s.u.cfg.PA
	if pa == nil {
		s.message.SetText(T("广播台未启动，无法播音"))
		return
	}
	a, err := s.announcement(urgent)
	if err == nil {
		_, err = pa.Enqueue(s.u.ctx, s.u.Staff(), a)
	}
	if err != nil {
		s.message.SetText(errText(err))
		return
	}
	if urgent {
		s.message.SetText(T("已紧急插播：%s", a.Template.Label()))
	} else {
		s.message.SetText(T("已加入队列：%s", a.Template.Label()))
	}
	for _, e := range s.fields {
		e.SetText("")
	}
	if e := s.fields[ledger.FieldTime]; e != nil {
		e.SetText(s.status.Day.Hours.Close.String())
	}
	s.live()
	s.changed()
}

// changed tells the rest of the app (the glance panel) that state changed.
func (s *broadcastScreen) changed() {
	if s.u.cfg.Changed != nil {
		s.u.cfg.Changed()
	}
}

// togglePause holds or continues the queue.
func (s *broadcastScreen) togglePause() {
	s.u.touch()
	if pa := s.u.cfg.PA; pa != nil {
		pa.SetPaused(!s.status.Paused)
		s.live()
	}
}

// doSkip ends the broadcast on air.
func (s *broadcastScreen) doSkip() {
	s.u.touch()
	pa := s.u.cfg.PA
	if pa == nil {
		return
	}
	if err := pa.Skip(s.u.ctx, s.u.Staff()); err != nil {
		s.actionMsg.SetText(errText(err))
	} else {
		s.actionMsg.SetText(T("已跳过"))
	}
	s.live()
}

// doCancel takes one broadcast out of the queue.
func (s *broadcastScreen) doCancel(id int64) {
	s.u.touch()
	pa := s.u.cfg.PA
	if pa == nil {
		return
	}
	if err := pa.Cancel(s.u.ctx, s.u.Staff(), id); err != nil {
		s.actionMsg.SetText(errText(err))
	} else {
		s.actionMsg.SetText(T("已取消 #%d", id))
	}
	s.live()
}

// toggleMusic switches the background music by hand.
func (s *broadcastScreen) toggleMusic() {
	s.u.touch()
	if pa := s.u.cfg.PA; pa != nil {
		pa.SetMusic(!s.status.MusicOn)
		s.live()
	}
}

func (s *broadcastScreen) content() fyne.CanvasObject { return s.root }

func (s *broadcastScreen) focus() {}

// tick refreshes the screen once a second while it is shown.
func (s *broadcastScreen) tick() { s.live() }

// refresh is called when the screen opens: the settings from the store
// and the station's state.
func (s *broadcastScreen) refresh() {
	if s.settings != nil {
		s.settings.load()
	}
	s.live()
}

// live shows the station's latest state.
func (s *broadcastScreen) live() {
	pa := s.u.cfg.PA
	if pa == nil {
		s.warnings.SetText(T("广播台未启动，无法播音"))
		for _, b := range []*widget.Button{s.pause, s.skip, s.musicOn, s.nextTrack, s.enqueue, s.urgent} {
			b.Disable()
		}
		return
	}
	first := s.status.At.IsZero()
	s.status = pa.Status()
	st := s.status
	if first {
		s.showFields() // the closing time comes from today's hours
	}
	s.warnings.SetText(s.warningText(st))
	s.warnings.Hidden = s.warnings.Text == ""
	s.warnings.Refresh()
	if st.Playing != nil {
		part := map[string]string{"chime": T("提示音"), "gap": T("提示音"), "speech": T("语音"), "interval": T("重复间隔"), "file": T("音频文件")}[st.Segment]
		s.nowPlaying.SetText(T("正在播放（%s）：%s", part, s.broadcastText(*st.Playing)))
		s.skip.Enable()
	} else {
		s.nowPlaying.SetText(T("当前没有广播"))
		s.skip.Disable()
	}
	if st.Paused {
		s.pause.SetText(T("继续播放"))
		s.nowPlaying.SetText(s.nowPlaying.Text + "  " + T("（已暂停）"))
	} else {
		s.pause.SetText(T("暂停队列"))
	}
	s.refreshQueue(st)
	s.refreshMusic(st)
	s.refreshPlan(st)
	if sh := s.u.shell; sh != nil && sh.current == "broadcast" {
		sh.refreshNav() // the queue count and the no-audio warning
	}
}

// warningText lists what keeps the PA from working, in plain words.
func (s *broadcastScreen) warningText(st broadcasting.Status) string {
	var lines []string
	add := func(problem, detail string) {
		if problem == "" {
			return
		}
		line := "！" + T(problem)
		if detail != "" {
			line += "（" + detail + "）"
		}
		lines = append(lines, line)
	}
	add(st.OutputProblem, st.OutputDetail)
	add(st.SpeechProblem, "")
	add(st.MusicProblem, st.MusicDetail)
	add(st.ChimeProblem, st.ChimeDetail)
	if st.LastError != "" {
		lines = append(lines, "！"+st.LastError)
	}
	return strings.Join(lines, "\n")
}

// broadcastText is a broadcast's text for lists, with its source and kind.
func (s *broadcastScreen) broadcastText(b ledger.Broadcast) string {
	var kind string
	if b.Source == ledger.SourceSchedule {
		kind = T("定时") + "·" + T(ledger.ScheduleAction(b.Kind).Label())
	} else {
		kind = T(ledger.TemplateKind(b.Kind).Label())
	}
	text := b.Text
	if text == "" && b.File != "" {
		text = filepath.Base(b.File)
	}
	if b.Urgent {
		kind = T("紧急") + "·" + kind
	}
	return "[" + kind + "] " + text
}

// refreshQueue rebuilds the queue rows when the queue changed.
func (s *broadcastScreen) refreshQueue(st broadcasting.Status) {
	var sig strings.Builder
	for _, b := range st.Queue {
		fmt.Fprintf(&sig, "%d:%s:%s;", b.ID, b.Status, st.Blocked[b.ID])
	}
	if sig.String() == s.queueSig && s.queueRows != nil {
		return
	}
	s.queueSig = sig.String()
	s.queueRows = []*queueRow{}
	var objs []fyne.CanvasObject
	if len(st.Queue) == 0 {
		objs = append(objs, widget.NewLabel(T("队列为空")))
	}
	for _, b := range st.Queue {
		state := T(b.Status.Label())
		if why := st.Blocked[b.ID]; why != "" {
			state = T(why)
		}
		if b.Repeats > 0 {
			state += " · " + repeatLabel(b.Repeats)
		}
		label := widget.NewLabel(fmt.Sprintf("#%d  %s\n%s", b.ID, s.broadcastText(b), state))
		label.Wrapping = fyne.TextWrapWord
		id := b.ID
		row := &queueRow{id: id, label: label, cancel: widget.NewButton(T("取消"), func() { s.doCancel(id) })}
		s.queueRows = append(s.queueRows, row)
		objs = append(objs, container.NewBorder(nil, nil, nil, row.cancel, label))
	}
	s.queueBox.Objects = objs
	s.queueBox.Refresh()
}

// refreshMusic shows the music's state.
func (s *broadcastScreen) refreshMusic(st broadcasting.Status) {
	var text string
	switch {
	case st.MusicFolder == "":
		text = T("未设置背景音乐文件夹（在“广播设置”中设置）")
	case st.MusicOn && st.Track != "":
		text = T("播放中：%s（共%d首，音量%d%%）", st.Track, st.MusicFiles, st.Volume)
	case st.MusicOn:
		text = T("已开启，没有可播放的文件")
	default:
		text = T("已停止（共%d首）", st.MusicFiles)
	}
	if st.Shuffle {
		text += " · " + T("随机播放")
	}
	s.music.SetText(text)
	if st.MusicOn {
		s.musicOn.SetText(T("停止音乐"))
	} else {
		s.musicOn.SetText(T("播放音乐"))
	}
}

// refreshPlan shows today's plan with what already ran.
func (s *broadcastScreen) refreshPlan(st broadcasting.Status) {
	if st.Day.Date == "" {
		return // not planned yet
	}
	info := st.Day.Date + "  " + T(st.Day.Type.Label())
	if st.Day.Name != "" {
		info += "（" + st.Day.Name + "）"
	}
	info += "  " + T("营业 %s", st.Day.Hours.String())
	s.dayInfo.SetText(info)
	var sig strings.Builder
	var lines []string
	loc := s.u.settings.Location()
	for _, r := range st.Plan {
		state := r.State
		if !r.Done {
			state = T(r.State)
		} else {
			state = T(r.Broadcast.Status.Label())
			if r.Broadcast.Note != "" {
				state += "（" + r.Broadcast.Note + "）"
			}
		}
		what := T(r.Item.Entry.Action.Label())
		if r.Item.Entry.Arg != "" {
			arg := r.Item.Entry.Arg
			if r.Item.Entry.Action == ledger.ActPlayFile {
				arg = filepath.Base(arg)
			}
			what += "：" + arg
		}
		line := r.Item.At.In(loc).Format("15:04") + "  " + what + "  —  " + state
		lines = append(lines, line)
		sig.WriteString(line + "\n")
	}
	if sig.String() == s.planSig && s.planRows != nil {
		return
	}
	s.planSig = sig.String()
	s.planRows = []*widget.Label{}
	var objs []fyne.CanvasObject
	if len(lines) == 0 {
		objs = append(objs, widget.NewLabel(T("今天没有定时广播")))
	}
	for _, l := range lines {
		lab := widget.NewLabel(l)
		lab.Wrapping = fyne.TextWrapWord
		s.planRows = append(s.planRows, lab)
		objs = append(objs, lab)
	}
	s.planBox.Objects = objs
	s.planBox.Refresh()
}

// broadcastCount is the nav entry's live count: the queue's length, and a
// warning when the PA cannot be heard.
func (u *UI) broadcastCount() string {
	pa := u.cfg.PA
	if pa == nil {
		return ""
	}
	st := pa.Status()
	switch {
	case st.OutputProblem != "":
		return T("无音频")
	}
	waiting := 0
	for _, b := range st.Queue {
		if b.Status == ledger.BroadcastQueued {
			waiting++
		}
	}
	if waiting > 0 {
		return T("%d 待播", waiting)
	}
	return ""
}
