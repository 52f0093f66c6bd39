//go:build cgo

package audiodev

import (
	"errors"
	"flag"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gen2brain/malgo"
	"github.com/wakegate/wakegate/capture"
)

var hw = flag.Bool("hw", false, "run tests on real sound hardware (default devices)")

// null is the configuration every non-hardware test uses: miniaudio's null
// backend delivers silence on a clock, with no sound card.
var null = Config{Backend: "null", SampleRate: 16000, PeriodMs: 10}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{SampleRate: 44100, Backend: "null"}, "sample rate 44100 Hz"},
		{Config{PeriodMs: 5, Backend: "null"}, "period 5 ms"},
		{Config{PeriodMs: 500, Backend: "null"}, "period 500 ms"},
		{Config{Backend: "coreaudio"}, `unknown backend "coreaudio"`},
		{Config{Backend: "null", Device: "no such mic"}, `no capture device matches "no such mic"; available: "NULL Capture Device"`},
	}
	for _, tc := range tests {
		c, err := OpenCapture(tc.cfg)
		if err == nil {
			c.Close()
			t.Errorf("OpenCapture(%+v) succeeded", tc.cfg)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "audiodev: ") {
			t.Errorf("OpenCapture(%+v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestDevicesNull(t *testing.T) {
	t.Parallel()
	c, p, err := Devices("null")
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 1 || c[0].Name != "NULL Capture Device" || len(p) != 1 || p[0].Name != "NULL Playback Device" {
		t.Errorf("Devices(null) = %+v, %+v", c, p)
	}
}

// TestCaptureNull runs the capture life cycle on the null backend: nothing
// before Start, real-time delivery, Stop waking a blocked Read with nothing
// buffered left, restart, Close.
func TestCaptureNull(t *testing.T) {
	t.Parallel()
	cfg := null
	cfg.Device = "null capture" // exercises name matching
	c, err := OpenCapture(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	hop := make([]int16, 160) // 10 ms
	if n, err := c.Read(hop); n != 0 || err != capture.ErrStopped {
		t.Fatalf("Read before Start = %d, %v", n, err)
	}
	// The clock starts before Start: no audio exists earlier, so a stall
	// between Start and the first Read cannot make delivery look fast.
	t0 := time.Now()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil { // idempotent
		t.Fatal(err)
	}
	for range 5 {
		if n, err := c.Read(hop); n != 160 || err != nil {
			t.Fatalf("Read = %d, %v", n, err)
		}
	}
	// 5 hops are 50 ms of audio; the device clock cannot deliver them much
	// faster than real time (10 ms of slack: the first period may already
	// be queued).
	if d := time.Since(t0); d < 40*time.Millisecond {
		t.Errorf("50 ms of audio arrived in %v", d)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]int16, 16000)) // 1 s: still blocked at Stop
		done <- err
	}()
	time.Sleep(30 * time.Millisecond)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != capture.ErrStopped {
			t.Fatalf("blocked Read after Stop: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Stop did not wake the blocked Read")
	}
	time.Sleep(30 * time.Millisecond) // callbacks would have run by now
	if n := c.ring.Buffered(); n != 0 {
		t.Errorf("%d samples buffered while stopped", n)
	}
	if n, err := c.Read(hop); n != 0 || err != capture.ErrStopped {
		t.Fatalf("Read while stopped = %d, %v", n, err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Read(hop); n != 160 || err != nil {
		t.Fatalf("Read after restart = %d, %v", n, err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(hop); err != capture.ErrClosed {
		t.Errorf("Read after Close: %v", err)
	}
	if err := c.Start(); !errors.Is(err, capture.ErrClosed) {
		t.Errorf("Start after Close: %v", err)
	}
}

// TestCapture48k checks that a 48 kHz device still delivers 16 kHz through
// Read, at the real-time rate.
func TestCapture48k(t *testing.T) {
	t.Parallel()
	cfg := null
	cfg.SampleRate = 48000
	c, err := OpenCapture(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t0 := time.Now() // before Start, as in TestCaptureNull
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, 1600) // 100 ms at 16 kHz
	for range 2 {
		if n, err := c.Read(buf); n != 1600 || err != nil {
			t.Fatalf("Read = %d, %v", n, err)
		}
	}
	if d := time.Since(t0); d < 180*time.Millisecond {
		t.Errorf("200 ms at 16 kHz arrived in %v: not converted from 48 kHz", d)
	}
	if got := c.Delivered(); got < 2*4800 {
		t.Errorf("Delivered %d native samples, want ≥ 9600", got)
	}
	res := make(chan error, 1)
	go func() { _, err := c.Read(make([]int16, 16000)); res <- err }()
	time.Sleep(20 * time.Millisecond)
	c.Stop()
	if err := <-res; err != capture.ErrStopped {
		t.Errorf("48 kHz Read after Stop: %v", err)
	}
	for _, v := range c.pending {
		if v != 0 {
			t.Fatal("converted audio left after Stop")
		}
	}
}

func TestPlaybackNull(t *testing.T) {
	t.Parallel()
	var calls, samples atomic.Int64
	p, err := OpenPlayback(null, func(out []int16) {
		calls.Add(1)
		samples.Add(int64(len(out)))
		for i := range out {
			out[i] = 0
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	n := calls.Load()
	if n < 3 || samples.Load() < 3*160 {
		t.Errorf("fill called %d times for %d samples in 200 ms", n, samples.Load())
	}
	time.Sleep(50 * time.Millisecond)
	if calls.Load() != n {
		t.Errorf("fill called after Stop")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err == nil {
		t.Error("Start after Close succeeded")
	}
}

// TestMaxNativeRate: the null backend's devices take any rate (0); a
// device that does not exist is an error; a device's native formats give
// its highest rate, and one format without a rate means any.
func TestMaxNativeRate(t *testing.T) {
	t.Parallel()
	for _, capt := range []bool{true, false} {
		if r, err := MaxNativeRate(Config{Backend: "null"}, capt); r != 0 || err != nil {
			t.Errorf("null backend (capture %v): %d, %v; want 0 (any), nil", capt, r, err)
		}
		if r, err := MaxNativeRate(Config{Backend: "null", Device: "NULL"}, capt); r != 0 || err != nil {
			t.Errorf("null device by name (capture %v): %d, %v", capt, r, err)
		}
	}
	if _, err := MaxNativeRate(Config{Backend: "null", Device: "no such card"}, true); err == nil || !strings.Contains(err.Error(), `no capture device matches "no such card"`) {
		t.Errorf("unknown device: %v", err)
	}
	if _, err := MaxNativeRate(Config{Backend: "coreaudio"}, false); err == nil {
		t.Error("unknown backend accepted")
	}
	for _, tc := range []struct {
		rates []uint32
		want  int
	}{
		{nil, 0},
		{[]uint32{16000}, 16000},
		{[]uint32{8000, 16000}, 16000},
		{[]uint32{16000, 48000, 44100}, 48000},
		{[]uint32{16000, 0}, 0},
	} {
		var fs []malgo.DataFormat
		for _, r := range tc.rates {
			fs = append(fs, malgo.DataFormat{Format: malgo.FormatS16, Channels: 1, SampleRate: r})
		}
		if got := maxRate(fs); got != tc.want {
			t.Errorf("maxRate(%v) = %d, want %d", tc.rates, got, tc.want)
		}
	}
}

// TestHardware records half a second from the default microphone and plays
// a short beep; run with -hw on a machine with sound hardware.
func TestHardware(t *testing.T) {
	if !*hw {
		t.Skip("hardware test; run with -hw")
	}
	caps, plays, err := Devices("")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("capture devices: %+v", caps)
	t.Logf("playback devices: %+v", plays)
	for _, capt := range []bool{true, false} {
		r, err := MaxNativeRate(Config{}, capt)
		t.Logf("highest native rate (capture %v): %d Hz (0: any or unknown), err %v", capt, r, err)
	}
	c, err := OpenCapture(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Start()
	buf := make([]int16, 8000)
	if n, err := c.Read(buf); n != len(buf) || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	var peak int16
	for _, v := range buf {
		peak = max(peak, v, -v)
	}
	t.Logf("peak over 0.5 s: %d, overruns %d", peak, c.Overruns())
	c.Stop()
	phase := 0
	p, err := OpenPlayback(Config{}, func(out []int16) {
		for i := range out {
			phase++
			out[i] = int16(4000 * ((phase/18)%2*2 - 1)) // ~440 Hz square at 16 kHz
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Start()
	time.Sleep(300 * time.Millisecond)
	p.Stop()
}

// TestStopStartDuringRead checks that a Read spanning a Stop and a quick
// Start fails instead of handing back audio from before the Stop.
func TestStopStartDuringRead(t *testing.T) {
	t.Parallel()
	for _, rate := range []int{16000, 48000} {
		cfg := null
		cfg.SampleRate = rate
		c, err := OpenCapture(cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.Start()
		res := make(chan error, 1)
		go func() { _, err := c.Read(make([]int16, 8000)); res <- err }() // 0.5 s
		time.Sleep(100 * time.Millisecond)
		c.Stop()
		c.Start()
		if err := <-res; err != capture.ErrStopped {
			t.Errorf("%d Hz: Read across Stop+Start: %v, want ErrStopped", rate, err)
		}
		c.Close()
	}
}
