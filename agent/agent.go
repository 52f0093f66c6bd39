package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wakegate/wakegate/dsp/resample"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/upstream"
	"github.com/wakegate/wakegate/wakeword"
)

// Audio parameters of the pipeline: 16 kHz mono, processed in 10 ms hops.
const (
	SampleRate = 16000
	HopSamples = 160
)

// Source is the capture source: the microphone, a WAV file or stdin, always
// delivering 16 kHz mono samples.
type Source interface {
	// Read fills buf; it returns fewer samples only at the end of input
	// (with io.EOF) or after Stop.
	Read(buf []int16) (int, error)
	// Start (re)starts capturing.
	Start() error
	// Stop stops capturing at once, from any goroutine, and discards
	// whatever was buffered.
	Stop() error
}

// Skipper is a Source whose time can be advanced without reading audio: a
// replayed file skips the part of the recording during which the device
// was muted, as a microphone would have missed it.
type Skipper interface {
	Skip(n int64) (int64, error)
}

// Detector finds wake words in 10 ms hops (package wakeword).
type Detector interface {
	Push(hop []int16) (wakeword.Detection, bool)
	Reset()
}

// VAD tells speech from silence in 10 ms hops (package dsp).
type VAD interface {
	Push(hop []int16) bool
	OnsetHops() int
	Reset()
}

// Indicator shows the gate's state (package leds). Set must not block.
type Indicator interface {
	Set(s leds.State)
}

// Upstream is the voice service client (package upstream).
type Upstream interface {
	Open(ctx context.Context, st upstream.Start, onMsg func(upstream.Message)) (*upstream.Stream, error)
	ReportEvent(ctx context.Context, ev upstream.Event) error
}

// Sidecar is an audio-free detector that runs on every hop while the
// microphone is on (alarm-sound detection). It reports an event's kind and
// where it began, in samples since its last Reset; never audio.
type Sidecar interface {
	Push(hop []int16) (kind string, sample int64, ok bool)
	Reset()
}

// Presence is the ultrasonic presence detector (package presence): it
// consumes the 48 kHz capture in 10 ms blocks and reports changes with their
// sample on the 16 kHz timeline, counted from its last Reset.
type Presence interface {
	Push(block []int16) (present bool, sample int64, ok bool)
	Reset()
}

// Config sets the gate's timing. Zero values take the defaults.
type Config struct {
	DeviceID        string
	Preroll         time.Duration // audio sent before the wake word (default 500 ms, at most 1 s)
	MaxWakeWord     time.Duration // longest wake word plus detection delay the ring must span (default 2 s)
	EndpointSilence time.Duration // local endpointing: silence after speech that ends a stream (default 1 s)
	NoSpeechTimeout time.Duration // a button stream with no speech ends after this (default 6 s)
	MaxUtterance    time.Duration // no stream is longer than this (default 10 s)
	FollowUpMax     time.Duration // cap on the follow-up window the service may ask for (default 8 s)
	FollowUpLead    time.Duration // audio before the detected speech onset a follow-up stream includes (default 300 ms)
	ErrorHold       time.Duration // how long the error indicator stays on (default 2 s)
	ChunkSamples    int           // samples per upstream chunk (default 640 = 40 ms)
	OpenTimeout     time.Duration // how long opening a stream may take (default 2 s)
	WaitTimeout     time.Duration // how long the service may take to close a stream after End (default 5 s)
	// CaptureRate is the rate the source delivers: 16000, or 48000 when
	// presence detection needs the near-ultrasonic band (the wake-word path
	// is then resampled to 16 kHz with an anti-aliasing filter).
	CaptureRate int
	// Lockstep makes every chunk wait for the service's acknowledgement, so a
	// replay gives the same ledger on every run (replay and tests).
	Lockstep bool
}

