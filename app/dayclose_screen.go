package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"servicedesk/assets"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// DayClose is the day-close service with the report builders the screen
// needs (sqlstore.DayCloseService).
type DayClose interface {
	ledger.DayCloseService
	// Report builds the end-of-day report of a business day (0: the
	// current day, as a preview).
	Report(ctx context.Context, dayID int64) (receipts.DayReport, error)
	// Reports builds the reports of the closed days dated from..to.
	Reports(ctx context.Context, from, to string) ([]receipts.DayReport, error)
	// DefaultReportDir is where reports go when no folder is configured.
	DefaultReportDir() string
}

// dayCloseScreen closes the business day: the checklist of what is still
// out, the cash count against the expected cash, the supervisor's approval,
// and the day's PDF and Excel reports.
type dayCloseScreen struct {
	u    *UI
	root fyne.CanvasObject

	dayInfo *widget.Label
	check   *widget.Label // still out, overdue, unprinted
	money   *widget.Label // the cash formula, line by line
	expect  *widget.Label // 应有现金
	counted *keyEntry     // 实点现金, in yuan
	diff    *widget.Label // counted − expected
	note    *keyEntry
	close   *widget.Button
	result  *widget.Label

	days      *widget.Select
	dayIDs    map[string]int64
	pdf       *widget.Button
	from, to  *keyEntry
	export    *widget.Button
	folder    *widget.Label
	lastCheck ledger.CloseCheck

	confirm  *dialog.ConfirmDialog // last confirmation shown (tests tap through it)
	progress dialog.Dialog         // shown while a report renders
	lastFile string                // last report written
	lastDone chan struct{}         // closed when the last report job ends (tests)
	// backupDone is closed when the backup after the last close ended (tests).
	backupDone chan struct{}
	openDone   chan struct{}    // closed when the last open attempt ends (tests)
	closed     *ledger.DayClose // last close done on this screen
}

// previewLabel is the day picker's entry for the current day.
func previewLabel() string { return T("当前营业日（预览）") }

func (u *UI) newDayCloseScreen() screen {
	if u.svc.DayClose == nil {
		return u.newPlaceholder(T("日结"), false)
	}
	s := &dayCloseScreen{u: u, dayIDs: map[string]int64{}}
	bold := fyne.TextStyle{Bold: true}
	s.dayInfo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, bold)
	s.dayInfo.Wrapping = fyne.TextWrapWord
	s.check = widget.NewLabel("")
	s.check.Wrapping = fyne.TextWrapWord
	s.money = widget.NewLabel("")
	s.expect = widget.NewLabelWithStyle("", fyne.TextAlignLeading, bold)
	s.counted = u.newKeyEntry(T("实点现金（元），如 1320.00"))
	s.counted.OnChanged = func(string) { s.showDiff() }
	s.counted.OnSubmitted = func(string) { s.askClose() }
	s.diff = widget.NewLabelWithStyle("", fyne.TextAlignLeading, bold)
	s.note = u.newKeyEntry(T("备注（选填，如差额原因）"))
	s.close = widget.NewButton(T("日结（主管审批）"), s.askClose)
	s.close.Importance = widget.HighImportance
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord

	s.days = widget.NewSelect(nil, nil)
	s.pdf = widget.NewButton(T("生成日结报表 PDF"), s.makePDF)
	s.from = u.newKeyEntry("2026-11-01")
	s.to = u.newKeyEntry("2026-11-30")
	s.export = widget.NewButton(T("导出 Excel"), s.makeXLSX)
	s.folder = widget.NewLabel("")
	s.folder.Wrapping = fyne.TextWrapBreak

	checkCard := widget.NewCard(T("日结前检查"), "", container.NewVBox(s.dayInfo, s.check))
	formula := widget.NewLabel(T("应有现金 = 期末押金余额 + 今日赔偿款 + 今日没收押金"))
	formula.Wrapping = fyne.TextWrapWord
	cashCard := widget.NewCard(T("现金核对"), "", container.NewVBox(formula,
		s.money, s.expect,
		widget.NewForm(widget.NewFormItem(T("实点现金"), s.counted), widget.NewFormItem(T("备注"), s.note)),
		s.diff, s.close, s.result))
	reportCard := widget.NewCard(T("报表"), "", container.NewVBox(
		container.NewBorder(nil, nil, nil, s.pdf, narrow(s.days)),
		container.NewBorder(nil, nil, widget.NewLabel(T("从")), s.export,
			container.NewGridWithColumns(3, s.from, widget.NewLabel(T("到")), s.to)),
		s.folder))
	s.root = container.NewVScroll(container.NewVBox(
		container.NewGridWithColumns(2, checkCard, cashCard), reportCard))
	return s
}

