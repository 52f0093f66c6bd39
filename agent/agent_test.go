package agent_test

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/leds/ledstest"
	pb "github.com/wakegate/wakegate/proto/wakegatev1"
	"github.com/wakegate/wakegate/upstream"
	"github.com/wakegate/wakegate/voiceservice"
	"github.com/wakegate/wakegate/voiceservice/voiceservicetest"
	"github.com/wakegate/wakegate/wakeword"
	_ "github.com/wakegate/wakegate/wakeword/template"
)

const fixtures = "../testdata/fixtures"

func openFixture(t *testing.T, name string) *capture.File {
	t.Helper()
	f, err := capture.OpenFile(filepath.Join(fixtures, name), capture.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func detector(t *testing.T) agent.Detector {
	t.Helper()
	d, err := wakeword.Load("../testdata/computer.wgt", wakeword.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func dial(t *testing.T, addr string, queue int) *upstream.Client {
	t.Helper()
	c, err := upstream.Dial(upstream.Config{Addr: addr, DeviceID: "test", Plaintext: true, QueueChunks: queue})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedPort returns a loopback address nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func states(rec *ledstest.Recorder) string {
	var s []string
	for _, st := range rec.States() {
		s = append(s, st.String())
	}
	return strings.Join(s, " ")
}

// P6: with the service down, every interaction fails visibly (error light),
// nothing is sent or queued, and the agent keeps running and tries again.
func TestServiceDownFailsVisiblyAndRetries(t *testing.T) {
	rec := &ledstest.Recorder{}
	a, err := agent.New(agent.Config{Lockstep: true, OpenTimeout: time.Second}, agent.Deps{
		Source: openFixture(t, "wake_twice.wav"), Detector: detector(t), VAD: dsp.NewVAD(dsp.DefaultVADConfig()),
		Indicator: rec, Upstream: dial(t, closedPort(t), 0),
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Replay(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	snap := a.Ledger.Snapshot()
	if len(snap.Streams) != 0 {
		t.Fatalf("streams recorded with the service down: %+v", snap.Streams)
	}
	if got, want := states(rec), "idle listening error idle listening error"; !strings.HasPrefix(got, want) {
		t.Fatalf("indicator went %q, want it to start %q (two attempts, both failing visibly)", got, want)
	}
}

// stallService accepts a stream and then never reads it: a service (or a
// network) that has stopped keeping up.
type stallService struct {
	pb.UnimplementedVoiceServiceServer
	received chan int
}

func (s *stallService) Converse(srv pb.VoiceService_ConverseServer) error {
	if _, err := srv.Recv(); err != nil {
		return err
	}
	if err := srv.SendHeader(nil); err != nil {
		return err
	}
	<-srv.Context().Done()
	return nil
}

// P6: a service that stops reading gets the bounded queue's worth of audio
// and no more; the interaction ends with ERROR and the error light.
func TestSlowServiceEndsInteraction(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	pb.RegisterVoiceServiceServer(gs, &stallService{})
	go gs.Serve(lis)
	defer gs.Stop()

	rec := &ledstest.Recorder{}
	const queue = 4
	a, err := agent.New(agent.Config{WaitTimeout: 200 * time.Millisecond, MaxUtterance: 20 * time.Second, NoSpeechTimeout: 20 * time.Second}, agent.Deps{
		Source: openFixture(t, "long_command.wav"), VAD: dsp.NewVAD(dsp.DefaultVADConfig()),
		Indicator: rec, Upstream: dial(t, lis.Addr().String(), queue),
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	// A button press at the start opens a stream; the file is read as fast
	// as possible, far faster than a stalled service drains it.
	if err := a.Replay(context.Background(), []agent.ScheduledControl{{Sample: 0, Kind: agent.Button}}); err != nil {
		t.Fatal(err)
	}
	snap := a.Ledger.Snapshot()
	if len(snap.Streams) != 1 {
		t.Fatalf("want one stream, got %+v", snap.Streams)
	}
	s := snap.Streams[0]
	if s.EndReason != "ERROR" || !strings.Contains(s.Error, "queue") {
		t.Fatalf("stream ended %s (%s), want ERROR for a full queue", s.EndReason, s.Error)
	}
	// What went to gRPC is bounded by the transport's flow-control window
	// (64 KiB initial) plus the queue, far less than the 22 s file.
	if limit := int64(2*64<<10 + queue*640*2); s.Bytes > limit {
		t.Fatalf("%d bytes handed to gRPC, more than the window and queue allow (%d)", s.Bytes, limit)
	}
	if !strings.Contains(states(rec), "listening error") {
		t.Fatalf("indicator went %q, want listening then error", states(rec))
	}
}

// P4 live: SetMuted from another goroutine stops the capture source before
// it returns; audio keeps arriving at the source but none is delivered until
// unmute, and none captured during the mute ever is.
func TestLiveMuteStopsSourceAtOnce(t *testing.T) {
	svc, addr := voiceservicetest.Start(t, voiceservice.Config{})

	pr, pw := io.Pipe()
	src := capture.NewRaw(pr)
	defer src.Close()
	rec := &ledstest.Recorder{}
	a, err := agent.New(agent.Config{}, agent.Deps{
		Source: src, VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: rec, Upstream: dial(t, addr, 0),
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()

	// The "microphone": 10 ms of a constant level every 2 ms, tagged by phase.
	level := make(chan int16, 1)
	level <- 1000
	feedDone := make(chan struct{})
	go func() {
		defer close(feedDone)
		buf := make([]byte, 320)
		cur := int16(1000)
		for {
			select {
			case v := <-level:
				cur = v
			case <-runCtx.Done():
				pw.Close()
				return
			default:
			}
			for i := 0; i < len(buf); i += 2 {
				buf[i], buf[i+1] = byte(cur), byte(uint16(cur)>>8)
			}
			if _, err := pw.Write(buf); err != nil {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	waitFor := func(cond func() bool, what string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !cond(); {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(func() bool { return src.Delivered() > 16000 }, "capture to run")
	a.SetMuted(true)
	muteSecret := int16(4321) // what the room sounds like while muted
	level <- muteSecret
	atMute := src.Delivered()
	time.Sleep(300 * time.Millisecond)
	if got := src.Delivered(); got != atMute {
		t.Fatalf("P4: %d samples delivered after SetMuted returned", got-atMute)
	}
	waitFor(func() bool { return rec.Last() == leds.Muted }, "the muted indicator")
	level <- 200
	time.Sleep(50 * time.Millisecond)
	a.SetMuted(false)
	a.Press() // a button stream after unmute: must hold no muted-time audio
	waitFor(func() bool { return src.Delivered() > atMute+16000 }, "capture to resume")
	time.Sleep(200 * time.Millisecond)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	<-feedDone
	for _, r := range svc.Records() {
		for i, v := range r.Samples {
			if v == muteSecret {
				t.Fatalf("P4: stream %s sample %d holds audio from the muted span", r.ID, i)
			}
		}
	}
	if len(svc.Records()) != 1 {
		t.Fatalf("want the one button stream, got %d", len(svc.Records()))
	}
}

// darkStrip is an LED strip that accepts frames; whether the ring's
// goroutine runs decides whether anything is shown.
type darkStrip struct{}

func (darkStrip) Len() int                { return 12 }
func (darkStrip) Show([]leds.Color) error { return nil }
func (darkStrip) Off() error              { return nil }

// P3 with a real light ring: a stream opens only once the ring actually
// shows "listening". A ring that never draws (its goroutine stuck or not
// running) means no stream at all: the device fails closed.
func TestStreamWaitsForTheRing(t *testing.T) {
	svc, addr := voiceservicetest.Start(t, voiceservice.Config{})

	for _, running := range []bool{true, false} {
		ring := leds.NewRing(darkStrip{}, leds.DefaultTheme(), 30)
		rctx, stopRing := context.WithCancel(context.Background())
		ringDone := make(chan error, 1)
		if running {
			go func() { ringDone <- ring.Run(rctx) }()
		} else {
			close(ringDone)
		}
		a, err := agent.New(agent.Config{Lockstep: true}, agent.Deps{
			Source: openFixture(t, "button.wav"), VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: ring,
			Upstream: dial(t, addr, 0),
		}, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Replay(context.Background(), []agent.ScheduledControl{{Sample: 16000, Kind: agent.Button}}); err != nil {
			t.Fatal(err)
		}
		stopRing()
		<-ringDone
		streams := a.Ledger.Snapshot().Streams
		if running && len(streams) != 1 {
			t.Errorf("ring running: %d streams, want 1", len(streams))
		}
		if !running && len(streams) != 0 {
			t.Errorf("ring not drawing: %d streams sent without the light on", len(streams))
		}
	}
	if n := len(svc.Records()); n != 1 {
		t.Errorf("the service received %d streams, want only the one shown on the ring", n)
	}
}

// A replay of a device muted at start never reads a frame and ends at the
// end of the file instead of waiting for an unmute that cannot come.
func TestReplayMutedAtStart(t *testing.T) {
	_, addr := voiceservicetest.Start(t, voiceservice.Config{})
	src := openFixture(t, "wake_alone.wav")
	a, err := agent.New(agent.Config{Lockstep: true}, agent.Deps{Source: src, Detector: detector(t),
		VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: &ledstest.Recorder{}, Upstream: dial(t, addr, 0)}, true)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Replay(context.Background(), nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a replay muted at start did not end")
	}
	if src.Delivered() != 0 || len(a.Ledger.Snapshot().Streams) != 0 {
		t.Fatalf("muted at start: %d samples read, %d streams", src.Delivered(), len(a.Ledger.Snapshot().Streams))
	}
}
