package tone

import "sync"

// Sink plays 16-bit mono samples at the rate the Player was made for. Play
// may block until the samples have been played; it must not modify or keep
// samples (the Player hands the same slice out every time).
type Sink interface {
	Play(samples []int16)
}

// Player plays request tones on a Sink without ever blocking its caller:
// each tone plays on its own goroutine. If a tone is still playing when
// another is asked for, the new one is dropped, not queued: a late tone
// would mark the wrong moment, and a queue would let a stuck sink pile up
// goroutines. Start and end tones are 200 ms apart at the least in normal
// use, so drops only happen with very short streams.
//
// A nil *Player plays nothing, which is how request_sounds = false is
// wired. Close waits for the tone in flight, so no goroutine outlives the
// owner.
type Player struct {
	sink  Sink
	tones [2][]int16 // indexed by Kind

	mu      sync.Mutex
	busy    chan struct{} // non-nil while a tone plays; closed when it ends
	closed  bool
	dropped int
}

// NewPlayer renders both tones at sampleRate and returns a Player for sink.
func NewPlayer(sink Sink, sampleRate int) *Player {
	return &Player{
		sink:  sink,
		tones: [2][]int16{Generate(StartTone, sampleRate), Generate(EndTone, sampleRate)},
	}
}

// Play starts the tone and returns at once. It reports whether the tone was
// started; false means a tone was still playing, the Player is closed or
// nil, or kind is unknown.
func (p *Player) Play(kind Kind) bool {
	if p == nil || kind < 0 || int(kind) >= len(p.tones) {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.busy != nil {
		p.dropped++
		return false
	}
	done := make(chan struct{})
	p.busy = done
	samples := p.tones[kind]
	go func() {
		defer func() {
			p.mu.Lock()
			p.busy = nil
			p.mu.Unlock()
			close(done)
		}()
		p.sink.Play(samples)
	}()
	return true
}

// Wait blocks until the tone in flight, if any, has finished playing.
func (p *Player) Wait() {
	if p == nil {
		return
	}
	p.mu.Lock()
	done := p.busy
	p.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Dropped returns how many tones were dropped because one was playing or
// the Player was closed.
func (p *Player) Dropped() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

// Close stops accepting tones and waits for the one in flight, if any, to
// finish. It is safe to call more than once.
func (p *Player) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.Wait() // no new tone can start now, so this is the last one
}
