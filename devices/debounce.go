package devices

import "time"

// DefaultDebounce is how long a card held on the reader counts once.
const DefaultDebounce = 1500 * time.Millisecond

// debouncer drops a card seen again within the window of its last sighting
// (readers repeat a card every ~100 ms while it is held on the antenna).
type debouncer struct {
	window time.Duration
	last   map[string]time.Time
}

func newDebouncer(window time.Duration) *debouncer {
	return &debouncer{window: window, last: map[string]time.Time{}}
}

// accept reports whether id read at now is a new read.
func (d *debouncer) accept(id string, now time.Time) bool {
	if d.window <= 0 {
		return true
	}
	for k, t := range d.last {
		if now.Sub(t) >= d.window || now.Before(t) {
			delete(d.last, k)
		}
	}
	_, seen := d.last[id]
	d.last[id] = now
	return !seen
}