// MaxPreroll is the hard cap on the pre-roll (DESIGN.md, promise 2).
const MaxPreroll = time.Second

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.DeviceID == "" {
		c.DeviceID = "wakegate"
	}
	def(&c.Preroll, 500*time.Millisecond)
	def(&c.MaxWakeWord, 2*time.Second)
	def(&c.EndpointSilence, time.Second)
	def(&c.NoSpeechTimeout, 6*time.Second)
	def(&c.MaxUtterance, 10*time.Second)
	def(&c.FollowUpMax, 8*time.Second)
	def(&c.FollowUpLead, 300*time.Millisecond)
	def(&c.ErrorHold, 2*time.Second)
	def(&c.OpenTimeout, 2*time.Second)
	def(&c.WaitTimeout, 5*time.Second)
	if c.ChunkSamples == 0 {
		c.ChunkSamples = 640
	}
	if c.CaptureRate == 0 {
		c.CaptureRate = SampleRate
	}
	return c
}

var deviceIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate reports the first setting that is out of range.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case !deviceIDPattern.MatchString(c.DeviceID):
		return fmt.Errorf("agent: device id %q: use 1 to 64 of A-Z a-z 0-9 . _ -", c.DeviceID)
	case c.Preroll < 0 || c.Preroll > MaxPreroll:
		return fmt.Errorf("agent: preroll %v: must be between 0 and %v", c.Preroll, MaxPreroll)
	case c.CaptureRate != SampleRate && c.CaptureRate != 48000:
		return fmt.Errorf("agent: capture rate %d: must be 16000 or 48000", c.CaptureRate)
	case c.ChunkSamples < HopSamples || c.ChunkSamples > upstream.MaxChunkSamples:
		return fmt.Errorf("agent: chunk of %d samples: must be between %d and %d", c.ChunkSamples, HopSamples, upstream.MaxChunkSamples)
	}
	for name, d := range map[string]time.Duration{"max_wake_word": c.MaxWakeWord, "endpoint_silence": c.EndpointSilence,
		"no_speech_timeout": c.NoSpeechTimeout, "max_utterance": c.MaxUtterance, "follow_up_max": c.FollowUpMax,
		"open_timeout": c.OpenTimeout, "wait_timeout": c.WaitTimeout} {
		if d < 0 {
			return fmt.Errorf("agent: %s %v: must not be negative", name, d)
		}
	}
	return nil
}

func samples(d time.Duration) int64 { return int64(d) * SampleRate / int64(time.Second) }

// Deps are the parts the agent drives. Source, VAD, Indicator and Upstream
// are required; Detector may be nil (button only).
type Deps struct {
	Source    Source
	Detector  Detector
	VAD       VAD
	Indicator Indicator
	Upstream  Upstream
	Sidecars  []Sidecar
	Log       *slog.Logger
	// Audit, if set, is told of every stream once it has closed (metadata
	// only; called from any goroutine).
	Audit func(StreamRecord)
	// Presence, if set, runs on the 48 kHz capture (CaptureRate 48000).
	Presence Presence
	// OnMute, if set, is called with true right after the capture source is
	// stopped by a mute (from the caller of SetMuted, before it returns) and
	// with false on unmute before capture restarts: it stops and restarts
	// the presence pilot tone with the microphone.
	OnMute func(muted bool)
	// Heartbeat, if set, is called from the loop at least every
	// HeartbeatEvery while it is healthy (capturing, or muted and waiting),
	// so a supervisor's watchdog can restart a stuck loop.
	Heartbeat func()
}

// HeartbeatEvery is the longest gap between Heartbeat calls of a healthy loop.
const HeartbeatEvery = time.Second

type gateState int

const (
	idle gateState = iota
	streaming
	thinking
	followUp
	muted
)

// control kinds beyond the public ControlKinds.
const (
	serviceMessage ControlKind = 100 + iota
	streamFinished
)

type control struct {
	kind   ControlKind
	id     string // stream the message belongs to
	msg    upstream.Message
	result upstream.Result
	err    error
}

// active is the stream being sent.
type active struct {
	rec       StreamRecord
	st        *upstream.Stream
	openedAt  int64
	heard     bool  // speech seen since the stream opened
	silence   int64 // samples of silence since the last speech
	sendErr   error
	endReason string
}

