package alarm

import "math"

// binHz is the spectral resolution of the analysis window.
const binHz = float64(SampleRate) / window

// Level tracking constants, per 10 ms hop.
const (
	floorFall = 0.05  // fraction of the gap closed per hop when the level is below the floor (fast fall)
	floorRise = 0.01  // dB per hop the floor rises (1 dB/s): beeps do not lift it
	refDecay  = 0.03  // dB per hop the recent tone level decays (3 dB/s): survives a CO 5 s gap by 15 dB
	onBelow   = 6.0   // dB below the recent tone level a hop may be and still start a beep
	offBelow  = 10.0  // dB below it a beep ends: cuts reverberation tails in CO gaps
	ampScale  = 64.0  // |X| of a unit sine on a bin under the 256-point Hann window (N/4)
	guardBins = 2     // bins either side of the peak that belong to the tone (Hann main lobe)
	surround  = 500.0 // Hz either side of the band whose spectrum is the tonality reference
	// bridgeHops is the longest dropout inside a beep (20 ms): shorter than
	// a CO gap even after reverberation has eaten half of it.
	bridgeHops = 2
)

// beep is one run of tone-on hops.
type beep struct {
	start, end int64   // first on hop, first off hop
	freq       float64 // mean peak frequency, Hz
}

// band watches one alarm frequency band.
type band struct {
	fLo, fHi     float64 // accepted peak frequencies
	kLo, kHi     int     // peak search bins
	sLo, sHi     int     // surround bins
	maxDev       float64 // Hz a beep's or group's frequency may wander
	tonal        float64 // TonalityDB as a power ratio
	snrDB, minDB float64

	power [window/2 + 1]float64

	init       bool
	floor, ref float64 // dB
	on         bool
	onStart    int64
	sumF       float64
	nF         int
	miss       int  // consecutive non-tone hops inside a beep
	done       bool // a beep ended in this hop
	last       beep
	matchers   [2]matcher
}

func newBand(cfg Config, f0 float64) *band {
	b := &band{
		fLo:    f0 * (1 - cfg.FreqTolerance),
		fHi:    f0 * (1 + cfg.FreqTolerance),
		maxDev: max(0.06*f0, binHz), // 6 %: a warbling piezo; one bin for the low tone
		tonal:  math.Pow(10, cfg.TonalityDB/10),
		snrDB:  cfg.MinSNRDB,
		minDB:  cfg.MinLevelDBFS,
	}
	if b.fHi+surround >= SampleRate/2 || b.fLo <= 0 {
		panic("alarm: band outside (0, Nyquist)")
	}
	b.kLo = max(1, int(math.Floor(b.fLo/binHz)))
	b.kHi = int(math.Ceil(b.fHi / binHz))
	b.sLo = max(1, int(math.Floor((b.fLo-surround)/binHz)))
	b.sHi = int(math.Ceil((b.fHi + surround) / binHz))
	b.matchers[0] = newMatcher(Smoke, 0.5, 0.5, 1.5, 3, cfg)
	b.matchers[1] = newMatcher(CO, 0.1, 0.1, 5.0, 4, cfg)
	return b
}

func (b *band) reset() {
	b.init, b.on, b.done = false, false, false
	for i := range b.matchers {
		b.matchers[i].reset()
	}
}

// measure updates the band's tone state from the spectrum of hop h.
func (b *band) measure(coef []complex128, h int64) {
	b.done = false
	pk, kp := 0.0, b.kLo
	for k := b.sLo; k <= b.sHi; k++ {
		c := coef[k]
		p := real(c)*real(c) + imag(c)*imag(c)
		b.power[k] = p
		if k >= b.kLo && k <= b.kHi && p > pk {
			pk, kp = p, k
		}
	}
	var sum float64
	var n int
	for k := b.sLo; k <= b.sHi; k++ {
		if k < kp-guardBins || k > kp+guardBins {
			sum += b.power[k]
			n++
		}
	}
	// Parabolic interpolation on log power refines the peak frequency
	// to a fraction of a bin.
	f := float64(kp) * binHz
	if kp > b.sLo && kp < b.sHi && pk > 0 {
		l, c, r := math.Log(b.power[kp-1]+1e-30), math.Log(pk), math.Log(b.power[kp+1]+1e-30)
		if den := l - 2*c + r; den < 0 {
			f += 0.5 * (l - r) / den * binHz
		}
	}
	lvl := 10*math.Log10(pk+1e-30) - 20*math.Log10(ampScale)
	if !b.init {
		b.init, b.floor, b.ref = true, lvl, lvl
	}
	tonal := pk >= b.tonal*sum/float64(max(n, 1)) && f >= b.fLo && f <= b.fHi &&
		lvl >= b.minDB && lvl >= b.floor+b.snrDB
	if lvl < b.floor {
		b.floor += floorFall * (lvl - b.floor)
	} else {
		b.floor = min(lvl, b.floor+floorRise)
	}
	b.ref -= refDecay
	if tonal {
		b.ref = max(b.ref, lvl)
	}
	switch {
	case !b.on && tonal && lvl >= b.ref-onBelow:
		b.on, b.onStart, b.sumF, b.nF, b.miss = true, h, f, 1, 0
	case b.on && tonal && lvl >= b.ref-offBelow && math.Abs(f-b.sumF/float64(b.nF)) <= b.maxDev:
		b.sumF += f
		b.nF++
		b.miss = 0
	case b.on:
		// Speech or music can mask a hop or two of a beep; a gap counts
		// only once it is longer than bridgeHops.
		b.miss++
		if b.miss > bridgeHops {
			b.on, b.done = false, true
			b.last = beep{start: b.onStart, end: h - int64(b.miss) + 1, freq: b.sumF / float64(b.nF)}
		}
	}
}

