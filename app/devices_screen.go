package app

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/devices"
	"servicedesk/ledger"
)

// DevicePanel is what the devices screen needs from the running devices.
type DevicePanel interface {
	// Ports lists the serial ports present.
	Ports() ([]devices.PortInfo, error)
	// Apply re-opens the devices after their settings changed.
	Apply(cfg ledger.DeviceSettings) error
	// PrintTest prints the Chinese test page on the configured printer.
	PrintTest(ctx context.Context, counter string) error
	// Reader returns the card reader's diagnostics.
	Reader() ReaderDiag
	// RetryPrints makes the print worker try the queued jobs now.
	RetryPrints()
}

// ReaderDiag is the card reader's state for diagnosis at the counter.
type ReaderDiag struct {
	Configured, Connected bool
	Stats                 devices.FrameStats
	Raw                   []byte // last bytes received, oldest first
	LastCard              devices.Card
}

// CardClaimer is a screen that takes card reads while it is open (the
// point-card screen). Reads nobody claims go to the scan-box handler.
type CardClaimer interface {
	ClaimCard(c devices.Card) bool
}

// cardText shows a card's number with the forms printed on the card:
// "0A00C3F5E1（卡面 0012842465 / 195,62945）".
func cardText(c devices.Card) string {
	if c.ID == "" {
		return "—"
	}
	f, ok := c.Forms()
	if !ok {
		return c.ID
	}
	printed := f
	printed.Hex = ""
	if f.Hex == "" {
		return printed.String()
	}
	return T("%s（卡面 %s）", f.Hex, printed.String())
}

// HandleCard routes a card read from the serial reader. Device goroutines
// call it through fyne.Do.
func (u *UI) HandleCard(c devices.Card) {
	if u.shell == nil || u.Locked() || u.win.Content() != u.shell.root {
		return
	}
	if s, ok := u.shell.screens["devices"].(*devicesScreen); ok {
		s.lastCard = c
		s.refreshReader()
	}
	if cl, ok := u.shell.screens[u.shell.current].(CardClaimer); ok && cl.ClaimCard(c) {
		return
	}
	if u.shell.current == "devices" {
		return // diagnosing the reader: show the read, open nothing
	}
	// No service takes cards yet: say what was read instead of treating
	// the card number as a receipt code.
	u.info(T("读卡"), T("读到卡号 %s。目前没有使用读卡器的业务（积分卡尚未开放）。", cardText(c)))
}

// HandleScan opens the record behind a code from the serial QR scanner, as
// if it had been typed into the scan box. Call it through fyne.Do.
func (u *UI) HandleScan(code string) {
	if u.shell == nil || u.Locked() || u.win.Content() != u.shell.root {
		return
	}
	u.touch()
	u.handleScan(code)
}

// portForm edits one serial port.
type portForm struct {
	name     *widget.SelectEntry
	baud     *widget.SelectEntry
	dataBits *widget.Select
	parity   *widget.Select
	stopBits *widget.Select
}

var parityLabels = []struct{ value, label string }{
	{"none", "无校验 none"}, {"odd", "奇校验 odd"}, {"even", "偶校验 even"}, {"mark", "mark"}, {"space", "space"},
}

func newPortForm() *portForm {
	f := &portForm{
		name:     widget.NewSelectEntry(nil),
		baud:     widget.NewSelectEntry([]string{"9600", "19200", "38400", "57600", "115200"}),
		dataBits: widget.NewSelect([]string{"8", "7", "6", "5"}, nil),
		stopBits: widget.NewSelect([]string{"1", "1.5", "2"}, nil),
	}
	var labels []string
	for _, p := range parityLabels {
		labels = append(labels, p.label)
	}
	f.parity = widget.NewSelect(labels, nil)
	f.name.SetPlaceHolder(T("不使用则留空；如 /dev/ttyUSB0、COM3、file:/tmp/小票.bin"))
	return f
}

func (f *portForm) items(prefix string) []*widget.FormItem {
	return []*widget.FormItem{
		widget.NewFormItem(prefix+T("串口"), narrow(f.name)),
		widget.NewFormItem(prefix+T("波特率"), f.baud),
		widget.NewFormItem(prefix+T("数据位/校验/停止位"), container.NewGridWithColumns(3, f.dataBits, f.parity, f.stopBits)),
	}
}

