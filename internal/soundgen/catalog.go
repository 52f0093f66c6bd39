package soundgen

import (
	"fmt"
	"math/rand/v2"
)

// Expected is one annotated event of a Case.
type Expected struct {
	Kind string  `json:"kind"`   // "smoke", "co", "present" or "absent"
	Time float64 `json:"time_s"` // onset (alarms, presence) or decision time (absence), s
}

// Case is one generated scene with its annotation.
type Case struct {
	Name   string     `json:"name"`
	Rate   int        `json:"rate"`
	Note   string     `json:"note"`
	Events []Expected `json:"events"` // empty for near-misses
	Audio  []float64  `json:"-"`
}

// AlarmRate is the sample rate of alarm cases: the wake-word path's 16 kHz.
const AlarmRate = 16000

// alarmLevel is the alarm's peak amplitude in the alarm cases (-10 dBFS);
// the interference is set relative to it.
const alarmLevel = 0.3

// AlarmCases returns the alarm scenes for seed: true alarms at several
// frequencies, levels and SNRs (down to 0 dB against speech and music),
// with and without reverberation, and near-misses that must not trigger.
func AlarmCases(seed uint64) []Case {
	rng := NewRand(seed)
	type alarmCase struct {
		name   string
		spec   AlarmSpec
		interf string // "", "speech", "music", "both"
		snr    float64
		rt60   float64
		dur    float64
	}
	start := 1 + rng.Float64() // 1–2 s of lead-in
	// Scenes hold three cycles: the two-cycle rule plus one spare.
	t3 := func(f float64) AlarmSpec {
		return AlarmSpec{Pattern: Temporal3, FreqHz: f, Cycles: 3, Start: start, Amp: alarmLevel}
	}
	t4 := func(f float64) AlarmSpec {
		return AlarmSpec{Pattern: Temporal4, FreqHz: f, Cycles: 3, Start: start, Amp: alarmLevel}
	}
	// Frequencies are drawn within the ±10 % tolerance around nominal so
	// that each seed tests different ones.
	hf := func() float64 { return 3100 * (0.92 + 0.16*rng.Float64()) }
	lf := func() float64 { return 520 * (0.94 + 0.12*rng.Float64()) }
	sq := t3(lf())
	sq.Square = true
	sqSpeech := sq
	sqSpeech.FreqHz = lf()
	fast := t3(hf())
	fast.Timing = Timing{On: 0.46, Off: 0.46, LongOff: 1.4, Beeps: 3} // 8 % short, within tolerance
	slowCO := t4(hf())
	slowCO.Timing = Timing{On: 0.108, Off: 0.108, LongOff: 5.4, Beeps: 4} // 8 % long
	// A distant alarm, two rooms away: -40 dBFS, 10 dB above the -60 dBFS
	// microphone noise, and reverberant.
	far := func(a AlarmSpec) AlarmSpec { a.Amp = 0.01; return a }
	warble := t3(hf())
	warble.Warble = 0.03
	cases := []alarmCase{
		{name: "smoke_quiet", spec: t3(hf()), dur: 14},
		{name: "smoke_speech_0db", spec: t3(hf()), interf: "speech", snr: 0, dur: 14},
		{name: "smoke_music_0db_reverb", spec: t3(hf()), interf: "music", snr: 0, rt60: 0.5, dur: 14},
		{name: "smoke_both_3db_reverb", spec: t3(hf()), interf: "both", snr: 3, rt60: 0.4, dur: 14},
		{name: "smoke_fast_timing", spec: fast, interf: "music", snr: 6, dur: 14},
		{name: "smoke_warble_speech", spec: warble, interf: "speech", snr: 3, dur: 14},
		{name: "smoke_lowfreq_music_6db", spec: sq, interf: "music", snr: 6, dur: 14},
		{name: "smoke_lowfreq_speech_6db_reverb", spec: sqSpeech, interf: "speech", snr: 6, rt60: 0.4, dur: 14},
		{name: "smoke_far_speech_10db", spec: far(t3(hf())), interf: "speech", snr: 10, rt60: 0.6, dur: 14},
		{name: "co_quiet", spec: t4(hf()), dur: 19},
		{name: "co_far_music_10db", spec: far(t4(hf())), interf: "music", snr: 10, rt60: 0.3, dur: 19},
		{name: "co_speech_0db", spec: t4(hf()), interf: "speech", snr: 0, dur: 19},
		{name: "co_music_0db_reverb", spec: t4(hf()), interf: "music", snr: 0, rt60: 0.35, dur: 19},
		{name: "co_slow_timing_both_3db", spec: slowCO, interf: "both", snr: 3, dur: 19},
	}
	var out []Case
	for _, c := range cases {
		n := Seconds(AlarmRate, c.dur)
		x := make([]float64, n)
		segs := AddAlarm(x, AlarmRate, c.spec)
		if c.rt60 > 0 {
			x = Reverberate(x, AlarmRate, rng, c.rt60, 0)
		}
		addInterference(x, rng, c.interf, c.snr)
		AddNoise(x, rng, 0.001) // -60 dBFS microphone noise
		kind := "smoke"
		if c.spec.Pattern == Temporal4 {
			kind = "co"
		}
		out = append(out, Case{
			Name: c.name, Rate: AlarmRate, Audio: x,
			Note:   fmt.Sprintf("%s %.0f Hz square=%v SNR %.0f dB vs %q RT60 %.2f s", c.spec.Pattern, c.spec.FreqHz, c.spec.Square, c.snr, c.interf, c.rt60),
			Events: []Expected{{Kind: kind, Time: segs[0].Start}},
		})
	}
	return append(out, nearMisses(rng)...)
}

