package voiceservice

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/wakegate/wakegate/proto/wakegatev1"
	"github.com/wakegate/wakegate/upstream"
)

// The button fixture's command "play some jazz" spans samples 43200–58867
// (testdata/fixtures/button.json); the press is just before it.
const (
	buttonFrom   = 40000
	commandEnd   = 58867
	buttonToSend = 96000
)

// TestInteractionStored streams a real recording in lockstep and checks the
// service's endpointing and the stored WAV and JSON byte for byte.
func TestInteractionStored(t *testing.T) {
	dir := t.TempDir()
	svc, addr := startService(t, Config{DataDir: dir, Tokens: []string{"tok"}}, ServeOptions{})
	c := dial(t, upstream.Config{Addr: addr, Plaintext: true, Token: "tok", DeviceID: "kitchen"})
	audio := fixture(t, "button.wav", buttonFrom, buttonToSend)
	st := upstream.Start{InteractionID: "btn-1", Trigger: upstream.TriggerButton, DeviceStartSample: buttonFrom, Lockstep: true}
	const chunk = 320 // 20 ms
	res, sent, err := converse(t, c, st, audio, chunk, upstream.EndEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	if !res.StopCapture || res.StopReason != upstream.StopEndOfSpeech {
		t.Fatalf("result %+v: want StopCapture end_of_speech", res)
	}
	// The stop must come after the command and within the endpoint silence
	// plus the VAD's onset/hangover slack (300 ms) after it.
	speechEnd := commandEnd - buttonFrom
	limit := speechEnd + int(DefaultEndpointSilence.Milliseconds()+300)*SampleRate/1000
	if sent < speechEnd+int(DefaultEndpointSilence.Milliseconds()/2)*SampleRate/1000 || sent > limit {
		t.Errorf("StopCapture after %d samples; speech ends at %d, want a stop in (%d+350 ms, %d]", sent, speechEnd, speechEnd, limit)
	}
	if res.BytesSent != int64(2*sent) {
		t.Errorf("BytesSent = %d, want %d", res.BytesSent, 2*sent)
	}

	recs := svc.Records()
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	r := recs[0]
	if int(r.StopSample) != sent {
		t.Errorf("StopSample %d, but the device (in lockstep) stopped after %d", r.StopSample, sent)
	}
	if !equal(r.Samples, audio[:sent]) {
		t.Errorf("in-memory samples differ from the %d sent", sent)
	}
	rate, wav := readWAV(t, filepath.Join(dir, "btn-1.wav"))
	if rate != SampleRate || !equal(wav, audio[:sent]) {
		t.Errorf("stored WAV: rate %d, %d samples; want %d Hz and exactly the %d samples sent", rate, len(wav), SampleRate, sent)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "btn-1.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != wavHeaderBytes+2*sent {
		t.Errorf("WAV is %d bytes, want %d", len(raw), wavHeaderBytes+2*sent)
	}
	var js map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "btn-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": "btn-1", "device_id": "kitchen", "trigger": "button", "device_start_sample": float64(buttonFrom),
		"samples": float64(sent), "bytes": float64(2 * sent), "chunks": float64((sent + chunk - 1) / chunk),
		"end_reason": "service_stop", "stop_reason": "end_of_speech", "sample_rate": float64(SampleRate),
	}
	for k, v := range want {
		if js[k] != v {
			t.Errorf("json %s = %v, want %v", k, js[k], v)
		}
	}
	if _, ok := js["expect_speech_ms"]; ok {
		t.Error("json has expect_speech_ms with follow-ups disabled")
	}
	list, err := svc.List()
	if err != nil || len(list) != 1 || list[0].ID != "btn-1" || list[0].Samples != nil || !list[0].Started.Equal(r.Started) {
		t.Fatalf("List = %+v, %v", list, err)
	}
	// The same id again would overwrite a record: refused.
	if _, _, err := converse(t, c, st, audio[:320], 320, upstream.EndEndpoint); status.Code(err) != codes.AlreadyExists {
		t.Errorf("reused id: %v, want AlreadyExists", err)
	}
	if err := svc.Delete("btn-1"); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("after Delete: %v left", left)
	}
	if len(svc.Records()) != 0 {
		t.Error("Delete left the record in memory")
	}
	if err := svc.Delete("btn-1"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("second Delete = %v, want ErrNotExist", err)
	}
}

