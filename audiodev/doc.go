// Package audiodev is Wakegate's sound-card adapter: microphone capture and
// speaker playback through malgo (miniaudio). It is the module's only cgo
// package; everything else is pure Go.
//
// Capture implements capture.Source: the audio callback copies each period
// into a preallocated capture.Ring and returns (it never allocates and never
// waits for the reader), Read blocks on the Ring, and Stop (the mute switch)
// stops the device and zeroes everything buffered. A device opened at
// 48 kHz (for presence detection) still delivers 16 kHz through Read, and
// the native rate through ReadNative.
//
// Backends: "" tries PulseAudio then ALSA (never the silent null backend,
// so that a machine without sound fails loudly); "alsa" and "pulse" pick
// one; "null" is miniaudio's null device, a clocked source of silence used
// by the tests on machines without sound hardware.
//
// ALSA and PulseAudio are loaded at run time, so building needs only a C
// compiler; the target needs libasound2. Hardware tests run with
// `go test ./audiodev -hw`.
package audiodev
