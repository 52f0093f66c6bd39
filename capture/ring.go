package capture

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// Ring is the bounded sample queue between a live producer (an audio
// callback, a pipe reader) and Read, with the Stop/Start semantics of Source.
// The producer side never allocates; Write never blocks beyond a short
// mutex hold, so it is safe in an audio callback. Raw and audiodev.Capture
// are built on it.
type Ring struct {
	mu        sync.Mutex
	cond      sync.Cond // signalled on data, space, Stop, end and Close
	buf       []int16
	r, n      int   // read index and fill level
	stopped   bool  // Write discards, Read fails with ErrStopped
	closed    bool  // Read fails with ErrClosed
	end       error // set by End: Read drains, then returns it
	gen       uint64
	overruns  int64 // samples dropped because the reader fell behind
	delivered int64
}

// NewRing returns a stopped Ring holding up to capacity samples. It panics
// if capacity < 1.
func NewRing(capacity int) *Ring {
	if capacity < 1 {
		panic("capture: NewRing: capacity < 1")
	}
	r := &Ring{buf: make([]int16, capacity), stopped: true}
	r.cond.L = &r.mu
	return r
}

// Write appends samples. If the reader has fallen behind, the oldest samples
// are overwritten and counted as overruns (for a live microphone, the newest
// audio matters most). While stopped, samples are discarded. Write never
// allocates and never waits for the reader.
func (r *Ring) Write(s []int16) {
	r.mu.Lock()
	if !r.stopped && !r.closed {
		for _, v := range s {
			r.put(v)
		}
		r.cond.Broadcast()
	}
	r.mu.Unlock()
}

// WriteS16LE is Write for little-endian signed 16-bit bytes, as an audio
// callback delivers them; a trailing odd byte is ignored.
func (r *Ring) WriteS16LE(b []byte) {
	r.mu.Lock()
	if !r.stopped && !r.closed {
		for i := 0; i+1 < len(b); i += 2 {
			r.put(int16(binary.LittleEndian.Uint16(b[i:])))
		}
		r.cond.Broadcast()
	}
	r.mu.Unlock()
}

// put stores one sample, dropping the oldest if full. Caller holds mu.
func (r *Ring) put(v int16) {
	c := len(r.buf)
	if r.n == c {
		r.buf[r.r] = 0
		r.r = (r.r + 1) % c
		r.n--
		r.overruns++
	}
	r.buf[(r.r+r.n)%c] = v
	r.n++
}

// WaitWrite appends samples, waiting for space instead of dropping: for
// producers that can be slowed down (a pipe). While the Ring is stopped, it
// discards them at once. It returns ErrClosed after Close.
func (r *Ring) WaitWrite(s []int16) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(s) > 0 {
		switch {
		case r.closed:
			return ErrClosed
		case r.stopped:
			return nil
		case r.n == len(r.buf):
			r.cond.Wait()
			continue
		}
		k := min(len(s), len(r.buf)-r.n)
		for _, v := range s[:k] {
			r.put(v)
		}
		s = s[k:]
		r.cond.Broadcast()
	}
	return nil
}

// End marks the end of the input: Read returns the samples still queued and
// then err (io.EOF for a normal end). Stop does not clear it.
func (r *Ring) End(err error) {
	r.mu.Lock()
	if r.end == nil {
		r.end = err
	}
	r.cond.Broadcast()
	r.mu.Unlock()
}

// Read implements Source.Read. It blocks until buf is full, the input has
// ended, or the Ring is stopped or closed; in the last two cases it returns
// 0 and ErrStopped or ErrClosed, and zeroes whatever part of buf it had
// already filled.
func (r *Ring) Read(buf []int16) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	gen := r.gen
	got := 0
	for got < len(buf) {
		switch {
		case r.closed:
			clear(buf[:got])
			return 0, ErrClosed
		case r.stopped || r.gen != gen:
			// Stopped (or stopped and restarted while we waited): what we
			// hold was captured before that Stop.
			clear(buf[:got])
			return 0, ErrStopped
		case r.n > 0:
			got += r.take(buf[got:])
			continue
		case r.end != nil:
			r.delivered += int64(got)
			return got, r.end
		}
		r.cond.Wait()
	}
	r.delivered += int64(got)
	return got, nil
}

// take moves up to len(dst) queued samples into dst, zeroing the ring
// slots. Caller holds mu.
func (r *Ring) take(dst []int16) int {
	k := min(len(dst), r.n)
	c := len(r.buf)
	for i := 0; i < k; {
		// Copy in at most two contiguous runs.
		run := min(k-i, c-r.r)
		copy(dst[i:i+run], r.buf[r.r:r.r+run])
		clear(r.buf[r.r : r.r+run])
		r.r = (r.r + run) % c
		i += run
	}
	r.n -= k
	r.cond.Broadcast() // space for WaitWrite
	return k
}

// Start lets samples in. It is idempotent; it returns ErrClosed after Close.
func (r *Ring) Start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	r.stopped = false
	return nil
}

// Stop discards and zeroes every queued sample, makes Write discard until
// Start, and wakes a blocked Read, which returns (0, ErrStopped).
func (r *Ring) Stop() {
	r.mu.Lock()
	r.stopLocked()
	r.mu.Unlock()
}

// stopLocked is Stop with mu held.
func (r *Ring) stopLocked() {
	r.stopped = true
	r.gen++
	clear(r.buf)
	r.r, r.n = 0, 0
	r.cond.Broadcast()
}

// Close stops the Ring for good; Read returns ErrClosed. Stopping and
// closing happen under one lock: a Read woken in between would see a
// stopped, not a closed, Ring and return ErrStopped, which promises a
// Start that can never come (TestRingEndAndClose caught it under -race).
func (r *Ring) Close() {
	r.mu.Lock()
	r.stopLocked()
	r.closed = true
	r.mu.Unlock()
}

// Stopped reports whether the Ring is stopped (or closed).
func (r *Ring) Stopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}

// Buffered returns the number of queued samples.
func (r *Ring) Buffered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// Overruns returns the number of samples dropped because Read fell behind.
func (r *Ring) Overruns() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.overruns
}

// Delivered returns the number of samples Read has returned.
func (r *Ring) Delivered() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.delivered
}

// isEnd reports whether err marks a normal end of input.
func isEnd(err error) bool { return errors.Is(err, io.EOF) }