// TestLockstepDeterministic replays the same recording twice with different
// chunk sizes: in lockstep the device must stop after exactly the chunk on
// which the service decided, every time.
func TestLockstepDeterministic(t *testing.T) {
	svc, addr := startService(t, Config{}, ServeOptions{})
	c := dial(t, upstream.Config{Addr: addr, Plaintext: true})
	audio := fixture(t, "button.wav", buttonFrom, buttonToSend)
	for i, chunk := range []int{320, 320, 1600, 777} {
		st := upstream.Start{InteractionID: "det-" + string(rune('a'+i)), Trigger: upstream.TriggerButton, Lockstep: true}
		res, sent, err := converse(t, c, st, audio, chunk, upstream.EndEndpoint)
		if err != nil {
			t.Fatal(err)
		}
		recs := svc.Records()
		r := recs[len(recs)-1]
		// StopSample is the hop where the service decided; the device stops
		// after the chunk holding it.
		if !res.StopCapture || sent < int(r.StopSample) || sent-int(r.StopSample) >= chunk || r.NumSamples != int64(sent) {
			t.Errorf("chunk %d: stop %v at %d, device sent %d, service got %d: want the device to stop at the deciding chunk",
				chunk, res.StopCapture, r.StopSample, sent, r.NumSamples)
		}
		// The decision is per 10 ms hop, so it lands in the same hop for
		// every chunking.
		if first := svc.Records()[0]; r.StopSample != first.StopSample {
			t.Errorf("chunk %d: stop at %d, first run at %d", chunk, r.StopSample, first.StopSample)
		}
	}
}

