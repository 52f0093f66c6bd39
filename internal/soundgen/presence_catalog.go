package soundgen

import (
	"math"
	"math/rand/v2"
)

// PresenceRate is the capture rate of presence cases.
const PresenceRate = 48000

// presenceDur is the length of a presence case, s: motion from 1.5 s to
// at most 6.5 s leaves room for a hold time of up to 4 s.
const presenceDur = 11.0

// PresenceCases returns 48 kHz pilot scenes for seed at pilot frequency
// pilotHz, annotated for a detector with hold seconds of hold time: an
// empty room (static echoes, noise, a small clock offset), a person walking
// toward and away, small hand motions, loud music and speech, pilot
// dropouts, and walking under music.
func PresenceCases(seed uint64, pilotHz, hold float64) []Case {
	rng := NewRand(seed)
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	room := func() PresenceScene { return presenceRoom(u, pilotHz) }
	n := Seconds(PresenceRate, presenceDur)
	walk := func() Mover { return presenceWalk(u) }
	moving := func(name, note string, s PresenceScene) Case { return movingCase(name, note, s, rng, hold) }
	still := func(name, note string, s PresenceScene) Case {
		return Case{Name: name, Rate: PresenceRate, Note: note, Audio: s.Render(rng)}
	}
	var out []Case
	out = append(out, still("empty_room", "pilot, static echoes, noise", room()))

	s := room()
	s.Movers = []Mover{walk()}
	out = append(out, moving("walk", "person walks toward, turns, walks away", s))

	s = room()
	s.Movers = []Mover{{Kind: Fidget, Start: u(1.2, 2), Dur: u(2.5, 3.5), Distance: u(1, 1.8), Speed: u(0.3, 0.45), Amp: u(0.04, 0.08)}}
	out = append(out, moving("small_motion", "hand or upper-body motion at 1–2 m", s))

	s = room()
	s.Audible = Chords(n, PresenceRate, rng, 0.2)
	Add(s.Audible, Babble(n, PresenceRate, rng, 1, 0.1), 0)
	s.Audible = limit(s.Audible)
	out = append(out, still("loud_music_speech", "music at -14 dBFS and speech in the audible band", s))

	s = room()
	s.Audible = limit(Babble(n, PresenceRate, rng, 3, 0.25))
	out = append(out, still("loud_babble", "three talkers at -12 dBFS", s))

	s = room()
	s.Dropouts = []Segment{{u(2, 3), 0.05}, {u(4, 5), 0.4}, {u(7, 8), 1.2}}
	out = append(out, still("pilot_dropouts", "pilot cut off abruptly three times", s))

	s = room()
	x := make([]float64, n)
	AddJingle(x, PresenceRate, rng, []Segment{{u(2, 3), 0.3}, {u(5, 6), 0.5}, {u(8, 9), 0.2}}, 0.003)
	s.Audible = x
	out = append(out, still("keys_jingle", "jingling keys: broadband ultrasonic bursts", s))

	s = room()
	s.Movers = []Mover{walk()}
	s.Audible = limit(Chords(n, PresenceRate, rng, 0.2))
	out = append(out, moving("walk_music", "person walks while music plays", s))
	return out
}

// presenceRoom draws an empty room for a pilot at pilotHz from u (a uniform
// draw in [lo, hi)): four static echoes, the pilot level at the
// microphone, a clock offset, and microphone and room noise.
func presenceRoom(u func(lo, hi float64) float64, pilotHz float64) PresenceScene {
	var echoes []Echo
	for range 4 { // furniture, walls, ceiling, floor
		echoes = append(echoes, Echo{Amp: u(0.05, 0.5), Delay: u(0.001, 0.02)})
	}
	return PresenceScene{
		Rate: PresenceRate, Seconds: presenceDur, PilotHz: pilotHz,
		PilotAmp: u(0.02, 0.08), // -34 to -22 dBFS at the microphone
		OffsetHz: u(-1, 1),      // ±50 ppm clock mismatch at 20 kHz
		FadeIn:   0.1,           // the pilot's own fade-in at start-up
		Echoes:   echoes,
		NoiseRMS: u(0.0002, 0.0006), // -74 to -64 dBFS microphone noise
		PinkRMS:  0.003,             // quiet room
	}
}

// presenceWalk draws a person walking toward the device and away from u.
func presenceWalk(u func(lo, hi float64) float64) Mover {
	// Ultrasonic sensing reaches about 1.5–2 m (smart displays quote 5 ft),
	// so people start moving within that range.
	return Mover{Kind: Walk, Start: u(1.2, 2), Dur: u(3.5, 4.5), Distance: u(1.2, 2.2), Speed: u(0.8, 1.4), Amp: u(0.05, 0.15)}
}

// movingCase renders s and annotates its first mover: present when it
// starts moving, absent hold seconds after it stops.
func movingCase(name, note string, s PresenceScene, rng *rand.Rand, hold float64) Case {
	m := s.Movers[0]
	return Case{Name: name, Rate: PresenceRate, Note: note, Audio: s.Render(rng), Events: []Expected{
		{Kind: "present", Time: m.Start},
		{Kind: "absent", Time: m.Start + m.Dur + hold},
	}}
}

// limit scales x so that its peak is at most 0.8 (-2 dBFS): loud, with
// headroom for the pilot and noise, as a mastered recording is; the
// detectors blank clipped capture, which is tested apart.
func limit(x []float64) []float64 {
	var pk float64
	for _, v := range x {
		pk = max(pk, math.Abs(v))
	}
	if pk > 0.8 {
		Scale(x, 0.8/pk)
	}
	return x
}

// AddJingle adds bursts of jingling keys in segs: strongly high-passed noise
// (a second difference, +12 dB per octave, so most energy lies above
// 10 kHz, where small metal parts ring) with 2 ms clicks every 20–60 ms,
// at RMS rms during the bursts.
func AddJingle(dst []float64, rate int, rng *rand.Rand, segs []Segment, rms float64) {
	for _, sg := range segs {
		i0 := max(Seconds(rate, sg.Start), 0)
		i1 := min(Seconds(rate, sg.End()), len(dst))
		if i1-i0 < 3 {
			continue
		}
		burst := make([]float64, i1-i0)
		slot, next := 0, 0
		click := Seconds(rate, 0.002)
		for i := range burst {
			if i == next {
				slot, next = i, i+Seconds(rate, 0.02+0.04*rng.Float64())
			}
			if i-slot < click { // a 2 ms click at the start of each 20–60 ms slot
				burst[i] = rng.NormFloat64()
			}
		}
		for range 2 {
			prev := 0.0
			for i, v := range burst {
				burst[i], prev = v-prev, v
			}
		}
		if r := RMS(burst); r > 0 {
			Scale(burst, rms/r)
		}
		Add(dst, burst, i0)
	}
}
