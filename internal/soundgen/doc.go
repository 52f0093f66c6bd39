// Package soundgen makes deterministic test signals for the presence and
// alarm-sound detectors: smoke and CO alarm patterns (ISO 8201 temporal-three
// and temporal-four), near-miss beeps and ringtones, music-like chords,
// speech-like babble, reverberation, mixing at a given SNR, and 48 kHz
// ultrasonic pilot scenes with static echoes and Doppler-shifted reflections
// from people moving.
//
// Every generator takes an explicit *rand.Rand (see NewRand), so a seed fully
// determines a signal. Signals are float64 slices at full scale ±1; ToInt16
// converts them for the detectors, and WriteWAV stores them for listening.
// The package is for tests and fixture generation only; nothing here runs on
// the device.
package soundgen
