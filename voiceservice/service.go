package voiceservice

import (
	"context"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/wakegate/wakegate/dsp"
	pb "github.com/wakegate/wakegate/proto/wakegatev1"
)

// Protocol limits.
const (
	// SampleRate is the only sample rate the protocol carries.
	SampleRate = 16000
	// MaxChunkBytes is the largest AudioChunk: one second of s16 audio.
	MaxChunkBytes = 2 * SampleRate
	// maxPrerollMs is the pre-roll bound of privacy invariant P2.
	maxPrerollMs = 1000
	// stopGrace is how much audio a device may still send after StopCapture
	// (chunks already in flight over a slow link) before the service gives
	// up on it.
	stopGrace = 2 * time.Second
)

// Defaults for Config.
const (
	DefaultEndpointSilence = 700 * time.Millisecond
	DefaultMaxInteraction  = 15 * time.Second
	// DefaultKeepInMemory bounds Records: 64 interactions of at most 17 s
	// (MaxInteraction plus stopGrace) are under 35 MB.
	DefaultKeepInMemory = 64
	// maxEvents bounds the events kept for Events.
	maxEvents = 1024
)

// VerifyDelay is how much audio after the claimed wake word the service
// waits for before verifying it (500 ms at 16 kHz): a detector decides a
// few hops after a word ends, and the check must see that much.
const VerifyDelay = 8000

// Verifier checks the wake word a second time, on the service side.
type Verifier interface {
	// Verify reports whether audio (the stream from its first sample up to
	// at least wakeEnd) contains word between wakeStart and wakeEnd, and a
	// score for the record. audio is only valid during the call.
	Verify(word string, audio []int16, wakeStart, wakeEnd int64) (ok bool, score float64)
}

// Config configures a Service. The zero value (plus DataDir) is usable.
type Config struct {
	// DataDir receives <id>.wav and <id>.json per interaction. Empty keeps
	// records in memory only.
	DataDir string
	// Tokens are the accepted device tokens. Empty disables the token check,
	// which Serve allows only on a loopback listener (or with client
	// certificates).
	Tokens []string
	// EndpointSilence is how much silence after speech ends an utterance
	// (StopCapture END_OF_SPEECH); default DefaultEndpointSilence.
	EndpointSilence time.Duration
	// MaxInteraction is how much audio one interaction may carry before
	// StopCapture OTHER; default DefaultMaxInteraction.
	MaxInteraction time.Duration
	// ExpectSpeechTimeout is the follow-up window offered with ExpectSpeech
	// at the end of a successful interaction, for up to ExpectSpeechTurns
	// consecutive follow-up turns per device (0 turns = never).
	ExpectSpeechTimeout time.Duration
	ExpectSpeechTurns   int
	// Verifier, if set, checks the wake word of wake-word streams once its
	// audio has arrived; a rejection sends StopCapture FALSE_WAKE.
	Verifier Verifier
	// Retention deletes stored interactions that ended longer ago than this
	// (0 keeps them). Pruning runs in New, in Serve hourly, and in Prune.
	Retention time.Duration
	// KeepInMemory is how many recent records Records keeps, with their
	// audio (default DefaultKeepInMemory).
	KeepInMemory int
	// Logger receives one line per interaction and event (default
	// slog.Default()).
	Logger *slog.Logger
	// Now is the clock for record times and retention (default time.Now).
	Now func() time.Time
}

// Service is the reference voice service. Register it on a gRPC server, or
// run it with Serve.
type Service struct {
	pb.UnimplementedVoiceServiceServer

	cfg    Config
	log    *slog.Logger
	tokens [][]byte

	mu       sync.Mutex
	records  []Record        // most recent last, at most KeepInMemory
	inFlight map[string]bool // interaction ids being streamed
	turns    map[string]int  // device → consecutive follow-up turns so far
	events   []Event         // most recent last, at most maxEvents
}

