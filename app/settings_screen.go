package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// settingsScreen edits the counter's configuration (journaled on save).
type settingsScreen struct {
	u        *UI
	root     fyne.CanvasObject
	mall     *keyEntry
	counter  *keyEntry
	deposit  *keyEntry
	overdue  *keyEntry
	idle     *keyEntry
	failures *keyEntry
	lockMin  *keyEntry
	prices   *widget.Entry
	reports  *keyEntry
	language *widget.Select
	theme    *widget.Select
	save     *widget.Button
	message  *widget.Label
}

func (u *UI) newSettingsScreen() screen {
	s := &settingsScreen{u: u}
	s.mall = u.newKeyEntry("")
	s.counter = u.newKeyEntry("")
	s.deposit = u.newKeyEntry(T("元，如 50"))
	s.overdue = u.newKeyEntry(T("天"))
	s.idle = u.newKeyEntry(T("分钟"))
	s.failures = u.newKeyEntry(T("次"))
	s.lockMin = u.newKeyEntry(T("分钟"))
	s.prices = widget.NewMultiLineEntry()
	s.prices.SetPlaceHolder(T("每行一项：名称=金额，如 伞骨折断=20"))
	s.prices.SetMinRowsVisible(4)
	s.reports = u.newKeyEntry(T("留空则不自动生成；如 /home/desk/reports 或 D:\\日结"))
	s.language = widget.NewSelect([]string{"中文", "English"}, nil)
	s.theme = widget.NewSelect([]string{T("跟随系统"), T("浅色"), T("深色")}, nil)
	// Enter in any one-line field saves the form.
	for _, e := range []*keyEntry{s.mall, s.counter, s.deposit, s.overdue, s.idle, s.failures, s.lockMin, s.reports} {
		e.OnSubmitted = func(string) { s.doSave() }
	}
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.save = widget.NewButton(T("保存设置"), s.doSave)
	s.save.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(T("商场名称"), s.mall),
		widget.NewFormItem(T("服务台名称"), s.counter),
		widget.NewFormItem(T("雨伞押金（元）"), s.deposit),
		widget.NewFormItem(T("逾期天数"), s.overdue),
		widget.NewFormItem(T("无操作自动锁屏（分钟）"), s.idle),
		widget.NewFormItem(T("登录失败锁定次数"), s.failures),
		widget.NewFormItem(T("账户锁定时长（分钟）"), s.lockMin),
		widget.NewFormItem(T("雨伞损坏赔偿价目"), s.prices),
		widget.NewFormItem(T("日结时自动保存 PDF 的文件夹"), s.reports),
		widget.NewFormItem(T("界面语言（重启后生效）"), s.language),
		widget.NewFormItem(T("界面配色"), s.theme))
	s.root = container.NewVScroll(container.NewVBox(form, s.save, s.message))
	return s
}

func (s *settingsScreen) content() fyne.CanvasObject { return s.root }
func (s *settingsScreen) focus()                     { s.u.win.Canvas().Focus(s.mall) }

// refresh fills the form from the stored settings.
func (s *settingsScreen) refresh() {
	set, err := s.u.svc.Settings.Settings(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.mall.SetText(set.MallName)
	s.counter.SetText(set.CounterName)
	s.deposit.SetText(set.UmbrellaDeposit.Plain())
	s.overdue.SetText(strconv.Itoa(set.OverdueDays))
	s.idle.SetText(strconv.FormatFloat(set.IdleLock.Minutes(), 'f', -1, 64))
	s.failures.SetText(strconv.Itoa(set.MaxFailedLogins))
	s.lockMin.SetText(strconv.FormatFloat(set.LockDuration.Minutes(), 'f', -1, 64))
	var lines []string
	for _, p := range set.DamagePrices {
		lines = append(lines, p.Name+"="+p.Price.Plain())
	}
	s.prices.SetText(strings.Join(lines, "\n"))
	s.reports.SetText(set.ReportFolder)
	if set.Language == "en" {
		s.language.SetSelectedIndex(1)
	} else {
		s.language.SetSelectedIndex(0)
	}
	s.theme.SetSelectedIndex(slices.Index(themeChoices, set.Theme))
}

// themeChoices are the settings' theme values in the picker's order.
var themeChoices = []string{themeSystem, themeLight, themeDark}

// parseSettings reads the form over the stored settings; bad input is an
// EINVALID error naming the field.
func (s *settingsScreen) parseSettings(set ledger.Settings) (ledger.Settings, error) {
	set.MallName = strings.TrimSpace(s.mall.Text)
	set.CounterName = strings.TrimSpace(s.counter.Text)
	dep, err := ledger.ParseYuan(s.deposit.Text)
	if err != nil {
		return set, ledger.Errorf(ledger.EINVALID, "雨伞押金：%s", err)
	}
	set.UmbrellaDeposit = dep
	if set.OverdueDays, err = strconv.Atoi(strings.TrimSpace(s.overdue.Text)); err != nil {
		return set, ledger.Errorf(ledger.EINVALID, "逾期天数须为整数")
	}
	minutes := func(e *keyEntry, label string) (time.Duration, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(e.Text), 64)
		if err != nil || v <= 0 || v > 24*60 {
			return 0, ledger.Errorf(ledger.EINVALID, "%s须为正数（分钟）", label)
		}
		return time.Duration(v * float64(time.Minute)).Round(time.Second), nil
	}
	if set.IdleLock, err = minutes(s.idle, "自动锁屏时间"); err != nil {
		return set, err
	}
	if set.LockDuration, err = minutes(s.lockMin, "账户锁定时长"); err != nil {
		return set, err
	}
	if set.MaxFailedLogins, err = strconv.Atoi(strings.TrimSpace(s.failures.Text)); err != nil {
		return set, ledger.Errorf(ledger.EINVALID, "登录失败锁定次数须为整数")
	}
	set.DamagePrices = nil
	for i, line := range strings.Split(s.prices.Text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, amount, ok := strings.Cut(line, "=")
		price, err := ledger.ParseYuan(amount)
		if !ok || err != nil {
			return set, ledger.Errorf(ledger.EINVALID, "赔偿价目第 %d 行格式应为 名称=金额", i+1)
		}
		set.DamagePrices = append(set.DamagePrices, ledger.PriceItem{Name: strings.TrimSpace(name), Price: price})
	}
	set.ReportFolder = strings.TrimSpace(s.reports.Text)
	set.Language = "zh"
	if s.language.SelectedIndex() == 1 {
		set.Language = "en"
	}
	if i := s.theme.SelectedIndex(); i >= 0 {
		set.Theme = themeChoices[i]
	}
	return set, nil
}

func (s *settingsScreen) doSave() {
	cur, err := s.u.svc.Settings.Settings(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	set, err := s.parseSettings(cur)
	if err == nil {
		err = s.u.svc.Settings.UpdateSettings(s.u.ctx, s.u.Staff(), set)
	}
	if err != nil {
		s.message.Importance = widget.DangerImportance
		s.message.SetText(errText(err))
		return
	}
	s.u.reloadSettings()
	s.u.applyTheme()
	s.message.Importance = widget.SuccessImportance
	s.message.SetText(fmt.Sprint(T("设置已保存")))
	s.u.showShell()
}
