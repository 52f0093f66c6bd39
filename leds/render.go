package leds

import "time"

// Render returns the n pixels that theme shows for state s at time t after
// the state was entered. It is a pure function: the same arguments give the
// same pixels, which is what the golden tests rely on. It allocates the
// result; the Ring uses Style.Render with a reused buffer instead.
func Render(theme Theme, s State, t time.Duration, n int) []Color {
	pix := make([]Color, n)
	theme[s].Render(pix, t)
	return pix
}

// Render fills dst with the style's pixels at time t after the state was
// entered (t < 0 counts as 0). It does not allocate. Integer arithmetic
// only, so results are exact on every architecture:
//
//   - Off: all dark.
//   - Solid: all Color.
//   - Pulse: all Color scaled by k/255, k = 64 + tri·191/255, where tri rises
//     linearly 0→255 over the first half period and falls back over the
//     second. The floor of 64 (a quarter) keeps a pulsing ring from ever
//     looking off.
//   - Spin: a head moves round the ring once per period towards higher
//     indices, in steps of 1/256 pixel; a pixel d/256 pixels behind the head
//     shows Color scaled by 255 − d·255/(L·256), L = ⌈n/2⌉ (a tail of half
//     the ring), dark beyond the tail.
//   - Flash: Color while 2·phase < period, dark otherwise (on first, so
//     the flash is seen at once).
//
// Animated patterns with PeriodMs <= 0 are shown as Solid.
func (st Style) Render(dst []Color, t time.Duration) {
	if t < 0 {
		t = 0
	}
	p := int64(st.PeriodMs)
	pat := st.Pattern
	if p <= 0 && pat != Off {
		pat = Solid
	}
	var phase int64
	if p > 0 {
		phase = t.Milliseconds() % p
	}
	switch pat {
	case Solid:
		fill(dst, st.Color)
	case Pulse:
		tri := phase * 510 / p // 510 = 2·255: up to 255 at half period, then back down
		if tri > 255 {
			tri = 510 - tri
		}
		fill(dst, scale(st.Color, 64+tri*191/255)) // 64..255, see doc
	case Flash:
		if 2*phase < p {
			fill(dst, st.Color)
		} else {
			fill(dst, Color{})
		}
	case Spin:
		n := int64(len(dst))
		if n == 0 {
			return
		}
		const sub = 256 // sub-pixel steps, so a slow spin on a small ring still moves smoothly
		ring := n * sub
		head := phase * ring / p
		tail := (n + 1) / 2 * sub
		for i := range dst {
			d := (head - int64(i)*sub) % ring
			if d < 0 {
				d += ring
			}
			if d >= tail {
				dst[i] = Color{}
				continue
			}
			dst[i] = scale(st.Color, 255-d*255/tail)
		}
	default: // Off and anything unknown: dark is the safe reading
		fill(dst, Color{})
	}
}

func fill(dst []Color, c Color) {
	for i := range dst {
		dst[i] = c
	}
}

// scale returns c with each channel multiplied by k/255, k in 0..255.
func scale(c Color, k int64) Color {
	return Color{
		R: uint8(int64(c.R) * k / 255),
		G: uint8(int64(c.G) * k / 255),
		B: uint8(int64(c.B) * k / 255),
	}
}
