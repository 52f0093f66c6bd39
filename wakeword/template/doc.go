// Package template is Wakegate's personal wake word: the owner says a word
// a few times, Enroll turns the recordings into a Template, and the
// template's Detector finds the word in live audio.
//
// Features come from package dsp (MFCC c1..c12 per 10 ms hop) with a
// running cepstral mean that enrollment and the live path compute the same
// way. Matching is streaming subsequence dynamic time warping: every hop
// advances one column per reference recording, O(frames) and no
// allocation, and each path remembers where it started so a detection
// reports the word's first and last sample. The threshold is not a tuned
// constant: Enroll measures how far the owner's own recordings are from
// each other (leave-one-out) and sets it just beyond that.
//
// Templates are stored as wake-word container files of kind "TMPL"
// (version 1), which wakeword.Load reads once this package is imported.
package template
