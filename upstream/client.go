package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"

	pb "github.com/wakegate/wakegate/proto/wakegatev1"
)

// Triggers for Start.Trigger.
const (
	TriggerWakeWord = "wakeword"
	TriggerButton   = "button"
	TriggerFollowUp = "followup"
)

// End reasons for Stream.End.
const (
	EndServiceStop = "service_stop" // the service sent StopCapture
	EndEndpoint    = "endpoint"     // the device's endpointer heard the end of speech
	EndTimeout     = "timeout"      // the device's interaction time limit ran out
	EndMuted       = "muted"        // the mute switch cut the microphones (P4)
	EndCancelled   = "cancelled"    // cancelled by the owner or shutdown
	EndError       = "error"        // a device fault, e.g. ErrQueueFull (P6)
)

// Stop reasons in Message.StopReason.
const (
	StopEndOfSpeech = "end_of_speech"
	StopFalseWake   = "false_wake"
	StopOther       = "other"
)

// Event kinds for Event.Kind.
const (
	EventPresence = "presence"
	EventAlarm    = "alarm"
	EventMute     = "mute"
)

// Alarm kinds for Event.Alarm.
const (
	AlarmSmoke = "smoke"
	AlarmCO    = "co"
)

// Audio parameters of the protocol.
const (
	SampleRate = 16000 // samples per second
	// MaxChunkSamples is the largest chunk the service accepts: one second.
	MaxChunkSamples = SampleRate
)

var (
	// ErrQueueFull is returned by Send when the bounded queue is full: the
	// service or network is too slow. End the interaction with EndError and
	// drop the audio (P6).
	ErrQueueFull = errors.New("upstream: send queue full")
	// ErrClosed is returned after End, after the stream failed or ended, and
	// after Client.Close.
	ErrClosed = errors.New("upstream: stream closed")
)

// interactionID is what the service accepts as a record name.
var interactionID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// Client talks to one voice service. It is safe for concurrent use; each
// interaction is its own Stream.
type Client struct {
	cfg  Config
	conn *grpc.ClientConn
	api  pb.VoiceServiceClient

	mu      sync.Mutex
	closed  bool
	streams map[*Stream]struct{}
}

// Dial validates cfg and prepares a connection. It does not connect: the
// connection is made by the first Open or ReportEvent (and re-made after a
// failure), so Dial succeeds while the service is down.
func Dial(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.QueueChunks == 0 {
		cfg.QueueChunks = DefaultQueueChunks
	}
	opts, err := cfg.dialOptions()
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(cfg.Addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("upstream: dial %s: %w", cfg.Addr, err)
	}
	return &Client{cfg: cfg, conn: conn, api: pb.NewVoiceServiceClient(conn), streams: map[*Stream]struct{}{}}, nil
}

// Watch connects to the service in the background, keeps reconnecting
// (with the client's bounded backoff) and calls report when the service
// becomes reachable or unreachable: once at the first outcome, then on each
// change. It returns when ctx ends or the Client is closed. No audio is
// involved: it only holds the connection that the next Open will use, so a
// device whose service is down says so at start-up instead of at the first
// wake word, and says so again when the service is back.
func (c *Client) Watch(ctx context.Context, report func(reachable bool)) {
	known, reachable := false, false
	for {
		st := c.conn.GetState()
		switch st {
		case connectivity.Idle:
			c.conn.Connect()
		case connectivity.Ready, connectivity.TransientFailure:
			if now := st == connectivity.Ready; !known || now != reachable {
				known, reachable = true, now
				report(now)
			}
		case connectivity.Shutdown:
			return
		}
		if !c.conn.WaitForStateChange(ctx, st) {
			return
		}
	}
}

// Close cancels every open stream, waits for their goroutines and closes
// the connection.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	streams := make([]*Stream, 0, len(c.streams))
	for s := range c.streams {
		streams = append(streams, s)
	}
	c.mu.Unlock()
	for _, s := range streams {
		s.cancel()
		s.wait()
	}
	if err := c.conn.Close(); err != nil {
		return fmt.Errorf("upstream: close: %w", err)
	}
	return nil
}

// Start describes a new interaction.
type Start struct {
	// InteractionID names the interaction (and the service's record of it):
	// 1 to 128 of [A-Za-z0-9._-].
	InteractionID string
	// Trigger is TriggerWakeWord, TriggerButton or TriggerFollowUp.
	Trigger string
	// WakeWord is the detected wake word (wake-word streams only).
	WakeWord string
	// WakeStart and WakeEnd are the wake word's first sample and one past its
	// last, counted from the stream's first sample.
	WakeStart, WakeEnd int64
	// PrerollMs is the audio before the wake word, in milliseconds.
	PrerollMs int
	// DeviceStartSample is the stream's first sample on the device's capture
	// timeline (metadata for the audit trail).
	DeviceStartSample int64
	// Lockstep makes Send wait for the service's Ack of each chunk, so that
	// the service's decisions land at the same chunk on every replay.
	Lockstep bool
}