// Agent runs the capture loop and the gate. Create it with New, feed live
// controls with Press, LongPress and SetMuted from any goroutine, and run it
// with Run (or Replay).
type Agent struct {
	cfg Config
	d   Deps
	log *slog.Logger

	// Ledger records what left the device.
	Ledger *Ledger

	controls chan control
	done     chan struct{}
	mutedNow atomic.Bool // set before the source is stopped; read by the loop
	failures atomic.Int64
	wg       sync.WaitGroup

	// Owned by the loop goroutine.
	ctx        context.Context
	state      gateState
	pos        int64
	ring       *Ring
	hop        []int16
	chunk      []int16
	detOrigin  int64
	cur        *active
	waitingID  string
	followEnd  int64
	followFrom int64
	speech     bool
	errorUntil int64
	indState   leds.State
	indSet     bool
	nextID     int
	runNonce   int64
	schedule   []ScheduledControl
	replay     bool // time is the file's: muted spans are skipped, not waited out
	lastBeat   time.Time

	// 48 kHz capture (presence): blocks read, and the 16 kHz hops made of them.
	ratio int
	wide  []int16
	down  *resample.Resampler
	fwide []float32
	fdown []float32
	hops  []int16
}

// New checks the configuration and returns an agent. muted is the mute
// switch's state at start-up: a muted agent never starts the source.
func New(cfg Config, d Deps, muted bool) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Source == nil || d.VAD == nil || d.Indicator == nil || d.Upstream == nil {
		return nil, errors.New("agent: Source, VAD, Indicator and Upstream are required")
	}
	cfg = cfg.withDefaults()
	a := &Agent{
		cfg:      cfg,
		d:        d,
		log:      d.Log,
		Ledger:   &Ledger{},
		controls: make(chan control, 64),
		done:     make(chan struct{}),
		ring:     NewRing(int(samples(cfg.Preroll + cfg.MaxWakeWord))),
		hop:      make([]int16, HopSamples),
		chunk:    make([]int16, 0, cfg.ChunkSamples+HopSamples), // a hop of headroom: appends never reallocate
		runNonce: time.Now().Unix(),
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	a.ratio = cfg.CaptureRate / SampleRate
	if a.ratio > 1 {
		rs, err := resample.New(cfg.CaptureRate, SampleRate)
		if err != nil {
			return nil, err
		}
		a.down = rs
		a.wide = make([]int16, HopSamples*a.ratio)
		a.fwide = make([]float32, len(a.wide))
		a.fdown = make([]float32, 0, HopSamples+rs.Half()+2)
		a.hops = make([]int16, 0, 2*HopSamples+rs.Half()+2)
	} else if d.Presence != nil {
		return nil, errors.New("agent: presence detection needs a 48 kHz capture (CaptureRate 48000)")
	}
	a.mutedNow.Store(muted)
	return a, nil
}

// Press reports a short press of the action button.
func (a *Agent) Press() { a.post(control{kind: Button}) }

// LongPress reports a long press of the action button (cancel).
func (a *Agent) LongPress() { a.post(control{kind: Cancel}) }

// SetMuted reports the mute switch. Muting stops the capture source before
// it returns, so that no further frame is read even before the loop hears of
// it (P4).
func (a *Agent) SetMuted(m bool) {
	if m {
		a.mutedNow.Store(true)
		if err := a.d.Source.Stop(); err != nil {
			a.log.Error("stop capture on mute", "err", err)
		}
		if a.d.OnMute != nil {
			a.d.OnMute(true)
		}
		a.post(control{kind: Mute})
		return
	}
	a.post(control{kind: Unmute})
}

// post hands a control to the loop; after Run has returned it is dropped.
func (a *Agent) post(c control) {
	select {
	case a.controls <- c:
	case <-a.done:
	}
}

