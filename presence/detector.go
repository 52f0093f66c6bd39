package presence

import (
	"fmt"
	"math"
	"math/cmplx"
)

// Baseband and analysis constants.
const (
	bbTarget  = 2000.0       // Hz complex baseband: ±1 kHz holds both bands
	bbNyquist = bbTarget / 2 // Hz
	nFFT      = 512          // 0.256 s at 2 kHz: 3.9 Hz bins, latency well under 0.5 s
	frameHop  = 100          // baseband samples between spectra (50 ms)
	tapsPerD  = 6            // FIR length in decimation factors: 144 taps at 48 kHz
	kaiserB   = 9.0          // Kaiser β: about -90 dB stopband
	cutoffHz  = 850.0        // low-pass edge, above the reference band
	carrierHz = 16.0         // ±4 Blackman-Harris bins: carrier main lobe
	gateDB    = 2.0          // carrier change per 10 ms that blanks analysis
	pilotSNR  = 1e4          // carrier over reference-band bin power (40 dB) for a usable pilot
	fallRate  = 0.2          // fraction of the gap a floor closes per frame when the level is below it
	riseIdle  = 0.02         // dB per frame (0.4 dB/s) a floor rises while absent
	riseBusy  = 0.002        // dB per frame (0.04 dB/s) the Doppler floor rises while present
	guardDB   = 3.0          // reference-band rise tolerated before it discounts the Doppler level
	onFrames  = 2            // consecutive frames above OnDB before presence (100 ms)
	onLook    = 4            // further frames (200 ms) in which a line turning out tonal cancels an onset
	outRate   = 16000        // Hz: Event.Sample counts on the wake-word timeline
	blockRate = 100          // blocks per second at the documented 10 ms block size
	flatMax   = -4.0         // dB: Doppler-band flatness above which a rise is broadband, not motion
	clipLevel = 32767        // |sample| at or above which the capture clipped

	// Tonal lines (see lines.go).
	lineRatio   = 100.0 // 20 dB: a line's bin over the louder of its two side backgrounds
	lineSideIn  = 6     // bins from a line to its side backgrounds: past the window's ±4-bin main lobe
	lineSideOut = 8     // outer edge of a side background (3 bins)
	lineHalf    = 5     // bins masked either side of a line: the main lobe plus half a bin of offset
	lineConfirm = 4     // consecutive frames (200 ms) at one frequency that make a line tonal
	lineDrift   = 0.1   // bins (0.4 Hz) a tonal line may move from where it was first seen: a slow hand holds its Doppler to 0.2
	lineMemory  = 160   // frames (8 s) a tonal frequency stays masked: beyond the gaps of alarm patterns
	lineGateDB  = 2.0   // change of a tonal line's power per frame that blanks: a keying edge is in the window
)

// Event reports a change of presence.
type Event struct {
	Present bool
	// Sample is the 16 kHz sample index (capture index·16000/SampleRate,
	// counted from New or Reset) of the change: for presence, when the
	// Doppler level first crossed OnDB; for absence, when motion was last
	// seen plus Hold.
	Sample int64
}

// Detector turns 48 kHz capture with the pilot playing into presence
// events. It is not safe for concurrent use.
type Detector struct {
	cfg  Config
	fs   float64
	dec  int     // decimation factor
	bbFs float64 // baseband rate
	// The heterodyne is folded into the filter: y[n] = Σ h[k]·x[n−k]·e^{−jω(n−k)}
	// = e^{−jωn}·Σ (h[k]·e^{jωk})·x[n−k], so the real input runs through
	// complex taps g[k] = h[k]·e^{jωk} only at output instants and one
	// rotation per output replaces a mixer per input sample.
	tapsRe, tapsIm []float64
	rotD           complex128 // e^{−jω·dec}: the output rotation's step
	hist           []float64  // input samples, doubled ring for contiguous FIR reads
	hpos           int
	phase          int        // input samples since the last baseband output
	nco            complex128 // e^{−jωn} at the next output
	turns          int        // outputs since the last renormalisation

	ring   [nFFT]complex128 // baseband ring
	rpos   int
	sinceF int // baseband samples since the last spectrum
	win    [nFFT]float64
	buf    [nFFT]complex128
	fft    *cfft

	bandBins, refBins, carBins []int
	lines                      lineTracker

	// carrier gate
	blkSum    complex128
	blkN      int
	carSmooth float64
	gateLeft  int // baseband samples still blanked

	// decision state
	in        int64 // input samples since Reset
	init      bool
	floorD    float64
	floorR    float64
	level     float64 // last Doppler level over floor, dB
	flat      float64 // last Doppler-band spectral flatness, dB
	above     int
	firstAbv  int64
	lookLeft  int // frames until an armed onset is reported; 0 when none is armed
	present   bool
	lastAct   int64 // input sample of the last frame at or above OffDB
	actNext   int64 // a frame at or above OffDB that the next frame has yet to vouch for
	actOK     bool
	holdS     int64 // Hold in input samples
	winS      int64 // analysis window in input samples
	pending   Event
	pendingOK bool
}

