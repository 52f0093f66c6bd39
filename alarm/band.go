package alarm

import "math"

// binHz is the spectral resolution of the analysis window.
const binHz = float64(SampleRate) / window

// Level tracking constants, per 10 ms hop.
const (
	floorFall = 0.05 // fraction of the gap closed per hop when the level is below the floor (fast fall)
	floorRise = 0.01 // dB per hop the floor rises (1 dB/s): beeps do not lift it
	refDecay  = 0.03 // dB per hop the recent tone level decays (3 dB/s): survives a CO 5 s gap by 15 dB
	onBelow   = 6.0  // dB below the recent tone level a hop may be and still start a beep
	offBelow  = 10.0 // dB below the beep's own level a beep ends: cuts reverberation tails in CO gaps
	// beepSmooth is the per-hop smoothing of a beep's level: the steady
	// level of a reverberant room can lie 10 dB under the direct onset.
	beepSmooth = 0.3
	ampScale   = 64.0  // |X| of a unit sine on a bin under the 256-point Hann window (N/4)
	guardBins  = 2     // bins either side of the peak that belong to the tone (Hann main lobe)
	surround   = 500.0 // Hz either side of the band whose spectrum is the tonality reference
	// bridgeHops is the longest dropout inside a beep (20 ms): shorter than
	// a CO gap even after reverberation has eaten half of it.
	bridgeHops = 2
	// bridgeCO is the CO segmenter's bridge: a reverberant 100 ms CO gap
	// may show only two or three hops under the threshold.
	bridgeCO = 1
	// offBelowCO is where the CO segmenter ends a beep, under the onset
	// peak: in a reverberant room at 0 dB SNR the CO gaps dip only 8–10 dB.
	offBelowCO = 8.0
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
	// segs turn tone hops into beeps twice: segs[0] ends a beep 10 dB
	// under the beep's own smoothed level, for smoke beeps whose steady
	// reverberant level can sit 10 dB under the direct onset; segs[1] ends
	// it 10 dB under the onset peak, which finds the short CO gaps that a
	// reverberation tail fills. matchers[i] reads segs[i].
	segs     [2]segmenter
	matchers [2]matcher
}

// segmenter is a run-length state machine from tone hops to beeps.
type segmenter struct {
	relative bool // end relative to the beep's own level, not the onset peak
	on       bool
	onStart  int64
	sumF     float64
	nF       int
	miss     int     // consecutive non-tone hops inside a beep
	beepLvl  float64 // smoothed level of the current beep, dB
	done     bool    // a beep ended in this hop
	last     beep
}

// step advances the segmenter by hop h with the band's verdict.
func (g *segmenter) step(h int64, tonal bool, lvl, ref, f, maxDev float64) {
	g.done = false
	floor := ref - offBelowCO
	if g.relative {
		floor = g.beepLvl - offBelow
	}
	switch {
	case !g.on && tonal && lvl >= ref-onBelow:
		g.on, g.onStart, g.sumF, g.nF, g.miss, g.beepLvl = true, h, f, 1, 0, lvl
	case g.on && tonal && lvl >= floor && math.Abs(f-g.sumF/float64(g.nF)) <= maxDev:
		g.sumF += f
		g.nF++
		g.miss = 0
		g.beepLvl += beepSmooth * (lvl - g.beepLvl)
	case g.on:
		// Speech or music can mask a hop or two of a beep; a gap counts
		// only once it is longer than bridgeHops.
		g.miss++
		bridge := bridgeHops
		if !g.relative {
			bridge = bridgeCO
		}
		if g.miss > bridge {
			g.on, g.done = false, true
			g.last = beep{start: g.onStart, end: h - int64(g.miss) + 1, freq: g.sumF / float64(g.nF)}
		}
	}
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
	b.init = false
	b.segs = [2]segmenter{{relative: true}, {}}
	for i := range b.matchers {
		b.matchers[i].reset()
	}
}

// measure updates the band's tone state from the spectrum of hop h.
func (b *band) measure(coef []complex128, h int64) {
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
	for i := range b.segs {
		b.segs[i].step(h, tonal, lvl, b.ref, f, b.maxDev)
	}
}

