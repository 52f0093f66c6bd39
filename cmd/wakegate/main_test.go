package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/voiceservice"
	"github.com/wakegate/wakegate/voiceservice/voiceservicetest"
)

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// wavHeader builds a RIFF/WAVE header for a format the tests need.
func wavHeader(tag, channels, rate, bits int, dataLen int) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+dataLen))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, uint16(tag))
	binary.Write(&b, binary.LittleEndian, uint16(channels))
	binary.Write(&b, binary.LittleEndian, uint32(rate))
	binary.Write(&b, binary.LittleEndian, uint32(rate*channels*bits/8))
	binary.Write(&b, binary.LittleEndian, uint16(channels*bits/8))
	binary.Write(&b, binary.LittleEndian, uint16(bits))
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(dataLen))
	b.Write(make([]byte, dataLen))
	return b.Bytes()
}

// TestBadInputs: every bad input is a clear one-line error naming the
// problem, and a non-usage error (exit status 1).
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, _ := os.ReadFile("../../testdata/fixtures/wake_alone.wav")
	truncated := write("truncated.wav", good[:5000])
	garbage := write("garbage.wav", []byte("this is not audio at all, just text"))
	mulaw := write("mulaw.wav", wavHeader(7, 1, 8000, 8, 800))
	badConfig := write("bad.toml", []byte("[gate]\nprerol = \"1s\"\n"))
	badPin := write("pin.toml", []byte("[pins]\nmute = \"GPIO999\"\n[indicator]\ndriver = \"none\"\n"))
	corrupt := write("corrupt.wgt", []byte("WAKEGATEjunk"))
	word := abs(t, "../../testdata/computer.wgt")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--wakeword", word, filepath.Join(dir, "missing.wav")}, "missing.wav: no such file"},
		{[]string{"replay", "--wakeword", word, truncated}, "truncated.wav: wav: data chunk truncated"},
		{[]string{"replay", "--wakeword", word, garbage}, "garbage.wav: wav: not a RIFF/WAVE file"},
		{[]string{"replay", "--wakeword", word, mulaw}, "mulaw.wav: wav: unsupported"},
		{[]string{"replay", "--wakeword", filepath.Join(dir, "nope.wgt"), truncated}, "nope.wgt"},
		{[]string{"replay", "--wakeword", corrupt, "../../testdata/fixtures/silence.wav"}, "corrupt.wgt"},
		{[]string{"run", "--config", badConfig}, "unknown key gate.prerol"},
		{[]string{"run", "--config", badPin, "--wakeword", word}, "GPIO999"},
		{[]string{"config", "--check", badConfig}, "bad.toml"},
		{[]string{"enroll", "--word", "x", "--out", filepath.Join(dir, "x.wgt"), garbage, garbage, garbage}, "garbage.wav"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := dispatch(context.Background(), tt.args, &out, &errOut)
		if err == nil {
			t.Errorf("wakegate %s: no error", strings.Join(tt.args, " "))
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || errors.Is(err, errUsage) {
			t.Errorf("wakegate %s:\n got %q\nwant one line containing %q", strings.Join(tt.args, " "), msg, tt.want)
		}
	}
	if err := dispatch(context.Background(), []string{"frobnicate"}, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, errUsage) {
		t.Errorf("unknown command: %v, want a usage error", err)
	}
}

func startService(t *testing.T) (*voiceservice.Service, string) {
	return voiceservicetest.Start(t, voiceservice.Config{})
}

