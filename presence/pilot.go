package presence

import (
	"math"
	"math/cmplx"
)

// stopFade is the pilot's fade-out: the issue allows at most 10 ms so that
// muting stops the tone at once; 8 ms of raised cosine keeps it click-free.
const stopFade = 0.008

// Pilot generates the pilot tone for playback. It is not safe for
// concurrent use.
type Pilot struct {
	z, rot  complex128
	amp     float64
	fadeIn  int // samples
	fadeOut int
	pos     int // samples into the current fade
	state   int // pilotFadeIn, pilotSteady, pilotFadeOut, pilotOff
	turn    int
}

const (
	pilotFadeIn = iota
	pilotSteady
	pilotFadeOut
	pilotOff
)

// PilotTone returns a generator for cfg's pilot (zero fields take
// defaults): a sine at PilotHz and Level, faded in over FadeIn, at
// cfg.SampleRate. To play at another rate than the capture's, pass a copy
// of cfg with SampleRate set to the playback rate.
func PilotTone(cfg Config) *Pilot {
	cfg = cfg.withDefaults()
	fs := float64(cfg.SampleRate)
	return &Pilot{
		z:       complex(0, -1), // start at sin = 0
		rot:     cmplx.Rect(1, 2*math.Pi*cfg.PilotHz/fs),
		amp:     cfg.Level * 32767,
		fadeIn:  max(1, int(cfg.FadeIn.Seconds()*fs)),
		fadeOut: max(1, int(stopFade*fs)),
	}
}

// Fill writes the next len(out) samples of the pilot. After Stop has
// faded out, it writes silence. It does not allocate.
func (p *Pilot) Fill(out []int16) {
	for i := range out {
		g := 1.0
		switch p.state {
		case pilotFadeIn:
			g = 0.5 - 0.5*math.Cos(math.Pi*float64(p.pos)/float64(p.fadeIn))
			if p.pos++; p.pos >= p.fadeIn {
				p.state = pilotSteady
			}
		case pilotFadeOut:
			g = 0.5 + 0.5*math.Cos(math.Pi*float64(p.pos)/float64(p.fadeOut))
			if p.pos++; p.pos >= p.fadeOut {
				p.state = pilotOff
			}
		case pilotOff:
			out[i] = 0
			continue
		}
		out[i] = int16(math.Round(p.amp * g * real(p.z)))
		p.z *= p.rot
		if p.turn++; p.turn == 4096 { // renormalise against rounding drift
			p.turn = 0
			p.z /= complex(cmplx.Abs(p.z), 0)
		}
	}
}

// Stop fades the pilot out within 10 ms of samples from the next Fill.
func (p *Pilot) Stop() {
	if p.state == pilotOff || p.state == pilotFadeOut {
		return
	}
	// Start the fade-out from the current gain so it never jumps up.
	if p.state == pilotFadeIn {
		g := 0.5 - 0.5*math.Cos(math.Pi*float64(p.pos)/float64(p.fadeIn))
		p.pos = int(math.Acos(2*g-1) / math.Pi * float64(p.fadeOut))
	} else {
		p.pos = 0
	}
	p.state = pilotFadeOut
}

// Stopped reports whether the pilot has faded out completely.
func (p *Pilot) Stopped() bool { return p.state == pilotOff }
