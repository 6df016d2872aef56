package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// broadcastSettings edits the PA's configuration: opening hours per day
// type, holidays, the daily schedule, music, ducking, chime, recordings and
// the output. Supervisors and admins save (journaled); clerks read.
type broadcastSettings struct {
	s    *broadcastScreen
	root fyne.CanvasObject

	weekday, weekend, holiday *keyEntry
	special                   *widget.Entry
	schedule                  *widget.Entry
	folder                    *keyEntry
	shuffle                   *widget.Check
	volume                    *widget.Slider
	duck                      *keyEntry
	chime                     *keyEntry
	recordings                map[ledger.TemplateKind]*keyEntry
	grace                     *keyEntry
	output                    *keyEntry
	save                      *widget.Button
	readOnly                  *widget.Label
	message                   *widget.Label
	loaded                    ledger.BroadcastConfig
}

func (u *UI) newBroadcastSettings(s *broadcastScreen) *broadcastSettings {
	b := &broadcastSettings{s: s, recordings: map[ledger.TemplateKind]*keyEntry{}}
	b.weekday = u.newKeyEntry("10:00-22:00")
	b.weekend = u.newKeyEntry("09:30-22:30")
	b.holiday = u.newKeyEntry("09:30-22:30")
	b.special = widget.NewMultiLineEntry()
	b.special.SetPlaceHolder(T("每行一项，如：2026-10-01~2026-10-07 国庆节 09:00-22:30；2026-10-11 调休 工作日"))
	b.special.SetMinRowsVisible(3)
	b.schedule = widget.NewMultiLineEntry()
	b.schedule.SetPlaceHolder(T("每行一项：[工作日|周末|节假日] 时间 动作 [内容]"))
	b.schedule.SetMinRowsVisible(6)
	b.folder = u.newKeyEntry(T("完整路径，如 D:\\背景音乐；留空则不播放"))
	b.shuffle = widget.NewCheck(T("随机播放"), nil)
	b.volume = widget.NewSlider(0, 100)
	b.volume.Step = 5
	b.duck = u.newKeyEntry(T("分贝，如 15"))
	b.chime = u.newKeyEntry(T("留空则用内置提示音"))
	b.grace = u.newKeyEntry(T("分钟，如 10"))
	b.output = u.newKeyEntry(T("留空为声卡；none 为关闭；file:/路径.wav 为录到文件"))
	b.message = widget.NewLabel("")
	b.message.Wrapping = fyne.TextWrapWord
	b.readOnly = widget.NewLabel(T("只有主管或管理员可以修改广播设置"))
	b.save = widget.NewButton(T("保存广播设置"), b.doSave)
	b.save.Importance = widget.HighImportance
	syntax := widget.NewLabel(T("时间：09:30、开门、闭店、开门-5、闭店+10（分钟）；动作：音乐开始、音乐停止、播放 文件、广播 文字、闭店提醒"))
	syntax.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(T("工作日营业时间"), b.weekday),
		widget.NewFormItem(T("周末营业时间"), b.weekend),
		widget.NewFormItem(T("节假日营业时间"), b.holiday),
		widget.NewFormItem(T("节假日与调休"), b.special),
		widget.NewFormItem(T("每日定时计划"), container.NewVBox(b.schedule, syntax)),
		widget.NewFormItem(T("背景音乐文件夹"), b.folder),
		widget.NewFormItem(T("音乐音量"), container.NewVBox(b.volume, b.shuffle)),
		widget.NewFormItem(T("广播时压低音乐（分贝）"), b.duck),
		widget.NewFormItem(T("提示音文件"), b.chime),
	)
	for _, k := range ledger.TemplateKinds() {
		e := u.newKeyEntry(T("录音文件（选填），有则代替语音合成"))
		b.recordings[k] = e
		form.Append(T("%s录音", T(k.Label())), e)
	}
	form.Append(T("定时广播最多延迟（分钟）"), b.grace)
	form.Append(T("音频输出"), b.output)
	b.root = container.NewVScroll(container.NewVBox(b.readOnly, form, b.save, b.message))
	return b
}

