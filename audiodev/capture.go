//go:build cgo

package audiodev

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gen2brain/malgo"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/dsp/resample"
)

// ringMs is how much audio the capture ring holds: 1 s. The agent reads
// every 10–20 ms; a second of slack absorbs scheduling hiccups, and an
// overrun beyond that drops the oldest audio (counted by Overruns).
const ringMs = 1000

// Capture records mono 16-bit audio from a microphone. It implements
// capture.Source (16 kHz); see ReadNative for the device rate.
type Capture struct {
	cfg  Config
	ctx  *malgo.AllocatedContext
	dev  *malgo.Device
	ring *capture.Ring

	mu     sync.Mutex // serialises Start, Stop and Close
	closed bool

	// 48 kHz → 16 kHz conversion for Read (nil at 16 kHz). pmu guards it
	// and the pending output; gen counts Stops so that Read drops what it
	// converted before one.
	pmu     sync.Mutex
	rs      *resample.Resampler
	native  []int16
	fnative []float32
	pending []float32 // converted, not yet delivered: pending[pi:]
	pi      int
	gen     atomic.Uint64
	readMu  sync.Mutex
}

var _ capture.Source = (*Capture)(nil)

// OpenCapture opens a capture device. The Capture is stopped; call Start.
// An unknown device name is an error that lists the available names.
func OpenCapture(cfg Config) (*Capture, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, err := newContext(cfg.Backend)
	if err != nil {
		return nil, err
	}
	c := &Capture{cfg: cfg, ctx: ctx, ring: capture.NewRing(cfg.SampleRate * ringMs / 1000)}
	if err := c.init(); err != nil {
		freeContext(ctx)
		return nil, err
	}
	if cfg.SampleRate != capture.SampleRate {
		if c.rs, err = resample.New(cfg.SampleRate, capture.SampleRate); err != nil {
			c.dev.Uninit()
			freeContext(ctx)
			return nil, err
		}
	}
	return c, nil
}

func (c *Capture) init() error {
	id, err := findDevice(c.ctx, malgo.Capture, c.cfg.Device)
	if err != nil {
		return err
	}
	defer freeID(id)
	dc := malgo.DefaultDeviceConfig(malgo.Capture)
	dc.Capture.Format = malgo.FormatS16
	dc.Capture.Channels = 1
	dc.Capture.DeviceID = id
	dc.SampleRate = uint32(c.cfg.SampleRate)
	dc.PeriodSizeInMilliseconds = uint32(c.cfg.PeriodMs)
	ring := c.ring
	c.dev, err = malgo.InitDevice(c.ctx.Context, dc, malgo.DeviceCallbacks{
		// On the audio thread: copy the samples (the slice views C memory
		// that is reused after we return) and return at once.
		Data: func(_, in []byte, _ uint32) { ring.WriteS16LE(in) },
		Stop: func() {
			if !ring.Stopped() {
				// Not our Stop: the device went away (unplugged, server
				// died). End the stream so Read does not block forever.
				ring.End(fmt.Errorf("audiodev: capture device stopped unexpectedly"))
			}
		},
	})
	if err != nil {
		return fmt.Errorf("audiodev: opening capture device %q: %w", c.cfg.Device, err)
	}
	return nil
}

// SampleRate returns the device rate in Hz (Read always delivers 16 kHz).
func (c *Capture) SampleRate() int { return c.cfg.SampleRate }

// Start starts the device. It is idempotent.
func (c *Capture) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return capture.ErrClosed
	}
	if err := c.ring.Start(); err != nil {
		return err
	}
	if c.dev.IsStarted() {
		return nil
	}
	if err := c.dev.Start(); err != nil {
		c.ring.Stop()
		return fmt.Errorf("audiodev: starting capture: %w", err)
	}
	return nil
}

// Stop stops the device at once: the ring stops accepting samples and is
// zeroed before the device is asked to stop, so no sample captured before
// Stop is ever delivered, and a blocked Read returns (0, ErrStopped).
func (c *Capture) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stop()
}

func (c *Capture) stop() error {
	c.ring.Stop()
	c.gen.Add(1)
	c.pmu.Lock()
	clear(c.native)
	clear(c.fnative)
	clear(c.pending)
	c.pending, c.pi = c.pending[:0], 0
	if c.rs != nil {
		c.rs.Reset() // its history is pre-Stop audio too
	}
	c.pmu.Unlock()
	if c.closed || !c.dev.IsStarted() {
		return nil
	}
	if err := c.dev.Stop(); err != nil {
		return fmt.Errorf("audiodev: stopping capture: %w", err)
	}
	c.ring.Stop() // anything the callback delivered while stopping
	return nil
}

// Close stops and releases the device.
func (c *Capture) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	err := c.stop()
	c.closed = true
	c.ring.Close()
	c.dev.Uninit()
	freeContext(c.ctx)
	return err
}

// ReadNative reads samples at the device rate (SampleRate), with the Read
// semantics of capture.Source. Use either Read or ReadNative on a Capture,
// not both.
func (c *Capture) ReadNative(buf []int16) (int, error) { return c.ring.Read(buf) }

// Read implements capture.Source: it delivers 16 kHz samples, converting
// from 48 kHz if the device runs at that rate.
func (c *Capture) Read(buf []int16) (int, error) {
	if c.rs == nil {
		return c.ring.Read(buf)
	}
	c.readMu.Lock()
	defer c.readMu.Unlock()
	// Everything this call delivers must come from after the last Stop
	// before it: a Stop at any point (even followed by a Start) fails it.
	gen := c.gen.Load()
	got := 0
	for {
		c.pmu.Lock()
		if c.gen.Load() != gen {
			c.pmu.Unlock()
			clear(buf[:got])
			return 0, capture.ErrStopped
		}
		k := copy16(buf[got:], c.pending[c.pi:])
		clear(c.pending[c.pi : c.pi+k])
		c.pi += k
		got += k
		if got == len(buf) {
			c.pmu.Unlock()
			return got, nil
		}
		// Native samples for the rest: 3 per output sample.
		need := 3 * (len(buf) - got)
		if cap(c.native) < need {
			c.native = make([]int16, need)
			c.fnative = make([]float32, need)
		}
		native := c.native[:need]
		c.pmu.Unlock()
		n, err := c.ring.Read(native)
		c.pmu.Lock()
		if err != nil || c.gen.Load() != gen {
			clear(native)
			c.pmu.Unlock()
			clear(buf[:got])
			if err == nil {
				err = capture.ErrStopped
			}
			return 0, err
		}
		f := c.fnative[:n]
		for i, v := range native[:n] {
			f[i] = float32(v) / 32768
		}
		clear(native[:n])
		c.pending = c.rs.Process(c.pending[:0], f)
		clear(f)
		c.pi = 0
		c.pmu.Unlock()
	}
}

func copy16(dst []int16, src []float32) int {
	k := min(len(dst), len(src))
	for i, v := range src[:k] {
		s := v * 32768
		switch {
		case s >= 32767:
			dst[i] = 32767
		case s <= -32768:
			dst[i] = -32768
		case s >= 0:
			dst[i] = int16(s + 0.5)
		default:
			dst[i] = int16(s - 0.5)
		}
	}
	return k
}

// Overruns returns the number of samples dropped because Read fell behind
// (at the device rate).
func (c *Capture) Overruns() int64 { return c.ring.Overruns() }

// Delivered returns the number of device-rate samples taken from the ring.
func (c *Capture) Delivered() int64 { return c.ring.Delivered() }
