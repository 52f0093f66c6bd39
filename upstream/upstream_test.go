package upstream

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "github.com/wakegate/wakegate/proto/wakegatev1"
)

// scriptServer is a minimal VoiceService for these tests: it accepts Start,
// then hands every message to a per-test script. The real reference service
// (package voiceservice) has its own end-to-end tests against this client.
type scriptServer struct {
	pb.UnimplementedVoiceServiceServer
	// onStart may reject the Start with an error.
	onStart func(ctx context.Context, st *pb.DeviceMessage_Start) error
	// onMsg handles every message after Start; returning done ends the stream.
	onMsg func(srv pb.VoiceService_ConverseServer, st *pb.DeviceMessage_Start, m *pb.DeviceMessage) (done bool, err error)
	// hold, if set, runs after Start is accepted and before anything is read.
	hold func(ctx context.Context)

	mu     sync.Mutex
	events []*pb.DeviceEvent
}

func (s *scriptServer) Converse(srv pb.VoiceService_ConverseServer) error {
	m, err := srv.Recv()
	if err != nil {
		return err
	}
	st := m.GetStart()
	if st == nil {
		return status.Error(codes.InvalidArgument, "want Start")
	}
	if s.onStart != nil {
		if err := s.onStart(srv.Context(), st); err != nil {
			return err
		}
	}
	if err := srv.SendHeader(metadata.MD{}); err != nil {
		return err
	}
	if s.hold != nil {
		s.hold(srv.Context())
	}
	for {
		m, err := srv.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if s.onMsg == nil {
			continue
		}
		done, err := s.onMsg(srv, st, m)
		if err != nil || done {
			return err
		}
	}
}

func (s *scriptServer) ReportEvent(_ context.Context, ev *pb.DeviceEvent) (*pb.EventAck, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, ev)
	return &pb.EventAck{}, nil
}

// serve runs srv on a loopback port until the test ends and returns a
// client dialled to it.
func serve(t *testing.T, srv pb.VoiceServiceServer, cfg Config) *Client {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	pb.RegisterVoiceServiceServer(gs, srv)
	go gs.Serve(lis)
	cfg.Addr = lis.Addr().String()
	if cfg.DeviceID == "" {
		cfg.DeviceID = "test-device"
	}
	cfg.Plaintext = true
	c, err := Dial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Error(err)
		}
		gs.Stop()
	})
	return c
}

func randomPCM(rng *rand.Rand, n int) []int16 {
	p := make([]int16, n)
	for i := range p {
		p[i] = int16(rng.IntN(65536) - 32768)
	}
	return p
}

