package soundgen

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/cmplx"
	"slices"
	"testing"
)

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a := Babble(8000, 16000, NewRand(7), 2, 0.1)
	b := Babble(8000, 16000, NewRand(7), 2, 0.1)
	c := Babble(8000, 16000, NewRand(8), 2, 0.1)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different babble")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same babble")
	}
}

func TestSegments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p     Pattern
		n     int
		cycle float64
	}{
		{Temporal3, 6, 4.0},
		{Temporal4, 8, 5.7},
	} {
		tm := tc.p.Nominal()
		segs := tm.Segments(1, 2)
		if len(segs) != tc.n {
			t.Errorf("%v: %d segments, want %d", tc.p, len(segs), tc.n)
		}
		if got := segs[tm.Beeps].Start - segs[0].Start; math.Abs(got-tc.cycle) > 1e-9 {
			t.Errorf("%v: cycle %.3f s, want %.3f", tc.p, got, tc.cycle)
		}
	}
}

func TestMixSNR(t *testing.T) {
	t.Parallel()
	rate := 16000
	for _, snr := range []float64{-5, 0, 10} {
		x := make([]float64, rate)
		AddTone(x, rate, 1000, 0.5, false, []Segment{{0.2, 0.5}})
		before := ActiveRMS(x, rate)
		noise := make([]float64, rate)
		AddNoise(noise, NewRand(1), 1)
		g := MixSNR(x, noise, rate, snr)
		got := 20 * math.Log10(before/(g*RMS(noise)))
		if math.Abs(got-snr) > 0.01 {
			t.Errorf("SNR %.2f dB, want %.2f", got, snr)
		}
	}
}

// TestSceneDoppler checks that a walking reflection appears at the Doppler
// shift 2·v·f/c and static echoes stay at the pilot frequency.
func TestSceneDoppler(t *testing.T) {
	t.Parallel()
	s := PresenceScene{
		Rate: 48000, Seconds: 2, PilotHz: 20000, PilotAmp: 0.1,
		Echoes:     []Echo{{Amp: 0.3, Delay: 0.004}},
		Movers:     []Mover{{Kind: Walk, Start: 0, Dur: 4, Distance: 3, Speed: 1, Amp: 0.3}},
		GaitFactor: -1e-9, // limbs move with the torso: one clean line
	}
	x := s.Render(NewRand(1))
	// Demodulate 0.5–1.5 s (steady walking toward) at the pilot and find
	// the strongest non-DC line with a 1 Hz-resolution DFT.
	want := 2 * 1.0 * 20000 / SpeedOfSound
	best, bestF := 0.0, 0.0
	for f := 20.0; f < 200; f += 0.5 {
		var acc complex128
		w := cmplx.Rect(1, -2*math.Pi*(20000+f)/48000)
		z := complex(1, 0)
		for i := 24000; i < 72000; i++ {
			acc += complex(x[i], 0) * z
			z *= w
		}
		if a := cmplx.Abs(acc); a > best {
			best, bestF = a, f
		}
	}
	if math.Abs(bestF-want) > 2 {
		t.Errorf("Doppler line at %.0f Hz, want %.1f", bestF, want)
	}
}

func TestWriteWAV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteWAV(&buf, 16000, []int16{1, -2, 3}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if len(b) != 44+6 || string(b[0:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" {
		t.Fatalf("bad header % x", b[:44])
	}
	if got := binary.LittleEndian.Uint32(b[24:]); got != 16000 {
		t.Errorf("rate %d", got)
	}
	if got := int16(binary.LittleEndian.Uint16(b[46:])); got != -2 {
		t.Errorf("sample 1 = %d", got)
	}
}

func TestCatalogAnnotated(t *testing.T) {
	t.Parallel()
	cases := AlarmCases(1)
	var pos, neg int
	for _, c := range cases {
		if len(c.Audio) == 0 || c.Rate != AlarmRate {
			t.Errorf("%s: empty or wrong rate", c.Name)
		}
		if len(c.Events) > 0 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		t.Errorf("%d alarm cases, %d near-misses", pos, neg)
	}
}

func TestHarmonics(t *testing.T) {
	t.Parallel()
	for _, th := range []float64{0.1, 1, 2.5, 100} {
		var want float64
		for k := 1; k <= 9; k += 2 {
			want += math.Sin(float64(k)*th) / float64(k)
		}
		if got := harmonics(th, 9, 2); math.Abs(got-want) > 1e-9 {
			t.Errorf("harmonics(%v) = %v, want %v", th, got, want)
		}
	}
}

// TestHarmonicHit checks the tonal scenes' alarm frequencies: the 39th
// harmonic of 520 Hz is the reported 20,280 Hz, and every scene's harmonic
// lies in the Doppler band.
func TestHarmonicHit(t *testing.T) {
	t.Parallel()
	if f0, k := HarmonicHit(20280, 500, 560); k != 39 || math.Abs(f0-520) > 1e-9 {
		t.Errorf("HarmonicHit(20280) = %v, %d; want 520, 39", f0, k)
	}
	for _, pilot := range []float64{18000, 19000, 20000, 21000, 22000} {
		for _, tc := range [][2]float64{{500, 560}, {2500, 3700}} {
			for _, off := range []float64{-290, -25, 25, 290} {
				f0, k := HarmonicHit(pilot+off, tc[0], tc[1])
				if k%2 == 0 || f0 < tc[0] || f0 > tc[1] || math.Abs(f0*float64(k)-pilot-off) > 1e-6 {
					t.Errorf("HarmonicHit(%v) = %v, %d", pilot+off, f0, k)
				}
			}
		}
	}
}

func TestPresenceToneCasesDeterministic(t *testing.T) {
	t.Parallel()
	a, b := PresenceToneCases(3, 20000, 2), PresenceToneCases(3, 20000, 2)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d and %d cases", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !slices.Equal(a[i].Audio, b[i].Audio) {
			t.Errorf("%s: not reproducible", a[i].Name)
		}
	}
}
