package fixturegen

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// eventGrid is the step events are aligned to: 20 ms at 16 kHz, a multiple of
// both 10 ms and 20 ms frames, so an event falls exactly on a frame boundary.
const eventGrid = Rate / 50

// builder lays out one scene on the 16 kHz timeline.
type builder struct {
	ctx   context.Context
	synth Synth
	err   error // first error; later calls do nothing

	ann    Annotation
	events []Event
	mix    []float64
	cursor int // where the next piece goes
	rng    *rand.Rand
}

func newBuilder(ctx context.Context, synth Synth, name, desc string) *builder {
	// Seed from the scene name so each scene has its own, fixed noise.
	h := fnv.New64a()
	h.Write([]byte(name))
	return &builder{
		ctx:   ctx,
		synth: synth,
		ann: Annotation{
			Name:        name,
			Description: desc,
			WAV:         name + ".wav",
			SampleRate:  Rate,
			Segments:    []Segment{},
			Expect:      Expect{Streams: []Stream{}, NeverSent: []int{}},
		},
		rng: rand.New(rand.NewPCG(h.Sum64(), 2)),
	}
}

func secs(s float64) int { return int(math.Round(s * Rate)) }

// grow makes the mix at least n samples long.
func (b *builder) grow(n int) {
	if n > len(b.mix) {
		b.mix = append(b.mix, make([]float64, n-len(b.mix))...)
	}
}

// pause advances the cursor by s seconds of silence.
func (b *builder) pause(s float64) {
	b.cursor += secs(s)
	b.grow(b.cursor)
}

// say synthesizes text at the cursor and returns its segment index.
func (b *builder) say(label, text string, v Voice) int {
	if b.err != nil {
		return -1
	}
	s, err := b.synth.Say(b.ctx, text, v)
	if err != nil {
		b.err = fmt.Errorf("fixturegen: scene %s: %w", b.ann.Name, err)
		return -1
	}
	start := b.cursor
	b.grow(start + len(s))
	for i, x := range s {
		b.mix[start+i] += float64(x)
	}
	b.cursor += len(s)
	return b.segment(label, text, start, b.cursor)
}

func (b *builder) segment(label, text string, start, end int) int {
	b.ann.Segments = append(b.ann.Segments, Segment{Label: label, Text: text, Start: start, End: end})
	return len(b.ann.Segments) - 1
}

// event moves the cursor up to the next 20 ms boundary and records an event
// there; it returns the event's index in the events file.
func (b *builder) event(kind string) int {
	b.cursor = (b.cursor + eventGrid - 1) / eventGrid * eventGrid
	b.grow(b.cursor)
	b.events = append(b.events, Event{Seconds: float64(b.cursor) / Rate, Kind: kind})
	return len(b.events) - 1
}

// addNoise mixes noise into [start, end) and records it as a noise segment.
func (b *builder) addNoise(k noiseKind, rmsDB float64, start, end int) int {
	b.grow(end)
	for i, x := range noise(b.rng, k, end-start, rmsDB) {
		b.mix[start+i] += x
	}
	return b.segment(LabelNoise, fmt.Sprintf("%s noise, %g dBFS RMS", k, rmsDB), start, end)
}

// finish pads the scene to at least total seconds, mixes a faint background
// noise over the whole file (a real room is never digitally silent) and
// returns the 16 kHz mix with its annotation and events.
func (b *builder) finish(total float64, backgroundDB float64) (*scene, error) {
	if b.err != nil {
		return nil, b.err
	}
	b.grow(max(b.cursor, secs(total)))
	if backgroundDB < 0 {
		b.addNoise(pink, backgroundDB, 0, len(b.mix))
	}
	if len(b.events) > 0 {
		b.ann.Events = b.ann.Name + ".events"
	}
	if err := checkLevel(b.ann.Name, b.mix); err != nil {
		return nil, err
	}
	sc := &scene{ann: b.ann, events: b.events, mix: b.mix}
	if err := sc.ann.Validate(len(sc.mix), sc.events); err != nil {
		return nil, err
	}
	return sc, nil
}

// stream helpers keep the scene table readable.

func wakeStream(wake int, contain []int, reasons ...string) Stream {
	return Stream{Trigger: TriggerWakeword, WakeSegment: &wake, MustContain: append([]int{wake}, contain...), EndReasons: reasons}
}

func buttonStream(press int, contain []int, reasons ...string) Stream {
	return Stream{Trigger: TriggerButton, PressEvent: &press, MustContain: contain, EndReasons: reasons}
}

func followupStream(contain []int, reasons ...string) Stream {
	return Stream{Trigger: TriggerFollowup, MustContain: contain, EndReasons: reasons}
}

// scene is one generated fixture before encoding.
type scene struct {
	ann    Annotation
	events []Event
	mix    []float64 // 16 kHz mono, full scale ±1
}

// checkLevel rejects a mix that would clip.
func checkLevel(name string, mix []float64) error {
	peak := 0.0
	for _, x := range mix {
		peak = max(peak, math.Abs(x))
	}
	if peak > 1 {
		return fmt.Errorf("fixturegen: scene %s clips (peak %.2f)", name, peak)
	}
	return nil
}
