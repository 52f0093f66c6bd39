package main

import (
	"log/slog"
	"sync"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/audiodev"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/presence"
)

// presenceRate is the capture and playback rate presence needs: the pilot
// (18-22 kHz) must lie below its Nyquist frequency.
const presenceRate = 48000

// livePresence is ultrasonic presence detection on the microphone: the
// detector, and the pilot tone played through the speaker, which the mute
// switch stops together with the microphone.
type livePresence struct {
	det  agent.Presence
	play *audiodev.Playback
	cfg  presence.Config

	mu    sync.Mutex // guards pilot between the audio thread and OnMute
	pilot *presence.Pilot
}

// openPresence starts presence detection if the configuration enables it
// and the hardware can do it; otherwise it logs one line and returns nil.
func openPresence(c config.Config, muted bool, log *slog.Logger) *livePresence {
	if !c.Presence.Enabled {
		return nil
	}
	if c.Audio.Input != "" {
		log.Warn("presence detection disabled: it needs the microphone and speaker, not a file or stdin")
		return nil
	}
	pc := presence.DefaultConfig()
	pc.PilotHz, pc.Hold = c.Presence.PilotHz, c.Presence.Hold.Duration
	// miniaudio would resample a 16 kHz-only card to 48 kHz without a word,
	// and the pilot would never reach the air or the capture: ask the
	// devices for their native rates first.
	rate := presenceRate
	for _, dc := range []struct {
		device  string
		capture bool
	}{{"", false}, {c.Audio.Device, true}} {
		r, err := audiodev.MaxNativeRate(audiodev.Config{Device: dc.device, Backend: c.Audio.Backend, SampleRate: presenceRate}, dc.capture)
		if err != nil {
			log.Debug("presence: native rates unknown", "capture", dc.capture, "err", err)
		} else if r > 0 {
			rate = min(rate, r)
		}
	}
	d := presence.Enable(pc, rate, log)
	if d == nil {
		return nil
	}
	lp := &livePresence{cfg: pc}
	play, err := audiodev.OpenPlayback(audiodev.Config{SampleRate: presenceRate, Backend: c.Audio.Backend, PeriodMs: 10}, lp.fill)
	if err != nil {
		log.Warn("presence detection disabled: cannot play the pilot tone", "err", err)
		return nil
	}
	lp.det, lp.play = agent.PresenceDetector(d), play
	if !muted {
		lp.switchPilot(false)
	}
	return lp
}

// fill runs on the audio thread: the next samples of the pilot, or silence.
func (lp *livePresence) fill(out []int16) {
	lp.mu.Lock()
	p := lp.pilot
	if p != nil {
		p.Fill(out)
	}
	lp.mu.Unlock()
	if p == nil {
		clear(out)
	}
}

// switchPilot is the agent's OnMute: mute fades the pilot out (within one
// 10 ms period) and stops playback; unmute starts a new pilot with a fade-in.
func (lp *livePresence) switchPilot(muted bool) {
	lp.mu.Lock()
	if muted {
		if lp.pilot != nil {
			lp.pilot.Stop()
		}
	} else {
		lp.pilot = presence.PilotTone(lp.cfg)
	}
	lp.mu.Unlock()
	if !muted {
		if err := lp.play.Start(); err != nil {
			slog.Error("pilot tone", "err", err)
		}
	}
}

func (lp *livePresence) close() {
	lp.play.Close()
}