// Event is one DeviceEvent as the service recorded it.
type Event struct {
	DeviceID     string    `json:"device_id"`
	DeviceSample int64     `json:"device_sample"`
	Time         time.Time `json:"time"`
	Kind         string    `json:"kind"` // "presence", "alarm" or "mute"
	Present      bool      `json:"present,omitempty"`
	Alarm        string    `json:"alarm,omitempty"` // "smoke" or "co"
	Muted        bool      `json:"muted,omitempty"`
}

// New validates cfg, creates DataDir and prunes it once.
func New(cfg Config) (*Service, error) {
	if cfg.EndpointSilence == 0 {
		cfg.EndpointSilence = DefaultEndpointSilence
	}
	if cfg.MaxInteraction == 0 {
		cfg.MaxInteraction = DefaultMaxInteraction
	}
	if cfg.KeepInMemory == 0 {
		cfg.KeepInMemory = DefaultKeepInMemory
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch {
	case cfg.EndpointSilence < 0, cfg.MaxInteraction < 0, cfg.Retention < 0, cfg.ExpectSpeechTimeout < 0:
		return nil, errors.New("voiceservice: config: negative duration")
	case cfg.ExpectSpeechTurns < 0 || cfg.KeepInMemory < 0:
		return nil, errors.New("voiceservice: config: negative count")
	case cfg.ExpectSpeechTurns > 0 && cfg.ExpectSpeechTimeout <= 0:
		return nil, errors.New("voiceservice: config: ExpectSpeechTurns needs an ExpectSpeechTimeout")
	}
	s := &Service{cfg: cfg, log: cfg.Logger, inFlight: map[string]bool{}, turns: map[string]int{}}
	for _, t := range cfg.Tokens {
		if t == "" {
			return nil, errors.New("voiceservice: config: empty token")
		}
		s.tokens = append(s.tokens, []byte(t))
	}
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("voiceservice: data dir: %w", err)
		}
		if _, err := s.Prune(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Register adds the VoiceService to r. The token check runs in the handlers
// as well as in the interceptors of ServerOptions, so a server built without
// them is still protected.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	pb.RegisterVoiceServiceServer(r, s)
}

// ServerOptions returns the interceptors that reject calls without a valid
// device token (codes.Unauthenticated) before they reach a handler.
func (s *Service) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := s.authorize(ctx); err != nil {
				s.logRejected(ctx, info.FullMethod, err)
				return nil, err
			}
			return h(ctx, req)
		}),
		grpc.ChainStreamInterceptor(func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			if err := s.authorize(ss.Context()); err != nil {
				s.logRejected(ss.Context(), info.FullMethod, err)
				return err
			}
			return h(srv, ss)
		}),
	}
}

// logRejected tells the owner that something without a valid token tried
// to talk to the service.
func (s *Service) logRejected(ctx context.Context, method string, err error) {
	addr := "unknown"
	if p, ok := peer.FromContext(ctx); ok {
		addr = p.Addr.String()
	}
	s.log.Warn("voiceservice: rejected call", "peer", addr, "method", method, "reason", status.Convert(err).Message())
}

// authorize checks the "authorization: Bearer <token>" metadata.
func (s *Service) authorize(ctx context.Context) error {
	if len(s.tokens) == 0 {
		return nil
	}
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get("authorization")
	if len(vals) == 0 {
		return status.Error(codes.Unauthenticated, `voiceservice: missing device token (metadata "authorization: Bearer <token>")`)
	}
	tok, ok := strings.CutPrefix(vals[0], "Bearer ")
	if !ok {
		return status.Error(codes.Unauthenticated, `voiceservice: authorization metadata must be "Bearer <token>"`)
	}
	good := 0
	for _, t := range s.tokens {
		// Compare against every token so timing reveals nothing.
		good |= subtle.ConstantTimeCompare([]byte(tok), t)
	}
	if good != 1 {
		return status.Error(codes.Unauthenticated, "voiceservice: invalid device token")
	}
	return nil
}

// Records returns the most recent interactions (at most KeepInMemory) in
// the order they ended, with their audio.
func (s *Service) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.records...)
}

// Events returns the most recent device events, oldest first.
func (s *Service) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// List returns the metadata of every stored interaction, oldest first
// (from memory when there is no DataDir).
func (s *Service) List() ([]Record, error) {
	if s.cfg.DataDir == "" {
		recs := s.Records()
		for i := range recs {
			recs[i].Samples = nil
		}
		return recs, nil
	}
	return ListDir(s.cfg.DataDir)
}

