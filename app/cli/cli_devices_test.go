package cli

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/devices/devicetest"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

func TestPrintTestToFile(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		raster bool
	}{
		{nil, false},
		{[]string{"--raster", "--width", "48"}, true},
	} {
		path := filepath.Join(t.TempDir(), "page.bin")
		var out, errb bytes.Buffer
		code := Run(append([]string{"print-test", "--port", "file:" + path}, tc.args...), &out, &errb)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		if !strings.Contains(out.String(), "测试页已打印") {
			t.Fatalf("stdout %q", out.String())
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := receipts.DecodeESCPOS(raw)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(d.Texts(), "\n")
		for _, want := range []string{"打印测试页", "中文测试: 爱心雨伞 童车 失物招领", "￥50.00"} {
			if !strings.Contains(text, want) {
				t.Errorf("test page lacks %q:\n%s", want, text)
			}
		}
		if tc.raster {
			if len(d.Rasters) != 1 || !strings.Contains(text, "位图二维码") || !strings.Contains(text, "48 列") {
				t.Errorf("raster page: %d rasters\n%s", len(d.Rasters), text)
			}
		} else if d.QR() != printing.TestPageQR || !d.Cut {
			t.Errorf("qr %q cut %v", d.QR(), d.Cut)
		}
	}
}

func TestPrintTestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"print-test"},
		{"print-test", "--port", "file:/tmp/x", "--width", "40"},
		{"print-test", "--port", "/dev/ttyUSB0", "--baud", "7"},
		{"print-test", "--bogus"},
	} {
		var out, errb bytes.Buffer
		if code := Run(args, &out, &errb); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errb.String())
		}
	}
}

func TestPrintTestUnreachablePrinter(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run([]string{"print-test", "--port", filepath.Join(t.TempDir(), "ttyNone")}, &out, &errb)
	if code != exitFailure || !strings.Contains(errb.String(), "未连接") {
		t.Fatalf("exit %d stderr %q", code, errb.String())
	}
}

// A printer that does not answer DLE EOT: print-test says 未连接 and
// sends nothing, unless --no-status is given.
func TestPrintTestNoStatus(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesOK())
	emu.SetSilent(true)
	var out, errb bytes.Buffer
	if code := Run([]string{"print-test", "--port", pair.A}, &out, &errb); code != exitFailure || !strings.Contains(errb.String(), "未连接") {
		t.Fatalf("exit %d stderr %q", code, errb.String())
	}
	if emu.Taken() != 0 {
		t.Fatalf("%d bytes sent", emu.Taken())
	}
	out.Reset()
	errb.Reset()
	if code := Run([]string{"print-test", "--port", pair.A, "--no-status"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d stderr %q", code, errb.String())
	}
	d, err := receipts.DecodeESCPOS(emu.Data())
	if err != nil || d.QR() != printing.TestPageQR || !d.Cut || emu.Queries() != 0 {
		t.Fatalf("printed %q qr %q err %v queries %d", d.Texts(), d.QR(), err, emu.Queries())
	}
}

func TestDevicesListsPorts(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run([]string{"devices"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if out.Len() == 0 {
		t.Fatal("no output: want ports or the 未找到串口 note")
	}
	if code := Run([]string{"devices", "extra"}, &out, &errb); code != exitUsage {
		t.Fatalf("extra arg: exit %d", code)
	}
}

func TestReaderFramingsMatchDevices(t *testing.T) {
	var want []string
	for _, f := range devices.Framings() {
		want = append(want, string(f))
	}
	if !slices.Equal(ledger.ReaderFramings(), want) {
		t.Fatalf("ledger %v, devices %v", ledger.ReaderFramings(), want)
	}
}

func TestDeskDevicesApplyAndPrint(t *testing.T) {
	d := &deskDevices{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	t.Cleanup(d.Close)
	if err := d.Print(t.Context(), []byte("x")); devices.ErrorReason(err) != "未连接" {
		t.Fatalf("no printer: %v", err)
	}
	if st := d.PrinterState(); st.Label != "未配置" || st.OK {
		t.Fatalf("state %+v", st)
	}
	path := filepath.Join(t.TempDir(), "cap.bin")
	cfg := ledger.DefaultSettings().Devices
	cfg.Printer = ledger.SerialPort{Name: "file:" + path}
	cfg.PaperWidth = 48
	if err := d.Apply(cfg); err != nil {
		t.Fatal(err)
	}
	if err := d.PrintTest(t.Context(), "测试广场 北门服务台"); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	dec, err := receipts.DecodeESCPOS(raw)
	if err != nil || !strings.Contains(strings.Join(dec.Texts(), "\n"), "测试广场 北门服务台") {
		t.Fatalf("decoded %q err %v", dec.Texts(), err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for d.PrinterState().Label != "正常" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := d.PrinterState(); st.Label != "正常" || !st.OK {
		t.Fatalf("state %+v", st)
	}
	if d.Options().Width != 48 {
		t.Fatal("paper width not applied")
	}
	cfg.PaperWidth = 40
	if err := d.Apply(cfg); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("bad width: %v", err)
	}
}

// A printer set to "no status" (it does not answer DLE EOT) prints and
// shows 状态未知, never 正常 or 未连接, while its port is there.
func TestDeskDevicesPrinterNoStatus(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	emu := devicetest.StartEmulator(t, devicetest.OpenPeer(t, pair.B), devicetest.RepliesOK())
	emu.SetSilent(true)
	var mu sync.Mutex
	var seen []string
	d := &deskDevices{log: slog.New(slog.NewTextHandler(io.Discard, nil)), onPrinter: func(st devices.PrinterStatus) {
		mu.Lock()
		seen = append(seen, st.Label())
		mu.Unlock()
	}}
	t.Cleanup(d.Close)
	cfg := ledger.DefaultSettings().Devices
	cfg.Printer = ledger.SerialPort{Name: pair.A}
	cfg.PrinterNoStatus = true
	if err := d.Apply(cfg); err != nil {
		t.Fatal(err)
	}
	devicetest.WaitFor(t, "the port opened", 3*time.Second, func() bool { return d.PrinterState().Label == "状态未知" })
	if st := d.PrinterState(); !st.Unknown || st.OK || st.Off {
		t.Fatalf("state %+v", st)
	}
	if err := d.PrintTest(t.Context(), "测试广场"); err != nil {
		t.Fatal(err)
	}
	devicetest.WaitFor(t, "the test page", 3*time.Second, func() bool { return len(emu.Data()) > 100 })
	if emu.Queries() != 0 {
		t.Fatalf("%d status queries sent to a printer set to no status", emu.Queries())
	}
	mu.Lock()
	defer mu.Unlock()
	if slices.Contains(seen, "正常") || slices.Contains(seen, "未连接") {
		t.Fatalf("status changes %v", seen)
	}
}
