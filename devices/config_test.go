package devices

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPortConfigDefaultsAndValidate(t *testing.T) {
	c := PortConfig{Name: "/dev/ttyUSB0"}.WithDefaults()
	if c.BaudRate != 9600 || c.DataBits != 8 || c.Parity != ParityNone || c.StopBits != StopBits1 || c.ReadTimeout != 200*time.Millisecond {
		t.Fatalf("defaults %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []PortConfig{
		{}, {Name: "file:"}, {Name: "COM3", BaudRate: 10}, {Name: "COM3", DataBits: 9},
		{Name: "COM3", Parity: "x"}, {Name: "COM3", StopBits: "3"}, {Name: "COM3", ReadTimeout: -1},
	} {
		if err := bad.Validate(); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%+v: err %v", bad, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: 350 * time.Millisecond}
	var d time.Duration
	var got []time.Duration
	for range 5 {
		d = b.next(d)
		got = append(got, d)
	}
	want := []time.Duration{100, 200, 350, 350, 350}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("backoff %v", got)
		}
	}
}

func TestFilePortCapturesBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "receipt.bin")
	p, err := NewPrinter(PrinterConfig{Port: PortConfig{Name: FilePrefix + path}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, job := range []string{"\x1b@first\n", "second\n"} {
		if err := p.Print(t.Context(), []byte(job)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "\x1b@first\nsecond\n" {
		t.Fatalf("captured %q", got)
	}
	if p.Status().State() != StateOK {
		t.Fatalf("status %v", p.Status())
	}
	port, err := OpenPort(PortConfig{Name: FilePrefix + path, ReadTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := port.Read(make([]byte, 4)); n != 0 || err != nil {
		t.Fatalf("file read: %d %v", n, err)
	}
	if err := port.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := port.Read(make([]byte, 4)); !errors.Is(err, ErrPortClosed) {
		t.Fatalf("read after close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(t.Context(), []byte("x")); !errors.Is(err, ErrClosed) || ErrorReason(err) != "未连接" {
		t.Fatalf("print after close: %v", err)
	}
}

func TestListPorts(t *testing.T) {
	ports, err := ListPorts()
	if err != nil {
		t.Skipf("no port enumeration here: %v", err)
	}
	for _, p := range ports {
		if p.Name == "" || p.String() == "" {
			t.Errorf("bad port %+v", p)
		}
	}
	s := PortInfo{Name: "/dev/ttyUSB0", IsUSB: true, VID: "0416", PID: "5011", Product: "POS58"}.String()
	if s != "/dev/ttyUSB0 (USB 0416:5011 POS58)" {
		t.Fatalf("String %q", s)
	}
}