// load shows the stored configuration.
func (b *broadcastSettings) load() {
	u := b.s.u
	cfg, err := u.svc.Broadcasts.BroadcastConfig(u.ctx)
	if err != nil {
		b.message.SetText(errText(err))
		return
	}
	b.loaded = cfg
	b.weekday.SetText(cfg.Calendar.Weekday.String())
	b.weekend.SetText(cfg.Calendar.Weekend.String())
	b.holiday.SetText(cfg.Calendar.Holiday.String())
	b.special.SetText(ledger.FormatSpecialDays(cfg.Calendar.Special))
	b.schedule.SetText(ledger.FormatSchedule(cfg.Schedule))
	b.folder.SetText(cfg.MusicFolder)
	b.shuffle.SetChecked(cfg.MusicShuffle)
	b.volume.SetValue(float64(cfg.MusicVolume))
	b.duck.SetText(strconv.Itoa(cfg.DuckDB))
	b.chime.SetText(cfg.Chime)
	for k, e := range b.recordings {
		e.SetText(cfg.Recordings[k])
	}
	b.grace.SetText(strconv.Itoa(cfg.GraceMinutes))
	b.output.SetText(cfg.Output)
	canEdit := u.Staff().Role.CanApprove()
	b.readOnly.Hidden = canEdit
	if canEdit {
		b.save.Enable()
	} else {
		b.save.Disable()
	}
}

// form reads the fields into a configuration (first problem as an error).
func (b *broadcastSettings) form() (ledger.BroadcastConfig, error) {
	cfg := b.loaded
	for _, h := range []struct {
		e     *keyEntry
		dst   *ledger.Hours
		label string
	}{{b.weekday, &cfg.Calendar.Weekday, "工作日营业时间"}, {b.weekend, &cfg.Calendar.Weekend, "周末营业时间"}, {b.holiday, &cfg.Calendar.Holiday, "节假日营业时间"}} {
		hours, err := ledger.ParseHours(h.e.Text)
		if err != nil {
			return cfg, err
		}
		*h.dst = hours
	}
	var err error
	if cfg.Calendar.Special, err = ledger.ParseSpecialDays(b.special.Text); err != nil {
		return cfg, err
	}
	if cfg.Schedule, err = ledger.ParseSchedule(b.schedule.Text); err != nil {
		return cfg, err
	}
	cfg.MusicFolder = strings.TrimSpace(b.folder.Text)
	cfg.MusicShuffle = b.shuffle.Checked
	cfg.MusicVolume = int(b.volume.Value)
	if cfg.DuckDB, err = strconv.Atoi(strings.TrimSpace(b.duck.Text)); err != nil {
		return cfg, ledger.Errorf(ledger.EINVALID, "压低音乐须为整数分贝")
	}
	cfg.Chime = strings.TrimSpace(b.chime.Text)
	cfg.Recordings = map[ledger.TemplateKind]string{}
	for k, e := range b.recordings {
		if p := strings.TrimSpace(e.Text); p != "" {
			cfg.Recordings[k] = p
		}
	}
	if cfg.GraceMinutes, err = strconv.Atoi(strings.TrimSpace(b.grace.Text)); err != nil {
		return cfg, ledger.Errorf(ledger.EINVALID, "最多延迟须为整数分钟")
	}
	cfg.Output = strings.TrimSpace(b.output.Text)
	return cfg, cfg.Validate()
}

// doSave stores the configuration and reloads the station.
func (b *broadcastSettings) doSave() {
	u := b.s.u
	u.touch()
	cfg, err := b.form()
	if err == nil {
		err = u.svc.Broadcasts.UpdateBroadcastConfig(u.ctx, u.Staff(), cfg)
	}
	if err != nil {
		b.message.SetText(errText(err))
		return
	}
	if pa := u.cfg.PA; pa != nil {
		if err := pa.Reload(u.ctx); err != nil {
			b.message.SetText(errText(err))
			return
		}
	}
	msg := T("广播设置已保存")
	if cfg.Output != b.loaded.Output {
		msg += "；" + T("音频输出的更改在重新启动程序后生效")
	}
	b.load()
	b.message.SetText(msg)
	b.s.live()
}
