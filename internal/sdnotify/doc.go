// Package sdnotify speaks systemd's service notification protocol
// (sd_notify(3)) in pure Go, without libsystemd: it sends datagrams such as
// "READY=1" or "WATCHDOG=1" to the unix socket named by $NOTIFY_SOCKET.
//
// The unit runs with Type=notify and WatchdogSec=: systemd counts the
// service as started only after Ready, and restarts it when no Watchdog
// ping arrives within the interval. The pings come from the audio loop
// (through the agent's heartbeat hook), not from a timer goroutine, so a
// stuck loop stops them and gets the service restarted.
//
// Every function is a no-op returning nil when NOTIFY_SOCKET is unset (a
// run from a shell, or a unit without Type=notify), so callers need no
// "am I under systemd" checks. A name starting with "@" is an abstract
// socket (Linux), as systemd documents.
//
// NOTIFY_SOCKET is read on every call and never unset (other goroutines
// may read the environment). The socket is opened on first use and kept
// open, so a Watchdog ping is a getenv and one write, without allocating
// (BenchmarkWatchdog: 0 allocs); the audio loop pings a few times a second.
package sdnotify
