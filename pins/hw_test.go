package pins

import (
	"context"
	"flag"
	"sync"
	"testing"
	"time"
)

// Hardware smoke test, skipped unless -hw is given, e.g. on a Pi with a
// ReSpeaker 2-Mics HAT (button on GPIO17, active low):
//
//	go test ./pins -run Hardware -hw -hw.button=GPIO17 -v
//
// then tap and hold the button within 15 s.
var (
	hw       = flag.Bool("hw", false, "run tests that need real hardware")
	hwButton = flag.String("hw.button", "GPIO17", "action button pin (active low)")
	hwMute   = flag.String("hw.mute", "", "mute switch pin (active low), '' to skip")
)

func TestHardwareControls(t *testing.T) {
	if !*hw {
		t.Skip("needs -hw and a button on a GPIO")
	}
	if err := InitHost(); err != nil {
		t.Fatal(err)
	}
	btn, err := Lookup(*hwButton)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var (
		mu     sync.Mutex
		events []Event
		wg     sync.WaitGroup
	)
	emit := func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		t.Logf("%s held %v", e.Kind, e.Held)
		events = append(events, e)
	}
	wg.Go(func() {
		if err := (&Button{Pin: btn, ActiveLow: true}).Run(ctx, emit); err != nil {
			t.Error(err)
		}
	})
	if *hwMute != "" {
		mp, err := Lookup(*hwMute)
		if err != nil {
			t.Fatal(err)
		}
		m := &MuteSwitch{Pin: mp, ActiveLow: true}
		muted, err := m.Init()
		t.Logf("mute switch at start: muted=%v err=%v", muted, err)
		wg.Go(func() {
			if err := m.Run(ctx, emit); err != nil {
				t.Error(err)
			}
		})
	}
	t.Log("tap, then hold the button (15 s)")
	<-ctx.Done()
	start := time.Now()
	wg.Wait()
	t.Logf("loops returned %v after the deadline", time.Since(start))
	if len(events) == 0 {
		t.Error("no events in 15 s")
	}
}
