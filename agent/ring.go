package agent

import "fmt"

// Ring keeps the newest audio on the capture timeline so that a wake-word
// stream can begin a little before the wake word. It never allocates after
// NewRing and never hands out audio older than its capacity or older than the
// last Clear.
type Ring struct {
	buf   []int16
	end   int64 // timeline position one past the newest sample
	floor int64 // nothing before this position may be returned (set by Clear)
}

// NewRing returns a ring that holds capacity samples.
func NewRing(capacity int) *Ring {
	if capacity <= 0 {
		panic(fmt.Sprintf("agent: ring capacity %d", capacity))
	}
	return &Ring{buf: make([]int16, capacity)}
}

// Cap is the number of samples the ring holds.
func (r *Ring) Cap() int { return len(r.buf) }

// End is the timeline position one past the newest sample.
func (r *Ring) End() int64 { return r.end }

// Oldest is the earliest timeline position the ring can still return.
func (r *Ring) Oldest() int64 {
	return max(r.end-int64(len(r.buf)), r.floor)
}

// Write appends samples that start at timeline position pos. A gap (pos >
// End, e.g. audio skipped while muted) clears the ring, since the samples
// before the gap are no longer contiguous with the new ones.
func (r *Ring) Write(pos int64, s []int16) {
	if pos != r.end {
		r.Clear(pos)
	}
	n := int64(len(r.buf))
	if skip := int64(len(s)) - n; skip > 0 {
		r.end += skip // only the newest n samples can be kept
		s = s[skip:]
	}
	for len(s) > 0 {
		i := int(r.end % n)
		c := copy(r.buf[i:], s)
		s = s[c:]
		r.end += int64(c)
	}
}

// Clear zeroes every sample and moves the floor to pos, so no audio from
// before pos can ever be read again (P4: mute wipes the pre-roll).
func (r *Ring) Clear(pos int64) {
	clear(r.buf)
	r.end = pos
	r.floor = pos
}

// AppendTo appends the samples in [from, to) to dst. The range must lie
// inside [Oldest, End).
func (r *Ring) AppendTo(dst []int16, from, to int64) []int16 {
	if from < r.Oldest() || to > r.end || from > to {
		panic(fmt.Sprintf("agent: ring read [%d,%d) outside [%d,%d)", from, to, r.Oldest(), r.end))
	}
	n := int64(len(r.buf))
	for p := from; p < to; {
		i := p % n
		c := min(to-p, n-i)
		dst = append(dst, r.buf[i:i+c]...)
		p += c
	}
	return dst
}
