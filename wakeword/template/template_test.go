package template

import (
	"math"
	"slices"
	"testing"

	"github.com/wakegate/wakegate/wakeword"
)

// enrollSpeeds are the espeak-ng speeds (words per minute) of the three
// enrollment renderings: a slow, a normal and a fast "computer".
var enrollSpeeds = []int{140, 160, 175}

// backgroundStd is the level of the room noise added to every synthetic
// recording: about -55 dBFS, a quiet room through a cheap microphone.
const backgroundStd = 60

// withRoom puts s into a stream of room noise, with lead and tail
// milliseconds of noise around it, and returns the stream and where s
// starts in it.
func withRoom(s []int16, lead, tail int, seed uint64) ([]int16, int) {
	n := lead*16 + len(s) + tail*16
	out := mix(noise(n, backgroundStd, seed), append(append(silence(lead), s...), silence(tail)...))
	return out, lead * 16
}

func enrollComputer(t testing.TB, opts EnrollOptions) *Template {
	t.Helper()
	var exs [][]int16
	for i, sp := range enrollSpeeds {
		ex, _ := withRoom(synth(t, "computer", sp), 300, 300, uint64(10+i))
		exs = append(exs, ex)
	}
	tm, err := Enroll("computer", exs, opts)
	if err != nil {
		t.Fatalf("Enroll: %v", err)
	}
	return tm
}

// run pushes s through d hop by hop and returns every detection.
func run(d wakeword.Detector, s []int16) []wakeword.Detection {
	var out []wakeword.Detection
	for off := 0; off+wakeword.HopSamples <= len(s); off += wakeword.HopSamples {
		if det, ok := d.Push(s[off : off+wakeword.HopSamples]); ok {
			out = append(out, det)
		}
	}
	return out
}

func TestDetectInSentence(t *testing.T) {
	t.Parallel()
	tm := enrollComputer(t, EnrollOptions{})
	t.Logf("threshold %.3f, held-out %.3f, frames %v", tm.Threshold(), tm.HeldOut(), tm.Frames())
	d, err := tm.NewDetector(wakeword.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// "please computer turn on the light", with "computer" rendered at a
	// speed not used for enrollment, so its position is known exactly.
	word := synth(t, "computer", 150)
	ws, we := speechBounds(word)
	var sent []int16
	sent = append(sent, synth(t, "please", 150)...)
	at := len(sent)
	sent = append(sent, word...)
	sent = append(sent, synth(t, "turn on the light", 150)...)
	stream, lead := withRoom(sent, 500, 1500, 3)
	wantStart, wantEnd := int64(lead+at+ws), int64(lead+at+we)

	var dets []wakeword.Detection
	var firedAt int64
	for off := 0; off+wakeword.HopSamples <= len(stream); off += wakeword.HopSamples {
		if det, ok := d.Push(stream[off : off+wakeword.HopSamples]); ok {
			dets = append(dets, det)
			firedAt = int64(off + wakeword.HopSamples)
		}
	}
	if len(dets) == 1 {
		// Latency: from the end of the word to the hop that reported it.
		t.Logf("reported %.0f ms after the word's last sample", float64(firedAt-dets[0].EndSample)/16)
	}
	if len(dets) != 1 {
		t.Fatalf("got %d detections %+v, want 1", len(dets), dets)
	}
	det := dets[0]
	t.Logf("detection %+v; word at %d..%d (errors %+.0f ms, %+.0f ms)", det, wantStart, wantEnd,
		float64(det.StartSample-wantStart)/16, float64(det.EndSample-wantEnd)/16)
	const tol = 80 * 16 // ±80 ms
	if det.Word != "computer" || abs(det.StartSample-wantStart) > tol || abs(det.EndSample-wantEnd) > tol {
		t.Errorf("detection %+v, want computer at %d..%d ±%d", det, wantStart, wantEnd, tol)
	}
	if !(det.Score >= 0.5 && det.Score <= 1) {
		t.Errorf("score %v outside 0.5..1", det.Score)
	}

	// After Reset the same audio gives the same detection: no state leaks.
	d.Reset()
	if again := run(d, stream); !slices.Equal(again, dets) {
		t.Errorf("after Reset: %+v, want %+v", again, dets)
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestNoFalseDetections(t *testing.T) {
	t.Parallel()
	tm := enrollComputer(t, EnrollOptions{})
	d, err := tm.NewDetector(wakeword.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"hello there", "banana", "turn on the light", "what time is it"} {
		stream, _ := withRoom(synth(t, text, 150), 300, 500, uint64(20+i))
		d.Reset()
		if dets := run(d, stream); len(dets) > 0 {
			t.Errorf("%q: %d detections %+v", text, len(dets), dets)
		}
	}
	for name, s := range map[string][]int16{
		"silence":     silence(3000),
		"room noise":  noise(3*16000, backgroundStd, 7),
		"loud noise":  noise(3*16000, 3000, 8),
		"sine 440 Hz": sine(440, 3000, 8000),
	} {
		d.Reset()
		if dets := run(d, s); len(dets) > 0 {
			t.Errorf("%s: %d detections %+v", name, len(dets), dets)
		}
	}
	// "commuter" differs from "computer" in one consonant; report how the
	// detector treats it rather than pinning it.
	stream, _ := withRoom(synth(t, "commuter", 150), 300, 500, 30)
	d.Reset()
	t.Logf("commuter: %d detections %+v", len(run(d, stream)), run(d, stream))
}

func sine(hz float64, ms int, amp float64) []int16 {
	s := make([]int16, ms*16)
	for i := range s {
		s[i] = int16(amp * math.Sin(2*math.Pi*hz*float64(i)/16000))
	}
	return s
}
