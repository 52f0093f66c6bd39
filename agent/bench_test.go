package agent

import (
	"testing"

	"github.com/wakegate/wakegate/alarm"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/upstream"
	"github.com/wakegate/wakegate/wakeword"
	_ "github.com/wakegate/wakegate/wakeword/template"
)

type nopIndicator struct{}

func (nopIndicator) Set(leds.State) {}

// loadHops reads a fixture as 10 ms hops.
func loadHops(b *testing.B, path string) [][]int16 {
	f, err := capture.OpenFile(path, capture.FileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	f.Start()
	var hops [][]int16
	for {
		h := make([]int16, HopSamples)
		if n, _ := f.Read(h); n < HopSamples {
			return hops
		}
		hops = append(hops, h)
	}
}

// BenchmarkAlwaysOnHop measures the whole always-on path for one 10 ms hop
// of speech without the wake word (the common case): ring, VAD, the
// personal-template wake-word matcher, alarm-sound detection and the gate.
// DESIGN.md's budget is about 16 µs per hop.
func BenchmarkAlwaysOnHop(b *testing.B) {
	det, err := wakeword.Load("../testdata/computer.wgt", wakeword.Options{})
	if err != nil {
		b.Fatal(err)
	}
	up, err := upstream.Dial(upstream.Config{Addr: "127.0.0.1:9", DeviceID: "bench", Plaintext: true})
	if err != nil {
		b.Fatal(err)
	}
	defer up.Close()
	a, err := New(Config{}, Deps{Source: stubSource{}, Detector: det, VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: nopIndicator{},
		Upstream: up, Sidecars: []Sidecar{AlarmSidecar(alarm.New(alarm.DefaultConfig()))}}, false)
	if err != nil {
		b.Fatal(err)
	}
	hops := loadHops(b, "../testdata/fixtures/speech_no_wake.wav")
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		a.process(hops[i])
		if a.state != idle {
			b.Fatal("the benchmark scene woke the gate")
		}
		if i++; i == len(hops) {
			i = 0
		}
	}
}

// stubSource satisfies New; the benchmark feeds hops to process directly.
type stubSource struct{}

func (stubSource) Read([]int16) (int, error) { return 0, nil }
func (stubSource) Start() error              { return nil }
func (stubSource) Stop() error               { return nil }
