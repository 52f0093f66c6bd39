package capture_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/wav"
)

// A replayed WAV file is read in 10 ms hops, like the microphone.
func ExampleOpenReader() {
	samples := make([]int16, 480) // 30 ms of silence at 16 kHz
	src, err := capture.OpenReader("silence.wav", bytes.NewReader(wav.EncodeInt16(16000, samples)), capture.FileOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	hop := make([]int16, 160)
	_, err = src.Read(hop)
	fmt.Println("before Start:", err)
	src.Start()
	for {
		n, err := src.Read(hop)
		fmt.Println(n, err, src.Position())
		if err != nil {
			break
		}
	}
	// Output:
	// before Start: capture: source stopped
	// 160 <nil> 160
	// 160 <nil> 320
	// 160 <nil> 480
	// 0 EOF 480
}

// Stop is the mute switch: a Read blocked in another goroutine returns
// ErrStopped, and nothing captured before Stop is delivered afterwards.
func ExampleRing() {
	r := capture.NewRing(1600)
	r.Start()
	r.Write([]int16{1, 2, 3}) // captured, then muted before it was read
	r.Stop()
	r.Start()
	r.Write([]int16{7, 8})
	r.End(io.EOF)
	buf := make([]int16, 4)
	n, err := r.Read(buf)
	fmt.Println(buf[:n], errors.Is(err, io.EOF))
	// Output: [7 8] true
}
