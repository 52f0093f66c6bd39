//go:build cgo

package audiodev

/*
#include <stdlib.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// backendNull is miniaudio's null backend. malgo's Backend constants skip
// ma_backend_custom, so malgo.BackendNull is really "custom" and fails with
// "No backend"; the real null backend is the next value (STYLE.md §3).
const backendNull = malgo.Backend(malgo.BackendNull + 1)

// backends maps a Config.Backend name to miniaudio's backend list.
func backends(name string) ([]malgo.Backend, error) {
	switch strings.ToLower(name) {
	case "":
		return []malgo.Backend{malgo.BackendPulseaudio, malgo.BackendAlsa}, nil
	case "alsa":
		return []malgo.Backend{malgo.BackendAlsa}, nil
	case "pulse", "pulseaudio":
		return []malgo.Backend{malgo.BackendPulseaudio}, nil
	case "null":
		return []malgo.Backend{backendNull}, nil
	}
	return nil, checkBackend(name)
}

// newContext initialises a miniaudio context for the named backend.
func newContext(backend string) (*malgo.AllocatedContext, error) {
	bs, err := backends(backend)
	if err != nil {
		return nil, err
	}
	ctx, err := malgo.InitContext(bs, malgo.ContextConfig{}, func(msg string) {
		slog.Debug("audiodev: miniaudio", "msg", strings.TrimSpace(msg))
	})
	if err != nil {
		return nil, fmt.Errorf("audiodev: backend %q: %w", backendName(backend), err)
	}
	return ctx, nil
}

func backendName(b string) string {
	if b == "" {
		return "pulse, alsa"
	}
	return b
}

func freeContext(ctx *malgo.AllocatedContext) {
	if err := ctx.Uninit(); err != nil {
		slog.Warn("audiodev: context uninit", "err", err)
	}
	ctx.Free()
}

// Devices lists the capture and playback devices of a backend.
func Devices(backend string) (capture, playback []DeviceInfo, err error) {
	ctx, err := newContext(backend)
	if err != nil {
		return nil, nil, err
	}
	defer freeContext(ctx)
	c, err := ctx.Devices(malgo.Capture)
	if err != nil {
		return nil, nil, fmt.Errorf("audiodev: listing capture devices: %w", err)
	}
	p, err := ctx.Devices(malgo.Playback)
	if err != nil {
		return nil, nil, fmt.Errorf("audiodev: listing playback devices: %w", err)
	}
	return infos(c), infos(p), nil
}

func infos(ds []malgo.DeviceInfo) []DeviceInfo {
	out := make([]DeviceInfo, len(ds))
	for i := range ds {
		out[i] = DeviceInfo{Name: ds[i].Name(), ID: ds[i].ID.String(), Default: ds[i].IsDefault != 0}
	}
	return out
}

// findDevice resolves Config.Device to a device ID; nil means default. The
// returned pointer is C memory the caller frees with C.free once the device
// is initialised (miniaudio copies the ID).
func findDevice(ctx *malgo.AllocatedContext, kind malgo.DeviceType, want string) (unsafe.Pointer, error) {
	if want == "" {
		return nil, nil
	}
	ds, err := ctx.Devices(kind)
	if err != nil {
		return nil, fmt.Errorf("audiodev: listing devices: %w", err)
	}
	i, err := pickDevice(ds, kind, want)
	if err != nil {
		return nil, err
	}
	return ds[i].ID.Pointer(), nil
}

// MaxNativeRate returns the highest sample rate at which the device that
// cfg selects (a capture device if capture is set, else playback) runs
// natively, without miniaudio resampling: a 16 kHz-only sound card reports
// 16000, and a pilot tone above its Nyquist frequency never reaches the
// air or the capture. 0 means any rate or unknown (the null backend, and
// sound servers that resample themselves).
func MaxNativeRate(cfg Config, capture bool) (int, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return 0, err
	}
	ctx, err := newContext(cfg.Backend)
	if err != nil {
		return 0, err
	}
	defer freeContext(ctx)
	kind := malgo.Playback
	if capture {
		kind = malgo.Capture
	}
	ds, err := ctx.Devices(kind)
	if err != nil {
		return 0, fmt.Errorf("audiodev: listing devices: %w", err)
	}
	i := -1
	if cfg.Device == "" {
		for j := range ds {
			if ds[j].IsDefault != 0 {
				i = j
				break
			}
		}
		if i < 0 && len(ds) > 0 {
			i = 0
		}
		if i < 0 {
			return 0, errors.New("audiodev: no device")
		}
	} else if i, err = pickDevice(ds, kind, cfg.Device); err != nil {
		return 0, err
	}
	info, err := ctx.DeviceInfo(kind, ds[i].ID, malgo.Shared)
	if err != nil {
		return 0, fmt.Errorf("audiodev: device info of %q: %w", ds[i].Name(), err)
	}
	return maxRate(info.Formats), nil
}

// maxRate is the highest rate among a device's native formats; 0 if one of
// them accepts any rate (miniaudio's 0) or none is known.
func maxRate(fs []malgo.DataFormat) int {
	best := 0
	for _, f := range fs {
		if f.SampleRate == 0 {
			return 0
		}
		best = max(best, int(f.SampleRate))
	}
	return best
}

// pickDevice returns the index in ds of the device named want: an exact
// (case-insensitive) name, or the only name that contains it.
func pickDevice(ds []malgo.DeviceInfo, kind malgo.DeviceType, want string) (int, error) {
	var names []string
	var hits []int
	for i := range ds {
		name := ds[i].Name()
		names = append(names, fmt.Sprintf("%q", name))
		if strings.EqualFold(name, want) {
			hits = []int{i}
			break
		}
		if strings.Contains(strings.ToLower(name), strings.ToLower(want)) {
			hits = append(hits, i)
		}
	}
	what := "capture"
	if kind == malgo.Playback {
		what = "playback"
	}
	switch len(hits) {
	case 0:
		if len(names) == 0 {
			return 0, fmt.Errorf("audiodev: no %s device matches %q: there are no %s devices", what, want, what)
		}
		return 0, fmt.Errorf("audiodev: no %s device matches %q; available: %s", what, want, strings.Join(names, ", "))
	case 1:
		return hits[0], nil
	}
	var amb []string
	for _, i := range hits {
		amb = append(amb, fmt.Sprintf("%q", ds[i].Name()))
	}
	return 0, fmt.Errorf("audiodev: %q matches several %s devices: %s", want, what, strings.Join(slices.Compact(amb), ", "))
}

// freeID releases an ID from findDevice.
func freeID(p unsafe.Pointer) {
	if p != nil {
		C.free(p)
	}
}