// New returns a Detector for cfg (zero fields take defaults).
func New(cfg Config) (*Detector, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	fs := float64(cfg.SampleRate)
	dec := int(math.Round(fs / bbTarget))
	d := &Detector{
		cfg:  cfg,
		fs:   fs,
		dec:  dec,
		bbFs: fs / float64(dec),
		rotD: cmplx.Rect(1, -2*math.Pi*cfg.PilotHz/fs*float64(dec)),
		fft:  newCFFT(nFFT),
	}
	n := tapsPerD * dec
	h := lowpass(n, cutoffHz/fs, kaiserB)
	d.tapsRe, d.tapsIm = make([]float64, n), make([]float64, n)
	w := 2 * math.Pi * cfg.PilotHz / fs
	for i := range h {
		// hist[hpos+i] is x[n−(n−1−i)]: tap index k = n−1−i.
		s, c := math.Sincos(w * float64(n-1-i))
		d.tapsRe[i], d.tapsIm[i] = h[n-1-i]*c, h[n-1-i]*s
	}
	d.hist = make([]float64, 2*n)
	for i := range d.win {
		d.win[i] = blackmanHarris(i, nFFT)
	}
	for k := range nFFT {
		f := math.Abs(binFreq(k, d.bbFs))
		switch {
		case f >= cfg.BandLowHz && f <= cfg.BandHighHz:
			d.bandBins = append(d.bandBins, k)
		case f >= cfg.RefLowHz && f <= cfg.RefHighHz:
			d.refBins = append(d.refBins, k)
		case f <= carrierHz:
			d.carBins = append(d.carBins, k)
		}
	}
	d.lines.init(int(math.Ceil(carrierHz*nFFT/d.bbFs)), int(math.Ceil(cfg.RefHighHz*nFFT/d.bbFs))+lineHalf)
	d.holdS = int64(cfg.Hold.Seconds() * fs)
	d.winS = int64(float64(nFFT*dec) / 1)
	d.Reset()
	return d, nil
}

// binFreq returns the signed frequency of FFT bin k at baseband rate fs.
func binFreq(k int, fs float64) float64 {
	if k >= nFFT/2 {
		k -= nFFT
	}
	return float64(k) * fs / nFFT
}

// lowpass returns an n-tap Kaiser-windowed sinc low-pass filter with cutoff
// fc (cycles per sample) and unit DC gain.
func lowpass(n int, fc, beta float64) []float64 {
	h := make([]float64, n)
	var sum float64
	m := float64(n-1) / 2
	for i := range h {
		x := float64(i) - m
		s := 2 * fc
		if x != 0 {
			s = math.Sin(2*math.Pi*fc*x) / (math.Pi * x)
		}
		r := x / m
		h[i] = s * bessI0(beta*math.Sqrt(max(0, 1-r*r))) / bessI0(beta)
		sum += h[i]
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

// bessI0 is the modified Bessel function of the first kind, order 0, by
// its power series (converges fast for the β of a Kaiser window).
func bessI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < 1e-12*sum {
			break
		}
	}
	return sum
}

// blackmanHarris is the 4-term Blackman-Harris window (sidelobes -92 dB),
// so that the carrier, 40–60 dB above the echoes of a person, leaks
// nothing into the Doppler band.
func blackmanHarris(i, n int) float64 {
	x := 2 * math.Pi * float64(i) / float64(n)
	return 0.35875 - 0.48829*math.Cos(x) + 0.14128*math.Cos(2*x) - 0.01168*math.Cos(3*x)
}

// Reset forgets all audio and state; sample indices restart at 0.
func (d *Detector) Reset() {
	clear(d.hist)
	d.hpos, d.phase, d.nco, d.turns = 0, 0, 1, 0
	d.ring = [nFFT]complex128{}
	d.rpos, d.sinceF = 0, 0
	d.blkSum, d.blkN, d.carSmooth = 0, 0, 0
	d.gateLeft = nFFT + len(d.tapsRe)/d.dec // the window must first fill with valid pilot
	d.in = 0
	d.init, d.present, d.above, d.lookLeft, d.actOK = false, false, 0, 0, false
	d.level = 0
	d.pendingOK = false
	d.lines.reset()
}

