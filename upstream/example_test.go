package upstream_test

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wakegate/wakegate/upstream"
)

// A device streams one button interaction: Open, Send every 20 ms chunk,
// End when the service says StopCapture (or on the device's own endpoint),
// then Wait for the service's follow-up decision.
func ExampleClient_Open() {
	c, err := upstream.Dial(upstream.Config{Addr: "127.0.0.1:7443", DeviceID: "kitchen", Token: "secret", Plaintext: true})
	if err != nil {
		slog.Error("dial", "err", err)
		return
	}
	defer c.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // bounds the opening only
	defer cancel()
	stop := make(chan struct{}, 1)
	s, err := c.Open(ctx, upstream.Start{InteractionID: "kitchen-0001", Trigger: upstream.TriggerButton}, func(m upstream.Message) {
		if m.StopCapture {
			select {
			case stop <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		slog.Error("service unreachable: show the error light", "err", err)
		return
	}
	chunks := make(chan []int16) // from the capture loop
	reason := upstream.EndEndpoint
loop:
	for {
		select {
		case <-stop:
			reason = upstream.EndServiceStop
			break loop
		case pcm, ok := <-chunks:
			if !ok {
				break loop
			}
			if err := s.Send(pcm); errors.Is(err, upstream.ErrQueueFull) {
				reason = upstream.EndError // P6: drop the audio, fail visibly
				break loop
			}
		}
	}
	s.End(reason, "")
	res, err := s.Wait(context.Background())
	if err == nil && res.ExpectSpeech > 0 {
		slog.Info("open a follow-up window", "for", res.ExpectSpeech)
	}
}
