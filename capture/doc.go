// Package capture defines Source, the stream of 16 kHz mono 16-bit samples
// the agent listens to, and the sources that need no sound hardware:
//
//   - File replays a WAV file (any rate, channel count or sample format the
//     wav package reads), mixed to mono and resampled to 16 kHz, either as
//     fast as the reader asks or paced in real time by a clock;
//   - Raw reads s16le mono 16 kHz from a pipe, e.g.
//     `arecord -f S16_LE -r 16000 -c 1 | wakegate run --input -`.
//
// The microphone source lives in package audiodev (the module's only cgo
// package); it implements Source with the Ring defined here.
//
// Stop is the privacy gate behind the mute switch (DESIGN.md P4): once Stop
// returns, no sample captured before it is ever delivered, whatever Read is
// doing at that moment. Every source is created stopped; Start begins
// capture. A stopped source delivers nothing: Read returns (0, ErrStopped).
package capture
