package devices_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"servicedesk/devices"
	"servicedesk/devices/devicetest"
)

// emFrame builds an RDM6300 frame; bad flips the checksum.
func emFrame(id string, bad bool) string {
	var x byte
	for i := 0; i < 10; i += 2 {
		var b byte
		fmt.Sscanf(id[i:i+2], "%02X", &b)
		x ^= b
	}
	if bad {
		x ^= 0xff
	}
	return fmt.Sprintf("\x02%s%02X\x03", id, x)
}

type cardLog struct {
	mu    sync.Mutex
	cards []string
	conn  []bool
}

func (l *cardLog) card(c devices.Card) {
	l.mu.Lock()
	l.cards = append(l.cards, c.ID)
	l.mu.Unlock()
}

func (l *cardLog) connected(b bool) {
	l.mu.Lock()
	l.conn = append(l.conn, b)
	l.mu.Unlock()
}

func (l *cardLog) snapshot() ([]string, []bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.cards...), append([]bool(nil), l.conn...)
}

func TestCardReaderOverPTY(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	peer := devicetest.OpenPeer(t, pair.B)
	log := &cardLog{}
	now := time.Date(2025, 7, 14, 15, 42, 0, 0, time.UTC)
	r, err := devices.NewCardReader(devices.ReaderConfig{
		Port:        devices.PortConfig{Name: pair.A, ReadTimeout: 20 * time.Millisecond},
		Framing:     devices.FramingRDM6300,
		Parser:      devices.ParserOptions{Now: func() time.Time { return now }},
		Backoff:     devices.Backoff{Min: 20 * time.Millisecond, Max: 50 * time.Millisecond},
		OnCard:      log.card,
		OnConnected: log.connected,
	})
	if err != nil {
		t.Fatal(err)
	}
	run := devicetest.Go(t, r.Run)
	devicetest.WaitFor(t, "reader connected", 2*time.Second, r.Connected)

	a, b := emFrame("0A00C3F5E1", false), emFrame("1F2E3D4C5B", false)
	writes := []string{
		"\x00\xffnoise", a[:4], a[4:9], a[9:], // split across reads
		emFrame("1F2E3D4C5B", true), // bad checksum
		"\x02123",                   // half a frame, then a new one starts
		b,
		a, // held on the reader: debounced
	}
	for _, w := range writes {
		if _, err := peer.Write([]byte(w)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond) // separate reads
	}
	devicetest.WaitFor(t, "two cards", 2*time.Second, func() bool { c, _ := log.snapshot(); return len(c) >= 2 })
	time.Sleep(100 * time.Millisecond)
	cards, _ := log.snapshot()
	if fmt.Sprint(cards) != "[0A00C3F5E1 1F2E3D4C5B]" {
		t.Fatalf("cards %v", cards)
	}
	st := r.Stats()
	if st.Good != 2 || st.BadChecksum != 1 || st.Repeats != 1 || st.NoiseBytes != 7+4 {
		t.Fatalf("stats %+v", st)
	}
	if len(r.Raw()) == 0 {
		t.Fatal("raw history empty")
	}

	pair.Kill() // reader unplugged
	devicetest.WaitFor(t, "disconnect", 2*time.Second, func() bool { return !r.Connected() })
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := run.Wait(t, 2*time.Second); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, conn := log.snapshot(); fmt.Sprint(conn) != "[true false]" {
		t.Fatalf("connection changes %v", conn)
	}
}