// Run captures and gates until ctx is cancelled or the source ends. An open
// stream is ended (CANCELLED) before Run returns; no goroutine outlives it.
func (a *Agent) Run(ctx context.Context) error {
	return a.run(ctx, nil)
}

// Failures is how many interactions have failed so far: the stream could
// not be opened, broke off with an error, or the service ended it with
// one. Each showed the error light and dropped its audio.
func (a *Agent) Failures() int64 { return a.failures.Load() }

// Replay runs like Run over a replayed source and applies the scheduled
// controls at their positions; while muted it skips the source forward
// (the source must implement Skipper when the schedule mutes).
func (a *Agent) Replay(ctx context.Context, schedule []ScheduledControl) error {
	a.replay = true
	return a.run(ctx, schedule)
}

func (a *Agent) run(ctx context.Context, schedule []ScheduledControl) (err error) {
	a.ctx = ctx
	a.schedule = schedule
	defer func() {
		if a.cur != nil {
			a.endStream(upstream.EndCancelled, "capture stopped")
		}
		// Waiters may still post results: keep draining (and dropping)
		// controls until they are gone, so none of them can block.
		waited := make(chan struct{})
		go func() { a.wg.Wait(); close(waited) }()
		for {
			select {
			case <-a.controls:
				continue
			case <-waited:
			}
			break
		}
		close(a.done)
	}()
	if a.mutedNow.Load() {
		a.enterMuted()
	} else {
		if err := a.d.Source.Start(); err != nil {
			return fmt.Errorf("agent: start capture: %w", err)
		}
		a.setIndicator(leds.Idle)
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		a.drainControls()
		a.applySchedule()
		if a.state == muted {
			if done, err := a.waitWhileMuted(ctx); done || err != nil {
				return err
			}
			continue
		}
		a.beat()
		buf := a.hop
		if a.ratio > 1 {
			buf = a.wide
		}
		n, rerr := a.d.Source.Read(buf)
		if a.mutedNow.Load() {
			// Read raced with the mute switch: the frame is discarded, and
			// counted so that tests can prove it never happens in replay.
			a.Ledger.addMutedFrames(int64(n))
			continue
		}
		if n == len(buf) {
			if a.ratio > 1 {
				a.processWide(buf)
			} else {
				a.process(buf)
			}
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return nil
			}
			return fmt.Errorf("agent: %w", rerr) // sources name themselves (capture:, audiodev:)
		}
	}
}

// waitWhileMuted blocks until a control arrives; a replay instead skips the
// source to the next scheduled control. done reports the end of input.
func (a *Agent) waitWhileMuted(ctx context.Context) (done bool, err error) {
	if a.replay {
		sk, ok := a.d.Source.(Skipper)
		if !ok {
			return true, errors.New("agent: replay source cannot skip muted audio")
		}
		if len(a.schedule) == 0 {
			return true, nil // muted until the end of the file
		}
		n, err := sk.Skip((a.schedule[0].Sample - a.pos) * int64(a.ratio))
		a.pos += n / int64(a.ratio)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return true, nil
			}
			return true, fmt.Errorf("agent: skip muted audio: %w", err)
		}
		return false, nil
	}
	t := time.NewTimer(HeartbeatEvery / 2)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return true, nil
	case c := <-a.controls:
		a.handle(c)
	case <-t.C:
		a.beat()
	}
	return false, nil
}

// beat calls the heartbeat, at most every HeartbeatEvery/4 (the loop runs
// every 10 ms; the watchdog needs far less).
func (a *Agent) beat() {
	if a.d.Heartbeat == nil {
		return
	}
	if now := time.Now(); now.Sub(a.lastBeat) >= HeartbeatEvery/4 {
		a.lastBeat = now
		a.d.Heartbeat()
	}
}

func (a *Agent) drainControls() {
	for {
		select {
		case c := <-a.controls:
			a.handle(c)
		default:
			return
		}
	}
}

