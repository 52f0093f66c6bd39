// Package wav reads and writes RIFF/WAVE audio files.
//
// The Reader accepts what real recorders and tools produce: chunks in any
// order (fmt after data only when the input can seek), unknown chunks (LIST,
// fact, cue, ...) skipped with their pad byte, WAVE_FORMAT_EXTENSIBLE headers,
// integer PCM of 8 (unsigned), 16, 24 and 32 bits, IEEE float of 32 and 64
// bits, any channel count, and a data chunk of unknown size (0xFFFFFFFF, as
// written by tools that stream to a pipe). Samples come out interleaved as
// float32 in [-1, 1].
//
// The Reader never trusts header sizes for memory: it allocates a fixed-size
// buffer and streams, so a hostile header cannot make it allocate more than a
// few kilobytes (FuzzReader checks this).
//
// The Writer produces 16-bit PCM, the format Wakegate's fixtures and the
// reference service store.
package wav