func (f *portForm) set(p ledger.SerialPort) {
	f.name.SetText(p.Name)
	f.baud.SetText(strconv.Itoa(cmp(p.Baud, devices.DefaultBaudRate)))
	f.dataBits.SetSelected(strconv.Itoa(cmp(p.DataBits, devices.DefaultDataBits)))
	f.parity.SetSelectedIndex(0)
	for i, pl := range parityLabels {
		if pl.value == p.Parity {
			f.parity.SetSelectedIndex(i)
		}
	}
	f.stopBits.SetSelected(cmpS(p.StopBits, "1"))
}

func (f *portForm) get(label string) (ledger.SerialPort, error) {
	p := ledger.SerialPort{Name: strings.TrimSpace(f.name.Text), Parity: "none", StopBits: f.stopBits.Selected}
	if i := strings.Index(p.Name, " ("); i > 0 { // picked from the list with its USB details
		p.Name = p.Name[:i]
	}
	var err error
	if p.Baud, err = strconv.Atoi(strings.TrimSpace(f.baud.Text)); err != nil {
		return p, ledger.Errorf(ledger.EINVALID, "%s波特率须为整数", label)
	}
	p.DataBits, _ = strconv.Atoi(f.dataBits.Selected)
	if i := f.parity.SelectedIndex(); i >= 0 {
		p.Parity = parityLabels[i].value
	}
	return p, nil
}

