package pins

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// stepPin is a gpiotest.Pin whose WaitForEdge reports each wait to the test
// before blocking, so the test can move the fake clock or send an edge in
// lockstep with the code under test. With stuck set, In leaves the level
// alone, as a closed switch to ground overrides the internal pull-up.
type stepPin struct {
	*gpiotest.Pin
	clk   *clockwork.FakeClock
	waits chan time.Duration
	stuck bool
}

func (p *stepPin) In(pull gpio.Pull, edge gpio.Edge) error {
	l := p.Read()
	err := p.Pin.In(pull, edge)
	if p.stuck {
		_ = p.Out(l)
	}
	return err
}

func (p *stepPin) WaitForEdge(timeout time.Duration) bool {
	after := p.clk.After(timeout) // registered before the test can advance
	p.waits <- timeout
	select {
	case <-after:
		return false
	case l := <-p.EdgesChan:
		_ = p.Out(l)
		return true
	}
}

// harness drives a stepPin: it knows whether the code under test is blocked
// in WaitForEdge and how much of its timeout is left.
type harness struct {
	t       *testing.T
	pin     *stepPin
	clk     *clockwork.FakeClock
	blocked bool
	left    time.Duration
	start   time.Time

	mu     sync.Mutex
	events []Event
}

func newHarness(t *testing.T, level gpio.Level) *harness {
	clk := clockwork.NewFakeClock()
	p := &stepPin{
		Pin:   &gpiotest.Pin{N: "GPIO17", Num: 17, L: level, EdgesChan: make(chan gpio.Level)},
		clk:   clk,
		waits: make(chan time.Duration),
	}
	return &harness{t: t, pin: p, clk: clk, start: clk.Now()}
}

func (h *harness) emit(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
}

// waiting returns once the code under test is blocked in WaitForEdge.
func (h *harness) waiting() {
	h.t.Helper()
	if h.blocked {
		return
	}
	select {
	case d := <-h.pin.waits:
		if d <= 0 || d > pollTimeout {
			h.t.Fatalf("WaitForEdge(%v): want a finite timeout in (0, %v]", d, pollTimeout)
		}
		h.blocked, h.left = true, d
	case <-time.After(5 * time.Second):
		h.t.Fatal("code under test never waited for an edge")
	}
}

// edge delivers a level change at the current fake time.
func (h *harness) edge(l gpio.Level) {
	h.t.Helper()
	h.waiting()
	h.pin.EdgesChan <- l
	h.blocked = false
}

// sleep moves fake time on by d, letting every timeout inside it fire.
func (h *harness) sleep(d time.Duration) {
	h.t.Helper()
	for d > 0 {
		h.waiting()
		step := min(d, h.left)
		h.clk.Advance(step)
		d -= step
		h.left -= step
		if h.left == 0 {
			h.blocked = false
		}
	}
}

// got returns the events so far, once the code under test is idle again.
func (h *harness) got() []Event {
	h.t.Helper()
	h.waiting()
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.events...)
}

// at is the fake time d after the start.
func (h *harness) at(d time.Duration) time.Time { return h.start.Add(d) }

func (h *harness) run(t *testing.T, run func(context.Context, func(Event)) error) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, h.emit) }()
	return func() {
		t.Helper()
		cancel()
		// The loop notices cancellation when its current wait ends.
		if h.blocked {
			h.clk.Advance(h.left)
			h.blocked = false
		}
		for {
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run returned %v after cancel, want nil", err)
				}
				return
			case d := <-h.pin.waits:
				h.clk.Advance(d)
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
		}
	}
}

func sameEvents(got, want []Event) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].Kind != want[i].Kind || !got[i].At.Equal(want[i].At) || got[i].Held != want[i].Held {
			return false
		}
	}
	return true
}

const (
	ms       = time.Millisecond
	pressed  = gpio.Low  // active-low wiring: the switch pulls to ground
	released = gpio.High // the internal pull-up
)

