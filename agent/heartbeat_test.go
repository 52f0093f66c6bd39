package agent_test

import (
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/leds/ledstest"
)

// TestHeartbeat: the systemd watchdog is fed from the audio loop. It beats
// while audio flows, stops when the source stalls (a stuck loop must get the
// service restarted), and beats again while muted, when no audio is read at
// all (a muted device must not be restarted).
func TestHeartbeat(t *testing.T) {
	pr, pw := io.Pipe()
	src := capture.NewRaw(pr)
	defer src.Close()
	var beats atomic.Int64
	a, err := agent.New(agent.Config{}, agent.Deps{
		Source: src, VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: &ledstest.Recorder{},
		Upstream: dial(t, closedPort(t), 0), Heartbeat: func() { beats.Add(1) },
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()

	stopFeed := make(chan struct{})
	fed := make(chan struct{})
	go func() { // silence, in 10 ms blocks, until told to stall
		defer close(fed)
		buf := make([]byte, 320)
		for {
			select {
			case <-stopFeed:
				return
			default:
			}
			if _, err := pw.Write(buf); err != nil {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	waitBeats := func(what string, n int64) {
		t.Helper()
		for deadline := time.Now().Add(3 * agent.HeartbeatEvery); beats.Load() < n; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d heartbeats, want at least %d within %v", what, beats.Load(), n, 3*agent.HeartbeatEvery)
			}
		}
	}
	waitBeats("capturing", 2)

	close(stopFeed) // the microphone stalls: Read blocks, the loop is stuck
	<-fed
	time.Sleep(agent.HeartbeatEvery / 2) // a beat in flight may still land
	stalled := beats.Load()
	time.Sleep(2 * agent.HeartbeatEvery)
	if got := beats.Load(); got != stalled {
		t.Fatalf("%d heartbeats while the source was stuck, want none", got-stalled)
	}

	a.SetMuted(true) // stops the source: no audio is read, but the loop is healthy
	waitBeats("muted", stalled+2)

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	pw.Close()
}
