//go:build race

package template

// raceEnabled shrinks the smoke evaluation: the race detector makes the
// per-frame matcher about ten times slower.
const raceEnabled = true