// Present reports the current state.
func (d *Detector) Present() bool { return d.present }

// Level returns the last Doppler level above its floor in dB (after the
// broadband correction): the quantity compared with OnDB and OffDB.
func (d *Detector) Level() float64 { return d.level }

// Push analyses the next capture block (48 kHz mono; 10 ms = 480 samples
// is the intended size, but any length works) and reports a presence
// change decided in it. If a block holds two changes, the later one wins.
// It does not allocate.
func (d *Detector) Push(block []int16) (Event, bool) {
	d.pendingOK = false
	n := len(d.tapsRe)
	blkLen := max(int(d.fs)/blockRate/d.dec, 1) // baseband samples per 10 ms
	for _, v := range block {
		if v >= clipLevel || v <= -clipLevel {
			// Clipping splatters energy over the whole spectrum,
			// Doppler band included: blank as for a dropout.
			d.gateLeft = nFFT + n/d.dec
		}
		x := float64(v) / 32768
		d.hist[d.hpos] = x
		d.hist[d.hpos+n] = x
		if d.hpos++; d.hpos == n {
			d.hpos = 0
		}
		d.in++
		if d.phase++; d.phase < d.dec {
			continue
		}
		d.phase = 0
		var re, im float64
		hs := d.hist[d.hpos : d.hpos+n]
		for k, x := range hs {
			re += d.tapsRe[k] * x
			im += d.tapsIm[k] * x
		}
		y := complex(re, im) * d.nco
		d.nco *= d.rotD
		if d.turns++; d.turns == 1024 {
			// Renormalise the oscillator against rounding drift.
			d.turns = 0
			d.nco /= complex(cmplx.Abs(d.nco), 0)
		}
		d.ring[d.rpos] = y
		d.rpos = (d.rpos + 1) % nFFT
		d.blkSum += y
		d.blkN++
		if d.blkN == blkLen {
			d.carrierCheck()
		}
		if d.gateLeft > 0 {
			d.gateLeft--
		}
		d.sinceF++
		if d.sinceF == frameHop {
			d.sinceF = 0
			d.analyse()
		}
	}
	return d.pending, d.pendingOK
}

// carrierCheck compares the carrier over the last 10 ms with its recent
// level and blanks the analysis for a window after a jump (pilot dropout,
// fade, playback glitch): such steps spread energy over all frequencies.
func (d *Detector) carrierCheck() {
	m := d.blkSum / complex(float64(d.blkN), 0)
	c := real(m)*real(m) + imag(m)*imag(m)
	d.blkSum, d.blkN = 0, 0
	if d.carSmooth > 0 && c > 0 {
		if r := 10 * math.Log10(c/d.carSmooth); math.Abs(r) > gateDB {
			d.gateLeft = nFFT + len(d.tapsRe)/d.dec
		}
	} else {
		d.gateLeft = max(d.gateLeft, nFFT)
	}
	d.carSmooth += 0.2 * (c - d.carSmooth) // τ = 50 ms at 10 ms blocks
	if d.carSmooth == 0 {
		d.carSmooth = c
	}
}

