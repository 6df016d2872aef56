package ledger

import (
	"strings"
	"testing"
)

func TestDeviceSettingsValidate(t *testing.T) {
	ok := DefaultSettings()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	ok.Devices.Printer = SerialPort{Name: "/dev/ttyUSB0", Baud: 9600, Parity: "none", StopBits: "1"}
	ok.Devices.CardReader = SerialPort{Name: "COM3"}
	ok.Devices.PaperWidth = 48
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid devices: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*DeviceSettings)
		want string
	}{
		{"width", func(d *DeviceSettings) { d.PaperWidth = 40 }, "纸宽"},
		{"framing", func(d *DeviceSettings) { d.ReaderFraming = "magic" }, "数据格式"},
		{"baud", func(d *DeviceSettings) { d.Printer.Baud = 7 }, "打印机波特率"},
		{"parity", func(d *DeviceSettings) { d.Scanner = SerialPort{Name: "/dev/ttyS1", Parity: "x"} }, "扫码枪校验位"},
		{"stop", func(d *DeviceSettings) { d.CardReader.StopBits = "3" }, "停止位"},
		{"databits", func(d *DeviceSettings) { d.CardReader.DataBits = 9 }, "数据位"},
		{"same port", func(d *DeviceSettings) { d.Scanner.Name = "COM3" }, "同一个串口"},
		{"spaces", func(d *DeviceSettings) { d.Printer.Name = " /dev/ttyUSB0" }, "串口名称"},
		{"empty file", func(d *DeviceSettings) { d.Printer.Name = "file:" }, "串口名称"},
	} {
		s := ok
		tc.edit(&s.Devices)
		err := s.Validate()
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("%s: err = %v, want EINVALID naming %s", tc.name, err, tc.want)
		}
	}
}
