package sdnotify

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Preformatted messages, so that the common calls do not allocate.
var (
	msgReady    = []byte("READY=1")
	msgStopping = []byte("STOPPING=1")
	msgWatchdog = []byte("WATCHDOG=1")
)

// Ready tells systemd that start-up has finished (READY=1).
func Ready() error { return send(msgReady) }

// Reloading tells systemd that the service is reloading its configuration
// (RELOADING=1). MONOTONIC_USEC is the CLOCK_MONOTONIC time of the message,
// which systemd ≥ 253 requires for Type=notify-reload and older versions
// ignore. Send Ready when the reload is done.
func Reloading() error {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return fmt.Errorf("sdnotify: monotonic clock: %w", err)
	}
	usec := ts.Nano() / 1e3
	return Send("RELOADING=1\nMONOTONIC_USEC=" + strconv.FormatInt(usec, 10))
}

// Stopping tells systemd that the service is shutting down (STOPPING=1).
func Stopping() error { return send(msgStopping) }

// Watchdog pings the service watchdog (WATCHDOG=1). It does not allocate
// once the socket is open, so the audio loop can call it.
func Watchdog() error { return send(msgWatchdog) }

// Status sets the free-form status line that `systemctl status` shows
// (STATUS=...). A newline in s would start a new assignment, so newlines
// are replaced by spaces.
func Status(s string) error {
	return Send("STATUS=" + strings.ReplaceAll(s, "\n", " "))
}

// Send sends state, one or more newline-separated VAR=value assignments,
// to $NOTIFY_SOCKET. It returns nil without doing anything when the
// variable is unset or empty.
func Send(state string) error {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return nil // before the conversion, which allocates
	}
	return send([]byte(state))
}

// The socket is opened on first use and kept: a ping is then one write,
// with no allocation, instead of a socket, connect, write and close each
// time. It is re-opened when NOTIFY_SOCKET changes (tests) and once after a
// failed write (systemd re-executed itself and re-created the socket).
var (
	mu     sync.Mutex
	conn   *net.UnixConn
	connTo string
)

func send(msg []byte) error {
	name := os.Getenv("NOTIFY_SOCKET")
	if name == "" {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	for retried := false; ; retried = true {
		if conn == nil || connTo != name {
			if err := dial(name); err != nil {
				return err
			}
		}
		_, err := conn.Write(msg)
		if err == nil {
			return nil
		}
		conn.Close()
		conn = nil
		if retried {
			return fmt.Errorf("sdnotify: %s: %w", firstLine(string(msg)), err)
		}
	}
}

// dial connects to the notify socket name; mu is held.
func dial(name string) error {
	if conn != nil {
		conn.Close()
		conn = nil
	}
	switch {
	case strings.HasPrefix(name, "@"):
		// Abstract namespace: Go maps a leading '@' to the leading NUL byte.
	case strings.HasPrefix(name, "/"):
	default:
		// systemd ≥ 254 may also hand out vsock:CID:PORT addresses (for VMs);
		// a Pi service never gets one.
		return fmt.Errorf("sdnotify: NOTIFY_SOCKET %q: unsupported address (want a path or @abstract)", name)
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sdnotify: %w", err)
	}
	conn, connTo = c, name
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// WatchdogInterval returns the watchdog timeout systemd set for this
// process (WATCHDOG_USEC), and false when there is none: the variable is
// unset, invalid or zero, or WATCHDOG_PID names another process (the
// variables were inherited from a parent). Ping at half the interval or
// more often, as sd_watchdog_enabled(3) advises.
func WatchdogInterval() (time.Duration, bool) {
	d, err := watchdogInterval(os.Getenv("WATCHDOG_USEC"), os.Getenv("WATCHDOG_PID"), os.Getpid())
	return d, err == nil && d > 0
}

var errNoWatchdog = errors.New("sdnotify: no watchdog")

func watchdogInterval(usecStr, pidStr string, pid int) (time.Duration, error) {
	if usecStr == "" {
		return 0, errNoWatchdog
	}
	usec, err := strconv.ParseUint(usecStr, 10, 64)
	if err != nil || usec == 0 {
		return 0, fmt.Errorf("sdnotify: WATCHDOG_USEC %q: not a positive integer", usecStr)
	}
	// A time.Duration holds about 292 years; anything beyond is nonsense.
	if usec > uint64(1<<63-1)/1000 {
		return 0, fmt.Errorf("sdnotify: WATCHDOG_USEC %q: too large", usecStr)
	}
	if pidStr != "" {
		p, err := strconv.Atoi(pidStr)
		if err != nil || p <= 0 {
			return 0, fmt.Errorf("sdnotify: WATCHDOG_PID %q: not a process id", pidStr)
		}
		if p != pid {
			return 0, fmt.Errorf("sdnotify: WATCHDOG_PID %d is not this process (%d)", p, pid)
		}
	}
	return time.Duration(usec) * time.Microsecond, nil
}
