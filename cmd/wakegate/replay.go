package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/presence"
	"github.com/wakegate/wakegate/replay"
	_ "github.com/wakegate/wakegate/wakeword/nn"       // registers trained models
	_ "github.com/wakegate/wakegate/wakeword/template" // registers personal templates
)

// annotation is the part of a fixture annotation (NAME.json beside the WAV)
// that configures a replay.
type annotation struct {
	Events  string `json:"events"`
	Service struct {
		ExpectSpeechMs    int `json:"expect_speech_ms"`
		ExpectSpeechTurns int `json:"expect_speech_turns"`
	} `json:"service"`
	Segments json.RawMessage `json:"segments"`
}

// readAnnotation returns the fixture annotation beside wavPath, if any.
func readAnnotation(wavPath string) (*annotation, string, error) {
	p := strings.TrimSuffix(wavPath, filepath.Ext(wavPath)) + ".json"
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var a annotation
	if err := json.Unmarshal(b, &a); err != nil || a.Segments == nil {
		return nil, "", nil // some other JSON file, not a fixture annotation
	}
	return &a, p, nil
}

func replayMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("replay", "replay [flags] FILE.wav", stderr)
	var words stringList
	fs.Var(&words, "wakeword", "wake-word `FILE` (template or model; repeatable; default: the config's)")
	configPath := fs.String("config", "", "configuration `FILE` (default "+defaultConfigHint+")")
	preroll := fs.Duration("preroll", 0, "pre-roll before the wake word (default: the config's, 500ms; at most 1s)")
	eventsPath := fs.String("events", "", "events `FILE`: lines \"<seconds> button|cancel|mute|unmute\"")
	asJSON := fs.Bool("json", false, "print exactly one JSON object: the egress ledger")
	expect := fs.Duration("expect-speech", 0, "make the reference service ask for follow-up speech for this long")
	turns := fs.Int("expect-speech-turns", 1, "how many follow-ups in a row the service asks for")
	noAnn := fs.Bool("no-annotation", false, "ignore a fixture annotation (FILE.json) beside the WAV")
	dataDir := fs.String("data", "", "keep the service's stored interactions (WAV + JSON) in `DIR`")
	verbose := fs.Bool("v", false, "log the pipeline's decisions to stderr")
	presenceOn := fs.Bool("presence", false, "detect presence from the ultrasonic pilot (the input must be 48 kHz)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: replay takes one WAV file", errUsage)
	}
	input := fs.Arg(0)
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	opts := replay.Options{
		Input:       input,
		WakeWords:   cfg.WakeWord.Files,
		Sensitivity: cfg.WakeWord.Sensitivity,
		Gate:        gateConfig(cfg),
		DataDir:     *dataDir,
	}
	if len(words) > 0 {
		opts.WakeWords = words
	}
	if *preroll != 0 {
		opts.Gate.Preroll = *preroll
	}
	if !*noAnn {
		ann, annPath, err := readAnnotation(input)
		if err != nil {
			return err
		}
		if ann != nil {
			if ann.Events != "" && *eventsPath == "" {
				*eventsPath = filepath.Join(filepath.Dir(annPath), ann.Events)
			}
			if ann.Service.ExpectSpeechMs > 0 && *expect == 0 {
				*expect = time.Duration(ann.Service.ExpectSpeechMs) * time.Millisecond
				*turns = ann.Service.ExpectSpeechTurns
			}
		}
	}
	if *expect > 0 {
		opts.ExpectSpeech, opts.ExpectSpeechTurns = *expect, *turns
	}
	if opts.WakeWords, err = resolveWakeWords(opts.WakeWords); err != nil {
		return err
	}
	if *eventsPath != "" {
		f, err := os.Open(*eventsPath)
		if err != nil {
			return err
		}
		opts.Events, err = agent.ParseEvents(f, *eventsPath)
		f.Close()
		if err != nil {
			return err
		}
	}
	if *verbose {
		opts.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	opts.Sidecars = sidecars(cfg)
	if *presenceOn {
		opts.Presence = true
		opts.PresenceConfig = presence.DefaultConfig()
		opts.PresenceConfig.PilotHz = cfg.Presence.PilotHz
		opts.PresenceConfig.Hold = cfg.Presence.Hold.Duration
	}
	res, err := replay.Run(ctx, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		return enc.Encode(res.Snapshot)
	}
	printLedger(stdout, res.Snapshot)
	return nil
}

func seconds(sample int64) string { return fmt.Sprintf("%7.2fs", float64(sample)/agent.SampleRate) }

// printLedger writes the ledger for people.
func printLedger(w io.Writer, s agent.Snapshot) {
	fmt.Fprintln(w, "indicator:")
	for _, r := range s.Indicators {
		fmt.Fprintf(w, "  %s  %s\n", seconds(r.Sample), r.State)
	}
	if len(s.Events) > 0 {
		fmt.Fprintln(w, "events (no audio):")
		for _, e := range s.Events {
			fmt.Fprintf(w, "  %s  %s\n", seconds(e.Sample), e.Kind)
		}
	}
	if len(s.Streams) == 0 {
		fmt.Fprintln(w, "streams: none — no audio left the device")
	} else {
		fmt.Fprintln(w, "streams (what left the device):")
	}
	for _, r := range s.Streams {
		fmt.Fprintf(w, "  %s → %s  %-8s", seconds(r.StartSample), seconds(r.EndSample), r.Trigger)
		if r.Trigger == "wakeword" {
			fmt.Fprintf(w, " %q at %s (pre-roll %d ms)", r.WakeWord, strings.TrimSpace(seconds(r.WakeStartSample)), r.PrerollMs)
		}
		fmt.Fprintf(w, "  %d bytes, ended: %s", r.Bytes, r.EndReason)
		if r.Error != "" {
			fmt.Fprintf(w, " (%s)", r.Error)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "frames read while muted: %d\n", s.FramesReadWhileMuted)
}
