package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/receipts"
)

// devices lists the serial ports with their USB details.
func (e env) devices(args []string) int {
	fs := e.newFlags("devices")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk devices")
		return exitUsage
	}
	ports, err := devices.ListPorts()
	if err != nil {
		fmt.Fprintln(e.stderr, "错误 error: 无法列出串口", err)
		return exitInternal
	}
	if len(ports) == 0 {
		fmt.Fprintln(e.stdout, "未找到串口。请检查 USB 转串口线和驱动。(no serial ports found)")
		return exitOK
	}
	for _, p := range ports {
		fmt.Fprintln(e.stdout, p.String())
	}
	return exitOK
}

// printTest prints the Chinese test page with a QR code on a port.
// Exit codes: 0 printed, 1 the printer refused or could not be reached,
// 2 bad command line, 3 the page could not be built.
func (e env) printTest(args []string) int {
	fs := e.newFlags("print-test")
	port := fs.String("port", "", "serial port (/dev/ttyUSB0, COM3) or file:PATH to capture the bytes")
	baud := fs.Int("baud", devices.DefaultBaudRate, "baud rate")
	raster := fs.Bool("raster", false, "print the QR code as a bitmap (printers without a QR engine)")
	noStatus := fs.Bool("no-status", false, "do not ask the printer's status (printers that do not answer DLE EOT)")
	width := fs.Int("width", receipts.Width58mm, "paper width in columns: 32 (58 mm) or 48 (80 mm)")
	timeout := fs.Duration("timeout", time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *port == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "用法 usage: servicedesk print-test --port P [--baud N] [--raster] [--no-status] [--width 32|48]")
		return exitUsage
	}
	if *width != receipts.Width58mm && *width != receipts.Width80mm {
		fmt.Fprintln(e.stderr, "错误 error: 纸宽须为 32 或 48 (--width 32|48)")
		return exitUsage
	}
	cfg := devices.PortConfig{Name: *port, BaudRate: *baud}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(e.stderr, "错误 error: 串口设置无效", err)
		return exitUsage
	}
	opt := receipts.ESCPOSOptions{Width: *width, RasterQR: *raster}
	job, err := receipts.EncodeESCPOS(printing.TestPage(time.Now(), "服务台 Service Desk", cfg, opt), opt)
	if err != nil {
		fmt.Fprintln(e.stderr, "错误 error: 无法生成测试页", err)
		return exitInternal
	}
	p, err := devices.NewPrinter(devices.PrinterConfig{Port: cfg, SkipStatus: *noStatus})
	if err != nil {
		fmt.Fprintln(e.stderr, "错误 error: 串口设置无效", err)
		return exitUsage
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := p.Print(ctx, job); err != nil {
		reason := devices.ErrorReason(err)
		if reason == "" && errors.Is(err, context.DeadlineExceeded) {
			reason = "超时"
		}
		fmt.Fprintf(e.stderr, "测试页未打印：%s\nprint failed: %v\n", reason, err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "测试页已打印到 %s（%d 字节，%d 波特约 %.1f 秒）\ntest page printed (%d bytes)\n",
		*port, len(job), *baud, cfg.LineTime(len(job)).Seconds(), len(job))
	return exitOK
}
