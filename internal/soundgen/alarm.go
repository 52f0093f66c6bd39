package soundgen

import (
	"math"
	"math/rand/v2"
)

// Pattern is an alarm's temporal pattern.
type Pattern int

const (
	// Temporal3 is the ISO 8201 / NFPA 72 evacuation pattern of smoke
	// alarms: 0.5 s on, 0.5 s off, three times, then 1.5 s off (4 s cycle).
	Temporal3 Pattern = iota
	// Temporal4 is the NFPA 720 pattern of CO alarms: 0.1 s on, 0.1 s off,
	// four times, then 5 s off (5.7 s cycle from first beep to first beep
	// with the last 0.1 s gap folded into the long one).
	Temporal4
)

// String returns "temporal3" or "temporal4".
func (p Pattern) String() string {
	switch p {
	case Temporal3:
		return "temporal3"
	case Temporal4:
		return "temporal4"
	}
	return "pattern?"
}

// Timing is a pattern's nominal durations in seconds.
type Timing struct {
	On, Off, LongOff float64
	Beeps            int
}

// Nominal returns the standard timing of p.
func (p Pattern) Nominal() Timing {
	if p == Temporal4 {
		return Timing{On: 0.1, Off: 0.1, LongOff: 5.0, Beeps: 4}
	}
	return Timing{On: 0.5, Off: 0.5, LongOff: 1.5, Beeps: 3}
}

// Cycle returns the period of the timing: from one group's first beep to
// the next group's.
func (t Timing) Cycle() float64 {
	return float64(t.Beeps)*t.On + float64(t.Beeps-1)*t.Off + t.LongOff
}

// Segments returns the beep segments of cycles cycles of t starting at
// start seconds.
func (t Timing) Segments(start float64, cycles int) []Segment {
	var segs []Segment
	at := start
	for range cycles {
		for b := range t.Beeps {
			segs = append(segs, Segment{Start: at, Dur: t.On})
			at += t.On
			if b < t.Beeps-1 {
				at += t.Off
			}
		}
		at += t.LongOff
	}
	return segs
}

// AlarmSpec describes one alarm sounding.
type AlarmSpec struct {
	Pattern Pattern
	Timing  Timing  // zero means Pattern.Nominal()
	FreqHz  float64 // tone frequency; 3100 typical, 520 for low-frequency alarms
	Square  bool    // square wave (low-frequency alarms) instead of a sine
	Cycles  int     // number of complete cycles
	Start   float64 // seconds from the start of the signal
	Amp     float64 // peak amplitude of the fundamental
	// Warble, if non-zero, sweeps the tone ± this fraction at 8 Hz, as some
	// piezo sounders do; 0 gives a steady tone.
	Warble float64
}

// AddAlarm adds the alarm to dst (sampled at rate) and returns its beep
// segments. The first segment's start is the alarm's onset.
func AddAlarm(dst []float64, rate int, a AlarmSpec) []Segment {
	tm := a.Timing
	if tm.Beeps == 0 {
		tm = a.Pattern.Nominal()
	}
	segs := tm.Segments(a.Start, a.Cycles)
	if a.Warble == 0 {
		AddTone(dst, rate, a.FreqHz, a.Amp, a.Square, segs)
		return segs
	}
	// A warbling tone needs its phase integrated; render it on its own.
	tone := make([]float64, len(dst))
	var ph float64
	for i := range tone {
		f := a.FreqHz * (1 + a.Warble*math.Sin(2*math.Pi*8*float64(i)/float64(rate))) // 8 Hz warble rate
		ph += 2 * math.Pi * f / float64(rate)
		tone[i] = math.Sin(ph)
	}
	env := Envelope(len(dst), rate, segs)
	for i := range dst {
		dst[i] += a.Amp * env[i] * tone[i]
	}
	return segs
}

// AddBeeps adds a sine beep of freq Hz and amplitude amp in each segment;
// it makes near-misses such as microwave beeps and wrong rhythms.
func AddBeeps(dst []float64, rate int, freq, amp float64, segs []Segment) {
	AddTone(dst, rate, freq, amp, false, segs)
}

// Repeat returns segs repeated n times, shifted by period seconds each time.
func Repeat(segs []Segment, n int, period float64) []Segment {
	out := make([]Segment, 0, len(segs)*n)
	for k := range n {
		for _, s := range segs {
			out = append(out, Segment{Start: s.Start + float64(k)*period, Dur: s.Dur})
		}
	}
	return out
}

// AddRingtone adds a melodic phone ringtone starting at start seconds for
// dur seconds: a repeating figure of eight short marimba-like notes
// (exponentially decaying harmonics) drawn from a pentatonic scale around
// 1–3 kHz, 2 s per figure, with a 1 s pause.
func AddRingtone(dst []float64, rate int, rng *rand.Rand, start, dur, amp float64) {
	scale := []float64{1046.5, 1174.7, 1318.5, 1568.0, 1760.0, 2093.0, 2349.3, 2637.0} // C6 pentatonic-ish, Hz
	figure := make([]float64, 8)
	for i := range figure {
		figure[i] = scale[rng.IntN(len(scale))]
	}
	const noteDur, period = 0.25, 3.0 // s: eight notes make a 2 s figure, then 1 s pause
	for t0 := start; t0 < start+dur; t0 += period {
		for k, f := range figure {
			addNote(dst, rate, t0+float64(k)*noteDur, noteDur, f, amp, 12)
		}
	}
}

// AddDualToneRing adds the North American ring cadence: 440+480 Hz, 2 s on,
// 4 s off, from start for dur seconds.
func AddDualToneRing(dst []float64, rate int, start, dur, amp float64) {
	segs := Repeat([]Segment{{Start: start, Dur: 2}}, int(dur/6)+1, 6)
	AddTone(dst, rate, 440, amp/2, false, segs)
	AddTone(dst, rate, 480, amp/2, false, segs)
}

// addNote adds a plucked note: harmonics 1..4 with amplitudes 1/k, decaying
// with rate decay (1/s).
func addNote(dst []float64, rate int, start, dur, f, amp, decay float64) {
	fs := float64(rate)
	i0 := max(Seconds(rate, start), 0)
	i1 := min(Seconds(rate, start+dur), len(dst))
	for i := i0; i < i1; i++ {
		t := float64(i-i0) / fs
		env := math.Exp(-decay*t) * min(1, t/0.003) // 3 ms attack avoids a click
		dst[i] += amp * env * harmonics(2*math.Pi*f*t, min(4, int(fs/2/f)), 1)
	}
}
