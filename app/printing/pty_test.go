package printing_test

import (
	"sync"
	"time"

	"servicedesk/devices"
)

// cutPort is a port whose cable is pulled after limit bytes: it calls
// pull (which kills socat) and then passes the write on, which fails.
type cutPort struct {
	devices.Port
	mu      sync.Mutex
	written int
	limit   int
	pull    func()
}

func (c *cutPort) Write(b []byte) (int, error) {
	c.mu.Lock()
	c.written += len(b)
	cut := c.limit > 0 && c.written > c.limit
	c.mu.Unlock()
	if cut {
		time.Sleep(150 * time.Millisecond) // let the bytes so far reach the printer
		c.pull()
		time.Sleep(50 * time.Millisecond)
	}
	return c.Port.Write(b)
}
