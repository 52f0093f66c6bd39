//go:build cgo

package audiodev

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// Playback plays mono 16-bit audio produced by a fill function.
type Playback struct {
	cfg    Config
	ctx    *malgo.AllocatedContext
	dev    *malgo.Device
	mu     sync.Mutex
	closed bool
}

// OpenPlayback opens a playback device. The Playback is stopped; Start
// begins calling fill.
//
// fill is called on the audio thread, once per period, to produce the next
// len(out) mono samples at cfg.SampleRate. It must fill all of out (write
// zeros for silence), must not block, allocate heavily or call back into
// this Playback, and must not keep out: it views device memory that is only
// valid during the call. Hand it samples through a lock-free or briefly
// locked buffer that another goroutine fills.
func OpenPlayback(cfg Config, fill func(out []int16)) (*Playback, error) {
	if fill == nil {
		panic("audiodev: OpenPlayback: nil fill")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, err := newContext(cfg.Backend)
	if err != nil {
		return nil, err
	}
	p := &Playback{cfg: cfg, ctx: ctx}
	if err := p.init(fill); err != nil {
		freeContext(ctx)
		return nil, err
	}
	return p, nil
}

func (p *Playback) init(fill func(out []int16)) error {
	id, err := findDevice(p.ctx, malgo.Playback, p.cfg.Device)
	if err != nil {
		return err
	}
	defer freeID(id)
	dc := malgo.DefaultDeviceConfig(malgo.Playback)
	dc.Playback.Format = malgo.FormatS16
	dc.Playback.Channels = 1
	dc.Playback.DeviceID = id
	dc.SampleRate = uint32(p.cfg.SampleRate)
	dc.PeriodSizeInMilliseconds = uint32(p.cfg.PeriodMs)
	p.dev, err = malgo.InitDevice(p.ctx.Context, dc, malgo.DeviceCallbacks{
		Data: func(out, _ []byte, _ uint32) {
			if len(out) < 2 {
				return
			}
			// View the device's s16 buffer as []int16 (little-endian
			// host, and miniaudio aligns its buffers), so fill writes
			// straight into it without a copy or an allocation.
			fill(unsafe.Slice((*int16)(unsafe.Pointer(&out[0])), len(out)/2))
		},
	})
	if err != nil {
		return fmt.Errorf("audiodev: opening playback device %q: %w", p.cfg.Device, err)
	}
	return nil
}

// SampleRate returns the device rate in Hz.
func (p *Playback) SampleRate() int { return p.cfg.SampleRate }

// Start starts playback (fill begins to be called). It is idempotent.
func (p *Playback) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errClosed
	}
	if p.dev.IsStarted() {
		return nil
	}
	if err := p.dev.Start(); err != nil {
		return fmt.Errorf("audiodev: starting playback: %w", err)
	}
	return nil
}

// Stop stops playback; fill is not called again until Start.
func (p *Playback) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || !p.dev.IsStarted() {
		return nil
	}
	if err := p.dev.Stop(); err != nil {
		return fmt.Errorf("audiodev: stopping playback: %w", err)
	}
	return nil
}

// Close stops and releases the device.
func (p *Playback) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.dev.Uninit()
	freeContext(p.ctx)
	return nil
}
