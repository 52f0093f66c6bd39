package capture

import "errors"

// SampleRate is the rate of every Source in Hz.
const SampleRate = 16000

var (
	// ErrStopped is returned by Read while the source is stopped, including a
	// Read that was blocked when Stop was called.
	ErrStopped = errors.New("capture: source stopped")
	// ErrClosed is returned by Read and Start after Close.
	ErrClosed = errors.New("capture: source closed")
)

// Source is a stream of 16 kHz mono signed 16-bit samples.
//
// A Source is created stopped. Read is called from one goroutine at a time;
// Start, Stop and Close may be called from any goroutine, also while Read
// blocks.
type Source interface {
	// Read fills buf with the next samples. It blocks until buf is full,
	// except at the end of the input, where it returns n < len(buf) and
	// io.EOF, and when the source is (or becomes) stopped, where it returns
	// 0 and ErrStopped without delivering any sample.
	Read(buf []int16) (int, error)
	// Start starts (or restarts) capturing. It is idempotent.
	Start() error
	// Stop stops capturing at once. Audio buffered before Stop is discarded
	// and zeroed: after Stop, no sample captured before it is ever returned
	// by Read. A Read blocked in another goroutine returns (0, ErrStopped).
	// Stop is idempotent.
	Stop() error
	// Close stops the source and releases its resources; Read then returns
	// ErrClosed.
	Close() error
}