func le(p []int16) []byte {
	b := make([]byte, 2*len(p))
	for i, v := range p {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	var (
		mu    sync.Mutex
		got   []byte
		seqs  []uint64
		end   *pb.DeviceMessage_End
		start *pb.DeviceMessage_Start
		authz []string
	)
	srv := &scriptServer{
		onStart: func(ctx context.Context, st *pb.DeviceMessage_Start) error {
			md, _ := metadata.FromIncomingContext(ctx)
			mu.Lock()
			start, authz = st, md.Get("authorization")
			mu.Unlock()
			return nil
		},
		onMsg: func(srv pb.VoiceService_ConverseServer, _ *pb.DeviceMessage_Start, m *pb.DeviceMessage) (bool, error) {
			mu.Lock()
			defer mu.Unlock()
			switch v := m.Msg.(type) {
			case *pb.DeviceMessage_Audio:
				got = append(got, v.Audio.Pcm...)
				seqs = append(seqs, v.Audio.Seq)
			case *pb.DeviceMessage_End_:
				end = v.End
				return true, srv.Send(&pb.ServiceMessage{Msg: &pb.ServiceMessage_ExpectSpeech_{ExpectSpeech: &pb.ServiceMessage_ExpectSpeech{TimeoutMs: 8000}}})
			}
			return false, nil
		},
	}
	c := serve(t, srv, Config{Token: "s3cret", DeviceID: "kitchen"})
	var msgs []Message
	var mmu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.Open(ctx, Start{InteractionID: "i-1", Trigger: TriggerWakeWord, WakeWord: "hey gate", WakeStart: 8000, WakeEnd: 17000, PrerollMs: 500, DeviceStartSample: 123456}, func(m Message) {
		mmu.Lock()
		msgs = append(msgs, m)
		mmu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var want []byte
	// Chunk sizes from 1 sample to a full second, including odd ones.
	for _, n := range []int{320, 1, 1600, 16000, 777, 320, 0, 5} {
		p := randomPCM(rng, n)
		want = append(want, le(p)...)
		if err := s.Send(p); err != nil {
			t.Fatalf("Send(%d samples): %v", n, err)
		}
	}
	if err := s.Send(make([]int16, MaxChunkSamples+1)); err == nil {
		t.Error("Send of more than one second: want error")
	}
	if err := s.End(EndEndpoint, "vad"); err != nil {
		t.Fatal(err)
	}
	if err := s.End(EndError, "again"); err != nil {
		t.Errorf("second End: %v", err)
	}
	if err := s.Send([]int16{1}); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after End = %v, want ErrClosed", err)
	}
	res, err := s.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if string(got) != string(want) {
		t.Errorf("service got %d bytes, want %d (content differs)", len(got), len(want))
	}
	for i, q := range seqs {
		if q != uint64(i) {
			t.Fatalf("seqs = %v, want 0,1,2,...", seqs)
		}
	}
	if res.BytesSent != int64(len(want)) || res.ChunksSent != 8 || res.Dropped != 1 {
		t.Errorf("stats = %+v, want %d bytes, 8 chunks, 1 dropped (the send after End)", res.Stats, len(want))
	}
	if res.ExpectSpeech != 8*time.Second || res.StopCapture {
		t.Errorf("result = %+v, want ExpectSpeech 8s and no StopCapture", res)
	}
	if end.GetReason() != pb.EndReason_END_REASON_ENDPOINT || end.GetDetail() != "vad" {
		t.Errorf("End = %v, want ENDPOINT/vad (the second End must not be sent)", end)
	}
	if len(authz) != 1 || authz[0] != "Bearer s3cret" {
		t.Errorf("authorization metadata = %q", authz)
	}
	wantStart := &pb.DeviceMessage_Start{DeviceId: "kitchen", InteractionId: "i-1", Trigger: pb.Trigger_TRIGGER_WAKEWORD, WakeWord: "hey gate",
		WakeStartSample: 8000, WakeEndSample: 17000, SampleRate: 16000, Format: pb.AudioFormat_AUDIO_FORMAT_S16LE, PrerollMs: 500, DeviceStartSample: 123456}
	if start.String() != wantStart.String() {
		t.Errorf("Start = %v\nwant %v", start, wantStart)
	}
	mmu.Lock()
	if len(msgs) != 1 || msgs[0].ExpectSpeech != 8*time.Second {
		t.Errorf("onMsg got %+v, want one ExpectSpeech(8s)", msgs)
	}
	mmu.Unlock()
}

// TestLockstep checks that in Lockstep mode the service's StopCapture,
// decided on chunk 3 and sent before Ack(3), has been delivered by the time
// Send(chunk 3) returns, and not before.
func TestLockstep(t *testing.T) {
	const stopAt = 3
	srv := &scriptServer{
		onMsg: func(srv pb.VoiceService_ConverseServer, st *pb.DeviceMessage_Start, m *pb.DeviceMessage) (bool, error) {
			a := m.GetAudio()
			if a == nil {
				return m.GetEnd() != nil, nil
			}
			if !st.AckChunks {
				return true, status.Error(codes.InvalidArgument, "want ack_chunks")
			}
			// Without lockstep the client would race ahead of this delay.
			time.Sleep(5 * time.Millisecond)
			if a.Seq == stopAt {
				if err := srv.Send(&pb.ServiceMessage{Msg: &pb.ServiceMessage_StopCapture_{StopCapture: &pb.ServiceMessage_StopCapture{Reason: pb.ServiceMessage_StopCapture_REASON_FALSE_WAKE}}}); err != nil {
					return true, err
				}
			}
			return false, srv.Send(&pb.ServiceMessage{Msg: &pb.ServiceMessage_Ack_{Ack: &pb.ServiceMessage_Ack{Seq: a.Seq}}})
		},
	}
	c := serve(t, srv, Config{})
	for run := range 3 {
		var stopped sync.WaitGroup
		stopped.Add(1)
		var mu sync.Mutex
		stop := false
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s, err := c.Open(ctx, Start{InteractionID: "lock", Trigger: TriggerButton, Lockstep: true}, func(m Message) {
			if m.StopCapture {
				mu.Lock()
				stop = true
				mu.Unlock()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		stoppedAt := -1
		for i := range 6 {
			if err := s.Send(make([]int16, 160)); err != nil {
				t.Fatalf("run %d: Send %d: %v", run, i, err)
			}
			mu.Lock()
			st := stop
			mu.Unlock()
			if st {
				stoppedAt = i
				break
			}
		}
		if stoppedAt != stopAt {
			t.Errorf("run %d: StopCapture seen after Send %d, want %d", run, stoppedAt, stopAt)
		}
		s.End(EndServiceStop, "")
		res, err := s.Wait(ctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if !res.StopCapture || res.StopReason != StopFalseWake {
			t.Errorf("result = %+v, want StopCapture false_wake", res)
		}
	}
}

// TestQueueFull stalls the service: Send must never block, must report
// ErrQueueFull once the bounded queue is full, and End(EndError) must drop
// the queued audio rather than deliver it later.
func TestQueueFull(t *testing.T) {
	release := make(chan struct{})
	var releaseOnce sync.Once
	unstall := func() { releaseOnce.Do(func() { close(release) }) }
	// A Send that blocked on the stalled service would hang forever; this
	// unstalls it after 5 s so that the test fails instead.
	guard := time.AfterFunc(5*time.Second, unstall)
	defer guard.Stop()
	var mu sync.Mutex
	var gotChunks int64
	srv := &scriptServer{
		hold: func(ctx context.Context) {
			select {
			case <-release:
			case <-ctx.Done():
			}
		},
		onMsg: func(_ pb.VoiceService_ConverseServer, _ *pb.DeviceMessage_Start, m *pb.DeviceMessage) (bool, error) {
			if m.GetAudio() != nil {
				mu.Lock()
				gotChunks++
				mu.Unlock()
			}
			return m.GetEnd() != nil, nil
		},
	}
	const queue = 4
	c := serve(t, srv, Config{QueueChunks: queue})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.Open(ctx, Start{InteractionID: "stall", Trigger: TriggerButton}, nil)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]int16, MaxChunkSamples)
	sends := 0
	var slowest time.Duration
	for {
		t0 := time.Now()
		err := s.Send(chunk)
		slowest = max(slowest, time.Since(t0))
		sends++
		if errors.Is(err, ErrQueueFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// gRPC flow control holds a few hundred kB at most; a queue that
		// grew would never get here.
		if sends > 1000 {
			t.Fatal("no ErrQueueFull after 1000 one-second chunks: the queue is not bounded")
		}
	}
	// Send only copies and enqueues (microseconds); 1 s tolerates a loaded
	// machine and still catches a Send that waited for the 5 s guard.
	if slowest > time.Second {
		t.Errorf("slowest Send took %v: Send blocks", slowest)
	}
	if err := s.End(EndError, "queue full"); err != nil {
		t.Fatal(err)
	}
	unstall()
	res, err := s.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.ChunksSent+res.Dropped != int64(sends) {
		t.Errorf("sent %d + dropped %d != %d sends", res.ChunksSent, res.Dropped, sends)
	}
	if res.Dropped < queue+1 {
		t.Errorf("dropped %d, want at least the full queue (%d) plus the refused chunk", res.Dropped, queue+1)
	}
	mu.Lock()
	defer mu.Unlock()
	if gotChunks != res.ChunksSent {
		t.Errorf("service got %d chunks, client counted %d sent", gotChunks, res.ChunksSent)
	}
}

func TestServiceDownFailsFast(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // nothing listens there now: connections are refused
	c, err := Dial(Config{Addr: addr, DeviceID: "d", Plaintext: true})
	if err != nil {
		t.Fatalf("Dial must not connect: %v", err)
	}
	defer c.Close()
	for i := range 2 { // the first try connects, the second meets the failed channel
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		t0 := time.Now()
		_, err = c.Open(ctx, Start{InteractionID: "x", Trigger: TriggerButton}, nil)
		took := time.Since(t0)
		cancel()
		if err == nil {
			t.Fatal("Open succeeded with no service")
		}
		if status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "unavailable") {
			t.Errorf("try %d: err = %v, want a clear Unavailable error", i, err)
		}
		// A refused loopback connection fails in milliseconds; 2 s leaves room
		// for a loaded machine but is far from the 10 s deadline.
		if took > 2*time.Second {
			t.Errorf("try %d: Open took %v, want fail-fast", i, took)
		}
	}
	if err := c.ReportEvent(context.Background(), Event{Kind: EventMute, Muted: true}); status.Code(err) != codes.Unavailable {
		t.Errorf("ReportEvent = %v, want Unavailable", err)
	}
}

func TestOpenRejected(t *testing.T) {
	srv := &scriptServer{onStart: func(context.Context, *pb.DeviceMessage_Start) error {
		return status.Error(codes.InvalidArgument, "sample rate 8000")
	}}
	c := serve(t, srv, Config{})
	_, err := c.Open(context.Background(), Start{InteractionID: "x", Trigger: TriggerButton}, nil)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "sample rate 8000") {
		t.Errorf("Open = %v, want the service's InvalidArgument", err)
	}
	for _, st := range []Start{
		{InteractionID: "x", Trigger: "clap"},
		{InteractionID: "", Trigger: TriggerButton},
		{InteractionID: "../etc/passwd", Trigger: TriggerButton},
	} {
		if _, err := c.Open(context.Background(), st, nil); err == nil || status.Code(err) != codes.Unknown {
			t.Errorf("Open(%+v) = %v, want a local error", st, err)
		}
	}
}

func TestDialConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" = no error
	}{
		{"loopback v4", Config{Addr: "127.0.0.1:7443", DeviceID: "d", Plaintext: true}, ""},
		{"loopback v6", Config{Addr: "[::1]:7443", DeviceID: "d", Plaintext: true}, ""},
		{"localhost", Config{Addr: "localhost:7443", DeviceID: "d", Plaintext: true}, ""},
		{"remote plaintext", Config{Addr: "192.0.2.1:7443", DeviceID: "d", Plaintext: true}, "refusing plaintext"},
		{"remote name plaintext", Config{Addr: "voice.example:7443", DeviceID: "d", Plaintext: true}, "refusing plaintext"},
		{"remote plaintext allowed", Config{Addr: "192.0.2.1:7443", DeviceID: "d", Plaintext: true, AllowInsecureRemote: true}, ""},
		{"remote TLS", Config{Addr: "voice.example:7443", DeviceID: "d"}, ""},
		{"no addr", Config{DeviceID: "d"}, "Addr is empty"},
		{"no device", Config{Addr: "127.0.0.1:1"}, "DeviceID is empty"},
		{"cert without key", Config{Addr: "a:1", DeviceID: "d", CertFile: "c.pem"}, "together"},
		{"missing CA", Config{Addr: "a:1", DeviceID: "d", CAFile: "/nonexistent/ca.pem"}, "CA file"},
		{"negative queue", Config{Addr: "a:1", DeviceID: "d", QueueChunks: -1}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Dial(tt.cfg)
			if err == nil {
				c.Close()
			}
			if tt.want == "" && err != nil {
				t.Fatalf("Dial = %v, want success", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Dial = %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestReportEvent(t *testing.T) {
	srv := &scriptServer{}
	c := serve(t, srv, Config{DeviceID: "hall"})
	at := time.UnixMilli(1_700_000_000_000)
	evs := []Event{
		{Kind: EventPresence, Present: true, DeviceSample: 16000, Time: at},
		{Kind: EventAlarm, Alarm: AlarmCO, DeviceSample: 32000, Time: at},
		{Kind: EventMute, Muted: true, DeviceSample: 48000, Time: at},
	}
	for _, ev := range evs {
		if err := c.ReportEvent(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.ReportEvent(context.Background(), Event{Kind: EventAlarm, Alarm: "fire"}); err == nil {
		t.Error("unknown alarm accepted")
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.events) != 3 {
		t.Fatalf("service got %d events, want 3", len(srv.events))
	}
	if e := srv.events[1]; e.DeviceId != "hall" || e.DeviceSample != 32000 || e.UnixMs != at.UnixMilli() || e.GetAlarm().GetKind() != pb.DeviceEvent_AlarmHeard_KIND_CO {
		t.Errorf("alarm event = %v", e)
	}
	if !srv.events[0].GetPresence().GetPresent() || !srv.events[2].GetMute().GetMuted() {
		t.Errorf("events = %v", srv.events)
	}
}

// TestCloseEndsStreams checks that Client.Close cancels an open stream and
// waits for its goroutines.
func TestCloseEndsStreams(t *testing.T) {
	srv := &scriptServer{hold: func(ctx context.Context) { <-ctx.Done() }}
	c := serve(t, srv, Config{})
	s, err := c.Open(context.Background(), Start{InteractionID: "x", Trigger: TriggerButton}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.recvDone:
	default:
		t.Fatal("receiver still running after Close")
	}
	if err := s.Send([]int16{1}); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
	if _, err := c.Open(context.Background(), Start{InteractionID: "y", Trigger: TriggerButton}, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Open after Close = %v, want ErrClosed", err)
	}
}

// TestOpenSilentService connects to a port that accepts TCP connections but
// never speaks gRPC: Open must give up at its context's deadline.
func TestOpenSilentService(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // hold it open, say nothing
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	c, err := Dial(Config{Addr: lis.Addr().String(), DeviceID: "d", Plaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const deadline = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	_, err = c.Open(ctx, Start{InteractionID: "x", Trigger: TriggerButton}, nil)
	end := time.Now()
	t.Log(err)
	if !errors.Is(err, context.DeadlineExceeded) || status.Code(err) != codes.DeadlineExceeded || !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("Open = %v, want a DeadlineExceeded error", err)
	}
	// Measured against the context's own deadline, not a clock started
	// after it was set (a loaded machine put milliseconds between the two
	// and Open looked early). One second of slack past it; without the
	// deadline Open would wait for the 5 s connect timeout.
	dl, _ := ctx.Deadline()
	if end.Before(dl) || end.Sub(dl) > time.Second {
		t.Errorf("Open returned %v after its deadline, want within [0, 1s]", end.Sub(dl))
	}
}

// BenchmarkSend measures the device's cost per 20 ms chunk (copy, encode,
// enqueue, gRPC send) against a loopback service that discards the audio.
func BenchmarkSend(b *testing.B) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	gs := grpc.NewServer()
	pb.RegisterVoiceServiceServer(gs, &scriptServer{})
	go gs.Serve(lis)
	defer gs.Stop()
	c, err := Dial(Config{Addr: lis.Addr().String(), DeviceID: "d", Plaintext: true, QueueChunks: 1000})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	s, err := c.Open(ctx, Start{InteractionID: "bench", Trigger: TriggerButton}, nil)
	if err != nil {
		b.Fatal(err)
	}
	pcm := make([]int16, 320) // 20 ms at 16 kHz
	b.ReportAllocs()
	b.SetBytes(2 * int64(len(pcm)))
	for b.Loop() {
		for s.Send(pcm) == ErrQueueFull {
			time.Sleep(time.Millisecond) // let the sender catch up
		}
	}
	s.End(EndEndpoint, "")
	if _, err := s.Wait(ctx); err != nil {
		b.Fatal(err)
	}
}

// TestWatchReportsOutageAndRecovery: with nothing listening, Watch reports
// the service unreachable; once a service listens on that address, Watch
// reports it reachable within the client's backoff, and an interaction
// opens again without a new Dial (the agent keeps running and retries).
func TestWatchReportsOutageAndRecovery(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // connections are refused until the service starts below
	c, err := Dial(Config{Addr: addr, DeviceID: "d", Plaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reports := make(chan bool, 16)
	ctx, cancel := context.WithCancel(context.Background())
	watchDone := make(chan struct{})
	go func() { defer close(watchDone); c.Watch(ctx, func(ok bool) { reports <- ok }) }()
	next := func(want bool) {
		t.Helper()
		select {
		case got := <-reports:
			if got != want {
				t.Fatalf("Watch reported reachable=%v, want %v", got, want)
			}
		case <-time.After(10 * time.Second): // backoff is at most backoffMax (5 s) plus jitter
			t.Fatalf("Watch did not report reachable=%v within 10 s", want)
		}
	}
	next(false)
	if _, err := c.Open(context.Background(), Start{InteractionID: "down", Trigger: TriggerButton}, nil); status.Code(err) != codes.Unavailable {
		t.Fatalf("Open with the service down = %v, want Unavailable", err)
	}

	lis, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	gs := grpc.NewServer()
	pb.RegisterVoiceServiceServer(gs, &scriptServer{})
	go gs.Serve(lis)
	defer gs.Stop()
	next(true)
	s, err := c.Open(context.Background(), Start{InteractionID: "back", Trigger: TriggerButton}, nil)
	if err != nil {
		t.Fatalf("Open after the service came back: %v", err)
	}
	if err := s.Send(make([]int16, 320)); err != nil {
		t.Fatal(err)
	}
	if err := s.End(EndEndpoint, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}

	gs.Stop() // the service goes away again
	next(false)
	cancel()
	select {
	case <-watchDone:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not return after its context ended")
	}
	select {
	case r := <-reports:
		t.Fatalf("extra report %v", r)
	default:
	}
}