func (s *dayCloseScreen) content() fyne.CanvasObject { return s.root }
func (s *dayCloseScreen) focus()                     { s.u.win.Canvas().Focus(s.counted) }

// refresh reloads the checklist, the money and the list of days.
func (s *dayCloseScreen) refresh() {
	u := s.u
	u.reloadSettings()
	c, err := u.svc.DayClose.CloseCheck(u.ctx)
	if err != nil {
		u.showError(err)
		return
	}
	s.lastCheck = c
	loc := u.settings.Location()
	if c.Day.ID == 0 {
		s.dayInfo.SetText(T("营业日 %s：自上次日结以来没有业务", c.Day.Date))
	} else {
		s.dayInfo.SetText(T("营业日 %s · 开班 %s", c.Day.Date, c.Day.OpenedAt.In(loc).Format("01-02 15:04")))
	}
	s.check.SetText(s.checkText(c))
	m := c.Money
	s.money.SetText(strings.Join([]string{
		T("期初押金余额 %s", m.HeldAtOpen), T("今日收取押金 %s", m.Taken), T("今日退还押金 %s", m.Refunded),
		T("今日补收赔偿 %s", m.Collected), T("今日赔偿款 %s", m.Compensation), T("今日没收押金 %s", m.Forfeited),
		T("期末押金余额 %s", m.HeldAtClose)}, "\n"))
	s.expect.SetText(T("应有现金 %s", c.Expected()))
	s.showDiff()
	s.loadDays()
	s.folder.SetText(T("保存到：%s", s.reportDir()))
	today := u.now()
	if s.from.Text == "" {
		s.from.SetText(today.Format("2006-01") + "-01")
		s.to.SetText(today.Format("2006-01-02"))
	}
}

// checkText lists what is still out, overdue and unprinted.
func (s *dayCloseScreen) checkText(c ledger.CloseCheck) string {
	var lines []string
	byKind := map[ledger.ItemKind][]string{}
	for _, l := range c.StillOut {
		byKind[l.Kind] = append(byKind[l.Kind], l.ItemNumber)
	}
	for _, k := range []ledger.ItemKind{ledger.KindStroller, ledger.KindUmbrella} {
		if n := len(byKind[k]); n > 0 {
			lines = append(lines, T("！未还%s %d：%s", T(k.Label()), n, strings.Join(byKind[k], "、")))
		} else {
			lines = append(lines, T("〇 %s已全部归还", T(k.Label())))
		}
	}
	if n := len(c.Overdue); n > 0 {
		var nums []string
		for _, l := range c.Overdue {
			nums = append(nums, l.ItemNumber)
		}
		lines = append(lines, T("！逾期未还 %d：%s", n, strings.Join(nums, "、")))
	}
	if n := len(c.Unprinted); n > 0 {
		lines = append(lines, T("！未打印小票 %d 张", n))
	} else {
		lines = append(lines, T("〇 小票已全部打印"))
	}
	return strings.Join(lines, "\n")
}

// parseCounted reads the counted cash; ok is false when the entry is empty
// or not an amount.
func (s *dayCloseScreen) parseCounted() (ledger.Fen, error) {
	text := strings.TrimSpace(s.counted.Text)
	if text == "" {
		return 0, ledger.Errorf(ledger.EINVALID, "请输入实点现金金额")
	}
	return ledger.ParseYuan(text)
}

// showDiff shows counted − expected as the clerk types.
func (s *dayCloseScreen) showDiff() {
	counted, err := s.parseCounted()
	if err != nil {
		s.diff.SetText(T("差额：请先清点现金"))
		s.diff.Importance = widget.MediumImportance
		s.diff.Refresh()
		return
	}
	d := counted - s.lastCheck.Expected()
	switch {
	case d == 0:
		s.diff.SetText(T("差额 %s（账实相符）", d))
		s.diff.Importance = widget.SuccessImportance
	case d < 0:
		s.diff.SetText(T("差额 %s（短款）", d))
		s.diff.Importance = widget.DangerImportance
	default:
		s.diff.SetText(T("差额 +%s（长款）", d))
		s.diff.Importance = widget.WarningImportance
	}
	s.diff.Refresh()
}