func equal(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAuth(t *testing.T) {
	_, addr := startService(t, Config{Tokens: []string{"alpha", "beta"}}, ServeOptions{})
	tests := []struct {
		token string
		want  codes.Code
		msg   string
	}{
		{"", codes.Unauthenticated, "missing device token"},
		{"gamma", codes.Unauthenticated, "invalid device token"},
		{"alph", codes.Unauthenticated, "invalid device token"},
		{"beta", codes.OK, ""},
	}
	for _, tt := range tests {
		c := dial(t, upstream.Config{Addr: addr, Plaintext: true, Token: tt.token})
		_, _, err := converse(t, c, upstream.Start{InteractionID: "auth-" + tt.token, Trigger: upstream.TriggerButton}, make([]int16, 320), 320, upstream.EndCancelled)
		if status.Code(err) != tt.want || !strings.Contains(errString(err), tt.msg) {
			t.Errorf("token %q: Open = %v, want %v %q", tt.token, err, tt.want, tt.msg)
		}
		err = c.ReportEvent(context.Background(), upstream.Event{Kind: upstream.EventMute, Muted: true})
		if status.Code(err) != tt.want {
			t.Errorf("token %q: ReportEvent = %v, want %v", tt.token, err, tt.want)
		}
	}
	// Handlers check the token themselves too, for servers built without
	// ServerOptions.
	svc, err := New(Config{Tokens: []string{"alpha"}, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReportEvent(context.Background(), &pb.DeviceEvent{DeviceId: "d", Kind: &pb.DeviceEvent_Mute{Mute: &pb.DeviceEvent_MuteChanged{}}}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("ReportEvent without interceptor = %v, want Unauthenticated", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestEvents(t *testing.T) {
	svc, addr := startService(t, Config{}, ServeOptions{})
	c := dial(t, upstream.Config{Addr: addr, Plaintext: true, DeviceID: "hall"})
	at := time.UnixMilli(1_750_000_000_000)
	for _, ev := range []upstream.Event{
		{Kind: upstream.EventPresence, Present: true, DeviceSample: 1, Time: at},
		{Kind: upstream.EventAlarm, Alarm: upstream.AlarmSmoke, DeviceSample: 2, Time: at},
		{Kind: upstream.EventMute, Muted: true, DeviceSample: 3, Time: at},
	} {
		if err := c.ReportEvent(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	got := svc.Events()
	want := []Event{
		{DeviceID: "hall", DeviceSample: 1, Time: at.UTC(), Kind: "presence", Present: true},
		{DeviceID: "hall", DeviceSample: 2, Time: at.UTC(), Kind: "alarm", Alarm: "smoke"},
		{DeviceID: "hall", DeviceSample: 3, Time: at.UTC(), Kind: "mute", Muted: true},
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// rawStream opens a Converse stream with the generated client, to send what
// upstream never would.
func rawStream(t *testing.T, addr string) pb.VoiceService_ConverseClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	cs, err := pb.NewVoiceServiceClient(conn).Converse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestProtocolViolations(t *testing.T) {
	_, addr := startService(t, Config{}, ServeOptions{})
	good := func() *pb.DeviceMessage_Start {
		return &pb.DeviceMessage_Start{DeviceId: "d", InteractionId: "p", Trigger: pb.Trigger_TRIGGER_BUTTON, SampleRate: 16000, Format: pb.AudioFormat_AUDIO_FORMAT_S16LE}
	}
	start := func(f func(*pb.DeviceMessage_Start)) *pb.DeviceMessage {
		st := good()
		f(st)
		return &pb.DeviceMessage{Msg: &pb.DeviceMessage_Start_{Start: st}}
	}
	audio := func(seq uint64, n int) *pb.DeviceMessage {
		return &pb.DeviceMessage{Msg: &pb.DeviceMessage_Audio{Audio: &pb.DeviceMessage_AudioChunk{Seq: seq, Pcm: make([]byte, n)}}}
	}
	ok := start(func(*pb.DeviceMessage_Start) {})
	tests := []struct {
		name string
		msgs []*pb.DeviceMessage
		want string
	}{
		{"audio first", []*pb.DeviceMessage{audio(0, 2)}, "first message must be Start"},
		{"8 kHz", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.SampleRate = 8000 })}, "sample_rate 8000"},
		{"no format", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.Format = 0 })}, "format"},
		{"no trigger", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.Trigger = 0 })}, "trigger"},
		{"no device", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.DeviceId = "" })}, "device_id"},
		{"path id", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.InteractionId = "../x" })}, "interaction_id"},
		{"dot id", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.InteractionId = ".." })}, "interaction_id"},
		{"long preroll", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.PrerollMs = 1500 })}, "preroll_ms"},
		{"wake backwards", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) {
			s.Trigger, s.WakeWord, s.WakeStartSample, s.WakeEndSample = pb.Trigger_TRIGGER_WAKEWORD, "computer", 10, 5
		})}, "wake word samples"},
		{"wake without word", []*pb.DeviceMessage{start(func(s *pb.DeviceMessage_Start) { s.Trigger = pb.Trigger_TRIGGER_WAKEWORD })}, "wake_word"},
		{"seq starts at 1", []*pb.DeviceMessage{ok, audio(1, 2)}, "seq 1, want 0"},
		{"seq gap", []*pb.DeviceMessage{ok, audio(0, 2), audio(2, 2)}, "seq 2, want 1"},
		{"odd pcm", []*pb.DeviceMessage{ok, audio(0, 3)}, "odd pcm length"},
		{"chunk over 1 s", []*pb.DeviceMessage{ok, audio(0, MaxChunkBytes+2)}, "more than one second"},
		{"second start", []*pb.DeviceMessage{ok, audio(0, 2), ok}, "second Start"},
		{"empty message", []*pb.DeviceMessage{ok, {}}, "empty DeviceMessage"},
		{"no end", []*pb.DeviceMessage{ok, audio(0, 2), nil}, "without End"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := rawStream(t, addr)
			for _, m := range tt.msgs {
				if m == nil {
					cs.CloseSend()
					break
				}
				m = proto.Clone(m).(*pb.DeviceMessage)
				if st := m.GetStart(); st != nil && st.InteractionId == "p" {
					st.InteractionId = "p" + string(rune('a'+i))
				}
				if err := cs.Send(m); err != nil {
					break // the service already answered; Recv has the status
				}
			}
			var err error
			for err == nil {
				_, err = cs.Recv()
			}
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want InvalidArgument %q", err, tt.want)
			}
		})
	}
}

