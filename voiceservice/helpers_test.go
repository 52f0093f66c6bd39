package voiceservice

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wakegate/wakegate/upstream"
)

// quietLog keeps the service's per-interaction lines out of test output.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// startService runs a Service with cfg on a loopback port until the test
// ends and returns it with its address.
func startService(t *testing.T, cfg Config, opts ServeOptions) (*Service, string) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLog
	}
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := svc.Serve(ctx, lis, opts); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return svc, lis.Addr().String()
}

// dial returns an upstream client for addr, closed when the test ends.
func dial(t *testing.T, cfg upstream.Config) *upstream.Client {
	t.Helper()
	if cfg.DeviceID == "" {
		cfg.DeviceID = "test-device"
	}
	c, err := upstream.Dial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readWAV reads a 16-bit mono PCM WAV file.
func readWAV(t *testing.T, path string) (rate int, samples []int16) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("%s: not a RIFF/WAVE file", path)
	}
	var pcm []byte
	for p := 12; p+8 <= len(b); {
		id, n := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8 : min(p+8+n, len(b))]
		switch id {
		case "fmt ":
			if binary.LittleEndian.Uint16(body[0:]) != 1 || binary.LittleEndian.Uint16(body[2:]) != 1 || binary.LittleEndian.Uint16(body[14:]) != 16 {
				t.Fatalf("%s: want 16-bit mono PCM", path)
			}
			rate = int(binary.LittleEndian.Uint32(body[4:]))
		case "data":
			pcm = body
		}
		p += 8 + n + n%2 // chunks are padded to even sizes
	}
	samples = make([]int16, len(pcm)/2)
	if err := binary.Read(bytes.NewReader(pcm), binary.LittleEndian, samples); err != nil {
		t.Fatal(err)
	}
	return rate, samples
}

// fixture returns samples [from, to) of a committed replay fixture.
func fixture(t *testing.T, name string, from, to int) []int16 {
	t.Helper()
	rate, s := readWAV(t, "../testdata/fixtures/"+name)
	if rate != SampleRate {
		t.Fatalf("%s: rate %d", name, rate)
	}
	return s[from:min(to, len(s))]
}

// converse streams audio in chunks of chunk samples (stopping at a
// StopCapture when lockstep is set), ends the stream with endReason (or
// service_stop after a StopCapture) and returns the result and the number
// of samples sent. It may run on any goroutine.
func converse(t *testing.T, c *upstream.Client, st upstream.Start, audio []int16, chunk int, endReason string) (upstream.Result, int, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mu sync.Mutex
	stopped := false
	s, err := c.Open(ctx, st, func(m upstream.Message) {
		if m.StopCapture {
			mu.Lock()
			stopped = true
			mu.Unlock()
		}
	})
	if err != nil {
		return upstream.Result{}, 0, err
	}
	sent := 0
	for sent < len(audio) {
		mu.Lock()
		st := stopped
		mu.Unlock()
		if st {
			endReason = upstream.EndServiceStop
			break
		}
		n := min(chunk, len(audio)-sent)
		if err := s.Send(audio[sent : sent+n]); err != nil {
			s.End(upstream.EndError, "")
			s.Wait(ctx)
			return upstream.Result{}, sent, err
		}
		sent += n
	}
	if err := s.End(endReason, ""); err != nil {
		s.Wait(ctx)
		return upstream.Result{}, sent, err
	}
	res, err := s.Wait(ctx)
	return res, sent, err
}
