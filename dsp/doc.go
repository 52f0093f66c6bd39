// Package dsp is Wakegate's audio front end: the signal processing that runs
// on every 10 ms hop of 16 kHz microphone audio while the device is idle.
//
// It provides
//   - RealFFT, a fixed-size real FFT plan that is faster than gonum's general
//     transform for the one size the pipeline uses (checked against gonum),
//   - Features, a streaming log-mel / MFCC front end for the wake-word model,
//   - VAD, an adaptive voice activity detector for endpointing and follow-up,
//   - Goertzel, a single-frequency power meter for alarm-sound detection.
//
// Everything here is pure Go and allocation-free per hop once constructed,
// because the whole always-on path has a budget of about 16 µs per 10 ms hop
// (see DESIGN.md). On the 2-core development machine (per-thread CPU time;
// wall-clock benchmarks read up to 3x higher while the machine is shared) one
// hop costs about 2.5 µs in Features.Push (log-mel; 2.9 µs with
// MFCC and energy) and 1.1 µs in VAD.Push; a 512-point RealFFT takes 1.3 µs
// against 9.3 µs for gonum's. Audio samples are signed 16-bit; they are
// scaled by 1/32768 so that full scale is ±1.0 in every float computation.
package dsp

// SampleRate is the pipeline sample rate in Hz.
const SampleRate = 16000

// HopSamples is the number of samples in one 10 ms hop at SampleRate.
const HopSamples = 160

// WindowSamples is the number of samples in one 25 ms analysis window at
// SampleRate.
const WindowSamples = 400

// int16Scale maps int16 samples onto [-1, 1): full scale is 2^15.
const int16Scale = 1.0 / 32768
