package capture

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/wakegate/wakegate/dsp/resample"
	"github.com/wakegate/wakegate/wav"
)

// decodeFrames is how many input frames File decodes at a time: 1024 frames
// are 21 ms at 48 kHz, 64 ms at 16 kHz.
const decodeFrames = 1024

// FileOptions configures OpenFile.
type FileOptions struct {
	// Paced delivers samples in real time, as a microphone would: Read
	// returns when the last sample it delivers would have been captured, and
	// time spent stopped is skipped (see Start). By default a File delivers
	// as fast as it is read.
	Paced bool
	// Clock paces a Paced File; nil means the real clock. Tests pass a
	// clockwork.FakeClock.
	Clock clockwork.Clock
	// Rate is the rate the File delivers (0 = SampleRate, 16 kHz). Presence
	// detection replays at 48 kHz; positions, Skip and Len then count
	// samples at this rate.
	Rate int
}

// File is a Source replaying a WAV file as 16 kHz mono: channels are mixed
// to their mean and the rate is converted with package dsp/resample
// (time-aligned: sample k corresponds to time k/16000 s of the file).
//
// A File keeps its place while stopped: the next Start resumes where it
// stopped, so a replay harness decides what happens to the muted span (it
// calls Skip). A Paced File is a live source instead: Start resumes at the
// position the clock has reached, and the span spent stopped is skipped.
type File struct {
	path   string
	f      io.ReadSeeker // *os.File, or the caller's reader (OpenReader)
	r      *wav.Reader
	format wav.Format
	rs     *resample.Resampler // nil at 16 kHz
	length int64               // samples (at rate) in the file, -1 if unknown
	rate   int                 // delivered rate

	fbuf []float32 // decoded interleaved samples
	mono []float32 // mixed to mono
	rbuf []float32 // resampled
	pend []int16   // decoded, not yet consumed: pend[pi:]
	pi   int
	done bool  // input decoded to the end (and flushed)
	err  error // decode error, reported after the samples before it

	readMu    sync.Mutex // serialises Read and Skip
	mu        sync.Mutex // guards the fields below
	stopped   bool
	closed    bool
	wake      chan struct{} // closed by Stop and Close to wake a paced Read
	pos       int64         // 16 kHz samples consumed (delivered or skipped)
	delivered int64

	paced bool
	clock clockwork.Clock
	t0    time.Time // clock time of sample t0pos
	t0pos int64
	began bool // Start has been called at least once (paced timeline set)
}

var _ Source = (*File)(nil)

// OpenFile opens a WAV file for replay. The File is stopped; call Start.
// Errors name the file and the problem.
func OpenFile(path string, opts FileOptions) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("capture: %s: %w", path, err)
	}
	fl, err := openFile(path, f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("capture: %s: %w", path, err)
	}
	return fl, nil
}

// OpenReader is OpenFile for a WAV file held by r, e.g. a bytes.Reader of
// wav.EncodeInt16 output in a test. name is used in errors. Close closes r
// if it is an io.Closer.
func OpenReader(name string, r io.ReadSeeker, opts FileOptions) (*File, error) {
	fl, err := openFile(name, r, opts)
	if err != nil {
		return nil, fmt.Errorf("capture: %s: %w", name, err)
	}
	return fl, nil
}

