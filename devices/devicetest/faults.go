package devicetest

import (
	"errors"
	"fmt"
	"sync"

	"servicedesk/devices"
)

// ErrInjected is the write error of a port made by [WriteErrorAfter].
var ErrInjected = errors.New("injected write error (input/output error)")

// WriteErrorAfter returns an Opener (wrapping open, nil for
// devices.OpenPort) whose first port fails mid-job: the write that
// crosses n bytes passes its bytes up to n and then returns an error, as a
// USB adapter that glitches. The port stays failed; ports opened after it
// work normally (the adapter recovered when the printer re-opens it).
func WriteErrorAfter(open devices.Opener, n int) devices.Opener {
	if open == nil {
		open = devices.OpenPort
	}
	var mu sync.Mutex
	opened := 0
	return func(cfg devices.PortConfig) (devices.Port, error) {
		p, err := open(cfg)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		opened++
		if opened > 1 {
			return p, nil
		}
		return &faultPort{Port: p, left: n}, nil
	}
}

// faultPort lets left bytes through and then fails every write.
type faultPort struct {
	devices.Port
	mu     sync.Mutex
	left   int
	failed bool
}

func (f *faultPort) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(b) == 3 && b[0] == 0x10 && b[1] == 0x04 && !f.failed {
		return f.Port.Write(b) // status requests do not count
	}
	if f.failed {
		return 0, fmt.Errorf("write %s: %w", f.Name(), ErrInjected)
	}
	if len(b) <= f.left {
		f.left -= len(b)
		return f.Port.Write(b)
	}
	n, err := f.Port.Write(b[:f.left])
	f.failed = true
	if err != nil {
		return n, err
	}
	return n, fmt.Errorf("write %s: %w", f.Name(), ErrInjected)
}

// Drain passes tcdrain on to the wrapped port.
func (f *faultPort) Drain() error {
	if d, ok := f.Port.(interface{ Drain() error }); ok {
		return d.Drain()
	}
	return nil
}