// TestExpectSpeechPolicy checks which interactions end with ExpectSpeech:
// successful ones, for up to ExpectSpeechTurns consecutive follow-ups.
func TestExpectSpeechPolicy(t *testing.T) {
	const window = 4 * time.Second
	for _, turns := range []int{0, 1, 2} {
		_, addr := startService(t, Config{ExpectSpeechTimeout: window, ExpectSpeechTurns: turns}, ServeOptions{})
		c := dial(t, upstream.Config{Addr: addr, Plaintext: true})
		quiet := make([]int16, 1600)
		steps := []struct {
			trigger, end string
			want         bool // offered with turns >= 1
			wantTurns2   bool
		}{
			{upstream.TriggerWakeWord, upstream.EndEndpoint, true, true},
			{upstream.TriggerFollowUp, upstream.EndEndpoint, false, true},
			{upstream.TriggerFollowUp, upstream.EndTimeout, false, false}, // third turn with turns=2
			{upstream.TriggerButton, upstream.EndMuted, false, false},     // muted: no follow-up
			{upstream.TriggerButton, upstream.EndCancelled, false, false},
			{upstream.TriggerButton, upstream.EndError, false, false},
			{upstream.TriggerButton, upstream.EndTimeout, true, true},
			{upstream.TriggerFollowUp, upstream.EndEndpoint, false, true},
		}
		for i, s := range steps {
			st := upstream.Start{InteractionID: "x" + string(rune('a'+i)), Trigger: s.trigger, Lockstep: true}
			if s.trigger == upstream.TriggerWakeWord {
				st.WakeWord, st.WakeEnd = "computer", 800
			}
			res, _, err := converse(t, c, st, quiet, 320, s.end)
			if err != nil {
				t.Fatal(err)
			}
			want := turns >= 1 && s.want || turns >= 2 && s.wantTurns2
			if got := res.ExpectSpeech == window; got != want || (!got && res.ExpectSpeech != 0) {
				t.Errorf("turns %d, step %d (%s→%s): ExpectSpeech %v, want offered=%v", turns, i, s.trigger, s.end, res.ExpectSpeech, want)
			}
		}
	}
}

// verifier accepts or rejects every wake word and remembers what it saw.
type verifier struct {
	ok                 bool
	calls              int
	n, wakeStart, wEnd int64
}

func (v *verifier) Verify(word string, audio []int16, ws, we int64) (bool, float64) {
	v.calls++
	v.n, v.wakeStart, v.wEnd = int64(len(audio)), ws, we
	if v.ok {
		return true, 0.9
	}
	return false, 0.1
}

