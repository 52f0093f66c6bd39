package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/wakegate/wakegate/wav"
)

// closeWait bounds how long Close waits for the reader goroutine: one
// rawChunk of audio is 128 ms, so a live producer has written by then.
const closeWait = time.Second

// rawRingSamples is the Raw queue: 1 s at 16 kHz, far more than one Read
// needs, little enough to bound how far behind real time a reader may fall.
const rawRingSamples = SampleRate

// rawChunk is how many bytes Raw reads from its input at a time: 4096 bytes
// are 128 ms of audio, about one pipe-buffer page.
const rawChunk = 4096

// Raw is a Source reading signed 16-bit little-endian mono samples at 16 kHz
// from an io.Reader, typically standard input fed by arecord.
//
// Raw reads its input from the moment it is created, in its own goroutine,
// and discards what arrives while it is stopped, as a muted microphone
// would: audio that reached the pipe before Start or during a Stop is never
// delivered. (To replay a raw file from its first sample, Start before
// writing to the pipe, or use a WAV file with OpenFile.) While started, a
// slow reader slows the input down instead of losing samples.
type Raw struct {
	ring *Ring
	in   io.Reader
	done chan struct{} // closed when the reader goroutine has exited
	once sync.Once
}

var _ Source = (*Raw)(nil)

// NewRaw returns a stopped Raw source reading from r. If r is an io.Closer,
// Close closes it, which ends the reader goroutine; otherwise the goroutine
// ends at the input's next read.
func NewRaw(r io.Reader) *Raw {
	s := &Raw{ring: NewRing(rawRingSamples), in: r, done: make(chan struct{})}
	go s.pump()
	return s
}

func (s *Raw) pump() {
	defer close(s.done)
	in := bufio.NewReaderSize(s.in, rawChunk)
	if err := skipWAVHeader(in); err != nil {
		s.ring.End(err)
		return
	}
	b := make([]byte, rawChunk+1) // +1 for a byte carried over
	samples := make([]int16, rawChunk/2+1)
	carry := 0 // 0 or 1 byte left from the previous read
	total := int64(0)
	for {
		n, err := in.Read(b[carry : carry+rawChunk])
		total += int64(n)
		n += carry
		k := n / 2
		for i := range k {
			samples[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
		}
		carry = n % 2
		if carry == 1 {
			b[0] = b[n-1]
		}
		if k > 0 {
			if werr := s.ring.WaitWrite(samples[:k]); werr != nil {
				return // closed
			}
		}
		if err != nil {
			switch {
			case errors.Is(err, io.EOF) && carry == 0:
				s.ring.End(io.EOF)
			case errors.Is(err, io.EOF):
				s.ring.End(fmt.Errorf("capture: raw input: odd trailing byte at end of input (%d bytes; s16le needs 2 per sample): %w",
					total, io.ErrUnexpectedEOF))
			case errors.Is(err, os.ErrClosed):
				s.ring.End(ErrClosed)
			default:
				s.ring.End(fmt.Errorf("capture: raw input: %w", err))
			}
			return
		}
	}
}

// skipWAVHeader reads and checks a WAV header at the start of the input.
// arecord writes one unless told -t raw, so `arecord -f S16_LE -r 16000 -c 1
// | wakegate run --input -` sends 44 bytes of header first; read as samples
// they would be a click, and a header for another format would mean every
// sample after it is misread. A 16 kHz mono 16-bit PCM stream is accepted
// (its declared size is ignored: arecord cannot know it); anything else is
// an error naming the format. Input that does not start with "RIFF" is left
// untouched, and read errors surface at the first Read of the caller.
func skipWAVHeader(br *bufio.Reader) error {
	if magic, err := br.Peek(4); err != nil || string(magic) != "RIFF" {
		return nil
	}
	wr, err := wav.NewReader(br)
	if err != nil {
		return fmt.Errorf("capture: raw input starts with a WAV header that cannot be read: %w", err)
	}
	if f := wr.Format(); f.SampleRate != SampleRate || f.Channels != 1 || f.BitsPerSample != 16 || f.Encoding != wav.PCM {
		return fmt.Errorf("capture: raw input is a WAV stream of %v; standard input must be %d Hz mono 16-bit PCM "+
			"(arecord -f S16_LE -r %d -c 1), or pass a WAV file of any format with --input FILE.wav", f, SampleRate, SampleRate)
	}
	return nil
}

// Read implements Source. At the end of the input it returns the last
// samples with io.EOF; an odd number of input bytes is an error that wraps
// io.ErrUnexpectedEOF and says so.
func (s *Raw) Read(buf []int16) (int, error) { return s.ring.Read(buf) }

// Start implements Source.
func (s *Raw) Start() error { return s.ring.Start() }

// Stop implements Source.
func (s *Raw) Stop() error {
	s.ring.Stop()
	return nil
}

// Close implements Source. It closes the input if it is an io.Closer and
// waits for the reader goroutine to end.
func (s *Raw) Close() error {
	var err error
	s.once.Do(func() {
		s.ring.Close()
		if c, ok := s.in.(io.Closer); ok {
			err = c.Close()
			// A pipe that is not in non-blocking mode (os.Stdin from a
			// shell) is not interrupted by Close; the goroutine then ends at
			// the producer's next write or exit. Do not hang Close on it.
			select {
			case <-s.done:
			case <-time.After(closeWait):
			}
		}
	})
	return err
}

// Delivered returns the number of samples Read has returned.
func (s *Raw) Delivered() int64 { return s.ring.Delivered() }
