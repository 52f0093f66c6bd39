package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/internal/soundgen"
	"github.com/wakegate/wakegate/presence"
	"github.com/wakegate/wakegate/wav"
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

// replayEvents runs `wakegate replay --json [args] FILE.wav` and returns the
// ledger's events.
func replayEvents(t *testing.T, cfg string, c soundgen.Case, args ...string) []agent.EventRecord {
	t.Helper()
	wavPath := filepath.Join(t.TempDir(), c.Name+".wav")
	if err := os.WriteFile(wavPath, wav.EncodeInt16(c.Rate, soundgen.ToInt16(c.Audio)), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	argv := append(append([]string{"replay", "--json", "--config", cfg}, args...), wavPath)
	if err := dispatch(context.Background(), argv, &out, &errOut); err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, errOut.String())
	}
	var ledger struct {
		Events  *[]agent.EventRecord `json:"events"`
		Streams []json.RawMessage    `json:"streams"`
	}
	if err := json.Unmarshal(out.Bytes(), &ledger); err != nil || ledger.Events == nil {
		t.Fatalf("not a ledger with an events list (%v): %s", err, out.String())
	}
	if len(ledger.Streams) != 0 {
		t.Fatalf("audio left the device: %s", out.String())
	}
	return *ledger.Events
}

// matches reports whether got are want's kinds, each within 0.5 s of its
// annotated time on the 16 kHz timeline.
func matches(got []agent.EventRecord, want []soundgen.Expected) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || math.Abs(float64(got[i].Sample)/agent.SampleRate-want[i].Time) > 0.5 {
			return false
		}
	}
	return true
}

// TestReplayJSONEvents: `wakegate replay --json` lists alarm events (on by
// default, off with [alarm] enabled = false) and, with --presence on a
// 48 kHz file, presence events with the configured hold time, all on the
// 16 kHz timeline.
func TestReplayJSONEvents(t *testing.T) {
	dir := t.TempDir()
	const hold = 2.0
	onCfg := writeConfig(t, dir, "127.0.0.1:1", "", "", false, func(c *config.Config) {
		c.Presence.Hold = config.Duration{Duration: time.Duration(hold * float64(time.Second))}
	})
	offDir := filepath.Join(dir, "off")
	if err := os.Mkdir(offDir, 0o755); err != nil {
		t.Fatal(err)
	}
	offCfg := writeConfig(t, offDir, "127.0.0.1:1", "", "", false, func(c *config.Config) { c.Alarm.Enabled = false })

	var smoke, walk soundgen.Case
	for _, c := range soundgen.AlarmCases(2) {
		if c.Name == "smoke_speech_0db" {
			smoke = c
		}
	}
	for _, c := range soundgen.PresenceCases(2, 20000, hold) {
		if c.Name == "walk" {
			walk = c
		}
	}
	if got := replayEvents(t, onCfg, smoke); !matches(got, smoke.Events) {
		t.Errorf("alarm on by default: events %+v, want %+v", got, smoke.Events)
	}
	if got := replayEvents(t, offCfg, smoke); len(got) != 0 {
		t.Errorf("[alarm] enabled = false: events %+v, want none", got)
	}
	if got := replayEvents(t, onCfg, walk, "--presence"); !matches(got, walk.Events) {
		t.Errorf("--presence: events %+v, want %+v", got, walk.Events)
	}
	if got := replayEvents(t, onCfg, walk); len(got) != 0 {
		t.Errorf("48 kHz file without --presence: events %+v, want none", got)
	}
}