// askClose shows the amounts, then asks a supervisor to approve the close.
func (s *dayCloseScreen) askClose() {
	u := s.u
	s.refresh()
	counted, err := s.parseCounted()
	if err != nil {
		u.showError(err)
		return
	}
	c := s.lastCheck
	if c.Day.ID == 0 {
		u.showError(ledger.Errorf(ledger.ECONFLICT, "自上次日结以来没有新的业务，无需日结"))
		return
	}
	expected := c.Expected()
	msg := T("营业日 %s\n应有现金 %s\n实点现金 %s\n差额 %s\n未还物品 %d 件，未打印小票 %d 张\n\n日结后本营业日不能再更改。",
		c.Day.Date, expected, counted, counted-expected, len(c.StillOut), len(c.Unprinted))
	s.confirm = u.ask(T("确认日结"), msg, func() {
		req := ledger.DayCloseApproval(u.Staff().ID, c.Day, expected, counted)
		u.requestApproval(req, "", func(a ledger.Approval) { s.doClose(counted, a) })
	})
}

// doClose records the close and, when a report folder is configured,
// writes the day's PDF there in the background.
func (s *dayCloseScreen) doClose(counted ledger.Fen, a ledger.Approval) {
	u := s.u
	dc, err := u.svc.DayClose.CloseDay(u.ctx, u.Staff(), ledger.CloseRequest{CashCounted: counted, Approval: &a, Note: s.note.Text})
	if err != nil {
		u.showError(err)
		return
	}
	s.closed = &dc
	s.counted.SetText("")
	s.note.SetText("")
	text := T("已日结：%s，营业日 %s，应有现金 %s，实点 %s，差额 %s；柜员 %s，审批 %s。",
		dc.No, dc.Day.Date, dc.CashExpected, dc.CashCounted, dc.Difference, dc.ClerkName, dc.Approval.ApproverName)
	s.result.SetText(text)
	u.cfg.Logger.Info("day closed", "close_no", dc.No, "difference", int64(dc.Difference))
	if u.cfg.Changed != nil {
		u.cfg.Changed()
	}
	s.refresh()
	s.days.SetSelected(s.dayOption(dc.Day))
	if dir := u.settings.ReportFolder; dir != "" {
		s.writeReport(dc.Day.ID, dc.Day.Date, dir, false)
	} else {
		u.info(T("日结完成"), text)
	}
	s.backupAfterClose(dc)
}

// backupAfterClose runs the configured daily backup in the background: it
// is logged, and a failure is shown (the close itself is recorded).
func (s *dayCloseScreen) backupAfterClose(dc ledger.DayClose) {
	u := s.u
	f := u.cfg.AfterDayClose
	if f == nil {
		return
	}
	done := make(chan struct{})
	s.backupDone = done
	go func() {
		where, err := f(dc)
		fyne.Do(func() {
			defer close(done)
			if err != nil {
				u.cfg.Logger.Error("daily backup failed", "close_no", dc.No, "err", err)
				u.showError(ledger.Errorf(ledger.EINTERNAL, "日结已完成，但自动备份失败：%s。请检查备份文件夹和磁盘空间，或运行 servicedesk backup。", ledger.ErrorMessage(err)))
				return
			}
			u.cfg.Logger.Info("daily backup written", "close_no", dc.No, "path", where)
			s.result.SetText(strings.TrimSpace(s.result.Text + "\n" + T("已自动备份：%s", where)))
		})
	}()
}

// dayOption is the picker label of a business day.
func (s *dayCloseScreen) dayOption(d ledger.BusinessDay) string {
	if d.Open() {
		return previewLabel()
	}
	return T("营业日 %s · 日结于 %s", d.Date, d.ClosedAt.In(s.u.settings.Location()).Format("01-02 15:04"))
}

// loadDays fills the day picker: the current day, then closed days newest first.
func (s *dayCloseScreen) loadDays() {
	days, err := s.u.svc.DayClose.Days(s.u.ctx, "", "")
	if err != nil {
		s.u.showError(err)
		return
	}
	opts := []string{previewLabel()}
	s.dayIDs = map[string]int64{previewLabel(): 0}
	for i := len(days) - 1; i >= 0 && len(opts) < 120; i-- {
		if days[i].Open() {
			continue
		}
		o := s.dayOption(days[i])
		s.dayIDs[o] = days[i].ID
		opts = append(opts, o)
	}
	sel := s.days.Selected
	s.days.Options = opts
	if _, ok := s.dayIDs[sel]; !ok {
		sel = opts[0]
	}
	s.days.SetSelected(sel)
}

