package main

import (
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/tone"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestRequestSoundsOff(t *testing.T) {
	c := config.Default()
	c.Indicator.RequestSounds = false
	ind, closeFn, err := openRequestSounds(c, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if ind != nil {
		t.Errorf("request_sounds = false: got indicator %T, want nil", ind)
	}
	if err := closeFn(); err != nil {
		t.Error(err)
	}
}

// TestPlaybackSinkFill drives the fill callback as the audio thread would,
// in device periods, and checks the exact samples handed to the device:
// the tone, then silence, with the tone finished only after the tail.
func TestPlaybackSinkFill(t *testing.T) {
	tests := []struct {
		name   string
		kind   tone.Kind
		period int // samples per callback
	}{
		{"start tone, 10 ms periods", tone.StartTone, 160},
		{"end tone, 20 ms periods", tone.EndTone, 320},
		{"start tone, odd period", tone.StartTone, 147},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &playbackSink{log: quietLog(), buf: make([]int16, 0, len(tone.Generate(tone.StartTone, soundRate)))}
			want := tone.Generate(tt.kind, soundRate)
			done := s.load(want)
			if done == nil {
				t.Fatal("the tone does not fit the buffer")
			}
			tail := int(soundTail.Seconds() * soundRate)
			var got []int16
			out := make([]int16, tt.period)
			for i := 0; ; i++ {
				if i > (len(want)+tail)/tt.period+2 {
					t.Fatalf("not finished after %d samples", len(got))
				}
				for j := range out {
					out[j] = 12345 // garbage the callback must overwrite
				}
				s.fill(out)
				got = append(got, out...)
				select {
				case <-done:
				default:
					continue
				}
				break
			}
			if !slices.Equal(got[:len(want)], want) {
				t.Error("the device was not handed the tone")
			}
			for i, v := range got[len(want):] {
				if v != 0 {
					t.Fatalf("sample %d after the tone is %d, want silence", i, v)
				}
			}
			if silent := len(got) - len(want); silent < tail || silent >= tail+tt.period {
				t.Errorf("finished after %d silent samples, want the tail (%d) rounded up to a period (%d)", silent, tail, tt.period)
			}
			// Once finished, the callback keeps producing silence.
			s.fill(out)
			if slices.ContainsFunc(out, func(v int16) bool { return v != 0 }) {
				t.Error("sound after the tone finished")
			}
		})
	}
	s := &playbackSink{buf: make([]int16, 0, 10)}
	if s.load(make([]int16, 11)) != nil {
		t.Error("a tone longer than the buffer was accepted")
	}
}

// TestRequestSoundsNullBackend plays through miniaudio's null device,
// which consumes samples in real time: Set must return before the tone
// could have played, and Close must wait until it has.
func TestRequestSoundsNullBackend(t *testing.T) {
	c := config.Default()
	c.Indicator.RequestSounds = true
	c.Audio.Backend = "null"
	ind, closeFn, err := openRequestSounds(c, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ind.(*tone.Cues); !ok {
		t.Fatalf("indicator is %T, want *tone.Cues", ind)
	}
	toneLen := time.Duration(tone.Duration * float64(time.Second))
	start := time.Now()
	ind.Set(leds.Listening)
	if d := time.Since(start); d >= toneLen {
		t.Errorf("Set took %v: it waited for the tone (%v)", d, toneLen)
	}
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < toneLen {
		t.Errorf("close returned after %v, before the %v tone could have played", d, toneLen)
	} else if d >= toneLen+soundTail+soundTimeout {
		t.Errorf("close returned after %v: the null device never took the tone (Play timed out)", d)
	}
}