func (a *Agent) applySchedule() {
	for len(a.schedule) > 0 && a.schedule[0].Sample <= a.pos {
		k := a.schedule[0].Kind
		a.schedule = a.schedule[1:]
		if k == Mute && a.state != muted {
			a.mutedNow.Store(true)
			if err := a.d.Source.Stop(); err != nil {
				a.log.Error("stop capture on mute", "err", err)
			}
			if a.d.OnMute != nil {
				a.d.OnMute(true)
			}
		}
		a.handle(control{kind: k})
	}
}

func (a *Agent) handle(c control) {
	switch c.kind {
	case Mute:
		if a.state != muted {
			a.enterMuted()
			a.report(upstream.Event{Kind: upstream.EventMute, Muted: true, DeviceSample: a.pos})
		}
	case Unmute:
		if a.state == muted {
			a.leaveMuted()
			a.report(upstream.Event{Kind: upstream.EventMute, Muted: false, DeviceSample: a.pos})
		}
	case Button:
		switch a.state {
		case idle, thinking, followUp:
			a.open(upstream.TriggerButton, a.pos, wakeword.Detection{}, false)
		}
	case Cancel:
		switch a.state {
		case streaming:
			a.endStream(upstream.EndCancelled, "long press")
		case followUp:
			a.toIdle()
		}
	case serviceMessage:
		if a.cur == nil || a.cur.rec.ID != c.id {
			return // for a stream already ended
		}
		if c.msg.StopCapture {
			a.endStream(upstream.EndServiceStop, c.msg.StopReason)
		}
	case streamFinished:
		a.finished(c)
	}
}

// enterMuted is the hard gate of P4. The source is already stopped.
func (a *Agent) enterMuted() {
	a.mutedNow.Store(true)
	if err := a.d.Source.Stop(); err != nil {
		a.log.Error("stop capture on mute", "err", err)
	}
	if a.cur != nil {
		a.chunk = a.chunk[:0] // not yet sent, never will be
		a.endStream(upstream.EndMuted, "mute switch")
	}
	a.ring.Clear(a.pos)
	a.resetDetectors()
	a.state = muted
	a.waitingID = ""
	a.setIndicator(leds.Muted)
	a.log.Info("muted: microphone off")
}

func (a *Agent) leaveMuted() {
	a.ring.Clear(a.pos)
	a.resetDetectors()
	a.mutedNow.Store(false)
	a.state = idle
	if a.d.OnMute != nil {
		a.d.OnMute(false)
	}
	if err := a.d.Source.Start(); err != nil {
		a.log.Error("restart capture after unmute", "err", err)
		a.setIndicator(leds.Error)
		a.errorUntil = a.pos + samples(a.cfg.ErrorHold)
		return
	}
	a.setIndicator(leds.Idle)
	a.log.Info("unmuted: microphone on")
}

func (a *Agent) resetDetectors() {
	if a.d.Detector != nil {
		a.d.Detector.Reset()
	}
	a.d.VAD.Reset()
	for _, s := range a.d.Sidecars {
		s.Reset()
	}
	if a.d.Presence != nil {
		a.d.Presence.Reset()
	}
	if a.down != nil {
		a.down.Reset()
		a.hops = a.hops[:0]
	}
	a.detOrigin = a.pos
	a.speech = false
}

func (a *Agent) setIndicator(s leds.State) {
	if a.indSet && a.indState == s {
		return
	}
	a.indSet, a.indState = true, s
	a.d.Indicator.Set(s)
	a.Ledger.addIndicator(a.pos, s.String())
}

// shower is an indicator that can tell what it actually displays (a light
// ring animates on its own goroutine, so Set is not yet "lit").
type shower interface{ Shown() leds.State }

// maxShowWait bounds how long a stream waits for the light: a ring draws a
// new state within a frame (33 ms at 30 fps, usually at once).
const maxShowWait = 100 * time.Millisecond