// Message is one decision of the service, delivered to Open's onMsg.
type Message struct {
	// StopCapture asks the device to stop streaming (answer with
	// End(EndServiceStop)).
	StopCapture bool
	// StopReason is StopEndOfSpeech, StopFalseWake or StopOther.
	StopReason string
	// ExpectSpeech, when non-zero, asks for a follow-up window this long
	// after the interaction.
	ExpectSpeech time.Duration
}

// Stats counts a stream's audio.
type Stats struct {
	BytesSent  int64 // PCM bytes handed to gRPC
	ChunksSent int64 // chunks handed to gRPC
	Dropped    int64 // chunks not sent: queue full, or discarded by End/failure
}

// Result summarises a finished stream.
type Result struct {
	Stats
	// StopCapture is true when the service sent StopCapture; StopReason says why.
	StopCapture bool
	StopReason  string
	// ExpectSpeech is the last follow-up window the service asked for (0 = none).
	ExpectSpeech time.Duration
}

func triggerProto(t string) (pb.Trigger, error) {
	switch t {
	case TriggerWakeWord:
		return pb.Trigger_TRIGGER_WAKEWORD, nil
	case TriggerButton:
		return pb.Trigger_TRIGGER_BUTTON, nil
	case TriggerFollowUp:
		return pb.Trigger_TRIGGER_FOLLOW_UP, nil
	}
	return 0, fmt.Errorf("upstream: unknown trigger %q (want %q, %q or %q)", t, TriggerWakeWord, TriggerButton, TriggerFollowUp)
}

func endReasonProto(r string) (pb.EndReason, error) {
	switch r {
	case EndServiceStop:
		return pb.EndReason_END_REASON_SERVICE_STOP, nil
	case EndEndpoint:
		return pb.EndReason_END_REASON_ENDPOINT, nil
	case EndTimeout:
		return pb.EndReason_END_REASON_TIMEOUT, nil
	case EndMuted:
		return pb.EndReason_END_REASON_MUTED, nil
	case EndCancelled:
		return pb.EndReason_END_REASON_CANCELLED, nil
	case EndError:
		return pb.EndReason_END_REASON_ERROR, nil
	}
	return 0, fmt.Errorf("upstream: unknown end reason %q", r)
}

func stopReasonString(r pb.ServiceMessage_StopCapture_Reason) string {
	switch r {
	case pb.ServiceMessage_StopCapture_REASON_END_OF_SPEECH:
		return StopEndOfSpeech
	case pb.ServiceMessage_StopCapture_REASON_FALSE_WAKE:
		return StopFalseWake
	}
	return StopOther
}

