package leds

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// memStrip is an in-memory Strip: the LED hardware boundary, standing in for
// the SPI chain so tests can see frames and stall or fail Show on demand.
type memStrip struct {
	n int

	mu     sync.Mutex
	frames int
	last   []Color
	offs   int
	err    error         // returned by Show when set
	gate   chan struct{} // when non-nil, Show waits for it to be closed
	inShow chan struct{} // when non-nil, Show signals entry (non-blocking)
}

func (m *memStrip) Len() int { return m.n }

func (m *memStrip) Show(p []Color) error {
	m.mu.Lock()
	gate, in, err := m.gate, m.inShow, m.err
	m.mu.Unlock()
	if in != nil {
		select {
		case in <- struct{}{}:
		default:
		}
	}
	if gate != nil {
		<-gate
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.frames++
	m.last = slices.Clone(p)
	return nil
}

func (m *memStrip) Off() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offs++
	return nil
}

func (m *memStrip) snapshot() (frames int, last []Color, offs int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.frames, m.last, m.offs
}

// eventually polls cond for up to 5 s: generous, because this machine is
// shared, but only ever reached if the code under test is broken.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func startRing(t *testing.T, r *Ring) (cancel func() error) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return func() error {
		stop()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
			return nil
		}
	}
}

func TestRingShowsStateAndStopsOnCancel(t *testing.T) {
	strip := &memStrip{n: 3}
	r := NewRing(strip, DefaultTheme(), 100)
	stop := startRing(t, r)
	red := Color{0xff, 0, 0}
	r.Set(Muted)
	eventually(t, "a red frame", func() bool {
		_, last, _ := strip.snapshot()
		return slices.Equal(last, []Color{red, red, red}) && r.Shown() == Muted
	})
	if err := stop(); err != nil {
		t.Fatalf("Run returned %v after cancel, want nil", err)
	}
	if _, _, offs := strip.snapshot(); offs != 1 {
		t.Errorf("Off called %d times on exit, want 1", offs)
	}
	// Run is reusable once it has returned.
	stop = startRing(t, r)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRingSetNeverBlocks(t *testing.T) {
	strip := &memStrip{n: 12, gate: make(chan struct{}), inShow: make(chan struct{}, 1)}
	r := NewRing(strip, DefaultTheme(), 100)
	stop := startRing(t, r)
	<-strip.inShow // Run is now stuck inside Show until we close gate

	done := make(chan struct{})
	go func() {
		defer close(done)
		states := States()
		for i := range 100_000 {
			r.Set(states[i%len(states)])
		}
		r.Set(Alarm) // the last one must win
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Set blocked while Show was stalled")
	}
	strip.mu.Lock()
	close(strip.gate)
	strip.gate = nil
	strip.mu.Unlock()
	eventually(t, "the last state on the strip", func() bool { return r.Shown() == Alarm })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRingSkipsUnchangedStaticFrames(t *testing.T) {
	strip := &memStrip{n: 4}
	r := NewRing(strip, DefaultTheme(), 200)
	start := time.Now()
	stop := startRing(t, r)
	eventually(t, "the idle frame", func() bool { f, _, _ := strip.snapshot(); return f == 1 })
	r.Set(Listening)
	eventually(t, "listening", func() bool { return r.Shown() == Listening })
	time.Sleep(100 * time.Millisecond) // 20 ticks at 200 fps
	frames, _, _ := strip.snapshot()
	elapsed := time.Since(start)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// The first (idle) frame and the listening frame; a solid colour is not
	// re-sent each tick, only after refresh, which cannot have passed unless
	// the machine stalled for most of a second.
	if elapsed < refresh && frames != 2 {
		t.Errorf("%d frames for two static states in %v, want 2", frames, elapsed)
	}
}

func TestRingAnimates(t *testing.T) {
	strip := &memStrip{n: 4}
	r := NewRing(strip, DefaultTheme(), 200)
	stop := startRing(t, r)
	r.Set(Thinking)
	eventually(t, "thinking", func() bool { return r.Shown() == Thinking })
	f0, _, _ := strip.snapshot()
	eventually(t, "more spin frames", func() bool { f, _, _ := strip.snapshot(); return f >= f0+3 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRingShowErrorStopsRun(t *testing.T) {
	boom := errors.New("spi gone")
	strip := &memStrip{n: 2, err: boom}
	r := NewRing(strip, DefaultTheme(), 50)
	if err := r.Run(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want it to wrap %v", err, boom)
	}
	if _, _, offs := strip.snapshot(); offs != 1 {
		t.Errorf("Off called %d times, want 1 (try to leave the ring dark)", offs)
	}
}

func TestRingRunTwice(t *testing.T) {
	strip := &memStrip{n: 2, gate: make(chan struct{}), inShow: make(chan struct{}, 1)}
	r := NewRing(strip, DefaultTheme(), 50)
	stop := startRing(t, r)
	<-strip.inShow
	if err := r.Run(context.Background()); err == nil {
		t.Error("second concurrent Run succeeded")
	}
	close(strip.gate)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