func openFile(path string, f io.ReadSeeker, opts FileOptions) (*File, error) {
	r, err := wav.NewReader(f)
	if err != nil {
		return nil, err
	}
	fm := r.Format()
	rate := opts.Rate
	if rate == 0 {
		rate = SampleRate
	}
	if rate < 8000 || rate > 192000 {
		return nil, fmt.Errorf("capture: delivery rate %d Hz out of range", rate)
	}
	fl := &File{path: path, f: f, r: r, format: fm, length: -1, stopped: true, rate: rate,
		wake: make(chan struct{}), paced: opts.Paced, clock: opts.Clock}
	if fl.clock == nil {
		fl.clock = clockwork.NewRealClock()
	}
	if frames := r.Frames(); frames >= 0 {
		// Catch a truncated file now rather than in the middle of a replay:
		// the wav reader has consumed the header, so the offset is where
		// the samples start.
		if off, size, ok := extent(f); ok {
			want := frames * int64(fm.Channels*fm.BitsPerSample/8)
			if have := size - off; have < want {
				return nil, fmt.Errorf("wav: data chunk truncated: header says %d bytes, file has %d: %w",
					want, have, io.ErrUnexpectedEOF)
			}
		}
		fl.length = (frames*int64(rate) + int64(fm.SampleRate) - 1) / int64(fm.SampleRate)
	}
	if fm.SampleRate != rate {
		if fl.rs, err = resample.New(fm.SampleRate, rate); err != nil {
			return nil, err
		}
	}
	fl.fbuf = make([]float32, decodeFrames*fm.Channels)
	fl.mono = make([]float32, decodeFrames)
	half := 0
	if fl.rs != nil {
		half = fl.rs.Half()
	}
	// One chunk's output, plus the resampler's tail at the end.
	fl.rbuf = make([]float32, 0, decodeFrames*rate/fm.SampleRate+half+2)
	fl.pend = make([]int16, 0, cap(fl.rbuf))
	return fl, nil
}

// Format returns the format of the file (before conversion).
func (fl *File) Format() wav.Format { return fl.format }

// Len returns the length of the replay in 16 kHz samples, or -1 if the file
// does not declare it (a streamed WAV).
func (fl *File) Len() int64 { return fl.length }

// Position returns the number of 16 kHz samples consumed so far, delivered
// by Read or passed over by Skip (or, for a Paced File, while stopped).
func (fl *File) Position() int64 {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.pos
}

// Delivered returns the number of samples Read has delivered.
func (fl *File) Delivered() int64 {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.delivered
}

// decode refills pend. It returns false at the end of the input or on
// error (fl.done or fl.err set).
func (fl *File) decode() bool {
	if fl.done || fl.err != nil {
		return false
	}
	fl.pend, fl.pi = fl.pend[:0], 0
	for len(fl.pend) == 0 {
		n, err := fl.r.ReadFloat(fl.fbuf)
		ch := fl.format.Channels
		frames := n / ch
		mono := fl.mono[:frames]
		if ch == 1 {
			copy(mono, fl.fbuf[:frames])
		} else {
			inv := 1 / float32(ch)
			for i := range mono {
				var s float32
				for _, v := range fl.fbuf[i*ch : (i+1)*ch] {
					s += v
				}
				mono[i] = s * inv
			}
		}
		out := mono
		if fl.rs != nil {
			out = fl.rs.Process(fl.rbuf[:0], mono)
			if err != nil {
				out = fl.rs.Flush(out) // the tail: end of file or truncation
			}
		}
		for _, v := range out {
			fl.pend = append(fl.pend, toInt16(v))
		}
		if err != nil {
			if err == io.EOF {
				fl.done = true
			} else {
				fl.err = fmt.Errorf("capture: %s: %w", fl.path, err)
			}
			break
		}
	}
	return len(fl.pend) > 0
}

// samplesToDuration is the duration of n samples at rate.
func samplesToDuration(n int64, rate int) time.Duration {
	return time.Duration(float64(n) * float64(time.Second) / float64(rate))
}

// toInt16 converts [-1, 1] to int16, rounding and clipping.
func toInt16(v float32) int16 {
	s := math.Round(float64(v) * 32768)
	return int16(max(-32768, min(32767, s)))
}

// take moves up to len(dst) samples into dst (nil dst: discards up to n).
// It returns how many and the end-of-input error, if reached.
func (fl *File) take(dst []int16, n int) (int, error) {
	got := 0
	for got < n {
		if fl.pi == len(fl.pend) && !fl.decode() {
			if fl.err != nil {
				return got, fl.err
			}
			return got, io.EOF
		}
		k := min(n-got, len(fl.pend)-fl.pi)
		if dst != nil {
			copy(dst[got:got+k], fl.pend[fl.pi:fl.pi+k])
		}
		clear(fl.pend[fl.pi : fl.pi+k])
		fl.pi += k
		got += k
	}
	return got, nil
}