// matcher assembles one band's beeps into groups and cycles of one pattern.
//
// Beeps arrive into an episode: a run of beeps each within a beep period
// (plus the merge allowance) of the previous one. Fragments of one beep
// split by masking are merged as they arrive. When the episode ends (the
// next onset is overdue) the matcher searches it for groups: chains of
// exactly the pattern's beep count, linked at the beep period, that no
// further beep continues. Searching a closed episode rather than deciding
// beep by beep lets a stray blip before a group, or a masked beep end,
// cost nothing.
type matcher struct {
	kind         Kind
	beeps        int
	cycles       int
	onMin, onMax int64 // beep duration, hops
	merge        int64 // longest dropout merged inside one beep, hops
	pMin, pMax   int64 // onset-to-onset (or end-to-end) within a group, hops
	lpMin, lpMax int64 // the looser bound the other end of a beep must meet
	lMin, lMax   int64 // last onset of a group to first onset of the next, hops

	ep       [episodeCap]beep // the open episode
	en       int
	overflow bool // more beeps than any pattern: continuous beeping

	chainN       int     // consecutive valid groups
	chainFirst   int64   // first onset of the chain
	chainLast    int64   // last onset of the chain's last group
	chainLastEnd int64   // and its end
	chainF       float64 // chain frequency
}

// episodeCap bounds an episode: two groups of four and a few strays.
const episodeCap = 12

// hops converts seconds to 10 ms hops, rounding to nearest.
func hops(s float64) int64 { return int64(math.Round(s * 100)) }

// looseTol bounds how far masking may move one end of a beep while the
// other end keeps the period (40 % of the period: 0.4 s of a smoke beep,
// 80 ms of a CO beep). Strays that link this loosely cannot spoil a group:
// only strong links make a group non-maximal.
const looseTol = 0.4

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
		// up to most of the following gap, masking shortens them. Periods
		// carry the tolerance; the minimum only keeps out blips.
		onMin: hops(0.2 * on),
		onMax: hops(on + 0.8*off),
		merge: hops(0.6 * off),
		pMin:  hops(p*(1-tol) - measureSlack),
		pMax:  hops(p*(1+tol) + measureSlack),
		lpMin: hops(p * (1 - looseTol)),
		lpMax: hops(p * (1 + looseTol)),
		lMin:  hops(l*(1-tol) - measureSlack),
		lMax:  hops(l*(1+tol) + measureSlack),
	}
}

func (m *matcher) reset() {
	m.en, m.overflow, m.chainN = 0, false, 0
}

// step advances the matcher by hop now, after b.measure; it reports the
// kind and onset hop when a group completes the required number of
// consecutive cycles.
func (m *matcher) step(b *segmenter, now int64) (Kind, int64, bool) {
	var kind Kind
	var onset int64
	var valid bool
	closeIf := func(cur int64) {
		// A late onset (masked start) may still continue the episode.
		if m.en > 0 && cur-m.ep[m.en-1].start > m.pMax+m.merge {
			if k, o, v := m.closeEpisode(); v {
				kind, onset, valid = k, o, v
			}
		}
	}
	if b.done {
		closeIf(b.last.start)
		m.add(b.last)
	}
	if b.on {
		closeIf(b.onStart)
	} else {
		closeIf(now)
	}
	return kind, onset, valid
}

// add appends a completed beep to the episode, merging it into the
// previous beep when it is a fragment of it.
func (m *matcher) add(bp beep) {
	if m.en > 0 {
		last := &m.ep[m.en-1]
		if bp.start-last.start < m.pMin && bp.start-last.end <= m.merge &&
			math.Abs(bp.freq-last.freq) <= maxDevOf(last.freq) {
			last.end = max(last.end, bp.end)
			return
		}
	}
	if m.en == episodeCap {
		m.overflow = true
		copy(m.ep[:], m.ep[1:])
		m.en--
	}
	m.ep[m.en] = bp
	m.en++
}