// addInterference mixes speech-like babble and/or music into x at snr dB
// below x's active level.
func addInterference(x []float64, rng *rand.Rand, kind string, snr float64) {
	n := len(x)
	var y []float64
	switch kind {
	case "":
		return
	case "speech":
		y = Babble(n, AlarmRate, rng, 2, 0.1)
	case "music":
		y = Chords(n, AlarmRate, rng, 0.1)
	case "both":
		y = Babble(n, AlarmRate, rng, 2, 0.1)
		Add(y, Chords(n, AlarmRate, rng, 0.1), 0)
	default:
		panic("soundgen: unknown interference " + kind)
	}
	MixSNR(x, y, AlarmRate, snr)
}

// nearMisses returns sounds that resemble alarms but must not be reported.
func nearMisses(rng *rand.Rand) []Case {
	const dur = 13.0
	n := Seconds(AlarmRate, dur)
	f := 3100 * (0.92 + 0.16*rng.Float64())
	mk := func(name, note string, fill func(x []float64)) Case {
		x := make([]float64, n)
		fill(x)
		AddNoise(x, rng, 0.001)
		return Case{Name: name, Rate: AlarmRate, Note: note, Audio: x}
	}
	beeps := func(segs []Segment) func([]float64) {
		return func(x []float64) { AddBeeps(x, AlarmRate, f, alarmLevel, segs) }
	}
	t3 := Temporal3.Nominal()
	return []Case{
		mk("miss_microwave", "three 0.25 s beeps at 2.4 kHz, repeated after 10 s", func(x []float64) {
			segs := Repeat([]Segment{{1, 0.25}, {1.5, 0.25}, {2, 0.25}}, 2, 10)
			AddBeeps(x, AlarmRate, 2400, alarmLevel, segs)
		}),
		mk("miss_microwave_t3like", "one group of three 0.5 s beeps (one cycle only)", beeps(t3.Segments(2, 1))),
		mk("miss_ringtone", "melodic ringtone repeating every 3 s", func(x []float64) {
			AddRingtone(x, AlarmRate, rng, 1, dur-2, alarmLevel)
		}),
		mk("miss_ring_dualtone", "440+480 Hz ring, 2 s on 4 s off", func(x []float64) {
			AddDualToneRing(x, AlarmRate, 1, dur-2, alarmLevel)
		}),
		mk("miss_speech", "speech-like babble", func(x []float64) { Add(x, Babble(n, AlarmRate, rng, 1, 0.1), 0) }),
		mk("miss_music", "music-like chords", func(x []float64) { Add(x, Chords(n, AlarmRate, rng, 0.1), 0) }),
		mk("miss_single_beep", "one 0.5 s beep", beeps([]Segment{{3, 0.5}})),
		mk("miss_continuous_beeping", "0.5 s on/0.5 s off without the long gap", beeps(Repeat([]Segment{{1, 0.5}}, 14, 1))),
		mk("miss_two_beep_groups", "groups of two 0.5 s beeps, 1.5 s apart", beeps((Timing{On: 0.5, Off: 0.5, LongOff: 1.5, Beeps: 2}).Segments(1, 5))),
		mk("miss_four_long_beeps", "groups of four 0.5 s beeps", beeps((Timing{On: 0.5, Off: 0.5, LongOff: 1.5, Beeps: 4}).Segments(1, 3))),
		mk("miss_t3_slow", "temporal-three 25 % slow", beeps((Timing{On: 0.625, Off: 0.625, LongOff: 1.875, Beeps: 3}).Segments(1, 3))),
		mk("miss_t3_long_gap", "temporal-three with a 3 s gap", beeps((Timing{On: 0.5, Off: 0.5, LongOff: 3, Beeps: 3}).Segments(1, 3))),
		mk("miss_t4_slow", "temporal-four at twice the beep length", beeps((Timing{On: 0.2, Off: 0.2, LongOff: 5, Beeps: 4}).Segments(1, 3))),
		mk("miss_t3_wrong_pitch", "temporal-three at 4.2 kHz, outside ±10 % of 3.1 kHz", func(x []float64) {
			AddBeeps(x, AlarmRate, 4200, alarmLevel, t3.Segments(1, 3))
		}),
		mk("miss_t4_three_beeps", "groups of three 0.1 s beeps, 5 s apart", beeps((Timing{On: 0.1, Off: 0.1, LongOff: 5, Beeps: 3}).Segments(1, 3))),
	}
}
