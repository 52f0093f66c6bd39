package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/presence"
)

// peak is the largest magnitude in x.
func peak(x []int16) int {
	p := 0
	for _, v := range x {
		p = max(p, int(v), -int(v))
	}
	return p
}

// TestLivePilotFollowsMute drives the live pilot on miniaudio's null
// playback device, whose audio thread pulls it every 10 ms while the test
// pulls it too: the mute (the agent's OnMute) silences it within one 10 ms
// period, and the unmute starts it again with its fade-in.
func TestLivePilotFollowsMute(t *testing.T) {
	c := config.Default()
	c.Audio.Backend = "null"
	c.Presence.Enabled = true
	var logBuf bytes.Buffer
	lp := openPresence(c, false, slog.New(slog.NewTextHandler(&logBuf, nil)))
	if lp == nil {
		t.Fatalf("presence not enabled on the null devices: %s", logBuf.String())
	}
	defer lp.close()
	level := int(presence.DefaultConfig().Level * 32767)
	period := make([]int16, presenceRate/100)
	tone := make([]int16, presenceRate/5) // 200 ms: past the 100 ms fade-in
	lp.fill(tone)
	if p := peak(tone[len(tone)-len(period):]); p < level*9/10 || p > level+1 {
		t.Fatalf("pilot peak %d before the mute, want about %d", p, level)
	}
	for range 3 {
		lp.switchPilot(true)
		lp.fill(period) // the fade-out: at most one period
		after := make([]int16, presenceRate/10)
		lp.fill(after)
		if p := peak(after); p != 0 {
			t.Fatalf("pilot still sounding one period after the mute (peak %d)", p)
		}
		time.Sleep(20 * time.Millisecond) // the device's own thread keeps pulling silence
		lp.switchPilot(false)
		lp.fill(tone)
		if p := peak(tone[len(tone)-len(period):]); p < level*9/10 {
			t.Fatalf("pilot peak %d after the unmute, want about %d", p, level)
		}
	}
	if strings.Contains(logBuf.String(), "disabled") {
		t.Errorf("unexpected log: %s", logBuf.String())
	}
}

// TestPresenceMutedAtStartHasNoPilot: a device muted at boot plays no
// pilot until the unmute.
func TestPresenceMutedAtStartHasNoPilot(t *testing.T) {
	c := config.Default()
	c.Audio.Backend = "null"
	c.Presence.Enabled = true
	lp := openPresence(c, true, quietLog())
	if lp == nil {
		t.Fatal("presence not enabled on the null devices")
	}
	defer lp.close()
	out := make([]int16, presenceRate/5)
	lp.fill(out)
	if p := peak(out); p != 0 {
		t.Fatalf("pilot playing while muted at start (peak %d)", p)
	}
	lp.switchPilot(false)
	lp.fill(out)
	if p := peak(out); p == 0 {
		t.Fatal("no pilot after the unmute")
	}
}