// Read implements Source. At the end of the file it returns the last
// samples and io.EOF; a truncated file ends with an error naming the file
// instead. A Paced File blocks until the last sample in buf would have been
// captured.
func (fl *File) Read(buf []int16) (int, error) {
	fl.readMu.Lock()
	defer fl.readMu.Unlock()
	fl.mu.Lock()
	switch {
	case fl.closed:
		fl.mu.Unlock()
		return 0, ErrClosed
	case fl.stopped:
		fl.mu.Unlock()
		return 0, ErrStopped
	}
	n, err := fl.take(buf, len(buf))
	fl.pos += int64(n)
	if !fl.paced {
		fl.delivered += int64(n)
		fl.mu.Unlock()
		return n, err
	}
	deadline := fl.t0.Add(samplesToDuration(fl.pos-fl.t0pos, fl.rate))
	wake := fl.wake
	fl.mu.Unlock()
	if d := deadline.Sub(fl.clock.Now()); d > 0 {
		t := fl.clock.NewTimer(d)
		select {
		case <-t.Chan():
		case <-wake:
			t.Stop()
		}
	}
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.stopped || fl.closed || fl.wake != wake {
		// Stopped while waiting: these samples were "captured" before Stop.
		clear(buf[:n])
		if fl.closed {
			return 0, ErrClosed
		}
		return 0, ErrStopped
	}
	fl.delivered += int64(n)
	return n, err
}

// Skip consumes up to n samples without delivering them, stopped or not
// (the replay harness skips the span during which the device was muted). It
// returns how many it skipped and io.EOF if the file ended first.
func (fl *File) Skip(n int64) (int64, error) {
	fl.readMu.Lock()
	defer fl.readMu.Unlock()
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.closed {
		return 0, ErrClosed
	}
	return fl.skip(n)
}

// skip is Skip with both locks held.
func (fl *File) skip(n int64) (int64, error) {
	var done int64
	for done < n {
		k, err := fl.take(nil, int(min(n-done, 1<<20)))
		done += int64(k)
		fl.pos += int64(k)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// Start implements Source. A Paced File that has run before skips the
// samples that would have been captured while it was stopped.
func (fl *File) Start() error {
	fl.mu.Lock()
	closed, stopped := fl.closed, fl.stopped
	fl.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if !stopped {
		return nil // idempotent; do not wait for a paced Read
	}
	// A stopped File's Read returns at once, so readMu is free soon.
	fl.readMu.Lock()
	defer fl.readMu.Unlock()
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.closed {
		return ErrClosed
	}
	if !fl.stopped {
		return nil
	}
	fl.stopped = false
	if fl.paced {
		now := fl.clock.Now()
		if fl.began {
			target := fl.t0pos + int64(now.Sub(fl.t0).Seconds()*float64(fl.rate))
			if target > fl.pos {
				if _, err := fl.skip(target - fl.pos); err != nil && !isEnd(err) {
					return err
				}
			}
		}
		fl.t0, fl.t0pos, fl.began = now, fl.pos, true
	}
	return nil
}

// Stop implements Source. Nothing is delivered until Start; a Read blocked
// in pacing returns (0, ErrStopped).
func (fl *File) Stop() error {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if !fl.stopped {
		fl.stopped = true
		close(fl.wake)
		fl.wake = make(chan struct{})
	}
	return nil
}

// Close implements Source and closes the file.
func (fl *File) Close() error {
	fl.mu.Lock()
	if fl.closed {
		fl.mu.Unlock()
		return nil
	}
	fl.closed, fl.stopped = true, true
	close(fl.wake)
	fl.wake = make(chan struct{})
	fl.mu.Unlock()
	fl.readMu.Lock() // wait for a Read in progress before closing its file
	defer fl.readMu.Unlock()
	clear(fl.pend)
	if c, ok := fl.f.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// extent returns the current offset and the size of a regular file or an
// in-memory reader; ok is false for pipes and devices.
func extent(f io.ReadSeeker) (off, size int64, ok bool) {
	if osf, isFile := f.(*os.File); isFile {
		st, err := osf.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return 0, 0, false
		}
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, 0, false
	}
	size, err = f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, 0, false
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return 0, 0, false
	}
	return off, size, true
}