// matcher assembles one band's beeps into groups and cycles of one pattern.
type matcher struct {
	kind         Kind
	beeps        int
	cycles       int
	onMin, onMax int64 // beep duration, hops
	merge        int64 // longest dropout merged inside one beep, hops
	pMin, pMax   int64 // onset-to-onset within a group, hops
	lMin, lMax   int64 // last onset of a group to first onset of the next, hops

	g    [5]beep // the group being assembled (one spare to see "too many")
	gn   int
	gBad bool

	chainN     int     // consecutive valid groups
	chainFirst int64   // first onset of the chain
	chainLast  int64   // last onset of the chain's last group
	chainF     float64 // chain frequency
}

// hops converts seconds to 10 ms hops, rounding to nearest.
func hops(s float64) int64 { return int64(math.Round(s * 100)) }

// measureSlack is the timing error of hop-based measurement: one hop of
// quantisation at each end plus the 16 ms window's smear.
const measureSlack = 0.03

func newMatcher(k Kind, on, off, longOff float64, beeps int, cfg Config) matcher {
	tol := cfg.TimingTolerance
	p := on + off
	l := on + longOff
	return matcher{
		kind:   k,
		beeps:  beeps,
		cycles: cfg.Cycles,
		// Durations are checked loosely: reverberation lengthens beeps by
		// up to most of the following gap. Periods carry the tolerance.
		onMin: hops(0.5 * on),
		onMax: hops(on + 0.8*off),
		merge: hops(0.5 * off),
		pMin:  hops(p*(1-tol) - measureSlack),
		pMax:  hops(p*(1+tol) + measureSlack),
		lMin:  hops(l*(1-tol) - measureSlack),
		lMax:  hops(l*(1+tol) + measureSlack),
	}
}

func (m *matcher) reset() {
	m.gn, m.gBad, m.chainN = 0, false, 0
}

// step advances the matcher by hop now, after b.measure; it reports the
// kind and onset hop when a group closes that completes the required
// number of consecutive cycles.
func (m *matcher) step(b *band, now int64) (Kind, int64, bool) {
	var kind Kind
	var onset int64
	var valid bool
	closeIf := func(cur int64) {
		if m.gn > 0 && cur-m.g[m.gn-1].start > m.pMax {
			if k, o, v := m.close(); v {
				kind, onset, valid = k, o, v
			}
		}
	}
	if b.done {
		closeIf(b.last.start)
		m.add(b.last)
	}
	// A group closes once the next onset is overdue.
	if b.on {
		closeIf(b.onStart)
	} else {
		closeIf(now)
	}
	return kind, onset, valid
}

// add places a completed beep: it starts a group, continues it, is merged
// into the previous beep as a fragment (speech or music masked part of a
// beep), replaces a stray first beep, or is ignored as another source.
func (m *matcher) add(bp beep) {
	if bp.end-bp.start > m.onMax {
		if m.gn > 0 {
			m.gBad = true // a long tone inside a group breaks the rhythm
		}
		return
	}
	if m.gn == 0 {
		m.g[0], m.gn = bp, 1
		return
	}
	last := &m.g[m.gn-1]
	p := bp.start - last.start
	same := math.Abs(bp.freq-m.g[0].freq) <= maxDevOf(m.g[0].freq)
	switch {
	case same && p < m.pMin && bp.start-last.end <= m.merge:
		last.end = max(last.end, bp.end)
	case same && p >= m.pMin:
		// Fragments shorter than a beep may start a group (and grow by
		// merging) but never count as a further beep.
		if bp.end-bp.start < m.onMin {
			return
		}
		if m.gn == 1 && m.g[0].end-m.g[0].start < m.onMin {
			m.g[0] = bp
			return
		}
		if m.gn == len(m.g) {
			m.gBad = true
			return
		}
		m.g[m.gn] = bp
		m.gn++
	case !same && m.gn == 1:
		m.g[0] = bp // the first beep was a stray of another pitch
	}
}

// maxDevOf is the frequency wander allowed between beeps of one pattern.
// A sounder's pitch is steady (a warbling one averages to its centre over a
// beep), so 2 % or 25 Hz, whichever is more, separates it from music notes
// a semitone (6 %) away while allowing for masked fragments.
func maxDevOf(f float64) float64 { return max(0.02*f, 25) }

func (m *matcher) close() (Kind, int64, bool) {
	valid := !m.gBad && m.gn == m.beeps
	for _, bp := range m.g[:m.gn] {
		if d := bp.end - bp.start; d < m.onMin || d > m.onMax {
			valid = false
		}
	}
	first, last, n := m.g[0], m.g[m.gn-1], m.gn
	m.gn, m.gBad = 0, false
	if !valid {
		// A lone beep may be a stray (a note, a syllable) between two
		// groups; only a wrong group breaks the chain of cycles.
		if n > 1 {
			m.chainN = 0
		}
		return 0, 0, false
	}
	if gap := first.start - m.chainLast; m.chainN > 0 && gap >= m.lMin && gap <= m.lMax &&
		math.Abs(first.freq-m.chainF) <= maxDevOf(m.chainF) {
		m.chainN++
	} else {
		m.chainN, m.chainFirst, m.chainF = 1, first.start, first.freq
	}
	m.chainLast = last.start
	if m.chainN >= m.cycles {
		return m.kind, m.chainFirst, true
	}
	return 0, 0, false
}
