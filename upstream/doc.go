// Package upstream is the device side of Wakegate's upstream protocol
// (proto/wakegate/v1): it streams one voice interaction per gRPC Converse
// stream to the voice service and reports audio-free events.
//
// The client is built around privacy invariant P6 (faults never widen
// egress): audio waits in a bounded queue that never grows, Send never blocks
// (except in Lockstep mode, used by deterministic replays), a full queue is
// reported as ErrQueueFull so that the caller ends the interaction with an
// error and drops the audio, and opening a stream fails fast when the
// service is down instead of buffering audio for later.
//
// Plaintext connections are refused unless the address is a loopback
// address or Config.AllowInsecureRemote is set.
package upstream
