// Package replay runs the real Wakegate pipeline over a WAV file as fast as
// possible: the file source, the wake-word detector, the VAD, the gate, the
// upstream gRPC client and the reference voice service on a loopback port.
// It returns the egress ledger, with each stream's bytes as the service
// actually received them, and the service's records (audio included) so
// that tests can check every streamed sample against the input file.
//
// The upstream client runs in lockstep (every chunk waits for the service's
// acknowledgement), so the service's decisions land on the same chunk on
// every run and the ledger is deterministic.
package replay