// writeConfig writes a configuration for a test run: the defaults, the
// given input and service, the repository's wake word, no light; edit
// changes more.
func writeConfig(t *testing.T, dir, addr, input, audit string, paced bool, edit ...func(*config.Config)) string {
	t.Helper()
	c := config.Default()
	c.DeviceID = "kitchen"
	c.Audio.Input, c.Audio.Paced = input, paced
	c.WakeWord.Files = []string{abs(t, "../../testdata/computer.wgt")}
	c.Upstream.Addr, c.Upstream.Plaintext = addr, true
	c.Indicator.Driver = "none"
	c.Audit.File = audit
	for _, e := range edit {
		e(&c)
	}
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "wakegate.toml")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunWritesOnlyMetadata (P5): the agent streams the wake-word
// interaction and writes nothing on the device but one audit line of
// metadata — no audio in its working directory, its temp directory or the
// audit log.
func TestRunWritesOnlyMetadata(t *testing.T) {
	svc, addr := startService(t)
	confDir, work, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	audit := filepath.Join(confDir, "audit.jsonl")
	cfg := writeConfig(t, confDir, addr, abs(t, "../../testdata/fixtures/wake_in_sentence.wav"), audit, false)
	t.Chdir(work)
	t.Setenv("TMPDIR", tmp)
	var out, errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"run", "--config", cfg}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	recs := svc.Records()
	if len(recs) != 1 || recs[0].Trigger != "wakeword" || recs[0].DeviceID != "kitchen" || recs[0].Bytes == 0 {
		t.Fatalf("service records: %+v", recs)
	}
	for _, d := range []string{work, tmp} {
		if ents, _ := os.ReadDir(d); len(ents) != 0 {
			t.Errorf("P5: the agent wrote %d entries into %s: %v", len(ents), d, ents[0].Name())
		}
	}
	b, err := os.ReadFile(audit)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 || len(b) > 1024 {
		t.Fatalf("audit log: %d lines, %d bytes; want one short metadata line", len(lines), len(b))
	}
	var entry struct {
		ID    string `json:"id"`
		Bytes int64  `json:"bytes"`
		Time  time.Time
	}
	if err := json.Unmarshal([]byte(lines[0]), &entry); err != nil || entry.ID != recs[0].ID || entry.Bytes != recs[0].Bytes {
		t.Fatalf("audit line %q does not describe stream %s (%d bytes): %v", lines[0], recs[0].ID, recs[0].Bytes, err)
	}
	// And the owner can read it.
	var shown bytes.Buffer
	if err := dispatch(context.Background(), []string{"audit", "--file", audit}, &shown, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shown.String(), "wakeword") || !strings.Contains(shown.String(), fmt.Sprint(recs[0].Bytes)) ||
		!strings.Contains(shown.String(), "1 streams") {
		t.Fatalf("wakegate audit shows:\n%s", shown.String())
	}
}

// TestRunStopsOnSignal: cancelling the context (what SIGTERM does through
// signal.NotifyContext) stops a running agent promptly and cleanly.
func TestRunStopsOnSignal(t *testing.T) {
	_, addr := startService(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, addr, abs(t, "../../testdata/fixtures/long_command.wav"), "", true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var errOut bytes.Buffer
	go func() { done <- dispatch(ctx, []string{"run", "--config", cfg}, &bytes.Buffer{}, &errOut) }()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("run did not stop within 3 s of the signal")
	}
}

// TestRunWithNullMicrophone starts the real microphone path (malgo's null
// backend: silence) and stops it.
func TestRunWithNullMicrophone(t *testing.T) {
	_, addr := startService(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, addr, "", "", false)
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	var errOut bytes.Buffer
	if err := dispatch(ctx, []string{"run", "--config", cfg, "--backend", "null"}, &bytes.Buffer{}, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "wakegate stopped") {
		t.Fatalf("no clean stop logged:\n%s", errOut.String())
	}
}

// TestRunWithPresenceOnNullDevices starts presence detection on the null
// audio backend: 48 kHz capture, the pilot tone on 48 kHz playback, and a
// clean stop.
func TestRunWithPresenceOnNullDevices(t *testing.T) {
	_, addr := startService(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, addr, "", "", false, func(c *config.Config) { c.Presence.Enabled = true })
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	var errOut bytes.Buffer
	if err := dispatch(ctx, []string{"run", "--config", cfg, "--backend", "null"}, &bytes.Buffer{}, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if strings.Contains(errOut.String(), "presence detection disabled") || !strings.Contains(errOut.String(), "wakegate stopped") {
		t.Fatalf("presence did not run and stop cleanly:\n%s", errOut.String())
	}
}

// TestRunNotifiesSystemdAndReloads: under systemd (NOTIFY_SOCKET set) the
// agent reports READY, pings the watchdog from its loop, re-reads its
// configuration on SIGHUP (RELOADING, then READY again) and reports
// STOPPING on the way out.
func TestRunNotifiesSystemdAndReloads(t *testing.T) {
	_, addr := startService(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	cfg := writeConfig(t, dir, addr, abs(t, "../../testdata/fixtures/long_command.wav"), "", true)

	msgs := make(chan string, 64)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(msgs)
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	expect := func(prefix string) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case m, ok := <-msgs:
				if !ok {
					t.Fatalf("notify socket closed waiting for %s", prefix)
				}
				if strings.HasPrefix(m, prefix) {
					return
				}
			case <-deadline:
				t.Fatalf("no %s from the agent", prefix)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- dispatch(ctx, []string{"run", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{}) }()
	expect("READY=1")
	expect("WATCHDOG=1")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	expect("RELOADING=1")
	expect("READY=1")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	expect("STOPPING=1")
}

// TestRunWithRequestSounds: with the request sounds on (null playback
// device), the wake-word interaction streams as before: the tones never
// hold the stream back.
func TestRunWithRequestSounds(t *testing.T) {
	svc, addr := startService(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, addr, abs(t, "../../testdata/fixtures/wake_in_sentence.wav"), "", false, func(c *config.Config) {
		c.Indicator.RequestSounds = true
		c.Audio.Backend = "null"
	})
	var errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"run", "--config", cfg}, &bytes.Buffer{}, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if n := len(svc.Records()); n != 1 {
		t.Fatalf("%d streams with request sounds on, want 1\n%s", n, errOut.String())
	}
}

// lockedBuffer is an io.Writer that the test may read while the agent's
// goroutines write to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunServiceUnreachable: a voice service that cannot be reached is one
// clear warning at start-up, not an exit: the agent keeps running and
// retrying, and says so when the service is back.
func TestRunServiceUnreachable(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // refused until the service starts below
	cfg := writeConfig(t, t.TempDir(), addr, "", "", false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errOut lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- dispatch(ctx, []string{"run", "--config", cfg, "--backend", "null"}, &bytes.Buffer{}, &errOut)
	}()
	waitLog := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(errOut.String(), want); time.Sleep(10 * time.Millisecond) {
			select {
			case err := <-done:
				t.Fatalf("run ended (%v) before logging %q:\n%s", err, want, errOut.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q logged:\n%s", want, errOut.String())
			}
		}
	}
	waitLog("voice service unreachable")
	if n := strings.Count(errOut.String(), "voice service unreachable"); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, errOut.String())
	}

	svc, err := voiceservice.New(voiceservice.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if lis, err = net.Listen("tcp", addr); err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	sctx, stopService := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- svc.Serve(sctx, lis, voiceservice.ServeOptions{}) }()
	defer func() {
		stopService()
		if err := <-served; err != nil {
			t.Errorf("voice service: %v", err)
		}
	}()
	waitLog("voice service reachable again")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
}

