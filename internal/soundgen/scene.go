package soundgen

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
)

// SpeedOfSound is the speed of sound in air at 20 °C, m/s.
const SpeedOfSound = 343.0

// Echo is a static reflection of the pilot (furniture, walls): a delayed,
// attenuated copy that stays at the pilot frequency.
type Echo struct {
	Amp   float64 // amplitude relative to the direct path
	Delay float64 // extra path delay, s
}

// MotionKind selects a Mover's velocity profile.
type MotionKind int

const (
	// Walk is a person walking toward the device for the first half of the
	// motion and away for the second, accelerating over 0.4 s at each end:
	// Doppler shifts of a few Hz to about 2·v·f/c ≈ 140 Hz at 1.2 m/s, 20 kHz.
	Walk MotionKind = iota
	// Fidget is a person at a fixed distance moving a hand or the upper body
	// back and forth (sinusoidal velocity at 0.7 Hz).
	Fidget
)

// Mover is a person reflecting the pilot while moving.
type Mover struct {
	Kind     MotionKind
	Start    float64 // s
	Dur      float64 // s
	Distance float64 // m from the device at Start
	Speed    float64 // peak speed, m/s
	// Amp is the reflection's amplitude relative to the direct path when
	// the person is 1 m away; it falls with the square of the distance.
	Amp float64
}

// Segment returns the interval in which the mover moves.
func (m Mover) Segment() Segment { return Segment{Start: m.Start, Dur: m.Dur} }

// velocity returns the radial speed toward the device (m/s) of the torso
// at time t seconds into the motion.
func (m Mover) velocity(t float64) float64 {
	if t < 0 || t > m.Dur {
		return 0
	}
	switch m.Kind {
	case Fidget:
		ramp := min(1, t/0.3, (m.Dur-t)/0.3) // 0.3 s: start and stop the gesture smoothly
		return m.Speed * ramp * math.Sin(2*math.Pi*0.7*t)
	default:
		const acc = 0.4 // s to reach walking speed
		half := m.Dur / 2
		tt, sign := t, 1.0
		if t >= half {
			tt, sign = t-half, -1
		}
		return sign * m.Speed * max(0, min(1, tt/acc, (half-tt)/acc))
	}
}

// PresenceScene is a 48 kHz-style capture of a room with the pilot tone
// playing: the direct path, static echoes, people moving, microphone noise,
// and pilot dropouts.
type PresenceScene struct {
	Rate       int     // sample rate, Hz (48000)
	Seconds    float64 // length
	PilotHz    float64
	PilotAmp   float64 // amplitude of the direct path at the microphone (full scale 1)
	OffsetHz   float64 // playback/capture clock mismatch seen as a pilot offset, Hz
	FadeIn     float64 // s of raised-cosine fade-in at the start
	Echoes     []Echo
	Movers     []Mover
	NoiseRMS   float64   // white microphone noise
	Dropouts   []Segment // pilot silent (playback underrun), abrupt edges
	PinkRMS    float64   // audible-band room noise
	Audible    []float64 // optional audible sound (speech, music) mixed in as is
	GaitFactor float64   // limb speed swing relative to the torso (0.6 if zero)
}

// Render returns the scene's samples.
func (s PresenceScene) Render(rng *rand.Rand) []float64 {
	n := Seconds(s.Rate, s.Seconds)
	fs := float64(s.Rate)
	out := make([]float64, n)
	env := make([]float64, n)
	nf := max(Seconds(s.Rate, s.FadeIn), 1)
	for i := range env {
		env[i] = 1
		if i < nf {
			env[i] = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(nf))
		}
	}
	for _, d := range s.Dropouts {
		for i := max(Seconds(s.Rate, d.Start), 0); i < min(Seconds(s.Rate, d.End()), n); i++ {
			env[i] = 0
		}
	}
	f := s.PilotHz + s.OffsetHz
	// Direct path and static echoes add up to one sinusoid at f.
	static := complex(1, 0)
	for _, e := range s.Echoes {
		static += cmplx.Rect(e.Amp, -2*math.Pi*f*e.Delay)
	}
	a, ph := cmplx.Abs(static)*s.PilotAmp, cmplx.Phase(static)
	for i := range out {
		out[i] = env[i] * a * math.Sin(2*math.Pi*f*float64(i)/fs+ph)
	}
	gait := s.GaitFactor
	if gait == 0 {
		gait = 0.6 // limbs swing between 0.4 and 1.6 times the torso speed
	}
	for _, m := range s.Movers {
		// The person is there before and after moving, as a static
		// reflection, so that the motion has no amplitude steps.
		i0 := Seconds(s.Rate, m.Start)
		r, rl := m.Distance, m.Distance // torso and limb ranges
		for i := range n {
			tt := float64(i-i0) / fs
			v := m.velocity(tt)
			r -= v / fs
			if v != 0 {
				rl -= v * (1 + gait*math.Sin(2*math.Pi*1.8*tt)) / fs
			} // 1.8 Hz: walking step rate
			t := float64(i) / fs
			amp := m.Amp * s.PilotAmp / max(r*r, 0.25) // closer than 0.5 m the body fills the beam
			ampl := 0.5 * m.Amp * s.PilotAmp / max(rl*rl, 0.25)
			// Phase from the round-trip delay 2r/c gives the Doppler shift.
			out[i] += env[i] * (amp*math.Sin(2*math.Pi*f*(t-2*r/SpeedOfSound)) +
				ampl*math.Sin(2*math.Pi*f*(t-2*rl/SpeedOfSound)+1))
		}
	}
	AddNoise(out, rng, s.NoiseRMS)
	if s.PinkRMS > 0 {
		Add(out, PinkNoise(n, rng, s.PinkRMS), 0)
	}
	Add(out, s.Audible, 0)
	return out
}
