package presence

import (
	"bytes"
	"errors"
	"log/slog"
	"math"
	"math/cmplx"
	"strings"
	"testing"
	"time"

	"github.com/wakegate/wakegate/internal/soundgen"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		cfg        Config
		ok, unsupp bool
	}{
		{"defaults", Config{}, true, false},
		{"18 kHz", Config{PilotHz: 18000}, true, false},
		{"22 kHz", Config{PilotHz: 22000}, true, false},
		{"16 kHz capture", Config{SampleRate: 16000, PilotHz: 20000}, false, true},
		{"44.1 kHz, 22 kHz pilot", Config{SampleRate: 44100, PilotHz: 22000}, false, true},
		{"pilot too low", Config{PilotHz: 15000}, false, false},
		{"bands reversed", Config{BandLowHz: 300, BandHighHz: 20}, false, false},
		{"off above on", Config{OnDB: 5, OffDB: 8}, false, false},
	} {
		err := tc.cfg.Validate()
		if (err == nil) != tc.ok || errors.Is(err, ErrUnsupported) != tc.unsupp {
			t.Errorf("%s: Validate() = %v", tc.name, err)
		}
		if _, nerr := New(tc.cfg); (nerr == nil) != tc.ok {
			t.Errorf("%s: New error %v", tc.name, nerr)
		}
	}
}

// TestEnableLogsOnce checks that a 16 kHz-only output disables presence with
// exactly one log line.
func TestEnableLogsOnce(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	if d := Enable(Config{}, 16000, log); d != nil {
		t.Fatal("Enable returned a detector for a 16 kHz output")
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.Contains(buf.String(), "presence detection disabled") {
		t.Errorf("log %q, want one line", buf.String())
	}
	for _, rate := range []int{44100, 48000, 96000} {
		buf.Reset()
		if d := Enable(Config{}, rate, log); d == nil || buf.Len() != 0 {
			t.Errorf("Enable at %d Hz: %v, log %q", rate, d, buf.String())
		}
	}
	buf.Reset()
	if d := Enable(Config{PilotHz: 21000}, 44100, log); d != nil || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("21 kHz pilot on a 44.1 kHz output: %v, log %q", d, buf.String())
	}
}

func TestFFTMatchesDFT(t *testing.T) {
	t.Parallel()
	const n = 64
	f := newCFFT(n)
	rng := soundgen.NewRand(1)
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	got := append([]complex128(nil), x...)
	f.transform(got)
	for k := range n {
		var want complex128
		for j, v := range x {
			want += v * cmplx.Rect(1, -2*math.Pi*float64(j*k)/n)
		}
		if cmplx.Abs(got[k]-want) > 1e-9 {
			t.Fatalf("bin %d: %v, want %v", k, got[k], want)
		}
	}
}

// TestPilotTone checks the generator's frequency, level, fade-in and a
// fade-out within 10 ms.
func TestPilotTone(t *testing.T) {
	t.Parallel()
	cfg := Config{PilotHz: 19000, Level: 0.05, FadeIn: 50 * time.Millisecond}
	p := PilotTone(cfg)
	out := make([]int16, 48000)
	p.Fill(out[:480])
	p.Fill(out[480:])
	if a := math.Abs(float64(out[1])); a > 200 {
		t.Errorf("no fade-in: second sample %v", a)
	}
	var acc complex128
	var peak float64
	for i, v := range out[4800:] { // after the fade-in
		acc += complex(float64(v), 0) * cmplx.Rect(1, -2*math.Pi*19000*float64(i+4800)/48000)
		peak = max(peak, math.Abs(float64(v)))
	}
	amp := 2 * cmplx.Abs(acc) / float64(len(out)-4800) / 32767
	if math.Abs(amp-0.05) > 0.001 || peak > 0.05*32767+1 {
		t.Errorf("amplitude %.4f (peak %.0f), want 0.05", amp, peak)
	}
	p.Stop()
	tail := make([]int16, 960)
	p.Fill(tail)
	for i, v := range tail[480:] { // 10 ms after Stop
		if v != 0 {
			t.Fatalf("sample %d after Stop+10 ms = %d", 480+i, v)
		}
	}
	if !p.Stopped() {
		t.Error("Stopped() false after the fade-out")
	}
}

func TestPilotFillDoesNotAllocate(t *testing.T) {
	p := PilotTone(Config{})
	out := make([]int16, block)
	if allocs := testing.AllocsPerRun(100, func() { p.Fill(out) }); allocs != 0 {
		t.Errorf("Fill allocates %.0f times", allocs)
	}
}