// Delete removes interaction id from disk and memory. The error wraps
// fs.ErrNotExist when there was no such interaction.
func (s *Service) Delete(id string) error {
	s.mu.Lock()
	inMem := false
	for i, r := range s.records {
		if r.ID == id {
			s.records = append(s.records[:i], s.records[i+1:]...)
			inMem = true
			break
		}
	}
	s.mu.Unlock()
	if s.cfg.DataDir == "" {
		if !inMem {
			return fmt.Errorf("voiceservice: delete %s: %w", id, fs.ErrNotExist)
		}
		return nil
	}
	err := DeleteDir(s.cfg.DataDir, id)
	if inMem && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Prune deletes the interactions that ended more than Retention ago (from
// disk and memory) and returns their ids. It does nothing when Retention is 0.
func (s *Service) Prune() ([]string, error) {
	if s.cfg.Retention <= 0 {
		return nil, nil
	}
	cutoff := s.cfg.Now().Add(-s.cfg.Retention)
	s.mu.Lock()
	kept := s.records[:0]
	var gone []string
	for _, r := range s.records {
		if r.Ended.Before(cutoff) {
			gone = append(gone, r.ID)
			continue
		}
		kept = append(kept, r)
	}
	clear(s.records[len(kept):])
	s.records = kept
	s.mu.Unlock()
	if s.cfg.DataDir == "" {
		return gone, nil
	}
	ids, err := pruneDir(s.cfg.DataDir, cutoff)
	if len(ids) > 0 {
		s.log.Info("voiceservice: pruned old interactions", "count", len(ids), "retention", s.cfg.Retention)
	}
	return ids, err
}

// ReportEvent records an audio-free device event.
func (s *Service) ReportEvent(ctx context.Context, ev *pb.DeviceEvent) (*pb.EventAck, error) {
	if err := s.authorize(ctx); err != nil {
		return nil, err
	}
	e := Event{DeviceID: ev.GetDeviceId(), DeviceSample: ev.GetDeviceSample(), Time: time.UnixMilli(ev.GetUnixMs()).UTC()}
	switch k := ev.Kind.(type) {
	case *pb.DeviceEvent_Presence:
		e.Kind, e.Present = "presence", k.Presence.GetPresent()
	case *pb.DeviceEvent_Mute:
		e.Kind, e.Muted = "mute", k.Mute.GetMuted()
	case *pb.DeviceEvent_Alarm:
		e.Kind = "alarm"
		switch k.Alarm.GetKind() {
		case pb.DeviceEvent_AlarmHeard_KIND_SMOKE:
			e.Alarm = "smoke"
		case pb.DeviceEvent_AlarmHeard_KIND_CO:
			e.Alarm = "co"
		default:
			return nil, status.Error(codes.InvalidArgument, "voiceservice: alarm event without a known kind")
		}
	default:
		return nil, status.Error(codes.InvalidArgument, "voiceservice: event without a kind")
	}
	if e.DeviceID == "" {
		return nil, status.Error(codes.InvalidArgument, "voiceservice: event without device_id")
	}
	s.mu.Lock()
	if len(s.events) == maxEvents {
		s.events = append(s.events[:0], s.events[1:]...)
	}
	s.events = append(s.events, e)
	s.mu.Unlock()
	s.log.Info("voiceservice: event", "device", e.DeviceID, "kind", e.Kind, "present", e.Present, "alarm", e.Alarm, "muted", e.Muted, "device_sample", e.DeviceSample)
	return &pb.EventAck{}, nil
}

func invalid(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, "voiceservice: "+format, args...)
}

func triggerName(t pb.Trigger) string {
	switch t {
	case pb.Trigger_TRIGGER_WAKEWORD:
		return TriggerWakeWord
	case pb.Trigger_TRIGGER_BUTTON:
		return TriggerButton
	case pb.Trigger_TRIGGER_FOLLOW_UP:
		return TriggerFollowUp
	}
	return ""
}

func endName(r pb.EndReason) string {
	switch r {
	case pb.EndReason_END_REASON_SERVICE_STOP:
		return EndServiceStop
	case pb.EndReason_END_REASON_ENDPOINT:
		return EndEndpoint
	case pb.EndReason_END_REASON_TIMEOUT:
		return EndTimeout
	case pb.EndReason_END_REASON_MUTED:
		return EndMuted
	case pb.EndReason_END_REASON_CANCELLED:
		return EndCancelled
	}
	return EndError
}

// checkStart validates a Start message.
func checkStart(st *pb.DeviceMessage_Start) error {
	switch {
	case st == nil:
		return invalid("the first message must be Start")
	case st.GetDeviceId() == "":
		return invalid("Start without device_id")
	case !validID(st.GetInteractionId()):
		return invalid("interaction_id %q must be 1 to 128 of [A-Za-z0-9._-]", st.GetInteractionId())
	case triggerName(st.GetTrigger()) == "":
		return invalid("unknown trigger %v", st.GetTrigger())
	case st.GetSampleRate() != SampleRate:
		return invalid("sample_rate %d: only %d is supported", st.GetSampleRate(), SampleRate)
	case st.GetFormat() != pb.AudioFormat_AUDIO_FORMAT_S16LE:
		return invalid("format %v: only AUDIO_FORMAT_S16LE is supported", st.GetFormat())
	case st.GetPrerollMs() < 0 || st.GetPrerollMs() > maxPrerollMs:
		return invalid("preroll_ms %d outside [0, %d]", st.GetPrerollMs(), maxPrerollMs)
	case st.GetWakeStartSample() < 0 || st.GetWakeEndSample() < st.GetWakeStartSample():
		return invalid("wake word samples [%d, %d) are not an interval", st.GetWakeStartSample(), st.GetWakeEndSample())
	case st.GetTrigger() == pb.Trigger_TRIGGER_WAKEWORD && st.GetWakeWord() == "":
		return invalid("wake-word Start without wake_word")
	}
	return nil
}

// Converse handles one interaction.
func (s *Service) Converse(srv pb.VoiceService_ConverseServer) error {
	if err := s.authorize(srv.Context()); err != nil {
		return err
	}
	m, err := srv.Recv()
	if err != nil {
		return err
	}
	st := m.GetStart()
	if err := checkStart(st); err != nil {
		return err
	}
	id := st.GetInteractionId()
	if err := s.claim(id); err != nil {
		return err
	}
	defer s.release(id)

	in := s.newInteraction(st)
	// Headers tell the device that Start was accepted (upstream.Open waits
	// for them).
	if err := srv.SendHeader(metadata.MD{}); err != nil {
		in.fail(err)
		s.finish(in)
		return err
	}
	err = in.run(srv)
	if err != nil {
		in.fail(err)
	}
	s.finish(in)
	if err == nil && in.rec.ExpectSpeechMs > 0 {
		err = srv.Send(&pb.ServiceMessage{Msg: &pb.ServiceMessage_ExpectSpeech_{ExpectSpeech: &pb.ServiceMessage_ExpectSpeech{TimeoutMs: uint32(in.rec.ExpectSpeechMs)}}})
	}
	return err
}

// claim marks id as in flight; an id that is streaming or stored already is
// refused, so that no record is ever overwritten.
func (s *Service) claim(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight[id] {
		return status.Errorf(codes.AlreadyExists, "voiceservice: interaction %s is already streaming", id)
	}
	for _, r := range s.records {
		if r.ID == id {
			return status.Errorf(codes.AlreadyExists, "voiceservice: interaction %s exists", id)
		}
	}
	if s.cfg.DataDir != "" {
		if _, err := os.Stat(filepath.Join(s.cfg.DataDir, id+".json")); err == nil {
			return status.Errorf(codes.AlreadyExists, "voiceservice: interaction %s exists", id)
		}
	}
	s.inFlight[id] = true
	return nil
}

func (s *Service) release(id string) {
	s.mu.Lock()
	delete(s.inFlight, id)
	s.mu.Unlock()
}

// interaction is the state of one Converse stream.
type interaction struct {
	s       *Service
	rec     Record
	ack     bool
	vad     *dsp.VAD
	hop     [dsp.HopSamples]int16
	nhop    int
	speech  bool  // the VAD has heard speech
	silent  int64 // samples since the VAD's decision last was speech
	endSil  int64 // silence (in samples, net of the VAD hangover) that ends speech
	maxSamp int64
	stopped bool
	grace   int64 // samples accepted after StopCapture
	pending []*pb.ServiceMessage
}

func (s *Service) newInteraction(st *pb.DeviceMessage_Start) *interaction {
	vcfg := dsp.DefaultVADConfig()
	// The VAD keeps its decision on for HangoverHops after speech; count
	// that as part of the endpoint silence.
	endSil := s.cfg.EndpointSilence.Milliseconds()*SampleRate/1000 - int64(vcfg.HangoverHops*dsp.HopSamples)
	return &interaction{
		s:   s,
		ack: st.GetAckChunks(),
		vad: dsp.NewVAD(vcfg),
		rec: Record{
			ID:                st.GetInteractionId(),
			DeviceID:          st.GetDeviceId(),
			Trigger:           triggerName(st.GetTrigger()),
			WakeWord:          st.GetWakeWord(),
			WakeStart:         st.GetWakeStartSample(),
			WakeEnd:           st.GetWakeEndSample(),
			PrerollMs:         int(st.GetPrerollMs()),
			DeviceStartSample: st.GetDeviceStartSample(),
			SampleRate:        SampleRate,
			Started:           s.cfg.Now().UTC(),
		},
		endSil:  max(endSil, 0),
		maxSamp: s.cfg.MaxInteraction.Milliseconds() * SampleRate / 1000,
	}
}

func (in *interaction) fail(err error) {
	if in.rec.Error == "" {
		in.rec.Error = err.Error()
	}
}

// run reads chunks until the device's End.
func (in *interaction) run(srv pb.VoiceService_ConverseServer) error {
	graceMax := stopGrace.Milliseconds() * SampleRate / 1000
	for {
		m, err := srv.Recv()
		if err == io.EOF {
			return invalid("stream closed without End")
		}
		if err != nil {
			return err
		}
		switch v := m.Msg.(type) {
		case *pb.DeviceMessage_End_:
			in.rec.EndReason = endName(v.End.GetReason())
			in.rec.EndDetail = v.End.GetDetail()
			return nil
		case *pb.DeviceMessage_Audio:
			a := v.Audio
			switch {
			case a.GetSeq() != uint64(in.rec.Chunks):
				return invalid("chunk seq %d, want %d", a.GetSeq(), in.rec.Chunks)
			case len(a.GetPcm())%2 != 0:
				return invalid("chunk %d: odd pcm length %d", a.GetSeq(), len(a.GetPcm()))
			case len(a.GetPcm()) > MaxChunkBytes:
				return invalid("chunk %d: %d bytes, more than one second (%d)", a.GetSeq(), len(a.GetPcm()), MaxChunkBytes)
			}
			n := int64(len(a.GetPcm()) / 2)
			if in.stopped {
				in.grace += n
				if in.grace > graceMax {
					return status.Errorf(codes.FailedPrecondition, "voiceservice: device kept streaming %d ms after StopCapture", in.grace*1000/SampleRate)
				}
			}
			in.audio(a.GetPcm())
			for _, msg := range in.pending {
				if err := srv.Send(msg); err != nil {
					return err
				}
			}
			in.pending = in.pending[:0]
			if in.ack {
				if err := srv.Send(&pb.ServiceMessage{Msg: &pb.ServiceMessage_Ack_{Ack: &pb.ServiceMessage_Ack{Seq: a.GetSeq()}}}); err != nil {
					return err
				}
			}
		case *pb.DeviceMessage_Start_:
			return invalid("second Start in one stream")
		default:
			return invalid("empty DeviceMessage")
		}
	}
}

// audio appends one chunk, runs the VAD over whole hops and decides on
// StopCapture.
func (in *interaction) audio(pcm []byte) {
	in.rec.Chunks++
	in.rec.Bytes += int64(len(pcm))
	for i := 0; i+1 < len(pcm); i += 2 {
		v := int16(binary.LittleEndian.Uint16(pcm[i:]))
		in.rec.Samples = append(in.rec.Samples, v)
		in.hop[in.nhop] = v
		in.nhop++
		if in.nhop < len(in.hop) {
			continue
		}
		in.nhop = 0
		if in.vad.Push(in.hop[:]) {
			in.speech, in.silent = true, 0
		} else {
			in.silent += dsp.HopSamples
		}
		if !in.stopped && in.speech && in.silent >= in.endSil {
			in.stop(pb.ServiceMessage_StopCapture_REASON_END_OF_SPEECH)
		}
	}
	in.rec.NumSamples = int64(len(in.rec.Samples))
	if in.stopped {
		return
	}
	if v := in.s.cfg.Verifier; v != nil && in.rec.Verified == nil && in.rec.Trigger == TriggerWakeWord && in.rec.NumSamples >= in.rec.WakeEnd+VerifyDelay {
		ok, score := v.Verify(in.rec.WakeWord, in.rec.Samples, in.rec.WakeStart, in.rec.WakeEnd)
		in.rec.Verified = &Verified{OK: ok, Score: score}
		if !ok {
			in.stop(pb.ServiceMessage_StopCapture_REASON_FALSE_WAKE)
			return
		}
	}
	if in.rec.NumSamples >= in.maxSamp {
		in.stop(pb.ServiceMessage_StopCapture_REASON_OTHER)
	}
}

func (in *interaction) stop(r pb.ServiceMessage_StopCapture_Reason) {
	in.stopped = true
	in.rec.StopSample = int64(len(in.rec.Samples))
	switch r {
	case pb.ServiceMessage_StopCapture_REASON_END_OF_SPEECH:
		in.rec.StopReason = StopEndOfSpeech
	case pb.ServiceMessage_StopCapture_REASON_FALSE_WAKE:
		in.rec.StopReason = StopFalseWake
	default:
		in.rec.StopReason = StopOther
	}
	in.pending = append(in.pending, &pb.ServiceMessage{Msg: &pb.ServiceMessage_StopCapture_{StopCapture: &pb.ServiceMessage_StopCapture{Reason: r}}})
}

// finish applies the follow-up policy, stores the record and logs it.
func (s *Service) finish(in *interaction) {
	r := &in.rec
	r.Ended = s.cfg.Now().UTC()
	ok := r.Error == "" && r.StopReason != StopFalseWake &&
		(r.EndReason == EndServiceStop || r.EndReason == EndEndpoint || r.EndReason == EndTimeout)
	s.mu.Lock()
	turn := 0
	if r.Trigger == TriggerFollowUp {
		turn = s.turns[r.DeviceID] + 1
	}
	if ok && turn < s.cfg.ExpectSpeechTurns {
		r.ExpectSpeechMs = s.cfg.ExpectSpeechTimeout.Milliseconds()
		s.turns[r.DeviceID] = turn
	} else {
		delete(s.turns, r.DeviceID)
	}
	s.mu.Unlock()

	var storeErr error
	if s.cfg.DataDir != "" {
		storeErr = store(s.cfg.DataDir, r)
	}
	s.mu.Lock()
	if len(s.records) >= s.cfg.KeepInMemory && len(s.records) > 0 {
		s.records = append(s.records[:0], s.records[1:]...)
	}
	if s.cfg.KeepInMemory > 0 {
		s.records = append(s.records, *r)
	}
	s.mu.Unlock()
	attrs := []any{"id", r.ID, "device", r.DeviceID, "trigger", r.Trigger, "samples", r.NumSamples,
		"end", r.EndReason, "stop", r.StopReason, "expect_speech_ms", r.ExpectSpeechMs}
	if r.Error != "" {
		attrs = append(attrs, "error", r.Error)
	}
	s.log.Info("voiceservice: interaction", attrs...)
	if storeErr != nil {
		s.log.Error("voiceservice: storing interaction failed", "id", r.ID, "err", storeErr)
	}
}
