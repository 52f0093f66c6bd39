// Package tone makes the request sounds: a short rising two-note chirp when
// a stream opens and a falling one when it closes (config switch
// request_sounds, off by default), and plays them without ever blocking the
// caller. Pure Go, no audio device: the Player hands samples to a Sink,
// which the audio device package implements.
package tone
