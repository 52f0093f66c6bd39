package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/voiceservice"
	"github.com/wakegate/wakegate/wakeword/template"
)

// annotation mirrors testdata/fixtures/README.md (written by fixturegen).
type annotation struct {
	Name       string `json:"name"`
	WAV        string `json:"wav"`
	SampleRate int    `json:"sample_rate"`
	Events     string `json:"events"`
	Service    struct {
		ExpectSpeechMs    int `json:"expect_speech_ms"`
		ExpectSpeechTurns int `json:"expect_speech_turns"`
	} `json:"service"`
	Segments []struct {
		Label      string `json:"label"`
		Text       string `json:"text"`
		Start, End int64
	} `json:"segments"`
	Expect struct {
		Streams []struct {
			Trigger     string   `json:"trigger"`
			WakeSegment *int     `json:"wake_segment"`
			PressEvent  *int     `json:"press_event"`
			MustContain []int    `json:"must_contain"`
			EndReasons  []string `json:"end_reasons"`
		} `json:"streams"`
		NeverSent []int `json:"never_sent"`
	} `json:"expect"`
}

const (
	fixtures = "../testdata/fixtures"
	wakeFile = "../testdata/computer.wgt"
	preroll  = 500 * time.Millisecond
	// wakeTolerance is how far the detected wake-word start may lie from the
	// annotated one: the matcher works on 10 ms hops and 25 ms windows, and
	// espeak-ng's first phoneme can be soft.
	wakeTolerance = 160 * agent.SampleRate / 1000
)

// timedIndicator notes when each state was set, to compare with when the
// service saw each stream begin (P3).
type timedIndicator struct {
	mu  sync.Mutex
	set []struct {
		s leds.State
		t time.Time
	}
}

func (ti *timedIndicator) Set(s leds.State) {
	ti.mu.Lock()
	ti.set = append(ti.set, struct {
		s leds.State
		t time.Time
	}{s, time.Now()})
	ti.mu.Unlock()
}

func loadAnnotation(t *testing.T, path string) *annotation {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a annotation
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &a
}

