package dsp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// runVAD pushes s through a fresh VAD and returns the decision per hop.
func runVAD(cfg VADConfig, s []int16) []bool {
	v := NewVAD(cfg)
	var out []bool
	for i := 0; i+HopSamples <= len(s); i += HopSamples {
		out = append(out, v.Push(s[i:i+HopSamples]))
	}
	return out
}

// dc returns n samples of the constant v.
func dc(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func countTrue(d []bool) int {
	n := 0
	for _, b := range d {
		if b {
			n++
		}
	}
	return n
}

// TestVADNonSpeech feeds stationary sounds that are present from the start:
// none of them may ever be called speech.
func TestVADNonSpeech(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 3 * SampleRate
	cases := []struct {
		name string
		x    []float64
	}{
		{"silence", make([]float64, n)},
		{"hum -40 dBFS", scaleTo(hum(n), -40)},
		{"hum -10 dBFS", scaleTo(hum(n), -10)},
		{"tone 440 Hz", scaleTo(tone(440, n), -20)},
		{"tone 1 kHz", scaleTo(tone(1000, n), -20)},
		{"tone 3 kHz", scaleTo(tone(3000, n), -6)},
		// A microphone's DC offset (here 1/32 of full scale) lies far below
		// the speech band and must not raise its level.
		{"DC offset", mix(scaleTo(whiteNoise(rng, n), -70), dc(n, 1.0/32))},
	}
	for _, db := range []float64{-70, -50, -30, -10} {
		cases = append(cases,
			struct {
				name string
				x    []float64
			}{fmt.Sprintf("white %g dBFS", db), scaleTo(whiteNoise(rng, n), db)},
			struct {
				name string
				x    []float64
			}{fmt.Sprintf("pink %g dBFS", db), scaleTo(pinkNoise(rng, n), db)},
		)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := runVAD(DefaultVADConfig(), toInt16(tc.x))
			if c := countTrue(d); c != 0 {
				t.Errorf("%d of %d hops called speech", c, len(d))
			}
		})
	}
}

// TestVADNoiseStep starts a noise after a second of near-silence: the noise
// floor must catch up, so that no speech is reported a second after the step
// at the latest. White and pink noise must not be called speech at all
// (spectral flatness rules them out at once).
func TestVADNoiseStep(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 4 * SampleRate
	room := scaleTo(whiteNoise(rng, n), -70)
	for _, tc := range []struct {
		name       string
		noise      []float64
		settleHops int // hops after the step in which speech is tolerated
	}{
		{"white", scaleTo(whiteNoise(rng, n-SampleRate), -20), 0},
		{"pink", scaleTo(pinkNoise(rng, n-SampleRate), -20), 0},
		{"hum", scaleTo(hum(n-SampleRate), -20), 100},
		{"tone", scaleTo(tone(1000, n-SampleRate), -20), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := make([]float64, n)
			copy(x[SampleRate:], tc.noise)
			d := runVAD(DefaultVADConfig(), toInt16(mix(room, x)))
			stepHop := SampleRate / HopSamples
			if c := countTrue(d[:stepHop]); c != 0 {
				t.Errorf("%d hops before the step called speech", c)
			}
			if c := countTrue(d[stepHop+tc.settleHops:]); c != 0 {
				t.Errorf("%d hops called speech more than %d hops after the step", c, tc.settleHops)
			}
		})
	}
}

// TestVADFadeIn raises a noise by 60 dB over one second, as an automatic
// gain control settling or a fan spinning up does: a smooth rise is not
// speech, whatever the noise's spectrum.
func TestVADFadeIn(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 4 * SampleRate
	for _, tc := range []struct {
		name  string
		noise []float64
	}{
		{"white", whiteNoise(rng, n)},
		{"pink", pinkNoise(rng, n)},
		{"hum", hum(n)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := scaleTo(tc.noise, -20)
			for i := range x {
				// -60 dB until 0.5 s, rising linearly in dB to 0 dB at 1.5 s.
				db := max(-60, min(0, -60+60*(float64(i)/SampleRate-0.5)))
				x[i] *= math.Pow(10, db/20)
			}
			d := runVAD(DefaultVADConfig(), toInt16(x))
			if c := countTrue(d); c != 0 {
				t.Errorf("%d of %d hops called speech", c, len(d))
			}
		})
	}
}

