package replay

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/voiceservice"
	"github.com/wakegate/wakegate/wakeword"
)

// TestServiceVerifiesWakeWord: with the service checking every wake word a
// second time, real wake words pass (the interaction runs normally), and a
// device tuned to fire too easily has its false wakes stopped by the
// service almost at once.
func TestServiceVerifiesWakeWord(t *testing.T) {
	v, err := voiceservice.WakeWordVerifier([]string{wakeFile}, wakeword.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"wake_alone", "wake_in_sentence", "wake_twice"} {
		res, err := Run(context.Background(), Options{Input: filepath.Join(fixtures, name+".wav"), WakeWords: []string{wakeFile},
			Gate: agent.Config{Preroll: preroll}, Verifier: v})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) == 0 {
			t.Fatalf("%s: no stream", name)
		}
		for _, r := range res.Records {
			if r.Verified == nil || !r.Verified.OK || r.StopReason == "false_wake" {
				t.Errorf("%s: a true wake word was rejected: verified %+v, stop %q", name, r.Verified, r.StopReason)
			}
		}
	}
}

// TestServiceStopsFalseWake: a device made to fire too easily (sensitivity
// 0.9) wakes on speech without the wake word; the service's check rejects
// it and stops the stream right after the claimed word, where without the
// check it would have run on.
func TestServiceStopsFalseWake(t *testing.T) {
	v, err := voiceservice.WakeWordVerifier([]string{wakeFile}, wakeword.Options{})
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(fixtures, "speech_no_wake.wav")
	loose := Options{Input: input, WakeWords: []string{wakeFile}, Sensitivity: 0.9, Gate: agent.Config{Preroll: preroll}}
	unchecked, err := Run(context.Background(), loose)
	if err != nil {
		t.Fatal(err)
	}
	if len(unchecked.Streams) == 0 {
		t.Fatal("the over-sensitive device did not false-wake: the test shows nothing")
	}
	loose.Verifier = v
	checked, err := Run(context.Background(), loose)
	if err != nil {
		t.Fatal(err)
	}
	if len(checked.Records) == 0 {
		t.Fatal("no stream reached the service")
	}
	for i, r := range checked.Records {
		if r.Verified == nil || r.Verified.OK || r.StopReason != "false_wake" {
			t.Errorf("stream %d: verified %+v, stop %q; want a rejected false wake", i, r.Verified, r.StopReason)
		}
		// The service decides once VerifyDelay after the claimed word has
		// arrived; the device stops at the next chunk.
		if limit := r.WakeEnd + voiceservice.VerifyDelay + 2*640; r.NumSamples > limit {
			t.Errorf("stream %d: %d samples sent after a false wake, want at most %d", i, r.NumSamples, limit)
		}
		if i < len(unchecked.Streams) && checked.Streams[i].Bytes >= unchecked.Streams[i].Bytes {
			t.Errorf("stream %d: the check did not shorten the false wake (%d vs %d bytes)", i, checked.Streams[i].Bytes, unchecked.Streams[i].Bytes)
		}
	}
}
