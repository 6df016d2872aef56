package devices

// rawRing keeps the last bytes received, for a diagnostics screen.
type rawRing struct {
	buf  []byte
	next int
	full bool
}

func newRawRing(n int) *rawRing { return &rawRing{buf: make([]byte, n)} }

func (r *rawRing) write(b []byte) {
	if len(r.buf) == 0 {
		return
	}
	if len(b) >= len(r.buf) {
		copy(r.buf, b[len(b)-len(r.buf):])
		r.next, r.full = 0, true
		return
	}
	for len(b) > 0 {
		n := copy(r.buf[r.next:], b)
		b = b[n:]
		r.next += n
		if r.next == len(r.buf) {
			r.next, r.full = 0, true
		}
	}
}

// bytes returns the contents oldest first.
func (r *rawRing) bytes() []byte {
	if !r.full {
		return append([]byte(nil), r.buf[:r.next]...)
	}
	out := make([]byte, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}
