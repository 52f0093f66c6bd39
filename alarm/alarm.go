package alarm

import (
	"fmt"
	"math"
	"time"

	"github.com/wakegate/wakegate/dsp"
)

// Kind is the kind of alarm heard.
type Kind int

const (
	// Smoke is a temporal-three (smoke or fire) alarm.
	Smoke Kind = iota
	// CO is a temporal-four (carbon monoxide) alarm.
	CO
)

// String returns "smoke" or "co".
func (k Kind) String() string {
	switch k {
	case Smoke:
		return "smoke"
	case CO:
		return "co"
	}
	return fmt.Sprintf("alarm.Kind(%d)", int(k))
}

// Event reports an alarm pattern.
type Event struct {
	Kind Kind
	// Sample is the 16 kHz sample index, counted from New or Reset, of the
	// onset of the first beep of the cycles that triggered the report.
	Sample int64
}

// Stream format: the wake-word path's audio.
const (
	// SampleRate is the input sample rate, Hz.
	SampleRate = 16000
	// HopSize is the number of samples Push expects (10 ms).
	HopSize = 160
	// window is the analysis length: 16 ms gives 62.5 Hz bins, fine enough
	// to separate a 3 kHz tone from speech harmonics and short enough to
	// time 100 ms CO beeps.
	window = 256
)

// Config tunes a Detector. Zero fields take the defaults in DefaultConfig.
type Config struct {
	// HighHz is the nominal frequency of high-pitched alarms (default
	// 3100 Hz; piezo sounders sit between about 2.9 and 3.4 kHz).
	HighHz float64
	// LowHz is the nominal frequency of low-frequency alarms (default 520 Hz,
	// the UL 217 / NFPA 72 low-frequency signal); negative disables the band.
	LowHz float64
	// FreqTolerance is the accepted relative frequency deviation (default
	// 0.10: ±10 %).
	FreqTolerance float64
	// TimingTolerance is the accepted relative deviation of beep periods and
	// gaps (default 0.10: ±10 %, the standards' tolerance).
	TimingTolerance float64
	// Cycles is the number of consecutive complete pattern cycles needed
	// for a report (default 2).
	Cycles int
	// TonalityDB is how far the peak bin must stand above the mean of the
	// surrounding ±500 Hz of spectrum (default 10 dB).
	TonalityDB float64
	// MinSNRDB is how far the tone must stand above the band's noise floor
	// (default 10 dB).
	MinSNRDB float64
	// MinLevelDBFS is the quietest tone amplitude considered (default
	// -70 dBFS), so that digital near-silence never makes beeps.
	MinLevelDBFS float64
	// Refractory is how long a pattern must be gone before the same kind is
	// reported again (default 30 s): one alarm episode gives one event.
	Refractory time.Duration
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{
		HighHz:          3100,
		LowHz:           520,
		FreqTolerance:   0.10,
		TimingTolerance: 0.10,
		Cycles:          2,
		TonalityDB:      10,
		MinSNRDB:        10,
		MinLevelDBFS:    -70,
		Refractory:      30 * time.Second,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.HighHz == 0 {
		c.HighHz = d.HighHz
	}
	if c.LowHz == 0 {
		c.LowHz = d.LowHz
	}
	if c.FreqTolerance == 0 {
		c.FreqTolerance = d.FreqTolerance
	}
	if c.TimingTolerance == 0 {
		c.TimingTolerance = d.TimingTolerance
	}
	if c.Cycles == 0 {
		c.Cycles = d.Cycles
	}
	if c.TonalityDB == 0 {
		c.TonalityDB = d.TonalityDB
	}
	if c.MinSNRDB == 0 {
		c.MinSNRDB = d.MinSNRDB
	}
	if c.MinLevelDBFS == 0 {
		c.MinLevelDBFS = d.MinLevelDBFS
	}
	if c.Refractory == 0 {
		c.Refractory = d.Refractory
	}
	return c
}

// Detector recognises alarm patterns in a stream of 10 ms hops. It is not
// safe for concurrent use.
type Detector struct {
	cfg   Config
	fft   *dsp.RealFFT
	win   [window]float64 // Hann window
	buf   [window]float64 // last window samples, scaled to ±1
	frame [window]float64 // windowed copy handed to the FFT
	coef  []complex128
	bands []*band
	hop   int64    // hops pushed since Reset
	quiet [2]int64 // hop of each kind's last completed pattern, -1 if none
	refr  int64    // Refractory in hops
}

// New returns a Detector for cfg (zero fields take defaults). It panics if
// the configuration is impossible (a band above Nyquist), which is a
// programmer error.
func New(cfg Config) *Detector {
	cfg = cfg.withDefaults()
	d := &Detector{
		cfg:  cfg,
		fft:  dsp.NewRealFFT(window),
		coef: make([]complex128, window/2+1),
		refr: int64(cfg.Refractory / (10 * time.Millisecond)),
	}
	for i := range d.win {
		d.win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/window) // periodic Hann
	}
	d.bands = append(d.bands, newBand(cfg, cfg.HighHz))
	if cfg.LowHz > 0 {
		d.bands = append(d.bands, newBand(cfg, cfg.LowHz))
	}
	d.Reset()
	return d
}

// Reset forgets all audio; sample indices restart at 0.
func (d *Detector) Reset() {
	d.buf = [window]float64{}
	d.hop = 0
	for k := range d.quiet {
		d.quiet[k] = -1
	}
	for _, b := range d.bands {
		b.reset()
	}
}

// Push analyses the next hop of 160 samples (16 kHz mono) and reports an
// alarm pattern completed in it. It does not allocate. It panics if
// len(hop) != HopSize.
func (d *Detector) Push(hop []int16) (Event, bool) {
	if len(hop) != HopSize {
		panic(fmt.Sprintf("alarm: hop of %d samples, want %d", len(hop), HopSize))
	}
	copy(d.buf[:], d.buf[HopSize:])
	for i, v := range hop {
		d.buf[window-HopSize+i] = float64(v) / 32768
	}
	for i := range d.frame {
		d.frame[i] = d.buf[i] * d.win[i]
	}
	d.fft.Coefficients(d.coef, d.frame[:])
	d.hop++
	var ev Event
	var ok bool
	for _, b := range d.bands {
		b.measure(d.coef, d.hop)
		for i := range b.matchers {
			if kind, onset, valid := b.matchers[i].step(&b.segs[i], d.hop); valid {
				if e, rep := d.report(kind, onset); rep && !ok {
					ev, ok = e, true
				}
			}
		}
	}
	return ev, ok
}

// report decides whether a completed pattern (reported at every valid group
// closure that completes Cycles cycles) becomes an event, applying the
// refractory period.
func (d *Detector) report(k Kind, onsetHop int64) (Event, bool) {
	last := d.quiet[k]
	d.quiet[k] = d.hop
	if last >= 0 && d.hop-last < d.refr {
		return Event{}, false
	}
	return Event{Kind: k, Sample: hopToSample(onsetHop)}, true
}

// hopToSample converts the hop whose window first showed a tone into the
// estimated sample of the tone's onset: a tone becomes visible when it
// fills about half of the 256-sample window ending at the hop.
func hopToSample(h int64) int64 {
	return max(0, h*HopSize-window/2)
}