// analyse takes the spectrum of the last 0.256 s of baseband and updates
// the presence state.
func (d *Detector) analyse() {
	for i := range d.buf {
		d.buf[i] = d.ring[(d.rpos+i)%nFFT] * complex(d.win[i], 0)
	}
	d.fft.transform(d.buf[:])
	lt := &d.lines
	lt.update(&d.buf)
	// Tonal lines (with their leakage) are excluded from the band powers:
	// an external tone next to the pilot is not a reflection of it.
	pw := func(bins []int) (float64, int) {
		var s float64
		var n int
		for _, k := range bins {
			if !lt.masked(k) {
				c := d.buf[k]
				s += real(c)*real(c) + imag(c)*imag(c)
				n++
			}
		}
		return s / float64(max(n, 1)), n
	}
	ref, _ := pw(d.refBins)
	var car float64 // the carrier itself is never masked
	for _, k := range d.carBins {
		c := d.buf[k]
		car += real(c)*real(c) + imag(c)*imag(c)
	}
	car /= float64(len(d.carBins))
	// Spectral flatness of the Doppler band (geometric over arithmetic
	// mean of the bin powers, in dB): about -2.5 dB for noise or a few
	// clicks (exponentially distributed bins), -5 to -40 dB for the few
	// strong lines of a moving body.
	var lg, dop float64
	var nb int
	for _, k := range d.bandBins {
		if lt.masked(k) {
			continue
		}
		c := d.buf[k]
		p := real(c)*real(c) + imag(c)*imag(c)
		lg += math.Log(p + 1e-30)
		dop += p
		nb++
	}
	nb = max(nb, 1)
	dop /= float64(nb)
	flat := 10 / math.Ln10 * (lg/float64(nb) - math.Log(dop+1e-30))
	// A tonal line switching on or off (an alarm's beep, a beacon's burst)
	// spreads its keying edge over the whole band while the edge is in
	// the window, as a carrier step does: such frames are blanked.
	edge := lt.edge(dop)
	now := d.in
	if d.gateLeft > 0 || edge || car < pilotSNR*ref || car == 0 {
		d.decide(now, false, 0, false)
		return
	}
	x := 10 * math.Log10(dop/car+1e-30)
	y := 10 * math.Log10(ref/car+1e-30)
	if !d.init {
		d.init, d.floorD, d.floorR = true, x, y
	}
	disc := max(0, y-d.floorR-guardDB)
	lvl := (x - d.floorD) - disc

	d.level = lvl
	rise := riseIdle
	if d.present {
		rise = riseBusy
	}
	d.floorD = track(d.floorD, x, rise)
	d.floorR = track(d.floorR, y, riseIdle)
	d.flat = flat
	d.decide(now, true, lvl, flat <= flatMax)
}

// track moves a floor toward x: quickly down, slowly up.
func track(floor, x, rise float64) float64 {
	if x < floor {
		return floor + fallRate*(x-floor)
	}
	return min(x, floor+rise)
}

// decide applies hysteresis and the hold time; valid is false for blanked
// frames, which never start presence but let the hold time run; peaky says
// whether the Doppler band's spectrum has lines rather than being flat.
func (d *Detector) decide(now int64, valid bool, lvl float64, peaky bool) {
	// Only a peaky Doppler band (lines, not a flat spread from clicks or
	// jingling keys) may start presence; any rise keeps it.
	switch {
	case valid && peaky && lvl >= d.cfg.OnDB:
		if d.above == 0 {
			d.firstAbv = now
		}
		d.above++
	default:
		d.above = 0
	}
	// While a tonal line is known, a frame keeps presence only once the
	// next frame is valid too: a keying edge entering the window shows
	// first where the window is too tapered to reveal the line's change,
	// and is blanked a frame later. Without a known tone there is no edge
	// to wait for, and a frame keeps presence at once (a pilot gated off
	// by loud music must not void the frame before it).
	act := valid && lvl >= d.cfg.OffDB
	if valid && d.actOK {
		d.lastAct = d.actNext
	}
	if act && d.lines.nTonal == 0 {
		d.lastAct, act = now, false
	}
	d.actNext, d.actOK = now, act
	switch {
	case !d.present && d.lookLeft > 0:
		// A run of frames above OnDB is armed. A keyed tone's first
		// frames (its onset splatter) rise like motion before its line
		// has stood still long enough to be known as a tone: a blanked
		// frame, or a line turning out tonal now whose masking takes the
		// band below OnDB, cancels the onset. A rise that stays above
		// OnDB with the new line masked is not that line's (a slow hand
		// can hold a Doppler line still for a few frames).
		if !valid || (d.lines.fresh && d.above == 0) {
			d.lookLeft, d.above = 0, 0
			break
		}
		if d.lookLeft--; d.lookLeft == 0 {
			d.present, d.lastAct = true, now
			d.emit(true, d.firstAbv)
		}
	case !d.present && d.above >= onFrames:
		d.lookLeft = onLook
	case d.present && now-d.lastAct >= d.holdS:
		d.present = false
		// The window trails motion by about its length.
		d.emit(false, max(0, d.lastAct-d.winS)+d.holdS)
	}
}

func (d *Detector) emit(present bool, at int64) {
	d.pending = Event{Present: present, Sample: at * outRate / int64(d.fs)}
	d.pendingOK = true
}

// String describes the detector's configuration for logs.
func (d *Detector) String() string {
	return fmt.Sprintf("presence(pilot %.0f Hz, band %.0f–%.0f Hz, baseband %.0f Hz)",
		d.cfg.PilotHz, d.cfg.BandLowHz, d.cfg.BandHighHz, d.bbFs)
}
