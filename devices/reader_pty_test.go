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
