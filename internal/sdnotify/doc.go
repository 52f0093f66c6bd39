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
// The environment is read on every call rather than cached, and never
// unset: the Go runtime may run other goroutines that read the environment,
// and the cost (a getenv and a sendto per ping, a few per second at most) is
// nothing next to the audio path.
package sdnotify
