package tone

import (
	"slices"
	"sync"
	"testing"

	"github.com/wakegate/wakegate/leds"
)

// syncSink plays instantly and records what it was given.
type syncSink struct {
	mu     sync.Mutex
	played [][]int16
}

func (s *syncSink) Play(x []int16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.played = append(s.played, x)
}

func TestCues(t *testing.T) {
	const rate = 16000
	start, end := Generate(StartTone, rate), Generate(EndTone, rate)
	tests := []struct {
		name   string
		states []leds.State
		want   [][]int16
	}{
		{"interaction", []leds.State{leds.Idle, leds.Listening, leds.Listening, leds.Thinking, leds.Idle}, [][]int16{start, end}},
		{"muted mid-stream", []leds.State{leds.Listening, leds.Muted}, [][]int16{start, end}},
		{"follow-up opens a second stream", []leds.State{leds.Listening, leds.Thinking, leds.FollowUp, leds.Listening, leds.Idle}, [][]int16{start, end, start, end}},
		{"no stream, no tone", []leds.State{leds.Idle, leds.Muted, leds.Error, leds.Alarm, leds.Idle}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &syncSink{}
			p := NewPlayer(sink, rate)
			c := NewCues(p)
			for _, s := range tt.states {
				c.Set(s)
				p.Wait() // let the tone finish, so none is dropped as "still playing"
			}
			p.Close()
			if len(sink.played) != len(tt.want) {
				t.Fatalf("played %d tones, want %d", len(sink.played), len(tt.want))
			}
			for i := range tt.want {
				if !slices.Equal(sink.played[i], tt.want[i]) {
					t.Errorf("tone %d is not the expected one", i)
				}
			}
		})
	}
	NewCues(nil).Set(leds.Listening) // request_sounds off: must not panic
}