// reportDir is the configured report folder or the default one.
func (s *dayCloseScreen) reportDir() string {
	if d := s.u.settings.ReportFolder; d != "" {
		return d
	}
	return s.u.svc.DayClose.DefaultReportDir()
}

// makePDF renders the selected day's PDF into the report folder.
func (s *dayCloseScreen) makePDF() {
	id := s.dayIDs[s.days.Selected]
	s.writeReport(id, "", s.reportDir(), true)
}

// writeReport builds and renders a day's report in a goroutine behind a
// progress dialog (when interactive) and offers to open the file.
func (s *dayCloseScreen) writeReport(dayID int64, date, dir string, interactive bool) {
	u := s.u
	s.run(interactive, T("正在生成日结报表 PDF…"), func() (string, error) {
		r, err := u.svc.DayClose.Report(u.ctx, dayID)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := receipts.RenderDayPDF(&buf, r, assets.Font); err != nil {
			return "", fmt.Errorf("render day report: %w", err)
		}
		name := "dayclose-" + r.CloseNo + ".pdf"
		if dayID == 0 || r.CloseNo == "" || strings.ContainsRune(r.CloseNo, '（') {
			name = "dayclose-" + r.BusinessDate + "-preview-" + u.now().Format("150405") + ".pdf"
		}
		return saveReport(dir, name, buf.Bytes())
	})
}

// makeXLSX exports the closed days of the date range to Excel.
func (s *dayCloseScreen) makeXLSX() {
	u := s.u
	from, to := strings.TrimSpace(s.from.Text), strings.TrimSpace(s.to.Text)
	dir := s.reportDir()
	s.run(true, T("正在导出 Excel…"), func() (string, error) {
		rs, err := u.svc.DayClose.Reports(u.ctx, from, to)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := receipts.WriteDayXLSX(&buf, rs); err != nil {
			return "", fmt.Errorf("write day xlsx: %w", err)
		}
		return saveReport(dir, "dayclose-"+from+"_"+to+".xlsx", buf.Bytes())
	})
}

// run does job in a goroutine with an infinite progress bar, then (on the
// UI goroutine, via fyne.Do) offers to open the file or shows the error.
func (s *dayCloseScreen) run(interactive bool, title string, job func() (string, error)) {
	u := s.u
	if interactive {
		bar := widget.NewProgressBarInfinite()
		s.progress = dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(360, 40), bar), u.win)
		s.progress.Show()
	}
	done := make(chan struct{})
	s.lastDone = done
	go func() {
		path, err := job()
		fyne.Do(func() {
			defer close(done)
			if interactive {
				s.progress.Hide()
			}
			if err != nil {
				u.showError(err)
				return
			}
			s.lastFile = path
			u.cfg.Logger.Info("report written", "path", path)
			s.result.SetText(strings.TrimSpace(s.result.Text + "\n" + T("报表已保存：%s", path)))
			s.confirm = u.ask(T("报表已保存"), T("%s\n\n现在打开吗？", path), func() { s.open(path) })
		})
	}()
}

// open shows a saved report in the system's viewer. Without one (no PDF
// viewer installed, xdg-open failing) it says where the file is: the
// folder and the name, never 系统内部错误.
func (s *dayCloseScreen) open(path string) {
	u := s.u
	openFile := u.cfg.OpenFile
	if openFile == nil {
		openFile = func(p string) error {
			uri, err := url.Parse(storage.NewFileURI(p).String())
			if err != nil {
				return err
			}
			return u.app.OpenURL(uri)
		}
	}
	done := make(chan struct{})
	s.openDone = done
	go func() {
		err := openFile(path)
		fyne.Do(func() {
			defer close(done)
			if err == nil {
				return
			}
			u.cfg.Logger.Warn("report not opened", "err", err)
			u.info(T("无法打开报表"), T("本机没有可以打开此文件的程序。报表已保存：")+"\n"+
				T("文件夹：%s", filepath.Dir(path))+"\n"+T("文件名：%s", filepath.Base(path)))
		})
	}()
}

// saveReport writes data to dir/name through a temporary file, creating
// the folder, and returns the path.
func saveReport(dir, name string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", ledger.Errorf(ledger.EINVALID, "无法创建报表文件夹 %s", dir)
	}
	path := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", ledger.Errorf(ledger.EINVALID, "无法写入报表文件夹 %s", dir)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write report %s: %w", path, errors.Join(werr, cerr))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("save report %s: %w", path, err)
	}
	return path, nil
}