// awaitShown waits until the indicator displays s, if it can say so, and
// reports whether it does within maxShowWait.
func (a *Agent) awaitShown(s leds.State) bool {
	sh, ok := a.d.Indicator.(shower)
	if !ok {
		return true
	}
	deadline := time.Now().Add(maxShowWait)
	for sh.Shown() != s {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

func (a *Agent) toIdle() {
	a.state = idle
	a.setIndicator(leds.Idle)
}

// processWide runs presence detection on a 48 kHz block and the 16 kHz
// pipeline on the hops resampled from it.
func (a *Agent) processWide(block []int16) {
	if a.d.Presence != nil {
		if present, at, ok := a.d.Presence.Push(block); ok {
			at += a.detOrigin
			kind := "absent"
			if present {
				kind = "present"
			}
			a.Ledger.addEvent(at, kind)
			a.log.Info("presence", "kind", kind, "sample", at)
			a.report(upstream.Event{Kind: upstream.EventPresence, Present: present, DeviceSample: at})
		}
	}
	for i, v := range block {
		a.fwide[i] = float32(v) / 32768
	}
	a.fdown = a.down.Process(a.fdown[:0], a.fwide)
	for _, v := range a.fdown {
		a.hops = append(a.hops, toInt16(v))
	}
	for len(a.hops) >= HopSamples {
		a.process(a.hops[:HopSamples])
		a.hops = a.hops[:copy(a.hops, a.hops[HopSamples:])]
	}
}

func toInt16(v float32) int16 {
	switch x := v * 32768; {
	case x >= 32767:
		return 32767
	case x <= -32768:
		return -32768
	default:
		return int16(x)
	}
}

// process runs one hop through the detectors and the gate.
func (a *Agent) process(hop []int16) {
	a.ring.Write(a.pos, hop)
	a.pos += int64(len(hop))
	prevSpeech := a.speech
	a.speech = a.d.VAD.Push(hop)
	var det wakeword.Detection
	detected := false
	if a.d.Detector != nil {
		det, detected = a.d.Detector.Push(hop)
	}
	for _, s := range a.d.Sidecars {
		if kind, at, ok := s.Push(hop); ok {
			at += a.detOrigin
			a.Ledger.addEvent(at, kind)
			a.log.Warn("alarm sound heard", "kind", kind, "sample", at)
			a.report(upstream.Event{Kind: upstream.EventAlarm, Alarm: kind, DeviceSample: at})
			if a.state == idle {
				a.setIndicator(leds.Alarm)
				a.errorUntil = a.pos + samples(a.cfg.ErrorHold)
			}
		}
	}
	switch a.state {
	case streaming:
		a.sendHop(hop)
	case idle, thinking, followUp:
		if detected {
			a.open(upstream.TriggerWakeWord, 0, det, true)
			return
		}
		if a.state == followUp {
			if a.speech && !prevSpeech {
				onset := a.pos - int64(len(hop)) - int64(a.d.VAD.OnsetHops())*HopSamples
				a.open(upstream.TriggerFollowUp, max(a.followFrom, onset-samples(a.cfg.FollowUpLead)), wakeword.Detection{}, false)
			} else if a.pos >= a.followEnd {
				a.log.Info("follow-up window closed without speech")
				a.toIdle()
			}
			return
		}
		if a.state == idle && (a.indState == leds.Error || a.indState == leds.Alarm) && a.pos >= a.errorUntil {
			a.setIndicator(leds.Idle)
		}
	}
}

// open starts a stream at timeline position start (clamped to what the
// ring still holds); for a wake word, start is derived from the detection.
func (a *Agent) open(trigger string, start int64, det wakeword.Detection, wake bool) {
	if a.cur != nil {
		return
	}
	rec := StreamRecord{Trigger: trigger}
	if wake {
		rec.WakeWord = det.Word
		// Rounded: the score is metadata, and the last bits differ between
		// amd64 and arm64 (FMA), while every decision is the same.
		rec.WakeScore = math.Round(det.Score*1e6) / 1e6
		rec.WakeStartSample = a.detOrigin + det.StartSample
		rec.WakeEndSample = a.detOrigin + det.EndSample
		start = rec.WakeStartSample - samples(a.cfg.Preroll)
	}
	start = max(start, a.ring.Oldest())
	start = min(start, a.pos)
	if wake {
		rec.WakeStartSample = max(rec.WakeStartSample, start)
		rec.PrerollMs = int((rec.WakeStartSample - start) * 1000 / SampleRate)
	}
	a.nextID++
	rec.ID = fmt.Sprintf("%s-%d-%04d", a.cfg.DeviceID, a.runNonce, a.nextID)
	rec.StartSample = start

	// P3: the indicator is on before anything is queued for sending.
	a.setIndicator(leds.Listening)
	if !a.awaitShown(leds.Listening) {
		// Fail closed: a device that cannot show it is listening does not
		// stream.
		a.log.Error("the indicator did not show listening: nothing sent", "trigger", trigger)
		a.fail()
		return
	}
	ctx, cancel := context.WithTimeout(a.ctx, a.cfg.OpenTimeout)
	defer cancel()
	id := rec.ID
	st, err := a.d.Upstream.Open(ctx, upstream.Start{
		InteractionID:     id,
		Trigger:           trigger,
		WakeWord:          rec.WakeWord,
		WakeStart:         max(rec.WakeStartSample-start, 0),
		WakeEnd:           max(rec.WakeEndSample-start, 0),
		PrerollMs:         rec.PrerollMs,
		DeviceStartSample: start,
		Lockstep:          a.cfg.Lockstep,
	}, func(m upstream.Message) { a.post(control{kind: serviceMessage, id: id, msg: m}) })
	if err != nil {
		a.log.Error("cannot open a stream: nothing sent, audio dropped", "trigger", trigger, "err", err)
		a.fail()
		return
	}
	a.log.Info("streaming", "id", id, "trigger", trigger, "word", rec.WakeWord, "start_sample", start,
		"wake_start", rec.WakeStartSample, "preroll_ms", rec.PrerollMs)
	a.cur = &active{rec: rec, st: st, openedAt: a.pos, heard: trigger != upstream.TriggerButton}
	a.state = streaming
	a.waitingID = ""
	for p := start; p < a.pos && a.cur != nil; {
		to := min(p+int64(a.cfg.ChunkSamples-len(a.chunk)), a.pos)
		a.chunk = a.ring.AppendTo(a.chunk, p, to)
		p = to
		a.flushIfFull()
	}
}

// fail shows an interaction failure (P6: visible, audio dropped).
func (a *Agent) fail() {
	a.failures.Add(1)
	a.state = idle
	a.setIndicator(leds.Error)
	a.errorUntil = a.pos + samples(a.cfg.ErrorHold)
}

func (a *Agent) sendHop(hop []int16) {
	c := a.cur
	a.chunk = append(a.chunk, hop...)
	a.flushIfFull()
	if a.cur != c || c == nil {
		return // ended while sending (service stop, queue full)
	}
	if a.speech {
		c.heard, c.silence = true, 0
	} else {
		c.silence += int64(len(hop))
	}
	switch {
	case a.pos-c.rec.StartSample >= samples(a.cfg.MaxUtterance):
		a.endStream(upstream.EndTimeout, "max utterance")
	case c.heard && c.silence >= samples(a.cfg.EndpointSilence):
		a.endStream(upstream.EndEndpoint, "silence after speech")
	case !c.heard && a.pos-c.openedAt >= samples(a.cfg.NoSpeechTimeout):
		a.endStream(upstream.EndTimeout, "no speech")
	}
}

func (a *Agent) flushIfFull() {
	if len(a.chunk) >= a.cfg.ChunkSamples {
		a.flush()
	}
}

// flush hands the pending chunk to the upstream client and applies what
// the service said meanwhile (in lockstep, everything it said before
// acknowledging this chunk).
func (a *Agent) flush() {
	c := a.cur
	if c == nil || len(a.chunk) == 0 {
		a.chunk = a.chunk[:0]
		return
	}
	err := c.st.Send(a.chunk)
	a.chunk = a.chunk[:0]
	if err != nil {
		c.sendErr = err
		if errors.Is(err, upstream.ErrQueueFull) {
			a.log.Error("service too slow: interaction dropped (bounded queue full)", "id", c.rec.ID)
		} else {
			a.log.Error("stream failed", "id", c.rec.ID, "err", err)
		}
		a.endStream(upstream.EndError, err.Error())
		return
	}
	a.drainControls()
}

// endStream ends the current stream. Audio still pending (captured before
// the end, inside the stream) is sent, except for MUTED (P4: nothing more
// after a mute) and ERROR (P6: a fault drops audio).
func (a *Agent) endStream(reason, detail string) {
	c := a.cur
	if c == nil {
		return
	}
	switch reason {
	case upstream.EndMuted, upstream.EndError:
		a.chunk = a.chunk[:0]
	default:
		if c.sendErr == nil {
			a.flush()
			if a.cur != c {
				return // the flush itself ended the stream
			}
		}
	}
	a.cur = nil
	c.endReason = reason
	if err := c.st.End(reason, detail); err != nil {
		a.log.Error("end stream", "id", c.rec.ID, "err", err)
	}
	switch reason {
	case upstream.EndMuted:
		// enterMuted sets the state and the indicator.
	case upstream.EndError:
		a.fail()
	case upstream.EndCancelled:
		a.toIdle()
	default:
		a.state = thinking
		a.waitingID = c.rec.ID
		a.setIndicator(leds.Thinking)
	}
	a.wait(c)
}

// wait collects the stream's result: at once in lockstep (deterministic),
// otherwise on a goroutine that reports back through the control channel.
func (a *Agent) wait(c *active) {
	if a.cfg.Lockstep {
		a.handle(a.collect(c))
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.post(a.collect(c))
	}()
}

// collect waits for the service to close the stream and records it in the
// ledger. It runs on the loop (lockstep) or on a waiter goroutine, and
// touches only c and the ledger.
func (a *Agent) collect(c *active) control {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx), a.cfg.WaitTimeout)
	res, err := c.st.Wait(ctx)
	cancel()
	rec := c.rec
	rec.Bytes = res.BytesSent
	rec.EndSample = rec.StartSample + res.BytesSent/2
	rec.EndReason = c.endReason
	if c.sendErr != nil {
		rec.Error = c.sendErr.Error()
	} else if err != nil {
		rec.Error = err.Error()
	}
	rec = a.Ledger.addStream(rec)
	if a.d.Audit != nil {
		a.d.Audit(rec)
	}
	a.log.Info("stream closed", "id", rec.ID, "reason", rec.EndReason, "bytes", rec.Bytes,
		"end_sample", rec.EndSample, "expect_speech", res.ExpectSpeech, "err", rec.Error)
	return control{kind: streamFinished, id: c.rec.ID, result: res, err: err}
}

// finished moves the gate on once the service has closed the stream it was
// waiting for: into a follow-up window if the service asked for one.
func (a *Agent) finished(c control) {
	if a.state != thinking || a.waitingID != c.id {
		return // something else happened meanwhile (mute, a new stream)
	}
	a.waitingID = ""
	if c.err != nil {
		a.fail()
		return
	}
	if d := min(c.result.ExpectSpeech, a.cfg.FollowUpMax); d > 0 {
		a.state = followUp
		a.followFrom = a.pos
		a.followEnd = a.pos + samples(d)
		a.setIndicator(leds.FollowUp)
		a.log.Info("follow-up window open", "for", d)
		return
	}
	a.toIdle()
}

// report sends an audio-free event upstream without blocking the loop.
func (a *Agent) report(ev upstream.Event) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx), a.cfg.OpenTimeout)
		defer cancel()
		if err := a.d.Upstream.ReportEvent(ctx, ev); err != nil {
			a.log.Warn("event not delivered", "kind", ev.Kind, "err", err)
		}
	}()
}