func TestButton(t *testing.T) {
	type step struct {
		edge  gpio.Level
		sleep time.Duration
	}
	e := func(l gpio.Level) step { return step{edge: l} }
	s := func(d time.Duration) step { return step{sleep: d} }
	tests := []struct {
		name  string
		steps []step
		want  func(h *harness) []Event
	}{
		{
			name: "bouncy tap is one press",
			// Down at 0 with bounces for 10 ms, held 200 ms, up with bounces.
			steps: []step{e(pressed), s(3 * ms), e(released), s(2 * ms), e(pressed), s(5 * ms), e(released), e(pressed),
				s(190 * ms), e(released), s(4 * ms), e(pressed), s(4 * ms), e(released), s(100 * ms)},
			want: func(h *harness) []Event {
				return []Event{{Kind: Press, At: h.at(200 * ms), Held: 200 * ms}}
			},
		},
		{
			name: "glitch shorter than debounce is nothing",
			// Low for 10 ms, then back high: settles high, no change.
			steps: []step{e(pressed), s(10 * ms), e(released), s(500 * ms)},
			want:  func(*harness) []Event { return nil },
		},
		{
			name:  "long press fires once while held, release is silent",
			steps: []step{e(pressed), s(3 * time.Second), e(released), s(100 * ms)},
			want: func(h *harness) []Event {
				return []Event{{Kind: LongPress, At: h.at(1500 * ms), Held: 1500 * ms}}
			},
		},
		{
			name: "release starting just before the long-press deadline is a press",
			// Released at 1490 ms, bounces until 1510 ms.
			steps: []step{e(pressed), s(1490 * ms), e(released), s(10 * ms), e(pressed), s(10 * ms), e(released), s(100 * ms)},
			want: func(h *harness) []Event {
				return []Event{{Kind: Press, At: h.at(1490 * ms), Held: 1490 * ms}}
			},
		},
		{
			name:  "two taps",
			steps: []step{e(pressed), s(100 * ms), e(released), s(100 * ms), e(pressed), s(50 * ms), e(released), s(50 * ms)},
			want: func(h *harness) []Event {
				return []Event{
					{Kind: Press, At: h.at(100 * ms), Held: 100 * ms},
					{Kind: Press, At: h.at(250 * ms), Held: 50 * ms},
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, released)
			b := &Button{Pin: h.pin, ActiveLow: true, Clock: h.clk}
			stop := h.run(t, b.Run)
			for _, st := range tt.steps {
				if st.sleep > 0 {
					h.sleep(st.sleep)
				} else {
					h.edge(st.edge)
				}
			}
			got, want := h.got(), tt.want(h)
			stop()
			if !sameEvents(got, want) {
				t.Errorf("events\n got %+v\nwant %+v", got, want)
			}
			if h.pin.Pull() != gpio.PullUp {
				t.Errorf("pull = %v, want PullUp for an active-low button", h.pin.Pull())
			}
		})
	}
}

func TestButtonHeldAtStartIsIgnored(t *testing.T) {
	h := newHarness(t, pressed)
	h.pin.stuck = true // held down while we start
	b := &Button{Pin: h.pin, ActiveLow: true, Clock: h.clk}
	stop := h.run(t, b.Run)
	h.sleep(2 * time.Second) // no LongPress for a press we did not see begin
	h.edge(released)
	h.sleep(100 * ms)
	h.edge(pressed) // at 2.1 s
	h.sleep(200 * ms)
	h.edge(released) // at 2.3 s
	h.sleep(100 * ms)
	got := h.got()
	stop()
	want := []Event{{Kind: Press, At: h.at(2300 * ms), Held: 200 * ms}}
	if !sameEvents(got, want) {
		t.Errorf("events\n got %+v\nwant %+v", got, want)
	}
}

func TestButtonActiveHighAndCustomTimes(t *testing.T) {
	h := newHarness(t, gpio.Low)
	b := &Button{Pin: h.pin, Clock: h.clk, Debounce: 10 * ms, LongPress: 500 * ms}
	stop := h.run(t, b.Run)
	h.edge(gpio.High)
	h.sleep(time.Second)
	got := h.got()
	stop()
	want := []Event{{Kind: LongPress, At: h.at(500 * ms), Held: 500 * ms}}
	if !sameEvents(got, want) {
		t.Errorf("events\n got %+v\nwant %+v", got, want)
	}
	if h.pin.Pull() != gpio.PullDown {
		t.Errorf("pull = %v, want PullDown for an active-high button", h.pin.Pull())
	}
}

// TestCancelReturnsPromptly uses the real clock: the gpiotest Halt is a
// no-op, so only the finite poll timeout ends the wait.
func TestCancelReturnsPromptly(t *testing.T) {
	runs := map[string]func(*gpiotest.Pin) func(context.Context, func(Event)) error{
		"button": func(p *gpiotest.Pin) func(context.Context, func(Event)) error {
			return (&Button{Pin: p, ActiveLow: true}).Run
		},
		"mute": func(p *gpiotest.Pin) func(context.Context, func(Event)) error {
			return (&MuteSwitch{Pin: p, ActiveLow: true}).Run
		},
	}
	for name, mk := range runs {
		t.Run(name, func(t *testing.T) {
			p := &gpiotest.Pin{N: "GPIO27", EdgesChan: make(chan gpio.Level)}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- mk(p)(ctx, func(Event) {}) }()
			time.Sleep(20 * ms) // let it reach WaitForEdge
			start := time.Now()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil", err)
				}
				t.Logf("returned %v after cancel (poll timeout %v)", time.Since(start), pollTimeout)
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return within 5 s of cancel")
			}
		})
	}
}

func TestRunSetupError(t *testing.T) {
	p := &gpiotest.Pin{N: "GPIO4"} // no EdgesChan: gpiotest refuses edge detection
	err := (&Button{Pin: p}).Run(context.Background(), func(Event) {})
	if err == nil || !strings.HasPrefix(err.Error(), "pins: button GPIO4") {
		t.Errorf("Run = %v, want a pins: button error", err)
	}
	err = (&MuteSwitch{Pin: p}).Run(context.Background(), func(Event) {})
	if err == nil || !strings.HasPrefix(err.Error(), "pins: mute switch GPIO4") {
		t.Errorf("Run = %v, want a pins: mute switch error", err)
	}
}

func TestEventKindString(t *testing.T) {
	for k, want := range map[EventKind]string{Press: "press", LongPress: "longpress", Mute: "mute", Unmute: "unmute", 0: "EventKind(0)"} {
		if got := k.String(); got != want {
			t.Errorf("%d: %q, want %q", int(k), got, want)
		}
	}
}