func (f *portForm) enable(on bool) {
	for _, w := range []fyne.Disableable{f.name, f.baud, f.dataBits, f.parity, f.stopBits} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

func cmp(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func cmpS(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// devicesScreen (F9) assigns the serial ports, prints a test page, shows
// the card reader's raw input and the print queue. Supervisors and admins
// save; clerks see it read-only.
type devicesScreen struct {
	u    *UI
	root fyne.CanvasObject
	tabs *container.AppTabs

	ports     *widget.Label
	rescan    *widget.Button
	printer   *portForm
	width     *widget.Select
	raster    *widget.Check
	noStatus  *widget.Check
	reader    *portForm
	framing   *widget.Select
	scanner   *portForm
	save      *widget.Button
	testPage  *widget.Button
	message   *widget.Label
	readOnly  *widget.Label
	lastCard  devices.Card
	cardCheck *widget.Entry // a card number typed from the card, checked against the last read
	cardMatch *widget.Label
	checkBtn  *widget.Button
	testDone  chan struct{} // closed when the last test page finished (tests wait on it)
	cardInfo  *widget.Label
	rawInfo   *widget.Label
	statsInfo *widget.Label
	jobs      *widget.Label
	retry     *widget.Button
}

var widthOptions = []string{"32 列（58mm）", "48 列（80mm）"}

func (u *UI) newDevicesScreen() screen {
	s := &devicesScreen{u: u, printer: newPortForm(), reader: newPortForm(), scanner: newPortForm()}
	s.ports = widget.NewLabel("")
	s.ports.Wrapping = fyne.TextWrapWord
	s.rescan = widget.NewButton(T("刷新串口列表"), s.refreshPorts)
	s.width = widget.NewSelect(widthOptions, nil)
	// Short check texts with the explanation wrapping below them, so the
	// form never needs more width than a 1024-pixel screen has.
	s.raster = widget.NewCheck(T("位图二维码"), nil)
	s.noStatus = widget.NewCheck(T("不查询打印机状态"), nil)
	s.framing = widget.NewSelect(ledger.ReaderFramings(), nil)
	s.save = widget.NewButton(T("保存设备设置"), s.doSave)
	s.save.Importance = widget.HighImportance
	s.testPage = widget.NewButton(T("打印测试页"), s.doTestPage)
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.readOnly = widget.NewLabel(T("仅主管或管理员可修改设备设置。"))
	s.cardInfo = widget.NewLabel("")
	s.rawInfo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.rawInfo.Wrapping = fyne.TextWrapBreak
	s.statsInfo = widget.NewLabel("")
	s.cardCheck = widget.NewEntry()
	s.cardCheck.SetPlaceHolder(T("卡面号码：10 位数字、3+5 位（如 195,62945）或 10 位十六进制"))
	s.cardCheck.OnSubmitted = func(string) { s.doCheckCard() }
	s.checkBtn = widget.NewButton(T("核对"), s.doCheckCard)
	s.cardMatch = widget.NewLabel("")
	s.cardMatch.Wrapping = fyne.TextWrapWord
	s.jobs = widget.NewLabel("")
	s.jobs.Wrapping = fyne.TextWrapWord
	s.retry = widget.NewButton(T("重试打印"), s.doRetry)

	// One tab per device, each fitting without a long scroll; save and its
	// message stay below the tabs, always in view.
	for _, f := range []*portForm{s.printer, s.reader, s.scanner} {
		f.name.OnSubmitted = func(string) { s.submit() }
		f.baud.OnSubmitted = func(string) { s.submit() }
	}
	printerForm := widget.NewForm(append(s.printer.items(""),
		widget.NewFormItem(T("纸宽"), s.width),
		widget.NewFormItem("", container.NewVBox(s.raster, hint(T("打印机不支持原生二维码时使用；9600 波特率下每张约多 6 秒")))),
		widget.NewFormItem("", container.NewVBox(s.noStatus, hint(T("打印机不回应状态查询时使用；状态栏显示“状态未知”")))))...)
	readerForm := widget.NewForm(append(s.reader.items(""),
		widget.NewFormItem(T("数据格式"), s.framing))...)
	scannerForm := widget.NewForm(s.scanner.items("")...)
	bold := fyne.TextStyle{Bold: true}
	s.tabs = container.NewAppTabs(
		container.NewTabItem(T("打印机"), container.NewVScroll(container.NewVBox(printerForm,
			container.NewHBox(s.testPage)))),
		container.NewTabItem(T("读卡器"), container.NewVScroll(container.NewVBox(readerForm, widget.NewSeparator(),
			widget.NewLabelWithStyle(T("读卡器诊断"), fyne.TextAlignLeading, bold),
			s.cardInfo, s.statsInfo, s.rawInfo,
			container.NewBorder(nil, nil, widget.NewLabel(T("核对卡号")), s.checkBtn, s.cardCheck), s.cardMatch))),
		container.NewTabItem(T("扫码枪"), container.NewVScroll(container.NewVBox(scannerForm,
			widget.NewLabel(T("键盘式扫码枪无需设置：扫码内容直接进入扫码框。"))))),
		container.NewTabItem(T("本机串口"), container.NewVScroll(container.NewVBox(s.ports, container.NewHBox(s.rescan)))),
		container.NewTabItem(T("打印队列"), container.NewVScroll(container.NewVBox(s.jobs, container.NewHBox(s.retry)))))
	s.message.Wrapping = fyne.TextWrapWord
	s.root = container.NewBorder(nil,
		container.NewVBox(widget.NewSeparator(), s.readOnly,
			container.NewBorder(nil, nil, s.save, nil, s.message)),
		nil, nil, s.tabs)
	return s
}

func (s *devicesScreen) content() fyne.CanvasObject { return s.root }
func (s *devicesScreen) focus()                     {}

// submit saves on Enter in a port field, for those who may.
func (s *devicesScreen) submit() {
	if s.canEdit() {
		s.doSave()
	}
}

// canEdit reports whether the staff on duty may change device settings.
func (s *devicesScreen) canEdit() bool { return s.u.Staff().Role.CanApprove() }

// refresh fills the form from the settings and reloads the diagnostics.
func (s *devicesScreen) refresh() {
	set, err := s.u.svc.Settings.Settings(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	d := set.Devices
	s.printer.set(d.Printer)
	s.reader.set(d.CardReader)
	s.scanner.set(d.Scanner)
	s.width.SetSelectedIndex(0)
	if d.PaperWidth == 48 {
		s.width.SetSelectedIndex(1)
	}
	s.raster.SetChecked(d.RasterQR)
	s.noStatus.SetChecked(d.PrinterNoStatus)
	s.framing.SetSelected(d.ReaderFraming)
	edit := s.canEdit()
	for _, f := range []*portForm{s.printer, s.reader, s.scanner} {
		f.enable(edit)
	}
	for _, w := range []fyne.Disableable{s.width, s.raster, s.noStatus, s.framing, s.save} {
		if edit {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if edit {
		s.readOnly.Hide()
	} else {
		s.readOnly.Show()
	}
	s.refreshPorts()
	s.refreshReader()
	s.refreshJobs()
}

// refreshPorts lists the serial ports and offers them in the port pickers.
func (s *devicesScreen) refreshPorts() {
	if s.u.cfg.Devices == nil {
		s.ports.SetText(T("设备未接入本程序。"))
		return
	}
	list, err := s.u.cfg.Devices.Ports()
	if err != nil {
		s.ports.SetText(T("无法列出串口：%s", err.Error()))
		return
	}
	if len(list) == 0 {
		s.ports.SetText(T("未找到串口。USB 转串口线插好后点“刷新串口列表”。"))
	}
	var lines, names []string
	for _, p := range list {
		lines = append(lines, p.String())
		names = append(names, p.Name)
	}
	if len(list) > 0 {
		s.ports.SetText(strings.Join(lines, "\n"))
	}
	for _, f := range []*portForm{s.printer, s.reader, s.scanner} {
		f.name.SetOptions(names)
	}
}

// refreshReader shows the last card and the reader's raw bytes and counters.
func (s *devicesScreen) refreshReader() {
	var d ReaderDiag
	if s.u.cfg.Devices != nil {
		d = s.u.cfg.Devices.Reader()
	}
	last := s.lastCard
	if last.ID == "" {
		last = d.LastCard
	}
	state := T("未配置")
	if d.Configured {
		state = T("未连接")
		if d.Connected {
			state = T("正常")
		}
	}
	s.cardInfo.SetText(T("读卡器：%s　最近读卡：%s", state, cardText(last)))
	s.statsInfo.SetText(T("有效 %d　重复 %d　校验错 %d　杂散字节 %d　丢弃行 %d", d.Stats.Good, d.Stats.Repeats, d.Stats.BadChecksum, d.Stats.NoiseBytes, d.Stats.BadLines))
	raw := strings.ToUpper(hex.EncodeToString(d.Raw))
	var spaced []string
	for i := 0; i < len(raw); i += 2 {
		spaced = append(spaced, raw[i:i+2])
	}
	s.rawInfo.SetText(T("最近收到的字节：") + orDash(strings.Join(spaced, " ")))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// doCheckCard checks a number typed from a card (any form printed on
// cards) against the last card read.
func (s *devicesScreen) doCheckCard() {
	s.u.touch()
	typed, err := devices.ParseCardNumber(s.cardCheck.Text)
	last := s.lastCard
	if last.ID == "" && s.u.cfg.Devices != nil {
		last = s.u.cfg.Devices.Reader().LastCard
	}
	s.cardMatch.Importance = widget.DangerImportance
	switch {
	case err != nil:
		s.cardMatch.SetText(T("卡号格式不正确：请输入卡面上的 10 位数字、3+5 位（如 195,62945）或 10 位十六进制卡号"))
	case last.ID == "":
		s.cardMatch.SetText(T("请先在读卡器上刷卡"))
	case typed.Matches(last):
		s.cardMatch.Importance = widget.SuccessImportance
		s.cardMatch.SetText(T("与最近读到的卡一致：%s", cardText(last)))
	default:
		s.cardMatch.SetText(T("与最近读到的卡不一致：最近读到 %s", cardText(last)))
	}
}

// refreshJobs lists the receipts still waiting for the printer.
func (s *devicesScreen) refreshJobs() {
	if s.u.svc.Print == nil {
		s.jobs.SetText(T("打印队列未开启。"))
		return
	}
	jobs, err := s.u.svc.Print.Pending(s.u.ctx)
	if err != nil {
		s.jobs.SetText(errText(err))
		return
	}
	if len(jobs) == 0 {
		s.jobs.SetText(T("没有待打印的小票。"))
		return
	}
	var lines []string
	for _, j := range jobs {
		line := T("单号 %s", j.ReceiptNo)
		if j.Copy {
			line += T("（补打）")
		}
		switch {
		case j.State == ledger.PrintSending:
			line += T("　打印中")
		case j.Attempts > 0:
			line += T("　已失败 %d 次：%s", j.Attempts, orDash(j.LastError))
		default:
			line += T("　等待打印")
		}
		if j.CutShort {
			line += T("　上次打印不完整，将补打并注明")
		}
		lines = append(lines, line)
		if j.Attempts > 0 {
			if hist := s.attemptsText(j.ID); hist != "" {
				lines = append(lines, "　　"+hist)
			}
		}
	}
	s.jobs.SetText(strings.Join(lines, "\n"))
}

// maxAttemptsShown bounds the attempt history shown per job.
const maxAttemptsShown = 3

// attemptsText is a job's latest attempts, one phrase each:
// "第2次 15:04 未连接（已发送 200/432 字节）".
func (s *devicesScreen) attemptsText(id int64) string {
	hist, err := s.u.svc.Print.Attempts(s.u.ctx, id)
	if err != nil || len(hist) == 0 {
		return ""
	}
	if len(hist) > maxAttemptsShown {
		hist = hist[len(hist)-maxAttemptsShown:]
	}
	loc := s.u.settings.Location()
	var parts []string
	for _, a := range hist {
		what := T(orDash(a.Reason))
		switch a.Outcome {
		case ledger.OutcomeRefused:
			what = T("%s（未发送）", what)
		case ledger.OutcomeIncomplete:
			what = T("%s（已发送 %d/%d 字节）", what, a.Sent, a.Total)
		case ledger.OutcomeInterrupted:
			what = T("程序中断（可能已打出一部分）")
		case ledger.OutcomePrinted:
			what = T("已打印")
		}
		parts = append(parts, T("第%d次 %s %s", a.N, a.EndedAt.In(loc).Format("15:04"), what))
	}
	return strings.Join(parts, "；")
}

// settingsFromForm reads the device settings off the form.
func (s *devicesScreen) settingsFromForm() (ledger.DeviceSettings, error) {
	var d ledger.DeviceSettings
	var err error
	if d.Printer, err = s.printer.get(T("打印机")); err != nil {
		return d, err
	}
	if d.CardReader, err = s.reader.get(T("读卡器")); err != nil {
		return d, err
	}
	if d.Scanner, err = s.scanner.get(T("扫码枪")); err != nil {
		return d, err
	}
	d.PaperWidth = 32
	if s.width.SelectedIndex() == 1 {
		d.PaperWidth = 48
	}
	d.RasterQR = s.raster.Checked
	d.PrinterNoStatus = s.noStatus.Checked
	d.ReaderFraming = s.framing.Selected
	return d, nil
}

func (s *devicesScreen) showMessage(ok bool, msg string) {
	s.message.Importance = widget.DangerImportance
	if ok {
		s.message.Importance = widget.SuccessImportance
	}
	s.message.SetText(msg)
}

// doSave stores the device settings (journaled) and re-opens the devices.
func (s *devicesScreen) doSave() {
	s.u.touch()
	d, err := s.settingsFromForm()
	var set ledger.Settings
	if err == nil {
		set, err = s.u.svc.Settings.Settings(s.u.ctx)
	}
	if err == nil {
		set.Devices = d
		err = s.u.svc.Settings.UpdateSettings(s.u.ctx, s.u.Staff(), set)
	}
	if err != nil {
		s.showMessage(false, errText(err))
		return
	}
	s.u.reloadSettings()
	if s.u.cfg.Devices != nil {
		if err := s.u.cfg.Devices.Apply(d); err != nil {
			s.u.cfg.Logger.Warn("devices not reopened", "err", err)
			s.showMessage(false, T("设置已保存，但设备无法打开：%s", errText(err)))
			return
		}
	}
	s.showMessage(true, T("设备设置已保存"))
	s.refreshPorts()
	s.refreshReader()
}

// doTestPage prints the test page off the UI goroutine.
func (s *devicesScreen) doTestPage() {
	s.u.touch()
	panel := s.u.cfg.Devices
	if panel == nil {
		s.showMessage(false, T("设备未接入本程序。"))
		return
	}
	s.testPage.Disable()
	s.showMessage(true, T("正在打印测试页…"))
	counter := s.u.settings.MallName + " " + s.u.settings.CounterName
	done := make(chan struct{})
	s.testDone = done
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := panel.PrintTest(ctx, counter)
		fyne.Do(func() {
			defer close(done)
			s.testPage.Enable()
			if err != nil {
				reason := devices.ErrorReason(err)
				if reason == "" {
					reason = err.Error()
				}
				s.showMessage(false, T("测试页未打印：%s", reason))
				return
			}
			s.showMessage(true, T("测试页已发送到打印机"))
		})
	}()
}

// doRetry asks the print worker to try the queue now.
func (s *devicesScreen) doRetry() {
	s.u.touch()
	if s.u.cfg.Devices != nil {
		s.u.cfg.Devices.RetryPrints()
	}
	if s.u.cfg.Changed != nil {
		s.u.cfg.Changed()
	}
	s.refreshJobs()
}
