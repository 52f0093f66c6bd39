// Package audio loads whole audio files for Wakegate's tools (enrollment,
// training, evaluation): WAV (any format package wav reads) and FLAC, mixed
// to mono and resampled to the rate the caller asks for.
//
// It is strict about damage. A FLAC file whose frames fail their CRC, lose
// sync, skip frame numbers, end short of the sample count in the stream
// header or fail the stream's MD5 signature is an error naming the file and
// the frame, never silently decoded: a wake-word model trained or evaluated on
// audio with holes in the word is worse than one that skips the file.
//
// The agent's always-on path does not use this package; it streams through
// package capture.
package audio
