package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/audiodev"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/internal/sdnotify"
	"github.com/wakegate/wakegate/upstream"
	"github.com/wakegate/wakegate/wakeword"
)

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "run [flags]", stderr)
	configPath := fs.String("config", "", "configuration `FILE` (default "+defaultConfigHint+")")
	input := fs.String("input", "", "capture source: \"\" = microphone, \"-\" = raw 16 kHz s16le on stdin, or a WAV file (overrides audio.input)")
	var words stringList
	fs.Var(&words, "wakeword", "wake-word `FILE` (repeatable; overrides wakeword.files)")
	addr := fs.String("addr", "", "voice service address (overrides upstream.addr)")
	plaintext := fs.Bool("plaintext", false, "talk to the service without TLS (loopback only unless the config allows remote)")
	preroll := fs.Duration("preroll", 0, "pre-roll before the wake word (overrides gate.preroll; at most 1s)")
	backend := fs.String("backend", "", "audio backend: alsa, pulse or null (overrides audio.backend)")
	device := fs.String("device", "", "capture device name, or part of it (overrides audio.device; `wakegate devices` lists them)")
	paced := fs.Bool("paced", false, "replay a WAV --input in real time instead of as fast as possible (overrides audio.paced)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: wakegate run [flags]

Runs the device agent: captures audio (the microphone, a WAV file, or raw
16 kHz mono s16le on stdin), listens for the wake word, and streams to the
voice service only what the privacy gate allows. Settings come from the
configuration file (`+"`wakegate config`"+` explains every key); flags override it.
SIGTERM or Ctrl-C stops it; SIGHUP re-reads the configuration.

A WAV file without --paced is read as fast as the voice service takes it
(each chunk waits for the service's acknowledgement). With a file or stdin
as input, the run exits non-zero if an interaction failed (service down,
too slow, or ending it with an error).

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: run takes no arguments (did you mean --input %s?)", errUsage, fs.Arg(0))
	}
	// Flags override the file, on every (re)load.
	load := func() (config.Config, error) {
		c, err := loadConfig(*configPath)
		if err != nil {
			return c, err
		}
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "input":
				c.Audio.Input = *input
			case "wakeword":
				c.WakeWord.Files = words
			case "addr":
				c.Upstream.Addr = *addr
			case "plaintext":
				c.Upstream.Plaintext = *plaintext
			case "preroll":
				c.Gate.Preroll = config.Duration{Duration: *preroll}
			case "backend":
				c.Audio.Backend = *backend
			case "device":
				c.Audio.Device = *device
			case "paced":
				c.Audio.Paced = *paced
			}
		})
		return c, c.Validate()
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	return runReloading(ctx, cfg, load, stderr)
}

// runReloading runs the agent and restarts it with a freshly read
// configuration on SIGHUP (systemctl reload). A configuration that does not
// load is logged and the running one kept.
func runReloading(ctx context.Context, cfg config.Config, reload func() (config.Config, error), stderr io.Writer) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	defer sdnotify.Stopping()
	for {
		gctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- runAgent(gctx, cfg, stderr) }()
		for restart := false; !restart; {
			select {
			case err := <-done:
				cancel()
				return err
			case <-hup:
				sdnotify.Reloading()
				next, err := reload()
				if err != nil {
					slog.Error("reload failed: keeping the running configuration", "err", err)
					sdnotify.Ready()
					continue
				}
				cancel()
				if err := <-done; err != nil {
					return err
				}
				cfg, restart = next, true
				slog.Info("configuration reloaded")
			}
		}
	}
}

func newLogger(c config.Config, w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(c.Log.Level)) // validated by config
	o := &slog.HandlerOptions{Level: lv}
	if c.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// openSource opens the configured capture source; rate is 48000 when
// presence detection needs the microphone's ultrasonic band.
func openSource(c config.Config, rate int) (agent.Source, func() error, error) {
	switch c.Audio.Input {
	case "":
		cfg := audiodev.Config{Device: c.Audio.Device, PeriodMs: c.Audio.PeriodMs, Backend: c.Audio.Backend, SampleRate: rate}
		// Check the device now (a missing microphone is a start-up error),
		// but open it for capture only when the agent first starts it: a
		// device muted at boot never opens its microphone.
		if _, err := findCaptureDevice(cfg); err != nil {
			return nil, nil, err
		}
		l := &lazyMic{cfg: cfg}
		return l, l.Close, nil
	case "-":
		r := capture.NewRaw(os.Stdin)
		return r, r.Close, nil
	default:
		f, err := capture.OpenFile(c.Audio.Input, capture.FileOptions{Paced: c.Audio.Paced})
		if err != nil {
			return nil, nil, err
		}
		return f, f.Close, nil
	}
}

