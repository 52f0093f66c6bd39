// Package voiceservice is Wakegate's reference voice service: the server
// side of the upstream protocol (proto/wakegate/v1).
//
// It accepts one Converse stream per interaction, checks the device token
// and the protocol, endpoints the audio with its own voice activity detector
// (StopCapture END_OF_SPEECH), can verify the wake word a second time
// (StopCapture FALSE_WAKE), offers follow-up turns (ExpectSpeech), and stores
// each interaction as <id>.wav (16 kHz mono s16) plus <id>.json metadata so
// that the owner can see, list and delete exactly what the device sent.
// Stored interactions older than the retention period are pruned.
//
// Main is the wakegate-server command line (serve, list, delete).
package voiceservice
