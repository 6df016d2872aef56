package printing

import (
	"fmt"
	"time"

	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// Options returns the encoder options for the configured printer.
func Options(d ledger.DeviceSettings) receipts.ESCPOSOptions {
	return receipts.ESCPOSOptions{Width: d.PaperWidth, RasterQR: d.RasterQR}
}

// PortConfig converts a stored serial port to the devices layer's config.
func PortConfig(p ledger.SerialPort) devices.PortConfig {
	return devices.PortConfig{
		Name:     p.Name,
		BaudRate: p.Baud,
		DataBits: p.DataBits,
		Parity:   devices.Parity(p.Parity),
		StopBits: devices.StopBits(p.StopBits),
	}
}

// TestPageQR is the QR payload of the test page.
const TestPageQR = "SERVICEDESK-PRINT-TEST"

// TestPage is a Chinese test page: headings, a ruler for the paper width,
// a money column, the line settings and a QR code, so one print shows that
// GB18030 text, alignment, the QR engine and the cutter work. Every line
// fits 58 mm paper (a long /dev/serial/by-id/… port name wraps).
func TestPage(now time.Time, counter string, port devices.PortConfig, opt receipts.ESCPOSOptions) receipts.Document {
	width := opt.Width
	if width == 0 {
		width = receipts.Width58mm
	}
	paper := "58mm"
	if width >= receipts.Width80mm {
		paper = "80mm"
	}
	qr := "原生二维码"
	if opt.RasterQR {
		qr = "位图二维码"
	}
	ruler := ""
	for i := 1; i <= width; i++ {
		ruler += fmt.Sprint(i % 10)
	}
	port = port.WithDefaults()
	return receipts.Document{
		Lines: []receipts.Line{
			{Text: "打印测试页", Bold: true, Double: true, Align: receipts.Center},
			{Text: counter, Align: receipts.Center},
			{Text: ruler},
			{Text: fmt.Sprintf("纸宽: %d 列 (%s)", width, paper)},
			{Text: fmt.Sprintf("串口: %s %d %d%s%s", port.Name, port.BaudRate, port.DataBits, parityLetter(port.Parity), port.StopBits)},
			{Text: "二维码: " + qr},
			{Text: "中文测试: 爱心雨伞 童车 失物招领", Bold: true},
			{Text: "押金", Amount: "￥50.00"},
			{Text: "时间: " + now.Format("2006-01-02 15:04:05")},
			{Text: "右对齐", Align: receipts.Right},
			receipts.Separator(),
			{Text: "扫描下方二维码应显示：", Align: receipts.Center},
		},
		QR:        TestPageQR,
		QRCaption: TestPageQR,
	}
}

func parityLetter(p devices.Parity) string {
	switch p {
	case devices.ParityOdd:
		return "O"
	case devices.ParityEven:
		return "E"
	case devices.ParityMark:
		return "M"
	case devices.ParitySpace:
		return "S"
	}
	return "N"
}