func readToken(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("upstream token: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// runAgent wires the configured parts and runs until ctx ends.
func runAgent(ctx context.Context, c config.Config, stderr io.Writer) error {
	log := newLogger(c, stderr)
	slog.SetDefault(log)

	hw, err := openHardware(ctx, c, log)
	if err != nil {
		return err
	}
	defer hw.close()
	cues, closeCues, err := openRequestSounds(c, log)
	if err != nil {
		return fmt.Errorf("request sounds: %w", err)
	}
	defer closeCues()
	if cues != nil {
		hw.indicator = withCues{light: hw.indicator, cues: cues}
	}

	var det agent.Detector
	if len(c.WakeWord.Files) > 0 {
		files, err := resolveWakeWords(c.WakeWord.Files)
		if err != nil {
			return err
		}
		d, err := wakeword.LoadAll(files, wakeword.Options{Sensitivity: c.WakeWord.Sensitivity, Refractory: c.WakeWord.Refractory.Duration})
		if err != nil {
			return err
		}
		det = d
	}
	token, err := readToken(c.Upstream.TokenFile)
	if err != nil {
		return err
	}
	client, err := upstream.Dial(upstream.Config{
		Addr: c.Upstream.Addr, DeviceID: c.DeviceID, Token: token,
		CAFile: c.Upstream.CAFile, CertFile: c.Upstream.CertFile, KeyFile: c.Upstream.KeyFile, ServerName: c.Upstream.ServerName,
		Plaintext: c.Upstream.Plaintext, AllowInsecureRemote: c.Upstream.AllowInsecureRemote, QueueChunks: c.Upstream.QueueChunks,
	})
	if err != nil {
		return err
	}
	defer client.Close()

	// The mute switch is read before the microphone is ever opened: a device
	// muted at boot never captures.
	muted := false
	if hw.mute != nil {
		m, err := hw.mute.Init()
		if err != nil {
			return fmt.Errorf("mute switch: %w (refusing to start unmuted)", err)
		}
		muted = m
	}
	gate := gateConfig(c)
	// A WAV read as fast as possible is not real time: without waiting for
	// the service's acknowledgements it would outrun the bounded send queue
	// and drop the interaction. The microphone, stdin and a paced file keep
	// real-time streaming.
	gate.Lockstep = isFile(c.Audio.Input) && !c.Audio.Paced
	var deps agent.Deps
	if lp := openPresence(c, muted, log); lp != nil {
		defer lp.close()
		gate.CaptureRate = presenceRate
		deps.Presence, deps.OnMute = lp.det, lp.switchPilot
	}
	src, closeSrc, err := openSource(c, max(gate.CaptureRate, agent.SampleRate))
	if err != nil {
		return err
	}
	defer closeSrc()

	audit, err := openAudit(c.Audit.File)
	if err != nil {
		return err
	}
	defer audit.Close()

	deps.Source, deps.Detector, deps.VAD = src, det, dsp.NewVAD(dsp.DefaultVADConfig())
	deps.Indicator, deps.Upstream, deps.Sidecars = hw.indicator, client, sidecars(c)
	deps.Log, deps.Audit = log, audit.write
	deps.Heartbeat = func() { sdnotify.Watchdog() } // a stuck loop stops these and systemd restarts us
	a, err := agent.New(gate, deps, muted)
	if err != nil {
		return err
	}
	sdnotify.Ready()
	log.Info("wakegate running", "input", inputName(c.Audio.Input), "wakewords", c.WakeWord.Files,
		"service", c.Upstream.Addr, "preroll", c.Gate.Preroll.Duration, "muted", muted)

	var wg sync.WaitGroup
	hctx, stopHW := context.WithCancel(ctx)
	hw.start(hctx, &wg, a, log)
	wg.Go(func() { client.Watch(hctx, serviceReport(log, c.Upstream.Addr)) })
	err = a.Run(ctx)
	stopHW()
	wg.Wait()
	if err != nil {
		return err
	}
	log.Info("wakegate stopped", "cause", context.Cause(ctx))
	if n := a.Failures(); n > 0 && c.Audio.Input != "" {
		// A file or stdin ends by itself, usually in a script: failed
		// interactions must show in the exit status, not only in the log.
		// A microphone run ends when it is told to, and its failures were
		// shown on the light as they happened.
		return fmt.Errorf("run: %d interaction(s) failed and their audio was dropped (the log says why)", n)
	}
	return nil
}

// serviceReport logs the voice service's reachability: one warning when it
// cannot be reached (the agent keeps running; interactions fail visibly and
// their audio is dropped until it is back) and one line when it is back.
func serviceReport(log *slog.Logger, addr string) func(bool) {
	down := false
	return func(reachable bool) {
		switch {
		case !reachable:
			down = true
			log.Warn("voice service unreachable: retrying in the background; until it is back, interactions fail with the error light and their audio is dropped", "service", addr)
		case down:
			down = false
			log.Info("voice service reachable again", "service", addr)
		default:
			log.Info("voice service reachable", "service", addr)
		}
	}
}

// isFile says whether the configured input is a WAV file (not the
// microphone, not stdin).
func isFile(in string) bool { return in != "" && in != "-" }

func inputName(in string) string {
	switch in {
	case "":
		return "microphone"
	case "-":
		return "stdin"
	}
	return in
}

// auditLog appends one JSON line per stream: metadata only (P5).
type auditLog struct {
	mu sync.Mutex
	f  *os.File
}

func openAudit(path string) (*auditLog, error) {
	if path == "" {
		return &auditLog{}, nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return &auditLog{f: f}, nil
}

func (l *auditLog) write(r agent.StreamRecord) {
	if l.f == nil {
		return
	}
	b, _ := json.Marshal(struct {
		Time time.Time `json:"time"`
		agent.StreamRecord
	}{time.Now().UTC(), r})
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		slog.Error("audit log", "err", err)
	}
}

func (l *auditLog) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

// findCaptureDevice reports whether cfg names a capture device that exists.
func findCaptureDevice(cfg audiodev.Config) (string, error) {
	capt, _, err := audiodev.Devices(cfg.Backend)
	if err != nil {
		return "", err
	}
	for _, d := range capt {
		if cfg.Device == "" && d.Default || cfg.Device != "" && strings.Contains(strings.ToLower(d.Name), strings.ToLower(cfg.Device)) {
			return d.Name, nil
		}
	}
	if cfg.Device == "" && len(capt) > 0 {
		return capt[0].Name, nil
	}
	names := make([]string, len(capt))
	for i, d := range capt {
		names[i] = d.Name
	}
	if cfg.Device == "" {
		return "", fmt.Errorf("audio: no capture device found (is the sound card's overlay loaded? `wakegate devices` lists them)")
	}
	return "", fmt.Errorf("audio: no capture device matches %q (available: %s)", cfg.Device, strings.Join(names, "; "))
}

// lazyMic is the microphone, opened on the first Start. Stop stops the
// device (and discards what it buffered); the device stays open until Close.
type lazyMic struct {
	cfg audiodev.Config

	mu  sync.Mutex
	dev *audiodev.Capture
}

func (l *lazyMic) get() *audiodev.Capture {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dev
}

// Start opens the microphone the first time, then starts capturing.
func (l *lazyMic) Start() error {
	l.mu.Lock()
	if l.dev == nil {
		d, err := audiodev.OpenCapture(l.cfg)
		if err != nil {
			l.mu.Unlock()
			return err
		}
		l.dev = d
	}
	d := l.dev
	l.mu.Unlock()
	return d.Start()
}

// Stop stops capturing, from any goroutine.
func (l *lazyMic) Stop() error {
	if d := l.get(); d != nil {
		return d.Stop()
	}
	return nil
}

// Read reads 16 kHz audio, or the device's own 48 kHz with presence on.
func (l *lazyMic) Read(buf []int16) (int, error) {
	d := l.get()
	if d == nil {
		return 0, capture.ErrStopped
	}
	if l.cfg.SampleRate > agent.SampleRate {
		return d.ReadNative(buf)
	}
	return d.Read(buf)
}

// Close closes the device if it was ever opened.
func (l *lazyMic) Close() error {
	if d := l.get(); d != nil {
		return d.Close()
	}
	return nil
}

// Opened reports whether the microphone has been opened.
func (l *lazyMic) Opened() bool { return l.get() != nil }
