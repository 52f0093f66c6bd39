package tone

import (
	"sync"

	"github.com/wakegate/wakegate/leds"
)

// Cues is an leds.Indicator that plays the request sounds: StartTone when
// the state becomes Listening (a stream opened) and EndTone when it leaves
// Listening (the stream closed, for whatever reason, including mute). Put
// it in an leds.Multi after the light, so the light changes first, and only
// when request_sounds is on. Set never blocks: Player.Play returns at once.
type Cues struct {
	p    *Player
	mu   sync.Mutex
	prev leds.State
}

// NewCues returns Cues playing on p (a nil p plays nothing).
func NewCues(p *Player) *Cues { return &Cues{p: p} }

// Set plays a tone on entering or leaving Listening.
func (c *Cues) Set(s leds.State) {
	c.mu.Lock()
	prev := c.prev
	c.prev = s
	c.mu.Unlock()
	switch {
	case s == leds.Listening && prev != leds.Listening:
		c.p.Play(StartTone)
	case s != leds.Listening && prev == leds.Listening:
		c.p.Play(EndTone)
	}
}

var _ leds.Indicator = (*Cues)(nil)
