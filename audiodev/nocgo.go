//go:build !cgo

package audiodev

import (
	"errors"

	"github.com/wakegate/wakegate/capture"
)

// ErrNoCgo is returned by every device function of a binary built with
// CGO_ENABLED=0: sound devices need cgo (miniaudio). The rest of Wakegate
// (replay, tools) works without it.
var ErrNoCgo = errors.New("audiodev: built without cgo: no sound device support")

// Devices is unavailable without cgo.
func Devices(backend string) (capture, playback []DeviceInfo, err error) {
	return nil, nil, ErrNoCgo
}

// MaxNativeRate is unavailable without cgo.
func MaxNativeRate(cfg Config, capture bool) (int, error) { return 0, ErrNoCgo }

// Capture is unavailable without cgo.
type Capture struct{}

var _ capture.Source = (*Capture)(nil)

// OpenCapture is unavailable without cgo.
func OpenCapture(cfg Config) (*Capture, error) { return nil, ErrNoCgo }

// Read implements capture.Source.
func (*Capture) Read([]int16) (int, error) { return 0, ErrNoCgo }

// ReadNative is unavailable without cgo.
func (*Capture) ReadNative([]int16) (int, error) { return 0, ErrNoCgo }

// Start implements capture.Source.
func (*Capture) Start() error { return ErrNoCgo }

// Stop implements capture.Source.
func (*Capture) Stop() error { return nil }

// Close implements capture.Source.
func (*Capture) Close() error { return nil }

// SampleRate returns 0 without cgo.
func (*Capture) SampleRate() int { return 0 }

// Overruns returns 0 without cgo.
func (*Capture) Overruns() int64 { return 0 }

// Delivered returns 0 without cgo.
func (*Capture) Delivered() int64 { return 0 }

// Playback is unavailable without cgo.
type Playback struct{}

// OpenPlayback is unavailable without cgo.
func OpenPlayback(cfg Config, fill func(out []int16)) (*Playback, error) { return nil, ErrNoCgo }

// SampleRate returns 0 without cgo.
func (*Playback) SampleRate() int { return 0 }

// Start is unavailable without cgo.
func (*Playback) Start() error { return ErrNoCgo }

// Stop does nothing without cgo.
func (*Playback) Stop() error { return nil }

// Close does nothing without cgo.
func (*Playback) Close() error { return nil }