// TestVADSpeechInNoise puts 1.2 s of synthetic voiced speech (four
// syllables) at -20 dBFS after a second of noise and checks detection
// within the word, latency, and silence before and after it.
func TestVADSpeechInNoise(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 7 * SampleRate / 2
	const speechLen = 6 * SampleRate / 5 // 4 syllables of 0.2 s + 0.1 s gaps
	speech := scaleTo(voicedSpeech(rng, speechLen, 120, 0.2, 0.1), -20)
	startHop := SampleRate / HopSamples
	endHop := (SampleRate + speechLen - SampleRate/10) / HopSamples // the last gap is silent
	// Recall measured when written: 0.95/0.95 at 30 dB, 0.94/0.94 at 20 dB,
	// 0.75/0.78 at 10 dB and 0.50/0.67 at 5 dB (white/pink); the limits
	// leave a margin for other noise draws.
	for _, tc := range []struct {
		noise     string
		snr       float64
		minRecall float64 // share of the word's hops detected
		maxOnset  int     // hops from the word's start to the first detection
	}{
		{"white", 30, 0.9, 10},
		{"pink", 30, 0.9, 10},
		{"white", 20, 0.9, 10},
		{"pink", 20, 0.9, 10},
		{"white", 10, 0.6, 15},
		{"pink", 10, 0.6, 15},
		{"white", 5, 0.4, 60},
		{"pink", 5, 0.4, 60},
	} {
		t.Run(fmt.Sprintf("%s SNR %g dB", tc.noise, tc.snr), func(t *testing.T) {
			var noise []float64
			if tc.noise == "white" {
				noise = whiteNoise(rng, n)
			} else {
				noise = pinkNoise(rng, n)
			}
			x := make([]float64, n)
			copy(x[SampleRate:], speech)
			x = mix(x, scaleTo(noise, -20-tc.snr))
			cfg := DefaultVADConfig()
			d := runVAD(cfg, toInt16(x))
			if c := countTrue(d[:startHop]); c != 0 {
				t.Errorf("%d hops of noise before the word called speech", c)
			}
			// The 16 ms analysis window reaches one hop past the word.
			if c := countTrue(d[endHop+cfg.HangoverHops+2:]); c != 0 {
				t.Errorf("%d hops after the word and hangover called speech", c)
			}
			recall := float64(countTrue(d[startHop:endHop])) / float64(endHop-startHop)
			if recall < tc.minRecall {
				t.Errorf("detected %.2f of the word's hops, want >= %.2f", recall, tc.minRecall)
			}
			first := -1
			for i := startHop; i < len(d); i++ {
				if d[i] {
					first = i
					break
				}
			}
			if first < 0 || first-startHop > tc.maxOnset {
				t.Errorf("first detection at hop %d, word starts at %d: want within %d hops", first, startHop, tc.maxOnset)
			}
		})
	}
}

// TestVADOnsetAndHangover gates a steady voiced sound on and off sharply and
// checks the onset delay, OnsetHops and the hangover for two configurations.
func TestVADOnsetAndHangover(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 2 * SampleRate
	const on, off = 100, 130 // hops: 300 ms of voice, shorter than the stationarity window
	for _, cfg := range []VADConfig{
		DefaultVADConfig(),
		{ThresholdDB: 9, MinSpeechHops: 2, HangoverHops: 30, AbsFloorDBFS: -60},
	} {
		t.Run(fmt.Sprintf("onset %d hangover %d", cfg.MinSpeechHops, cfg.HangoverHops), func(t *testing.T) {
			x := make([]float64, n)
			copy(x[on*HopSamples:], scaleTo(voiced(rng, (off-on)*HopSamples, 120, 1, 0, true), -20))
			x = mix(x, scaleTo(whiteNoise(rng, n), -60))
			s := toInt16(x)
			v := NewVAD(cfg)
			turnOn, turnOff, onset := -1, -1, 0
			prev := false
			for i := 0; i*HopSamples < n; i++ {
				d := v.Push(s[i*HopSamples : (i+1)*HopSamples])
				if d && !prev {
					if turnOn >= 0 {
						t.Fatalf("second onset at hop %d", i)
					}
					turnOn, onset = i, v.OnsetHops()
				} else if v.OnsetHops() != 0 {
					t.Fatalf("OnsetHops = %d at hop %d without an onset", v.OnsetHops(), i)
				}
				if !d && prev {
					turnOff = i
				}
				prev = d
			}
			// The first speech-like hop is the first whose window holds voice.
			if want := on + cfg.MinSpeechHops - 1; turnOn < want || turnOn > want+1 {
				t.Errorf("speech turned on at hop %d, want %d (+1)", turnOn, want)
			}
			if onset < cfg.MinSpeechHops {
				t.Errorf("OnsetHops = %d, want at least %d", onset, cfg.MinSpeechHops)
			}
			// OnsetHops must lead back to the first hop that holds voice.
			if start := turnOn - onset + 1; start != on {
				t.Errorf("onset points at hop %d, voice starts at %d", start, on)
			}
			// The last speech-like hop is the last whose window holds voice
			// (off or off+1); the state holds HangoverHops more.
			if lo := off + cfg.HangoverHops; turnOff < lo || turnOff > lo+2 {
				t.Errorf("speech turned off at hop %d, want %d..%d", turnOff, lo, lo+2)
			}
		})
	}
}

