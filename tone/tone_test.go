package tone

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

var rates = []int{8000, 16000, 22050, 44100, 48000}

// crossings counts sign changes, skipping exact zeros (the faded ends).
func crossings(x []int16) int {
	n, prev := 0, int16(0)
	for _, v := range x {
		if v == 0 {
			continue
		}
		if prev != 0 && (v > 0) != (prev > 0) {
			n++
		}
		prev = v
	}
	return n
}

func TestGenerateShape(t *testing.T) {
	for _, kind := range []Kind{StartTone, EndTone} {
		for _, fs := range rates {
			x := Generate(kind, fs)
			half := len(x) / 2
			if d := float64(len(x)) / float64(fs); d > 0.250 || d < 0.150 {
				t.Errorf("%s@%d: %.3f s, want 0.15–0.25 s", kind, fs, d)
			}
			// Silence at both ends and between the notes: no step anywhere.
			for _, i := range []int{0, half - 1, half, len(x) - 1} {
				if x[i] != 0 {
					t.Errorf("%s@%d: sample %d = %d, want 0", kind, fs, i, x[i])
				}
			}
			// No clicks: no sample-to-sample step larger than the steepest
			// the tone itself can make: amplitude A times (sine slope 2πf +
			// attack-envelope slope π/(2·attack)), per sample, plus 1 for
			// rounding. A hard start would step by up to A.
			a := Peak * math.MaxInt16
			bound := a*(2*math.Pi*MaxHz+math.Pi/(2*attackSec))/float64(fs) + 1
			maxStep, peak := 0.0, 0.0
			for i := range x {
				peak = max(peak, math.Abs(float64(x[i])))
				if i > 0 {
					maxStep = max(maxStep, math.Abs(float64(x[i])-float64(x[i-1])))
				}
			}
			if maxStep > bound {
				t.Errorf("%s@%d: max step %.0f > bound %.0f (click)", kind, fs, maxStep, bound)
			}
			if peak > a+1 || peak < 0.8*a {
				t.Errorf("%s@%d: peak %.0f, want within [%.0f, %.0f]", kind, fs, peak, 0.8*a, a+1)
			}
			// Pitch: a sine of f Hz over d seconds crosses zero 2·f·d times.
			lo, hi := crossings(x[:half]), crossings(x[half:])
			if kind == EndTone {
				lo, hi = hi, lo
			}
			wantLo := 2 * lowHz * noteSec
			wantHi := 2 * highHz * noteSec
			if math.Abs(float64(lo)-wantLo) > 3 || math.Abs(float64(hi)-wantHi) > 3 {
				t.Errorf("%s@%d: low/high note crossings %d/%d, want ≈%.0f/%.0f", kind, fs, lo, hi, wantLo, wantHi)
			}
		}
	}
	if slices.Equal(Generate(StartTone, 16000), Generate(EndTone, 16000)) {
		t.Error("start and end tones are identical")
	}
}

func TestGeneratePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"low rate":     func() { Generate(StartTone, 4000) },
		"unknown kind": func() { Generate(Kind(7), 16000) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// gateSink stands in for the playback device: Play blocks until released.
type gateSink struct {
	mu      sync.Mutex
	played  [][]int16
	started chan struct{}
	release chan struct{}
}

func (s *gateSink) Play(x []int16) {
	s.started <- struct{}{}
	<-s.release
	s.mu.Lock()
	s.played = append(s.played, x)
	s.mu.Unlock()
}

func TestPlayerDropsWhileBusyAndNeverBlocks(t *testing.T) {
	s := &gateSink{started: make(chan struct{}, 1), release: make(chan struct{})}
	p := NewPlayer(s, 16000)
	if !p.Play(StartTone) {
		t.Fatal("first Play dropped")
	}
	<-s.started // the sink is now busy and will stay so until released

	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 1000 {
			if p.Play(EndTone) {
				t.Error("Play accepted a tone while one was playing")
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Play blocked while the sink was busy")
	}
	if got := p.Dropped(); got != 1000 {
		t.Errorf("Dropped() = %d, want 1000", got)
	}
	close(s.release)
	p.Close()
	if len(s.played) != 1 || !slices.Equal(s.played[0], Generate(StartTone, 16000)) {
		t.Errorf("sink played %d tones, want exactly the start tone", len(s.played))
	}
	// After the first tone finished, and before Close, a second would play;
	// after Close, nothing does.
	if p.Play(EndTone) {
		t.Error("Play after Close succeeded")
	}
}

func TestPlayerPlaysAgainWhenIdle(t *testing.T) {
	s := &gateSink{started: make(chan struct{}, 2), release: make(chan struct{})}
	close(s.release) // an instant sink
	p := NewPlayer(s, 8000)
	if !p.Play(StartTone) {
		t.Fatal("Play dropped")
	}
	p.Wait()
	if !p.Play(EndTone) { // the first tone is done: accepted
		t.Fatal("Player stayed busy after the sink returned")
	}
	p.Close()
	if len(s.played) != 2 || !slices.Equal(s.played[1], Generate(EndTone, 8000)) {
		t.Errorf("played %d tones, want start then end", len(s.played))
	}
}

func TestNilPlayer(t *testing.T) {
	var p *Player
	if p.Play(StartTone) || p.Dropped() != 0 {
		t.Error("nil Player played")
	}
	p.Close()
	s := &gateSink{started: make(chan struct{}, 1), release: make(chan struct{})}
	if NewPlayer(s, 16000).Play(Kind(5)) {
		t.Error("unknown kind accepted")
	}
}
