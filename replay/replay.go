package replay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/presence"
	"github.com/wakegate/wakegate/upstream"
	"github.com/wakegate/wakegate/voiceservice"
	"github.com/wakegate/wakegate/wakeword"
)

// Options configure one replay.
type Options struct {
	Input       string       // WAV file (any rate, channels, PCM or float)
	Paced       bool         // replay in real time (demo) instead of as fast as possible
	WakeWords   []string     // wake-word files (templates or models)
	Sensitivity float64      // 0 = the files' defaults
	Gate        agent.Config // gate timing (Lockstep is forced on)
	Events      []agent.ScheduledControl
	// The reference service's follow-up policy: answer with ExpectSpeech for
	// up to ExpectSpeechTurns consecutive turns.
	ExpectSpeech      time.Duration
	ExpectSpeechTurns int
	// Verifier is the service's second wake-word check (nil: none).
	Verifier voiceservice.Verifier
	// Sidecars are audio-free detectors run on every hop (alarm sounds).
	Sidecars []agent.Sidecar
	// Presence enables ultrasonic presence detection: the input is read at
	// 48 kHz (it must carry the pilot band) and the pilot generator is
	// stopped and restarted with the microphone.
	Presence       bool
	PresenceConfig presence.Config // zero: presence.DefaultConfig()
	// OnMute, if set, is called when the replayed mute switch stops (true)
	// and restarts (false) the microphone: it switches the pilot tone.
	OnMute func(muted bool)
	// Indicator also receives every indicator change (e.g. a terminal).
	Indicator agent.Indicator
	// DataDir keeps the service's stored interactions; "" uses a temporary
	// directory that is removed afterwards.
	DataDir string
	Log     *slog.Logger
}

// Result is the outcome of a replay.
type Result struct {
	agent.Snapshot
	// Records are the reference service's records, audio included, in the
	// order the streams arrived.
	Records []voiceservice.Record `json:"-"`
	// ServiceEvents are the audio-free events (presence, alarm, mute) the
	// reference service received through the unary ReportEvent call.
	ServiceEvents []voiceservice.Event `json:"-"`
}

// Run replays opts.Input through the pipeline.
func Run(ctx context.Context, opts Options) (*Result, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rate := agent.SampleRate
	var pres agent.Presence
	if opts.Presence {
		pc := opts.PresenceConfig
		if pc == (presence.Config{}) {
			pc = presence.DefaultConfig()
		}
		d, err := presence.New(pc)
		if err != nil {
			return nil, err
		}
		pres, rate = agent.PresenceDetector(d), pc.SampleRate
	}
	src, err := capture.OpenFile(opts.Input, capture.FileOptions{Paced: opts.Paced, Rate: rate})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var det agent.Detector
	if len(opts.WakeWords) > 0 {
		d, err := wakeword.LoadAll(opts.WakeWords, wakeword.Options{Sensitivity: opts.Sensitivity})
		if err != nil {
			return nil, err
		}
		det = d
	}

	dataDir := opts.DataDir
	if dataDir == "" {
		dir, err := os.MkdirTemp("", "wakegate-replay-")
		if err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
		defer os.RemoveAll(dir)
		dataDir = dir
	}
	svc, err := voiceservice.New(voiceservice.Config{
		DataDir:             dataDir,
		ExpectSpeechTimeout: opts.ExpectSpeech,
		ExpectSpeechTurns:   opts.ExpectSpeechTurns,
		Verifier:            opts.Verifier,
		Logger:              log.With("component", "service"),
	})
	if err != nil {
		return nil, err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("replay: listen on loopback: %w", err)
	}
	sctx, stopService := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- svc.Serve(sctx, lis, voiceservice.ServeOptions{GracePeriod: time.Second}) }()
	defer func() {
		stopService()
		<-served
	}()

	cfg := opts.Gate
	cfg.Lockstep = true
	cfg.CaptureRate = rate
	if cfg.DeviceID == "" {
		cfg.DeviceID = "replay"
	}
	client, err := upstream.Dial(upstream.Config{Addr: lis.Addr().String(), DeviceID: cfg.DeviceID, Plaintext: true})
	if err != nil {
		return nil, err
	}
	defer client.Close()

	ind := agent.Indicator(nopIndicator{})
	if opts.Indicator != nil {
		ind = opts.Indicator
	}
	a, err := agent.New(cfg, agent.Deps{
		Source:    src,
		Detector:  det,
		VAD:       dsp.NewVAD(dsp.DefaultVADConfig()),
		Indicator: ind,
		Upstream:  client,
		Sidecars:  opts.Sidecars,
		Presence:  pres,
		OnMute:    opts.OnMute,
		Log:       log.With("component", "agent"),
	}, false)
	if err != nil {
		return nil, err
	}
	if err := a.Replay(ctx, opts.Events); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Replay returns after every ReportEvent call has finished.
	res := &Result{Snapshot: a.Ledger.Snapshot(), Records: svc.Records(), ServiceEvents: svc.Events()}
	if res.Streams == nil {
		res.Streams = []agent.StreamRecord{}
	}
	if res.Events == nil {
		res.Events = []agent.EventRecord{}
	}
	byID := map[string]voiceservice.Record{}
	for _, r := range res.Records {
		byID[r.ID] = r
	}
	for i := range res.Streams {
		r, ok := byID[res.Streams[i].ID]
		if !ok {
			if res.Streams[i].Bytes > 0 {
				return nil, errors.New("replay: the service has no record of stream " + res.Streams[i].ID)
			}
			continue
		}
		res.Streams[i].Bytes = r.Bytes // what the service actually received
	}
	return res, nil
}

type nopIndicator struct{}

func (nopIndicator) Set(leds.State) {}