func TestVerifier(t *testing.T) {
	for _, accept := range []bool{true, false} {
		v := &verifier{ok: accept}
		svc, addr := startService(t, Config{Verifier: v, ExpectSpeechTimeout: time.Second, ExpectSpeechTurns: 1}, ServeOptions{})
		c := dial(t, upstream.Config{Addr: addr, Plaintext: true})
		// The wake word "computer" lies at 32000–42271 in wake_alone.wav;
		// stream from 500 ms before it.
		audio := fixture(t, "wake_alone.wav", 24000, 56000)
		st := upstream.Start{InteractionID: "w", Trigger: upstream.TriggerWakeWord, WakeWord: "computer", WakeStart: 8000, WakeEnd: 18271, PrerollMs: 500, Lockstep: true}
		res, sent, err := converse(t, c, st, audio, 320, upstream.EndEndpoint)
		if err != nil {
			t.Fatal(err)
		}
		r := svc.Records()[0]
		if v.calls != 1 || v.wakeStart != 8000 || v.wEnd != 18271 || v.n < 18271+VerifyDelay || v.n >= 18271+VerifyDelay+320 {
			t.Errorf("accept=%v: verifier called %d times with %d samples [%d,%d)", accept, v.calls, v.n, v.wakeStart, v.wEnd)
		}
		if r.Verified == nil || r.Verified.OK != accept {
			t.Errorf("accept=%v: record Verified = %+v", accept, r.Verified)
		}
		if !accept {
			if res.StopReason != upstream.StopFalseWake || int64(sent) != v.n || res.ExpectSpeech != 0 {
				t.Errorf("rejected: result %+v after %d samples; want false_wake VerifyDelay after the wake end and no follow-up", res, sent)
			}
		} else if res.StopReason == upstream.StopFalseWake {
			t.Error("accepted wake word stopped as false wake")
		}
	}
}

func TestMaxInteractionAndGrace(t *testing.T) {
	svc, addr := startService(t, Config{MaxInteraction: time.Second}, ServeOptions{})
	c := dial(t, upstream.Config{Addr: addr, Plaintext: true})
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]int16, 2*SampleRate)
	for i := range noise {
		noise[i] = int16(rng.IntN(201) - 100) // ±100 LSB hiss, never speech
	}
	res, sent, err := converse(t, c, upstream.Start{InteractionID: "long", Trigger: upstream.TriggerButton, Lockstep: true}, noise, 320, upstream.EndTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if res.StopReason != upstream.StopOther || sent != SampleRate {
		t.Errorf("result %+v after %d samples, want StopCapture other after exactly 1 s", res, sent)
	}
	if r := svc.Records()[0]; r.StopReason != StopOther || r.EndReason != EndServiceStop {
		t.Errorf("record %+v", r)
	}

	// A device that ignores StopCapture is cut off after the grace period.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.Open(ctx, upstream.Start{InteractionID: "deaf", Trigger: upstream.TriggerButton, Lockstep: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sendErr error
	for i := 0; i < 10 && sendErr == nil; i++ { // 10 s of audio, far past 1 s + stopGrace
		sendErr = s.Send(make([]int16, SampleRate))
	}
	if !errors.Is(sendErr, upstream.ErrClosed) {
		t.Errorf("Send kept working: %v", sendErr)
	}
	if _, err := s.Wait(ctx); status.Code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "after StopCapture") {
		t.Errorf("Wait = %v, want FailedPrecondition", err)
	}
	if r := svc.Records()[1]; r.Error == "" || r.NumSamples != 1*SampleRate+int64(stopGrace.Seconds())*SampleRate {
		t.Errorf("record of the cut stream: %d samples, error %q", r.NumSamples, r.Error)
	}
}

// TestRetention prunes with a fake clock: only records older than the
// retention go, from disk and memory, and so do orphaned WAV files.
func TestRetention(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var clock = func() time.Time { return now }
	svc, addr := startService(t, Config{DataDir: dir, Retention: 24 * time.Hour, Now: func() time.Time { return clock() }}, ServeOptions{})
	c := dial(t, upstream.Config{Addr: addr, Plaintext: true})
	for _, id := range []string{"old", "new"} {
		if _, _, err := converse(t, c, upstream.Start{InteractionID: id, Trigger: upstream.TriggerButton}, make([]int16, 320), 320, upstream.EndEndpoint); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
	}
	orphan := filepath.Join(dir, "crashed.wav")
	if err := os.WriteFile(orphan, encodeWAV(make([]int16, 10), SampleRate), 0o600); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-48 * time.Hour)
	if err := os.Chtimes(orphan, old, old); err != nil {
		t.Fatal(err)
	}
	if gone, err := svc.Prune(); err != nil || len(gone) != 1 || gone[0] != "crashed" {
		t.Fatalf("Prune at +4h = %v, %v; want only the orphan", gone, err)
	}
	now = now.Add(21 * time.Hour) // "old" ended 25 h ago, "new" 23 h ago
	gone, err := svc.Prune()
	if err != nil || len(gone) != 1 || gone[0] != "old" {
		t.Fatalf("Prune = %v, %v; want [old]", gone, err)
	}
	list, err := svc.List()
	if err != nil || len(list) != 1 || list[0].ID != "new" {
		t.Errorf("List after prune = %+v, %v", list, err)
	}
	if recs := svc.Records(); len(recs) != 1 || recs[0].ID != "new" {
		t.Errorf("Records after prune: %d", len(recs))
	}
	if _, err := os.Stat(filepath.Join(dir, "old.wav")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old.wav: %v", err)
	}
	// New prunes too: a service started much later finds nothing to keep.
	now = now.Add(48 * time.Hour)
	if _, err := New(Config{DataDir: dir, Retention: 24 * time.Hour, Now: clock, Logger: quietLog}); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("after New: %v left", left)
	}
}

