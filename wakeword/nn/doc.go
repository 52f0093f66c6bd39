// Package nn is the trained, speaker-independent wake-word detector: a
// small causal temporal convolutional network over log-mel frames, run in
// pure Go one frame at a time.
//
// The network (see DefaultConfig) takes 40 log-mel bands every 20 ms from
// the dsp front end, normalises them per band, applies an input layer over
// three frames, then residual blocks of dilated depthwise-separable causal
// convolutions, and a logistic output: one score in 0..1 per frame. A
// Stream keeps each layer's recent outputs in ring buffers, so a step
// costs one output per layer and no allocation.
//
// Model files are wakeword containers of kind "NNET" (see Version for the
// payload layout); importing this package registers the loader, so
// wakeword.Load reads them. Models are produced by wakeword/train.
package nn
