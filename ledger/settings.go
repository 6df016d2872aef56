package ledger

import (
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Settings is the counter's configuration. It lives in the database and every
// change is journaled.
type Settings struct {
	MallName        string
	CounterName     string
	TimeZone        string        // IANA zone of the counter, e.g. Asia/Shanghai
	UmbrellaDeposit Fen           // deposit per umbrella loan
	OverdueDays     int           // an open loan older than this is overdue
	IdleLock        time.Duration // the counter locks itself after this idle time
	MaxFailedLogins int           // failed logins before the account locks
	LockDuration    time.Duration // how long a locked account stays locked
	// DamagePrices maps a damage description to its compensation charge.
	DamagePrices []PriceItem
	Language     string // "zh" or "en"
	// Devices are the serial devices at the counter.
	Devices DeviceSettings
	// ReportFolder, when set, receives the end-of-day PDF automatically at
	// each day close (an absolute folder path); "" means no automatic PDF.
	ReportFolder string `json:",omitempty"`
	// Theme is the screen's colour scheme: "light", "dark", or "" to
	// follow the system.
	Theme string `json:",omitempty"`
	// Retention is how long personal data is kept per purpose (days).
	Retention Retention `json:",omitempty"`
	// MedicineWarnDays is how many days before expiry a medicine batch is
	// flagged; 0 means DefaultExpiryWarn (see MedicineWarn).
	MedicineWarnDays int `json:",omitempty"`
	// LostFoundCategories is the found-item category list with retention
	// times; nil means DefaultLostFoundCategories (see Categories).
	LostFoundCategories []LostFoundCategory `json:",omitempty"`
	// Members are the point-card rules (积分卡).
	Members MemberSettings
	// DrawerFloat is the cash this desk's drawer starts every business day
	// with (change for refunds of other desks' loans); 0 means none.
	// CounterName, Devices, ReportFolder and DrawerFloat belong to the desk:
	// each desk of a shared database has its own.
	DrawerFloat Fen `json:",omitempty"`
}

// SerialPort names a serial port and its line settings. An empty Name means
// the device is not connected. Zero numbers and empty strings mean the
// 9600 8N1 defaults.
type SerialPort struct {
	Name     string // "/dev/ttyUSB0", "COM3", or "file:/path" to capture bytes
	Baud     int
	DataBits int
	Parity   string // none, odd, even, mark, space
	StopBits string // 1, 1.5, 2
}

// DeviceSettings configure the receipt printer, card reader and QR scanner.
type DeviceSettings struct {
	Printer SerialPort
	// PaperWidth is the receipt width in columns: 32 (58 mm) or 48 (80 mm).
	PaperWidth int
	// RasterQR prints QR codes as bitmaps, for printers without a QR engine
	// (slow at 9600 baud: seconds per receipt).
	RasterQR bool
	// PrinterNoStatus turns the DLE EOT status check off, for printers that
	// do not answer it: jobs are sent blind and the status bar says the
	// printer's state is unknown (neither 正常 nor 未连接).
	PrinterNoStatus bool `json:",omitempty"`
	CardReader      SerialPort
	ReaderFraming   string // rdm6300, id12, em18, lines, wiegand-hex, wiegand-dec
	Scanner         SerialPort
}

// ReaderFramings lists the card-reader framings the devices layer supports.
func ReaderFramings() []string {
	return []string{"rdm6300", "id12", "em18", "lines", "wiegand-hex", "wiegand-dec"}
}

// Validate checks the device settings and returns the first problem in Chinese.
func (d DeviceSettings) Validate() error {
	ports := map[string]string{}
	for _, p := range []struct {
		port  SerialPort
		label string
	}{{d.Printer, "打印机"}, {d.CardReader, "读卡器"}, {d.Scanner, "扫码枪"}} {
		if err := p.port.validate(p.label); err != nil {
			return err
		}
		name := strings.TrimSpace(p.port.Name)
		if name == "" {
			continue
		}
		if other, dup := ports[name]; dup {
			return Errorf(EINVALID, "%s和%s不能使用同一个串口 %s", other, p.label, Quote(name))
		}
		ports[name] = p.label
	}
	if d.PaperWidth != 32 && d.PaperWidth != 48 {
		return Errorf(EINVALID, "纸宽须为 32 列（58mm）或 48 列（80mm）")
	}
	if !slices.Contains(ReaderFramings(), d.ReaderFraming) {
		return Errorf(EINVALID, "读卡器数据格式无效：%s", Quote(d.ReaderFraming))
	}
	return nil
}

// validate checks one port's line settings; label names the device.
func (p SerialPort) validate(label string) error {
	name := strings.TrimSpace(p.Name)
	if name != p.Name || utf8.RuneCountInString(name) > 200 || name == "file:" || strings.ContainsFunc(name, Forbidden) {
		return Errorf(EINVALID, "%s串口名称无效", label)
	}
	if p.Baud != 0 && (p.Baud < 50 || p.Baud > 4000000) {
		return Errorf(EINVALID, "%s波特率无效：%d", label, p.Baud)
	}
	if p.DataBits != 0 && (p.DataBits < 5 || p.DataBits > 8) {
		return Errorf(EINVALID, "%s数据位须在5到8之间", label)
	}
	switch p.Parity {
	case "", "none", "odd", "even", "mark", "space":
	default:
		return Errorf(EINVALID, "%s校验位无效：%s", label, Quote(p.Parity))
	}
	switch p.StopBits {
	case "", "1", "1.5", "2":
	default:
		return Errorf(EINVALID, "%s停止位无效：%s", label, Quote(p.StopBits))
	}
	return nil
}

// PriceItem is one line of a price list (damage compensation, lost item).
type PriceItem struct {
	Name  string
	Price Fen
}

// DefaultSettings are the values a fresh install starts with (procedures 5.2.11:
// ￥50 umbrella deposit).
func DefaultSettings() Settings {
	return Settings{
		MallName:        "某购物广场",
		CounterName:     "总服务台",
		TimeZone:        "Asia/Shanghai",
		UmbrellaDeposit: Yuan(50),
		OverdueDays:     3,
		IdleLock:        5 * time.Minute,
		MaxFailedLogins: 5,
		LockDuration:    5 * time.Minute,
		DamagePrices: []PriceItem{
			{Name: "伞骨折断", Price: Yuan(20)},
			{Name: "伞面破损", Price: Yuan(15)},
			{Name: "伞柄/开关损坏", Price: Yuan(10)},
			{Name: "严重损坏无法修复", Price: Yuan(50)},
		},
		Language:  "zh",
		Devices:   DeviceSettings{PaperWidth: 32, ReaderFraming: "rdm6300"},
		Retention: DefaultRetention(),
		Members:   DefaultMemberSettings(),
	}
}

// Location returns the counter's time zone (Asia/Shanghai if unknown).
func (s Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// Validate checks every field and returns the first problem in Chinese.
func (s Settings) Validate() error {
	if _, err := FieldMallName.Clean(s.MallName); err != nil {
		return err
	}
	if _, err := FieldCounterName.Clean(s.CounterName); err != nil {
		return err
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		return Errorf(EINVALID, "时区无效：%s", Quote(s.TimeZone))
	}
	if s.DrawerFloat < 0 || s.DrawerFloat > Yuan(100000) {
		return Errorf(EINVALID, "备用金须在 ￥0.00 到 ￥100000.00 之间")
	}
	if s.UmbrellaDeposit < 0 || s.UmbrellaDeposit > Yuan(10000) {
		return Errorf(EINVALID, "雨伞押金须在 ￥0.00 到 ￥10000.00 之间")
	}
	if s.OverdueDays < 1 || s.OverdueDays > 365 {
		return Errorf(EINVALID, "逾期天数须在1到365之间")
	}
	if s.IdleLock < 30*time.Second || s.IdleLock > 8*time.Hour {
		return Errorf(EINVALID, "自动锁屏时间须在30秒到8小时之间")
	}
	if s.MaxFailedLogins < 1 || s.MaxFailedLogins > 100 {
		return Errorf(EINVALID, "登录失败次数上限须在1到100之间")
	}
	if s.LockDuration < time.Second || s.LockDuration > 24*time.Hour {
		return Errorf(EINVALID, "账户锁定时间须在1秒到24小时之间")
	}
	seen := map[string]bool{}
	for _, p := range s.DamagePrices {
		name, err := FieldPriceName.Clean(p.Name)
		if err != nil {
			return err
		}
		if seen[name] {
			return Errorf(EINVALID, "赔偿价目名称重复：%s", Quote(name))
		}
		seen[name] = true
		if p.Price < 0 || p.Price > Yuan(10000) {
			return Errorf(EINVALID, "赔偿价格无效：%s", name)
		}
	}
	if s.Language != "zh" && s.Language != "en" {
		return Errorf(EINVALID, "界面语言须为 zh 或 en")
	}
	if s.Theme != "" && s.Theme != "light" && s.Theme != "dark" {
		return Errorf(EINVALID, "界面配色须为浅色、深色或跟随系统")
	}
	if f := s.ReportFolder; f != "" {
		if !filepath.IsAbs(f) || utf8.RuneCountInString(f) > 260 || strings.ContainsFunc(f, unicode.IsControl) {
			return Errorf(EINVALID, "日结报表文件夹须为完整路径（不超过260个字符），或留空")
		}
	}
	if err := s.Retention.Validate(); err != nil {
		return err
	}
	if err := s.validateMedLost(); err != nil {
		return err
	}
	if err := s.Members.Validate(); err != nil {
		return err
	}
	return s.Devices.Validate()
}