// decode reads a fixture the way the pipeline does (16 kHz mono), as the
// reference for what the service may have received.
func decode(t *testing.T, path string) []int16 {
	t.Helper()
	f, err := capture.OpenFile(path, capture.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	var all []int16
	buf := make([]int16, 4096)
	for {
		n, err := f.Read(buf)
		all = append(all, buf[:n]...)
		if err != nil {
			break
		}
	}
	return all
}

func loadEvents(t *testing.T, a *annotation) []agent.ScheduledControl {
	t.Helper()
	if a.Events == "" {
		return nil
	}
	f, err := os.Open(filepath.Join(fixtures, a.Events))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	evs, err := agent.ParseEvents(f, a.Events)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// mutedSpans returns the [mute, unmute) intervals of the schedule (an open
// mute lasts to the end).
func mutedSpans(evs []agent.ScheduledControl) [][2]int64 {
	var spans [][2]int64
	for _, e := range evs {
		switch e.Kind {
		case agent.Mute:
			spans = append(spans, [2]int64{e.Sample, 1 << 62})
		case agent.Unmute:
			if n := len(spans); n > 0 && spans[n-1][1] == 1<<62 {
				spans[n-1][1] = e.Sample
			}
		}
	}
	return spans
}

// hopAfter is the first hop boundary at or after sample s: the gate acts on
// controls between hops.
func hopAfter(s int64) int64 {
	return (s + agent.HopSamples - 1) / agent.HopSamples * agent.HopSamples
}

// TestFixtures replays every fixture through the real pipeline and checks
// the privacy invariants P1–P4 and P6's accounting at the byte level
// against the fixture's annotation.
func TestFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.json"))
	if err != nil || len(paths) < 10 {
		t.Fatalf("fixtures: %v (found %d)", err, len(paths))
	}
	for _, path := range paths {
		a := loadAnnotation(t, path)
		t.Run(a.Name, func(t *testing.T) {
			t.Parallel()
			checkFixture(t, a)
		})
	}
}

func checkFixture(t *testing.T, a *annotation) {
	wavPath := filepath.Join(fixtures, a.WAV)
	input := decode(t, wavPath)
	evs := loadEvents(t, a)
	ind := &timedIndicator{}
	res, err := Run(context.Background(), Options{
		Input:             wavPath,
		WakeWords:         []string{wakeFile},
		Gate:              agent.Config{Preroll: preroll},
		Events:            evs,
		ExpectSpeech:      time.Duration(a.Service.ExpectSpeechMs) * time.Millisecond,
		ExpectSpeechTurns: a.Service.ExpectSpeechTurns,
		Indicator:         ind,
	})
	if err != nil {
		t.Fatal(err)
	}
	dump := func() string { b, _ := json.MarshalIndent(res.Snapshot, "", " "); return string(b) }

	// The ledger and the service agree on what arrived, stream by stream.
	if len(res.Records) != len(res.Streams) {
		t.Fatalf("service has %d records, ledger %d streams\n%s", len(res.Records), len(res.Streams), dump())
	}
	if got, want := len(res.Streams), len(a.Expect.Streams); got != want {
		t.Fatalf("%d streams, annotation expects %d\n%s", got, want, dump())
	}
	if res.FramesReadWhileMuted != 0 {
		t.Errorf("P4: %d frames read while muted", res.FramesReadWhileMuted)
	}
	muted := mutedSpans(evs)
	for i, s := range res.Streams {
		exp := a.Expect.Streams[i]
		rec := res.Records[i]
		if rec.ID != s.ID {
			t.Fatalf("stream %d: service record %s, ledger %s", i, rec.ID, s.ID)
		}
		if s.Trigger != exp.Trigger {
			t.Errorf("stream %d: trigger %s, want %s", i, s.Trigger, exp.Trigger)
		}
		if !slices.Contains(exp.EndReasons, s.EndReason) {
			t.Errorf("stream %d: end reason %s, want one of %v", i, s.EndReason, exp.EndReasons)
		}

		// P1 at the byte level: the service received exactly the input's
		// samples [start, end) — not one sample more or less, none altered.
		if s.StartSample < 0 || s.EndSample > int64(len(input)) || s.StartSample >= s.EndSample {
			t.Fatalf("stream %d: bad range [%d,%d) for %d input samples", i, s.StartSample, s.EndSample, len(input))
		}
		if want := input[s.StartSample:s.EndSample]; !slices.Equal(rec.Samples, want) {
			t.Errorf("stream %d: service received %d samples that are not the input's [%d,%d) (%d samples)",
				i, len(rec.Samples), s.StartSample, s.EndSample, len(want))
		}
		if s.Bytes != 2*(s.EndSample-s.StartSample) || rec.Bytes != s.Bytes {
			t.Errorf("stream %d: %d bytes received, ledger range is %d samples", i, rec.Bytes, s.EndSample-s.StartSample)
		}
		if strings.ToUpper(rec.EndReason) != s.EndReason {
			t.Errorf("stream %d: service saw end %q, device says %s", i, rec.EndReason, s.EndReason)
		}

		switch s.Trigger {
		case "wakeword":
			seg := a.Segments[*exp.WakeSegment]
			if d := s.WakeStartSample - seg.Start; d < -wakeTolerance || d > wakeTolerance {
				t.Errorf("stream %d: wake word detected at %d, annotated at %d", i, s.WakeStartSample, seg.Start)
			}
			// P2, exactly: the stream starts the configured pre-roll before the
			// detected wake word, or later only where older audio is gone (start
			// of file, mute).
			floor := int64(0)
			for _, m := range muted {
				if m[1] <= s.WakeStartSample {
					floor = max(floor, m[1])
				}
			}
			want := max(s.WakeStartSample-int64(preroll)*agent.SampleRate/int64(time.Second), floor)
			if s.StartSample != want {
				t.Errorf("P2: stream %d starts at %d, want %d (wake word at %d, pre-roll %v)", i, s.StartSample, want, s.WakeStartSample, preroll)
			}
			if got := int64(s.PrerollMs) * agent.SampleRate / 1000; got != s.WakeStartSample-s.StartSample {
				t.Errorf("stream %d: preroll_ms %d does not match the range", i, s.PrerollMs)
			}
			if rec.WakeStart != s.WakeStartSample-s.StartSample || rec.WakeEnd != s.WakeEndSample-s.StartSample {
				t.Errorf("stream %d: service got wake indices [%d,%d), want [%d,%d)", i, rec.WakeStart, rec.WakeEnd,
					s.WakeStartSample-s.StartSample, s.WakeEndSample-s.StartSample)
			}
		case "button":
			// A button stream starts at the press (the next hop boundary): no
			// earlier audio.
			press := evs[*exp.PressEvent].Sample
			if s.StartSample != hopAfter(press) {
				t.Errorf("button stream %d starts at %d, press at %d (want %d)", i, s.StartSample, press, hopAfter(press))
			}
		}
		for _, k := range exp.MustContain {
			seg := a.Segments[k]
			if seg.Start < s.StartSample || seg.End > s.EndSample {
				t.Errorf("stream %d [%d,%d) does not contain segment %d %q [%d,%d)", i, s.StartSample, s.EndSample, k, seg.Text, seg.Start, seg.End)
			}
		}
		// P4: nothing captured while muted is sent, and a stream open at a
		// mute ends there.
		for _, m := range muted {
			if s.StartSample < m[1] && s.EndSample > hopAfter(m[0]) {
				t.Errorf("P4: stream %d [%d,%d) overlaps the muted span [%d,%d)", i, s.StartSample, s.EndSample, m[0], m[1])
			}
		}
		if s.EndReason == "MUTED" {
			found := false
			for _, m := range muted {
				found = found || s.EndSample == hopAfter(m[0])
			}
			if !found {
				t.Errorf("P4: stream %d ended MUTED at %d, not at a mute", i, s.EndSample)
			}
		}
		checkIndicator(t, i, s, res.Indicators)
		checkIndicatorBeforeService(t, i, ind, rec)
	}
	for _, k := range a.Expect.NeverSent {
		seg := a.Segments[k]
		for i, s := range res.Streams {
			if seg.Start < s.EndSample && seg.End > s.StartSample {
				t.Errorf("segment %d %q [%d,%d) was sent in stream %d [%d,%d)", k, seg.Text, seg.Start, seg.End, i, s.StartSample, s.EndSample)
			}
		}
	}
	// P3 in idle: with no stream, the light is never "listening".
	if len(res.Streams) == 0 {
		for _, r := range res.Indicators {
			if r.State == "listening" {
				t.Errorf("P3: indicator listening at %d with no stream", r.Sample)
			}
		}
	}
}

// checkIndicator checks P3 on the ledger: "listening" was set when the
// stream opened and held until its last sample was sent.
func checkIndicator(t *testing.T, i int, s agent.StreamRecord, ind []agent.IndicatorRecord) {
	t.Helper()
	on := -1
	for j, r := range ind {
		if r.State == "listening" && r.Sample >= s.StartSample && r.Sample <= s.EndSample {
			on = j
			break
		}
	}
	if on < 0 {
		t.Errorf("P3: no listening indicator for stream %d [%d,%d)", i, s.StartSample, s.EndSample)
		return
	}
	if on+1 < len(ind) && ind[on+1].Sample < s.EndSample {
		t.Errorf("P3: stream %d: indicator left listening at %d, before the stream ended at %d", i, ind[on+1].Sample, s.EndSample)
	}
}

// checkIndicatorBeforeService compares wall-clock order: the listening
// indicator was set before the service received the stream's Start.
func checkIndicatorBeforeService(t *testing.T, i int, ind *timedIndicator, rec voiceservice.Record) {
	t.Helper()
	ind.mu.Lock()
	defer ind.mu.Unlock()
	var last time.Time
	for _, e := range ind.set {
		if e.s == leds.Listening && !e.t.After(rec.Started) {
			last = e.t
		}
	}
	if last.IsZero() {
		t.Errorf("P3: stream %d: the service saw Start at %v before any listening indicator", i, rec.Started.Format(time.StampMicro))
	}
}

// TestComputerTemplateIsCurrent checks that the committed wake-word file is
// what `make fixtures` would enroll from testdata/enroll today.
func TestComputerTemplateIsCurrent(t *testing.T) {
	committed, err := os.ReadFile(wakeFile)
	if err != nil {
		t.Fatalf("%v (make fixtures writes it)", err)
	}
	var examples [][]int16
	for i := 1; i <= 4; i++ {
		examples = append(examples, decode(t, fmt.Sprintf("../testdata/enroll/computer-%d.wav", i)))
	}
	tm, err := template.Enroll("computer", examples, template.EnrollOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := tm.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), committed) {
		t.Fatalf("%s is stale: enrolling testdata/enroll/computer-*.wav gives different bytes; run make fixtures", wakeFile)
	}
}