// TestPilotLoopback feeds the detector with its own generator, as on the
// device: neither the fade-in nor the fade-out may count as motion.
func TestPilotLoopback(t *testing.T) {
	t.Parallel()
	d, err := New(Config{Hold: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p := PilotTone(Config{})
	blk := make([]int16, 480)
	for i := range 300 { // 3 s of pilot alone, fade-in included
		p.Fill(blk)
		if e, ok := d.Push(blk); ok {
			t.Errorf("event %v at block %d without motion", e, i)
		}
	}
	p.Stop()
	for i := range 100 { // the pilot stops: a dropout, not motion
		p.Fill(blk)
		if e, ok := d.Push(blk); ok {
			t.Errorf("event %v at block %d after Stop", e, i)
		}
	}
}

// TestClippingIsBlanked checks that clipped capture (an overloaded
// microphone splatters energy into the Doppler band) never reads as motion.
func TestClippingIsBlanked(t *testing.T) {
	t.Parallel()
	rate := soundgen.PresenceRate
	s := soundgen.PresenceScene{Rate: rate, Seconds: 6, PilotHz: 20000, PilotAmp: 0.03, NoiseRMS: 3e-4}
	x := s.Render(soundgen.NewRand(1))
	loud := make([]float64, len(x))
	soundgen.AddTone(loud, rate, 440, 1.5, true, []soundgen.Segment{{Start: 2, Dur: 0.5}, {Start: 4, Dur: 0.05}})
	soundgen.Add(x, loud, 0)
	d, _ := New(Config{})
	if evs := run(d, soundgen.ToInt16(x)); len(evs) != 0 {
		t.Errorf("events %v from clipping", evs)
	}
}

func TestPushDoesNotAllocate(t *testing.T) {
	c := soundgen.PresenceCases(1, 20000, 2)[1]
	x := soundgen.ToInt16(c.Audio)
	d, _ := New(Config{})
	i := 0
	if allocs := testing.AllocsPerRun(500, func() {
		if i+block > len(x) {
			i = 0
		}
		d.Push(x[i : i+block])
		i += block
	}); allocs != 0 {
		t.Errorf("Push allocates %.1f times per block", allocs)
	}
}

// BenchmarkPush measures CPU per 10 ms block (480 samples at 48 kHz) on a
// walking scene: ns/op × 100 is the cost per second of audio.
func BenchmarkPush(b *testing.B) {
	x := soundgen.ToInt16(soundgen.PresenceCases(1, 20000, 2)[1].Audio)
	d, _ := New(Config{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i+block > len(x) {
			i = 0
		}
		d.Push(x[i : i+block])
		i += block
	}
}

// BenchmarkPilotFill measures the pilot generator per 10 ms block.
func BenchmarkPilotFill(b *testing.B) {
	p := PilotTone(Config{})
	out := make([]int16, block)
	b.ReportAllocs()
	for b.Loop() {
		p.Fill(out)
	}
}

// TestCaptureAt44100 checks a 44.1 kHz capture (decimation by 22, baseband
// 2004.5 Hz) on a walking scene.
func TestCaptureAt44100(t *testing.T) {
	t.Parallel()
	const rate = 44100
	s := soundgen.PresenceScene{
		Rate: rate, Seconds: 8, PilotHz: 19000, PilotAmp: 0.03, NoiseRMS: 3e-4,
		Echoes: []soundgen.Echo{{Amp: 0.2, Delay: 0.003}},
		Movers: []soundgen.Mover{{Kind: soundgen.Walk, Start: 1.5, Dur: 3, Distance: 1.5, Speed: 1, Amp: 0.1}},
	}
	x := soundgen.ToInt16(s.Render(soundgen.NewRand(3)))
	d, err := New(Config{SampleRate: rate, PilotHz: 19000, Hold: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	for i := 0; i+441 <= len(x); i += 441 {
		if e, ok := d.Push(x[i : i+441]); ok {
			evs = append(evs, e)
		}
	}
	if len(evs) != 2 || !evs[0].Present || evs[1].Present {
		t.Fatalf("events %v, want present then absent", evs)
	}
	for i, want := range []float64{1.5, 6.5} {
		if got := float64(evs[i].Sample) / 16000; math.Abs(got-want) > tolerance {
			t.Errorf("event %d at %.2f s, want %.2f", i, got, want)
		}
	}
}
