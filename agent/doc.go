// Package agent is the device side of Wakegate: the capture loop, the
// pre-roll ring, the gate state machine that decides when audio may leave the
// device, and the egress ledger that records what did.
//
// The gate enforces the privacy invariants of DESIGN.md by construction:
// audio reaches the upstream client only through a stream the gate opened
// for a wake-word detection, a button press or a follow-up window the
// service asked for (P1); a wake-word stream starts at most the configured
// pre-roll before the detected wake word (P2); the listening indicator is set
// before the first chunk is queued and stays on until the stream is ended
// (P3); mute stops the capture source, zeroes the ring and ends any stream at
// once (P4); nothing but metadata is written (P5); and a slow or absent
// service ends the interaction with an error instead of queueing audio (P6).
//
// Everything the gate does is measured on one timeline: 16 kHz samples read
// from the capture source (plus, in replay, the samples skipped while muted),
// so a replay of the same file gives the same ledger on every machine.
package agent