// Open starts one interaction: it connects if needed, sends Start and waits
// until the service has accepted it. ctx bounds only this opening (connect,
// authentication, the service's checks of Start); when the service is down
// Open fails at once with a codes.Unavailable error, and when it does not
// answer, at ctx's deadline. The stream itself lives until Wait returns or
// the Client is closed.
//
// onMsg (may be nil) is called from the stream's receive goroutine, in
// arrival order, for each StopCapture and ExpectSpeech; it must not block
// long, and must not call Send in Lockstep mode.
func (c *Client) Open(ctx context.Context, st Start, onMsg func(Message)) (*Stream, error) {
	trig, err := triggerProto(st.Trigger)
	if err != nil {
		return nil, err
	}
	if !interactionID.MatchString(st.InteractionID) {
		return nil, fmt.Errorf("upstream: interaction id %q: want 1 to 128 of [A-Za-z0-9._-]", st.InteractionID)
	}
	if c.isClosed() {
		return nil, ErrClosed
	}
	// The stream outlives ctx (which may be a short open deadline) but keeps
	// its values; ctx cancels it only until Open returns.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	fail := func(err error) (*Stream, error) {
		stop()
		cancel()
		if ctx.Err() != nil && (err == nil || status.Code(err) == codes.Canceled) {
			// Our own cancel (from ctx) shows as Canceled; report the cause
			// with its gRPC code (e.g. DeadlineExceeded) and keep errors.Is
			// working for ctx's error.
			err = fmt.Errorf("%w: %w", status.FromContextError(ctx.Err()).Err(), ctx.Err())
		}
		return nil, fmt.Errorf("upstream: open interaction %s at %s: %s: %w", st.InteractionID, c.cfg.Addr, hint(err), err)
	}
	cs, err := c.api.Converse(sctx)
	if err != nil {
		return fail(err)
	}
	start := &pb.DeviceMessage{Msg: &pb.DeviceMessage_Start_{Start: &pb.DeviceMessage_Start{
		DeviceId:          c.cfg.DeviceID,
		InteractionId:     st.InteractionID,
		Trigger:           trig,
		WakeWord:          st.WakeWord,
		WakeStartSample:   st.WakeStart,
		WakeEndSample:     st.WakeEnd,
		SampleRate:        SampleRate,
		Format:            pb.AudioFormat_AUDIO_FORMAT_S16LE,
		PrerollMs:         int32(st.PrerollMs),
		DeviceStartSample: st.DeviceStartSample,
		AckChunks:         st.Lockstep,
	}}}
	if err := cs.Send(start); err != nil {
		// The real status comes from Recv (Send reports only io.EOF).
		_, err = cs.Recv()
		return fail(err)
	}
	// The service sends response headers once it has accepted Start; a nil
	// header means the stream already ended and Recv holds the status.
	if md, _ := cs.Header(); md == nil {
		_, err := cs.Recv()
		if err == nil || err == io.EOF {
			err = errors.New("service closed the stream without accepting it")
		}
		return fail(err)
	}
	if !stop() {
		return fail(ctx.Err())
	}
	s := &Stream{
		c:          c,
		id:         st.InteractionID,
		lockstep:   st.Lockstep,
		onMsg:      onMsg,
		cs:         cs,
		ctx:        sctx,
		cancel:     cancel,
		queue:      make(chan chunk, c.cfg.QueueChunks),
		acked:      -1,
		ackCh:      make(chan struct{}),
		senderDone: make(chan struct{}),
		recvDone:   make(chan struct{}),
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cancel()
		return nil, ErrClosed
	}
	c.streams[s] = struct{}{}
	c.mu.Unlock()
	go s.sender()
	go s.receiver()
	return s, nil
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// hint turns a gRPC failure into words for the owner's log.
func hint(err error) string {
	switch status.Code(err) {
	case codes.Unavailable:
		return "voice service unavailable"
	case codes.DeadlineExceeded:
		return "voice service did not answer in time"
	case codes.Unauthenticated:
		return "voice service rejected the device token"
	case codes.PermissionDenied:
		return "voice service denied access"
	case codes.InvalidArgument:
		return "voice service rejected the request"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "voice service did not answer in time"
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return "failed"
}

// Event is one audio-free observation for ReportEvent.
type Event struct {
	// Kind is EventPresence, EventAlarm or EventMute.
	Kind string
	// DeviceSample is when it happened on the capture timeline (16 kHz samples).
	DeviceSample int64
	// Time is when it happened (zero: now).
	Time time.Time
	// Present is the new presence state (EventPresence).
	Present bool
	// Alarm is AlarmSmoke or AlarmCO (EventAlarm).
	Alarm string
	// Muted is the new mute state (EventMute).
	Muted bool
}

// ReportEvent sends ev and waits for the service's acknowledgement. Like
// Open it fails fast when the service is down; events are not queued.
func (c *Client) ReportEvent(ctx context.Context, ev Event) error {
	t := ev.Time
	if t.IsZero() {
		t = time.Now()
	}
	msg := &pb.DeviceEvent{DeviceId: c.cfg.DeviceID, DeviceSample: ev.DeviceSample, UnixMs: t.UnixMilli()}
	switch ev.Kind {
	case EventPresence:
		msg.Kind = &pb.DeviceEvent_Presence{Presence: &pb.DeviceEvent_PresenceChanged{Present: ev.Present}}
	case EventMute:
		msg.Kind = &pb.DeviceEvent_Mute{Mute: &pb.DeviceEvent_MuteChanged{Muted: ev.Muted}}
	case EventAlarm:
		var k pb.DeviceEvent_AlarmHeard_Kind
		switch ev.Alarm {
		case AlarmSmoke:
			k = pb.DeviceEvent_AlarmHeard_KIND_SMOKE
		case AlarmCO:
			k = pb.DeviceEvent_AlarmHeard_KIND_CO
		default:
			return fmt.Errorf("upstream: event: unknown alarm %q", ev.Alarm)
		}
		msg.Kind = &pb.DeviceEvent_Alarm{Alarm: &pb.DeviceEvent_AlarmHeard{Kind: k}}
	default:
		return fmt.Errorf("upstream: event: unknown kind %q", ev.Kind)
	}
	if c.isClosed() {
		return ErrClosed
	}
	if _, err := c.api.ReportEvent(ctx, msg); err != nil {
		return fmt.Errorf("upstream: report %s event at %s: %s: %w", ev.Kind, c.cfg.Addr, hint(err), err)
	}
	return nil
}
