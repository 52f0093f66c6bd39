package soundgen

import (
	"fmt"
	"math"
)

// PresenceToneCases returns 48 kHz pilot scenes for seed at pilot frequency
// pilotHz (annotated for hold seconds of hold time, as PresenceCases) in
// which an external sound puts narrowband energy next to the pilot:
// square-wave smoke alarms (low-frequency 500–560 Hz and ~3 kHz, sounding
// temporal-three) whose odd harmonics fall inside the Doppler band, at
// fundamental levels of -10 to -30 dBFS; a steady ultrasonic whine (a
// switching supply) that switches on mid-scene; another device's keyed
// ultrasonic beacon; and a person walking while an alarm sounds or a whine
// plays. None of the interferers is presence; the walks must still be
// reported as annotated.
//
// A square wave's k-th harmonic lands at k·f0, so a 520 Hz alarm has its
// 39th at 20,280 Hz, 280 Hz above a 20 kHz pilot. The scenes draw the
// harmonic's offset from the pilot (25–290 Hz, either side) and pick the
// fundamental in the alarm's range that puts an odd harmonic there, so
// every seed and pilot frequency tests a hit.
func PresenceToneCases(seed uint64, pilotHz, hold float64) []Case {
	rng := NewRand(seed ^ 0x746f6e6573) // "tones": apart from PresenceCases' draws
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	n := Seconds(PresenceRate, presenceDur)
	// offset draws a harmonic's distance from the pilot inside the default
	// 20–300 Hz Doppler band, either side.
	offset := func() float64 {
		d := u(25, 290)
		if rng.IntN(2) == 0 {
			d = -d
		}
		return d
	}
	alarm := func(lo, hi, amp float64) ([]float64, string) {
		f0, k := HarmonicHit(pilotHz+offset(), lo, hi)
		x := make([]float64, n)
		AddAlarm(x, PresenceRate, AlarmSpec{Pattern: Temporal3, FreqHz: f0, Square: true, Cycles: 3, Start: u(0.5, 2), Amp: amp})
		return x, fmt.Sprintf("%.1f Hz square, harmonic %d at %.0f Hz, %.0f dBFS", f0, k, f0*float64(k), 20*math.Log10(amp))
	}
	still := func(name, note string, s PresenceScene) Case {
		return Case{Name: name, Rate: PresenceRate, Note: note, Audio: s.Render(rng)}
	}
	var out []Case
	for _, db := range []float64{-10, -20, -30} {
		s := presenceRoom(u, pilotHz)
		var note string
		s.Audible, note = alarm(500, 560, DB(db))
		out = append(out, still(fmt.Sprintf("alarm_lf_%ddb", int(-db)), "low-frequency smoke alarm, "+note, s))
	}
	for _, db := range []float64{-20, -30} {
		s := presenceRoom(u, pilotHz)
		var note string
		s.Audible, note = alarm(2500, 3700, DB(db))
		out = append(out, still(fmt.Sprintf("alarm_3k_square_%ddb", int(-db)), "~3 kHz square-wave smoke alarm, "+note, s))
	}

	s := presenceRoom(u, pilotHz)
	s.Audible = make([]float64, n)
	f := pilotHz + offset()
	amp := DB(u(-55, -40))
	AddTone(s.Audible, PresenceRate, f, amp, false, []Segment{{u(2, 4), presenceDur}})
	out = append(out, still("ultrasonic_whine", fmt.Sprintf("steady %.0f Hz whine at %.0f dBFS switching on mid-scene", f, 20*math.Log10(amp)), s))

	s = presenceRoom(u, pilotHz)
	s.Audible = make([]float64, n)
	f, amp = pilotHz+offset(), DB(u(-45, -30))
	on := u(0.1, 0.3)
	AddTone(s.Audible, PresenceRate, f, amp, false, Repeat([]Segment{{u(0.5, 1), on}}, 10, 1))
	out = append(out, still("ultrasonic_beacon", fmt.Sprintf("another device's %.0f Hz beacon, %.2f s every 1 s at %.0f dBFS", f, on, 20*math.Log10(amp)), s))

	s = presenceRoom(u, pilotHz)
	s.Movers = []Mover{presenceWalk(u)}
	var note string
	s.Audible, note = alarm(500, 560, DB(u(-30, -10)))
	out = append(out, movingCase("walk_alarm_lf", "person walks while a low-frequency smoke alarm sounds, "+note, s, rng, hold))

	s = presenceRoom(u, pilotHz)
	s.Movers = []Mover{presenceWalk(u)}
	s.Audible, note = alarm(2500, 3700, DB(u(-30, -20)))
	out = append(out, movingCase("walk_alarm_3k", "person walks while a ~3 kHz square-wave alarm sounds, "+note, s, rng, hold))

	s = presenceRoom(u, pilotHz)
	s.Movers = []Mover{presenceWalk(u)}
	s.Audible = make([]float64, n)
	f, amp = pilotHz+offset(), DB(u(-55, -40))
	AddTone(s.Audible, PresenceRate, f, amp, false, []Segment{{0, presenceDur}})
	out = append(out, movingCase("walk_whine", fmt.Sprintf("person walks near a steady %.0f Hz whine at %.0f dBFS", f, 20*math.Log10(amp)), s, rng, hold))
	return out
}

// HarmonicHit returns a fundamental f0 in [lo, hi] and an odd harmonic
// number k (a square wave has odd harmonics only) with k·f0 = target,
// choosing the k that puts f0 nearest the middle of the range; if no odd
// harmonic fits, f0 is clamped to the range.
func HarmonicHit(target, lo, hi float64) (f0 float64, k int) {
	mid := (lo + hi) / 2
	best := math.Inf(1)
	for j := 1; float64(j)*lo <= target; j += 2 {
		f := target / float64(j)
		if f >= lo && f <= hi && math.Abs(f-mid) < best {
			best, f0, k = math.Abs(f-mid), f, j
		}
	}
	if k == 0 {
		k = 2*int(math.Round((target/mid-1)/2)) + 1
		f0 = max(lo, min(hi, target/float64(k)))
	}
	return f0, k
}
