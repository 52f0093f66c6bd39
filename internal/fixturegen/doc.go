// Package fixturegen builds the replay fixtures under testdata/: short
// 16 kHz mono WAV scenes (speech from espeak-ng, noise from a seeded RNG)
// with a JSON annotation per scene that says, in 16 kHz samples, where every
// synthesized piece lies and which audio may (or must never) leave the device.
//
// The replay tests compare the agent's egress ledger with these annotations
// at the byte level, so the generator is fully deterministic: fixed espeak-ng
// voices, speeds and pitches, fixed RNG seeds derived from the scene name, no
// timestamps. Running it twice gives byte-identical files; Compare checks that.
//
// Annotation semantics (the schema is Annotation):
//   - All sample positions are on the 16 kHz timeline, even for a file written
//     at another rate (sample_rate says the file's own rate).
//   - A segment is the half-open range [start, end) of its audio; speech is
//     trimmed to its first/last sample above TrimThreshold, so a wake segment
//     covers exactly the spoken word.
//   - Events ("<seconds> button|cancel|mute|unmute", one per line, sorted) fall
//     on a 20 ms grid, so they are exact in samples for 10 ms and 20 ms frames.
//     Speech that must not be sent after a mute or cancel starts at least
//     20 ms after the event.
//   - streams[i].must_contain: every sample of each listed segment lies inside
//     that stream. never_sent: no stream contains any sample of these segments.
//     An empty streams list means no audio at all may be sent.
//   - "noise" segments describe background noise; they may overlap speech and
//     carry no expectation.
package fixturegen