// link reports whether b can follow a in a group, and whether strongly
// (both onsets and ends at the period).
func (m *matcher) link(a, b beep) (ok, strong bool) {
	if math.Abs(b.freq-a.freq) > maxDevOf(a.freq) {
		return false, false
	}
	p, pe := b.start-a.start, b.end-a.end
	tight := func(v int64) bool { return v >= m.pMin && v <= m.pMax }
	loose := func(v int64) bool { return v >= m.lpMin && v <= m.lpMax }
	strong = tight(p) && tight(pe)
	return (tight(p) || tight(pe)) && loose(p) && loose(pe), strong
}

func (m *matcher) durOK(b beep) bool {
	d := b.end - b.start
	return d >= m.onMin && d <= m.onMax
}

// closeEpisode searches the closed episode for groups and advances the
// chain of cycles; it reports a completed pattern.
func (m *matcher) closeEpisode() (Kind, int64, bool) {
	var kind Kind
	var onset int64
	var valid bool
	n, over := m.en, m.overflow
	m.en, m.overflow = 0, false
	found := false
	from := 0
	for !over && from < n {
		var idx [4]int
		first, last, ok := m.bestGroup(from, n, &idx)
		if !ok {
			break
		}
		found = true
		from = idx[m.beeps-1] + 1
		if k, o, v := m.advance(first, last); v {
			kind, onset, valid = k, o, v
		}
	}
	// Strays (a note, a syllable) may fall between two groups; only beeps
	// of the chain's pitch in a wrong rhythm break the chain of cycles.
	if !found && m.chainN > 0 {
		same := 0
		for _, b := range m.ep[:n] {
			if m.durOK(b) && math.Abs(b.freq-m.chainF) <= maxDevOf(m.chainF) {
				same++
			}
		}
		if same > 1 || over {
			m.chainN = 0
		}
	}
	return kind, onset, valid
}

// bestGroup finds, among episode beeps [from, n), the group of exactly
// m.beeps linked beeps with the most strong links that no other beep
// strongly continues at either end. It does not allocate.
func (m *matcher) bestGroup(from, n int, out *[4]int) (first, last beep, ok bool) {
	best := -1
	var cur [4]int
	var rec func(depth, score int)
	rec = func(depth, score int) {
		if depth == m.beeps {
			a, z := m.ep[cur[0]], m.ep[cur[depth-1]]
			for j := from; j < n; j++ {
				if j < cur[0] {
					if _, s := m.link(m.ep[j], a); s {
						return
					}
				}
				if j > cur[depth-1] {
					if _, s := m.link(z, m.ep[j]); s {
						return
					}
				}
			}
			if score > best {
				best = score
				*out = cur
			}
			return
		}
		start := from
		if depth > 0 {
			start = cur[depth-1] + 1
		}
		for j := start; j < n; j++ {
			if !m.durOK(m.ep[j]) {
				continue
			}
			sc := score
			if depth > 0 {
				ok, strong := m.link(m.ep[cur[depth-1]], m.ep[j])
				if !ok {
					continue
				}
				if strong {
					sc++
				}
			}
			cur[depth] = j
			rec(depth+1, sc)
		}
	}
	rec(0, 0)
	if best < 0 {
		return beep{}, beep{}, false
	}
	return m.ep[out[0]], m.ep[out[m.beeps-1]], true
}

// advance adds a valid group to the chain of cycles.
func (m *matcher) advance(first, last beep) (Kind, int64, bool) {
	inLong := func(v int64) bool { return v >= m.lMin && v <= m.lMax }
	if m.chainN > 0 && (inLong(first.start-m.chainLast) || inLong(first.end-m.chainLastEnd)) &&
		math.Abs(first.freq-m.chainF) <= maxDevOf(m.chainF) {
		m.chainN++
	} else {
		m.chainN, m.chainFirst, m.chainF = 1, first.start, first.freq
	}
	m.chainLast, m.chainLastEnd = last.start, last.end
	if m.chainN >= m.cycles {
		return m.kind, m.chainFirst, true
	}
	return 0, 0, false
}

// maxDevOf is the frequency wander allowed between beeps of one pattern.
// A sounder's pitch is steady (a warbling one averages to its centre over a
// beep), so 2 % separates it from music notes a semitone (6 %) away; the
// 40 Hz floor allows for the 62.5 Hz bins and for fragments pulled by
// nearby speech harmonics at 520 Hz.
func maxDevOf(f float64) float64 { return max(0.02*f, 40) }
