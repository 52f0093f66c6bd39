// Package template is Wakegate's personal wake word: the owner says a word
// a few times, Enroll turns the recordings into a Template, and the
// template's Detector finds the word in live audio.
//
// Features come from package dsp: MFCC c1..c12 per 10 ms hop, high-passed
// by a short running cepstral mean (60 ms) that enrollment and the live
// path compute with the same code from the same initial state. Frames are
// compared by cosine distance. Matching is streaming subsequence dynamic
// time warping: every hop advances one column per reference recording,
// O(frames) and no allocation, and each path remembers where it started so
// a detection reports the word's first and last sample. Detections are
// peak-picked (the best match wins if nothing better follows within 80 ms)
// and followed by a refractory period.
//
// The threshold is not a tuned constant: Enroll measures how far the
// owner's recordings are from each other (leave-one-out, with the live
// matcher) and sets the threshold just beyond the typical distance, capped
// so that noisy enrollments cannot produce a detector that fires on any
// speech. Scores are scaled so that 0.5 is the threshold for every
// template; Sensitivity s fires at score ≥ 1−s.
//
// Templates are stored as wake-word container files of kind "TMPL"
// (version 1), which wakeword.Load reads once this package is imported.
package template
