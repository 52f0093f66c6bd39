package sdnotify

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// listen opens a unixgram socket the way systemd does for NOTIFY_SOCKET
// and points the environment at it.
func listen(t *testing.T, name string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	t.Setenv("NOTIFY_SOCKET", name)
	return c
}

func recv(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	buf := make([]byte, 4096)
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	n, _, err := c.ReadFromUnix(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

func TestMessages(t *testing.T) {
	tests := []struct {
		name string
		send func() error
		want string
	}{
		{"ready", Ready, "READY=1"},
		{"stopping", Stopping, "STOPPING=1"},
		{"watchdog", Watchdog, "WATCHDOG=1"},
		{"status", func() error { return Status("listening") }, "STATUS=listening"},
		{"status newline", func() error { return Status("a\nREADY=1") }, "STATUS=a READY=1"},
	}
	for _, sock := range []string{"path", "abstract"} {
		for _, tt := range tests {
			t.Run(sock+"/"+tt.name, func(t *testing.T) {
				name := filepath.Join(t.TempDir(), "notify")
				if sock == "abstract" {
					name = fmt.Sprintf("@wakegate-sdnotify-test-%d-%s", os.Getpid(), strings.ReplaceAll(tt.name, " ", "-"))
				}
				c := listen(t, name)
				if err := tt.send(); err != nil {
					t.Fatal(err)
				}
				if got := recv(t, c); got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func TestReloading(t *testing.T) {
	c := listen(t, filepath.Join(t.TempDir(), "notify"))
	now := func() int64 {
		var ts unix.Timespec
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
			t.Fatal(err)
		}
		return ts.Nano() / 1e3
	}
	before := now()
	if err := Reloading(); err != nil {
		t.Fatal(err)
	}
	after := now()
	got := recv(t, c)
	head, usecStr, ok := strings.Cut(got, "\nMONOTONIC_USEC=")
	if !ok || head != "RELOADING=1" {
		t.Fatalf("got %q, want RELOADING=1 then MONOTONIC_USEC=", got)
	}
	usec, err := strconv.ParseInt(usecStr, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if usec < before || usec > after {
		t.Errorf("MONOTONIC_USEC=%d, not within [%d, %d]", usec, before, after)
	}
}

func TestNoSocket(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	for _, f := range []func() error{Ready, Reloading, Stopping, Watchdog} {
		if err := f(); err != nil {
			t.Errorf("with NOTIFY_SOCKET unset: %v", err)
		}
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct{ name, socket string }{
		{"nobody listening", filepath.Join(t.TempDir(), "gone")},
		{"relative path", "notify"},
		{"vsock", "vsock:2:1234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NOTIFY_SOCKET", tt.socket)
			err := Ready()
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "sdnotify: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestWatchdogInterval(t *testing.T) {
	const self = 4242
	tests := []struct {
		usec, pid string
		want      time.Duration
		ok        bool
	}{
		{"10000000", "", 10 * time.Second, true},
		{"10000000", "4242", 10 * time.Second, true},
		{"2500", "4242", 2500 * time.Microsecond, true},
		{"10000000", "4243", 0, false}, // inherited from the parent
		{"", "4242", 0, false},
		{"0", "", 0, false},
		{"-5", "", 0, false},
		{"ten", "", 0, false},
		{"10000000", "x", 0, false},
		{"18446744073709551615", "", 0, false}, // overflows a Duration
	}
	for _, tt := range tests {
		got, err := watchdogInterval(tt.usec, tt.pid, self)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("watchdogInterval(%q, %q) = %v, %v; want %v, ok=%v", tt.usec, tt.pid, got, err, tt.want, tt.ok)
		}
	}
}

func TestWatchdogIntervalEnv(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "5000000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	if d, ok := WatchdogInterval(); !ok || d != 5*time.Second {
		t.Errorf("got %v, %v; want 5s, true", d, ok)
	}
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()+1))
	if d, ok := WatchdogInterval(); ok {
		t.Errorf("another process's watchdog: got %v, true", d)
	}
}

func FuzzWatchdogInterval(f *testing.F) {
	f.Add("10000000", "1")
	f.Add("", "")
	f.Add("99999999999999999999", "-1")
	f.Fuzz(func(t *testing.T, usec, pid string) {
		d, err := watchdogInterval(usec, pid, 1)
		if err == nil && d <= 0 {
			t.Errorf("(%q, %q): no error but interval %v", usec, pid, d)
		}
	})
}

// ExampleWatchdog shows the ping pattern the agent's heartbeat hook uses:
// at most every half interval, from the audio loop itself.
func ExampleWatchdog() {
	interval, ok := WatchdogInterval()
	if !ok {
		return // not under a systemd watchdog
	}
	var last time.Time
	heartbeat := func(now time.Time) {
		if now.Sub(last) >= interval/2 {
			last = now
			_ = Watchdog()
		}
	}
	heartbeat(time.Now())
}

// TestReconnect: a notify socket that is re-created at the same path (as
// after `systemctl daemon-reexec`) still gets the pings.
func TestReconnect(t *testing.T) {
	name := filepath.Join(t.TempDir(), "notify")
	c := listen(t, name)
	if err := Watchdog(); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, c); got != "WATCHDOG=1" {
		t.Fatalf("got %q", got)
	}
	c.Close()
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
	c2 := listen(t, name)
	if err := Watchdog(); err != nil {
		t.Fatalf("after the socket was re-created: %v", err)
	}
	if got := recv(t, c2); got != "WATCHDOG=1" {
		t.Errorf("got %q from the new socket", got)
	}
}

func BenchmarkWatchdog(b *testing.B) {
	name := filepath.Join(b.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.Setenv("NOTIFY_SOCKET", name)
	go func() { // drain, so the socket buffer never fills
		buf := make([]byte, 64)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}()
	b.ReportAllocs()
	for b.Loop() {
		if err := Watchdog(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestWatchdogDoesNotAllocate(t *testing.T) {
	c := listen(t, filepath.Join(t.TempDir(), "notify"))
	go func() {
		buf := make([]byte, 64)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}()
	if err := Watchdog(); err != nil { // opens the socket
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Watchdog() }); n != 0 {
		t.Errorf("Watchdog allocates %v times per call", n)
	}
}