// TestVADOnsetLeadIn starts a word with 100 ms of hiss (a fricative, too
// flat to count as speech-like) before the voice: OnsetHops must reach back
// to the hiss.
func TestVADOnsetLeadIn(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 2 * SampleRate
	const hiss, voice, off = 100, 110, 140 // hops
	x := make([]float64, n)
	copy(x[hiss*HopSamples:], scaleTo(whiteNoise(rng, (voice-hiss)*HopSamples), -30))
	copy(x[voice*HopSamples:], scaleTo(voiced(rng, (off-voice)*HopSamples, 120, 1, 0, true), -20))
	s := toInt16(mix(x, scaleTo(whiteNoise(rng, n), -60)))
	v := NewVAD(DefaultVADConfig())
	for i := 0; i*HopSamples < n; i++ {
		if v.Push(s[i*HopSamples:(i+1)*HopSamples]) && v.OnsetHops() > 0 {
			if i < voice {
				t.Fatalf("speech turned on at hop %d, in the hiss", i)
			}
			if start := i - v.OnsetHops() + 1; start != hiss {
				t.Errorf("turned on at hop %d with OnsetHops %d: start %d, want the hiss at %d", i, v.OnsetHops(), start, hiss)
			}
			return
		}
	}
	t.Fatal("no speech detected")
}

// TestVADSmoothing drives the onset/hangover state machine directly with
// scripted per-hop decisions.
func TestVADSmoothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		minHops, hang  int
		active, want   string // per hop: 1 speech-like / speech, 0 not
		wantOnsetAtHop int
		wantOnset      int
	}{
		{"short burst ignored", 3, 2, "0110110000", "0000000000", -1, 0},
		{"onset after 3", 3, 2, "0111100000", "0001111000", 3, 3},
		{"gap bridged", 2, 2, "011001100000", "001111111000", 2, 2},
		{"gap too long", 2, 1, "0110001100", "0011000110", 2, 2},
		{"no hangover", 1, 0, "0101", "0101", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := NewVAD(VADConfig{MinSpeechHops: tc.minHops, HangoverHops: tc.hang})
			got := make([]byte, len(tc.active))
			onsetAt, onset := -1, 0
			for i, a := range tc.active {
				d := v.decide(a == '1')
				got[i] = '0'
				if d {
					got[i] = '1'
				}
				if v.OnsetHops() != 0 && onsetAt < 0 {
					onsetAt, onset = i, v.OnsetHops()
				}
			}
			if string(got) != tc.want {
				t.Errorf("decisions %s, want %s", got, tc.want)
			}
			if onsetAt != tc.wantOnsetAtHop || onset != tc.wantOnset {
				t.Errorf("OnsetHops %d at hop %d, want %d at hop %d", onset, onsetAt, tc.wantOnset, tc.wantOnsetAtHop)
			}
		})
	}
}

func TestVADResetAndPanic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 2*SampleRate)
	copy(x[SampleRate/2:], scaleTo(voicedSpeech(rng, SampleRate, 120, 0.2, 0.1), -20))
	s := toInt16(mix(x, scaleTo(whiteNoise(rng, len(x)), -60)))
	v := NewVAD(DefaultVADConfig())
	run := func() []bool {
		var d []bool
		for i := 0; i+HopSamples <= len(s); i += HopSamples {
			d = append(d, v.Push(s[i:i+HopSamples]))
		}
		return d
	}
	first := run()
	v.Reset()
	second := run()
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("decisions after Reset differ from a fresh detector")
	}
	if countTrue(first) == 0 {
		t.Errorf("no speech detected at all")
	}
	defer func() {
		if recover() == nil {
			t.Error("Push with a long hop did not panic")
		}
	}()
	v.Push(make([]int16, HopSamples+1))
}

func TestVADPushAllocs(t *testing.T) {
	v := NewVAD(DefaultVADConfig())
	hop := make([]int16, HopSamples)
	if a := testing.AllocsPerRun(100, func() { v.Push(hop) }); a != 0 {
		t.Errorf("VAD.Push allocates %g times per hop", a)
	}
}

func BenchmarkVADPush(b *testing.B) {
	v := NewVAD(DefaultVADConfig())
	rng := rand.New(rand.NewPCG(1, 2))
	hop := toInt16(scaleTo(whiteNoise(rng, HopSamples), -40))
	b.ReportAllocs()
	for b.Loop() {
		v.Push(hop)
	}
}
