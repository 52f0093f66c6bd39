//go:build race

package presence

// raceEnabled trims the seed sweep so that the race-detector run stays fast.
const raceEnabled = true
