package ledstest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wakegate/wakegate/leds"
)

func TestRecorder(t *testing.T) {
	var seen []leds.State
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tick := 0
	r := &Recorder{
		OnSet: func(s leds.State) { seen = append(seen, s) },
		Now:   func() time.Time { tick++; return base.Add(time.Duration(tick) * time.Second) },
	}
	if r.Last() != leds.Idle {
		t.Errorf("Last() before any Set = %v", r.Last())
	}
	for _, s := range []leds.State{leds.Listening, leds.Listening, leds.Thinking, leds.Idle} {
		r.Set(s)
	}
	if want := []leds.State{leds.Listening, leds.Thinking, leds.Idle}; !slices.Equal(r.States(), want) {
		t.Errorf("States() = %v, want %v", r.States(), want)
	}
	ch := r.Changes()
	if len(ch) != 4 || ch[1].State != leds.Listening || !ch[3].At.Equal(base.Add(4*time.Second)) {
		t.Errorf("Changes() = %v", ch)
	}
	if len(seen) != 4 || r.Last() != leds.Idle {
		t.Errorf("OnSet saw %v, Last %v", seen, r.Last())
	}
}

func TestRecorderWaitFor(t *testing.T) {
	var r Recorder
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.WaitFor(ctx, leds.Idle); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.Set(leds.Listening)
		r.Set(leds.Muted)
	}()
	if err := r.WaitFor(ctx, leds.Muted); err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if err := r.WaitFor(short, leds.Alarm); err == nil {
		t.Error("WaitFor(alarm) returned nil though alarm was never set")
	}
}
