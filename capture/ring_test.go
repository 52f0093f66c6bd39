package capture

import (
	"errors"
	"io"
	"testing"
	"time"
)

// fill returns n copies of v.
func fill(n int, v int16) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// readAsync runs Read in a goroutine and returns a channel for its result.
type readResult struct {
	n   int
	err error
	buf []int16
}

func readAsync(s interface{ Read([]int16) (int, error) }, buf []int16) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		n, err := s.Read(buf)
		ch <- readResult{n, err, buf}
	}()
	return ch
}

func TestRingReadBlocksUntilFull(t *testing.T) {
	t.Parallel()
	r := NewRing(100)
	r.Start()
	res := readAsync(r, make([]int16, 30))
	for i := range 3 {
		r.Write(fill(10, int16(i+1)))
	}
	got := <-res
	if got.err != nil || got.n != 30 || got.buf[0] != 1 || got.buf[29] != 3 {
		t.Fatalf("Read = %d, %v, %v", got.n, got.err, got.buf)
	}
	if r.Delivered() != 30 {
		t.Errorf("Delivered = %d", r.Delivered())
	}
}

func TestRingStopDiscardsAndZeroes(t *testing.T) {
	t.Parallel()
	r := NewRing(100)
	if n, err := r.Read(make([]int16, 4)); n != 0 || err != ErrStopped {
		t.Fatalf("Read on a new Ring = %d, %v; want 0, ErrStopped", n, err)
	}
	r.Write(fill(10, 9)) // stopped: discarded
	r.Start()
	r.Write(fill(50, 7)) // captured before Stop
	// A Read wanting more than is queued takes the 50 and blocks.
	res := readAsync(r, fill(80, -1))
	for r.Buffered() != 0 {
		time.Sleep(time.Millisecond)
	}
	r.Stop()
	got := <-res
	if got.n != 0 || got.err != ErrStopped {
		t.Fatalf("blocked Read after Stop = %d, %v; want 0, ErrStopped", got.n, got.err)
	}
	for i, v := range got.buf[:50] {
		if v != 0 {
			t.Fatalf("buf[%d] = %d: audio from before Stop left in the caller's buffer", i, v)
		}
	}
	r.Write(fill(10, 5)) // stopped again: discarded
	for i, v := range r.buf {
		if v != 0 {
			t.Fatalf("ring slot %d = %d after Stop", i, v)
		}
	}
	r.Start()
	r.Write(fill(20, 3))
	buf := make([]int16, 20)
	if n, err := r.Read(buf); n != 20 || err != nil {
		t.Fatal(n, err)
	}
	for _, v := range buf {
		if v != 3 {
			t.Fatalf("after restart got %v, want only samples written after Start", buf)
		}
	}
}

func TestRingOverrunKeepsNewest(t *testing.T) {
	t.Parallel()
	r := NewRing(10)
	r.Start()
	r.Write([]int16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
	if r.Overruns() != 3 {
		t.Errorf("Overruns = %d, want 3", r.Overruns())
	}
	buf := make([]int16, 10)
	r.Read(buf)
	if buf[0] != 4 || buf[9] != 13 {
		t.Errorf("got %v, want 4..13", buf)
	}
}

func TestRingS16LE(t *testing.T) {
	t.Parallel()
	r := NewRing(8)
	r.Start()
	r.WriteS16LE([]byte{0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0x7})
	buf := make([]int16, 3)
	r.Read(buf)
	if buf[0] != 1 || buf[1] != -1 || buf[2] != -32768 {
		t.Errorf("got %v", buf)
	}
}

func TestRingEndAndClose(t *testing.T) {
	t.Parallel()
	r := NewRing(10)
	r.Start()
	r.Write([]int16{1, 2, 3})
	r.End(io.EOF)
	buf := make([]int16, 5)
	if n, err := r.Read(buf); n != 3 || err != io.EOF {
		t.Errorf("Read at end = %d, %v; want 3, EOF", n, err)
	}
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("Read after end = %d, %v", n, err)
	}
	r2 := NewRing(10)
	r2.Start()
	res := readAsync(r2, make([]int16, 5))
	r2.Close()
	if got := <-res; got.err != ErrClosed {
		t.Errorf("Read blocked at Close: %v", got.err)
	}
	if err := r2.Start(); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close: %v", err)
	}
}

func TestRingWaitWrite(t *testing.T) {
	t.Parallel()
	r := NewRing(4)
	r.Start()
	done := make(chan error)
	go func() { done <- r.WaitWrite([]int16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) }()
	var got []int16
	buf := make([]int16, 2)
	for len(got) < 10 {
		n, err := r.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r.Overruns() != 0 || got[0] != 1 || got[9] != 10 {
		t.Errorf("got %v, overruns %d", got, r.Overruns())
	}
}

func TestRingWriteNoAlloc(t *testing.T) {
	r := NewRing(1600)
	r.Start()
	b := make([]byte, 320) // one 10 ms callback at 16 kHz
	if a := testing.AllocsPerRun(100, func() { r.WriteS16LE(b) }); a != 0 {
		t.Errorf("WriteS16LE allocates %v times", a)
	}
}