func TestWAVHeader(t *testing.T) {
	b := encodeWAV([]int16{1, -2, 32767}, SampleRate)
	want := "RIFF" + le32(36+6) + "WAVEfmt " + le32(16) + "\x01\x00\x01\x00" + le32(16000) + le32(32000) + "\x02\x00\x10\x00" + "data" + le32(6) + "\x01\x00\xfe\xff\xff\x7f"
	if string(b) != want {
		t.Errorf("encodeWAV = %q\nwant %q", b, want)
	}
}

func le32(v uint32) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return string(b[:])
}

// BenchmarkChunk measures the service's work per 20 ms chunk: decoding,
// VAD over two hops and the endpoint decision.
func BenchmarkChunk(b *testing.B) {
	svc, err := New(Config{Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	st := &pb.DeviceMessage_Start{DeviceId: "d", InteractionId: "b", Trigger: pb.Trigger_TRIGGER_BUTTON, SampleRate: SampleRate, Format: pb.AudioFormat_AUDIO_FORMAT_S16LE}
	rng := rand.New(rand.NewPCG(1, 2))
	pcm := make([]byte, 640) // 20 ms
	for i := range pcm {
		pcm[i] = byte(rng.IntN(256))
	}
	in := svc.newInteraction(st)
	b.ReportAllocs()
	b.SetBytes(int64(len(pcm)))
	for b.Loop() {
		if len(in.rec.Samples) > 15*SampleRate { // stay within one interaction's size
			in.rec.Samples = in.rec.Samples[:0]
		}
		in.audio(pcm)
		in.stopped, in.pending = false, in.pending[:0]
	}
}

// TestConcurrentInteractions runs several devices at once and checks that
// every stored recording holds exactly its own device's audio.
func TestConcurrentInteractions(t *testing.T) {
	dir := t.TempDir()
	svc, addr := startService(t, Config{DataDir: dir}, ServeOptions{})
	const devices = 6
	errs := make(chan error, devices)
	want := make([][]int16, devices)
	for d := range devices {
		rng := rand.New(rand.NewPCG(1, uint64(d)))
		want[d] = make([]int16, 8000+1000*d)
		for i := range want[d] {
			want[d][i] = int16(rng.IntN(2001) - 1000)
		}
	}
	for d := range devices {
		c := dial(t, upstream.Config{Addr: addr, Plaintext: true, DeviceID: "dev" + string(rune('0'+d))})
		go func() {
			_, _, err := converse(t, c, upstream.Start{InteractionID: "c" + string(rune('0'+d)), Trigger: upstream.TriggerButton}, want[d], 320, upstream.EndEndpoint)
			errs <- err
		}()
	}
	for range devices {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(svc.Records()); n != devices {
		t.Fatalf("%d records, want %d", n, devices)
	}
	for d := range devices {
		_, got := readWAV(t, filepath.Join(dir, "c"+string(rune('0'+d))+".wav"))
		if !equal(got, want[d]) {
			t.Errorf("device %d: stored %d samples that differ from the %d sent", d, len(got), len(want[d]))
		}
	}
}