func TestScannerOverPTYAndCancel(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	peer := devicetest.OpenPeer(t, pair.B)
	codes := make(chan string, 4)
	s, err := devices.NewScanner(devices.ScannerConfig{
		Port:   devices.PortConfig{Name: pair.A, ReadTimeout: 20 * time.Millisecond},
		OnScan: func(c string) { codes <- c },
	})
	if err != nil {
		t.Fatal(err)
	}
	run := devicetest.Go(t, s.Run)
	devicetest.WaitFor(t, "scanner connected", 2*time.Second, s.Connected)
	for _, w := range []string{"SD1.U.0002", "31.Zk3p\r", "\n"} {
		if _, err := peer.Write([]byte(w)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	select {
	case c := <-codes:
		if c != "SD1.U.000231.Zk3p" {
			t.Fatalf("scanned %q", c)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no scan")
	}
	if err := run.Stop(t, 2*time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
	if s.Stats().Good != 1 {
		t.Fatalf("stats %+v", s.Stats())
	}
}

// emText is an EM-18 frame: 10 hex data + 2 hex XOR checksum, no framing.
func emText(id string) string { f := emFrame(id, false); return f[1 : len(f)-1] }

// An EM-18 reader whose port opens in the middle of its output, with
// stray bytes and frames split across reads: no rotated (wrong) number is
// ever read, and the frames after a pause are.
func TestEM18ReaderOverPTY(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	peer := devicetest.OpenPeer(t, pair.B)
	log := &cardLog{}
	r, err := devices.NewCardReader(devices.ReaderConfig{
		Port:    devices.PortConfig{Name: pair.A},
		Framing: devices.FramingEM18,
		Parser:  devices.ParserOptions{Debounce: -1},
		Backoff: devices.Backoff{Min: 20 * time.Millisecond, Max: 50 * time.Millisecond},
		OnCard:  log.card,
	})
	if err != nil {
		t.Fatal(err)
	}
	devicetest.Go(t, r.Run)
	devicetest.WaitFor(t, "reader connected", 2*time.Second, r.Connected)
	frame := emText("0A00C3F5E1")
	write := func(s string, pause time.Duration) {
		if _, err := peer.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(pause)
	}
	// Mid-stream: the tail of a frame and two more back to back. Read
	// naively 12 at a time, this is the rotated number 00C3F5E1DD…
	write(frame[2:]+frame+frame, 150*time.Millisecond)
	write("\x00\xff", 150*time.Millisecond) // stray bytes
	write(frame, 150*time.Millisecond)
	write(frame[:5], 5*time.Millisecond) // split across reads
	write(frame[5:], 150*time.Millisecond)
	write(frame[:4]+"\x07"+frame[4:], 150*time.Millisecond) // a stray byte inside: lost, never misread
	devicetest.WaitFor(t, "two cards", 2*time.Second, func() bool { c, _ := log.snapshot(); return len(c) >= 2 })
	time.Sleep(200 * time.Millisecond)
	cards, _ := log.snapshot()
	if fmt.Sprint(cards) != "[0A00C3F5E1 0A00C3F5E1]" {
		t.Fatalf("cards %v", cards)
	}
	if st := r.Stats(); st.Good != 2 || st.NoiseBytes < 10+24+2 {
		t.Fatalf("stats %+v", st)
	}
}

// A Wiegand converter line with a control byte inside is dropped whole
// and counted; the next good line is read.
func TestWiegandReaderControlByteOverPTY(t *testing.T) {
	pair := devicetest.StartPTYPair(t)
	peer := devicetest.OpenPeer(t, pair.B)
	log := &cardLog{}
	r, err := devices.NewCardReader(devices.ReaderConfig{
		Port:    devices.PortConfig{Name: pair.A, ReadTimeout: 20 * time.Millisecond},
		Framing: devices.FramingWiegandDecimal,
		Parser:  devices.ParserOptions{Debounce: -1},
		OnCard:  log.card,
	})
	if err != nil {
		t.Fatal(err)
	}
	devicetest.Go(t, r.Run)
	devicetest.WaitFor(t, "reader connected", 2*time.Second, r.Connected)
	for _, w := range []string{"00128", "\x0042465\r\n", "0012842465\r", "\n"} {
		if _, err := peer.Write([]byte(w)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	devicetest.WaitFor(t, "a card", 2*time.Second, func() bool { c, _ := log.snapshot(); return len(c) >= 1 })
	time.Sleep(100 * time.Millisecond)
	if cards, _ := log.snapshot(); fmt.Sprint(cards) != "[0012842465]" {
		t.Fatalf("cards %v (the corrupted line must not be read as 0012842465 or anything else)", cards)
	}
	if st := r.Stats(); st.BadLines != 1 || st.Good != 1 {
		t.Fatalf("stats %+v", st)
	}
}
