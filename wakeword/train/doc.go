// Package train trains the wake-word networks of wakeword/nn in pure Go
// and holds the logic of `wakegate train` (Main) and `wakegate detect`
// (DetectMain).
//
// Training draws examples on the fly from folders of positive and
// negative WAV files, augments them (speed and pitch, synthetic room
// reverberation, level, noise and babble at random SNR, mel-band warping
// and masking), computes features with the detector's own front end, and
// fits the network with hand-written back-propagation and Adam, one
// goroutine per worker over mini-batches. Positives use a max-pooling
// loss (the network chooses the frame where it is surest, late in or just
// after the word); negatives penalise every frame and the worst one.
package train