// TestEveryCommandHasHelp: `wakegate CMD --help` succeeds, names the
// command as it is typed, and lists its flags.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range allCommands() {
		var out, errOut bytes.Buffer
		err := dispatch(context.Background(), []string{c.name, "--help"}, &out, &errOut)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("wakegate %s --help: %v", c.name, err)
			continue
		}
		help := out.String() + errOut.String()
		if !strings.Contains(strings.ToLower(help), "usage: wakegate "+c.name) || !strings.Contains(help, "\n  -") {
			t.Errorf("wakegate %s --help does not show its usage line and flags:\n%s", c.name, help)
		}
	}
}

// TestRunDeviceAndPacedFlags: --device chooses the capture device by name
// (one that does not exist is a clear error), and --paced replays a WAV
// input in real time instead of as fast as possible.
func TestRunDeviceAndPacedFlags(t *testing.T) {
	_, addr := startService(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, addr, "", "", false)
	err := dispatch(context.Background(), []string{"run", "--config", cfg, "--backend", "null", "--device", "no such microphone"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `no capture device matches "no such microphone"`) {
		t.Fatalf("run --device <missing>: %v, want a clear error", err)
	}

	// 600 ms of silence at 16 kHz.
	wav := filepath.Join(dir, "short.wav")
	if err := os.WriteFile(wav, wavHeader(1, 1, 16000, 16, 2*9600), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg = writeConfig(t, dir, addr, wav, "", false)
	for _, paced := range []bool{false, true} {
		args := []string{"run", "--config", cfg}
		if paced {
			args = append(args, "--paced")
		}
		t0 := time.Now()
		if err := dispatch(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatalf("run %v: %v", args, err)
		}
		took := time.Since(t0)
		if paced && took < 550*time.Millisecond {
			t.Errorf("--paced replayed 600 ms of audio in %v", took)
		}
		t.Logf("paced=%v: %v", paced, took)
	}
}

// TestRunInputServiceDown: replaying a file whose wake word cannot reach
// the service exits with an error counting the failed interaction, so a
// script does not take the run for a success.
func TestRunInputServiceDown(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // nothing listens there
	cfg := writeConfig(t, t.TempDir(), addr, abs(t, "../../testdata/fixtures/wake_in_sentence.wav"), "", false)
	// Locked: run makes its logger the default one, which the test
	// service below logs to from its own goroutine.
	var errDown, errUp lockedBuffer
	err = dispatch(context.Background(), []string{"run", "--config", cfg}, &bytes.Buffer{}, &errDown)
	if err == nil || !strings.Contains(err.Error(), "1 interaction(s) failed") {
		t.Fatalf("run with the service down: %v, want 1 interaction(s) failed\n%s", err, errDown.String())
	}

	// With the service up, the same file exits cleanly, and its audio
	// arrived: a file read faster than real time must not outrun the
	// bounded send queue.
	svc, addr := startService(t)
	cfg = writeConfig(t, t.TempDir(), addr, abs(t, "../../testdata/fixtures/wake_in_sentence.wav"), "", false)
	if err := dispatch(context.Background(), []string{"run", "--config", cfg}, &bytes.Buffer{}, &errUp); err != nil {
		t.Fatalf("run with the service up: %v\n%s", err, errUp.String())
	}
	if recs := svc.Records(); len(recs) != 1 || recs[0].Bytes == 0 {
		t.Fatalf("service records: %+v", recs)
	}
}
