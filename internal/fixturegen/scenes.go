package fixturegen

import (
	"context"
	"fmt"
)

// Voices. The user speaks en-us; other people in the room use other voices
// and stand further away (lower gain). Every wake-word voice differs in speed
// or pitch from every enrollment voice: a user never says it the same way twice.
var (
	user   = Voice{Name: "en-us", Speed: 160, Pitch: 50, Gain: 1}
	guest  = Voice{Name: "en-us+f3", Speed: 165, Pitch: 60, Gain: 0.7}
	guest2 = Voice{Name: "en-gb", Speed: 170, Pitch: 40, Gain: 0.7}

	wake1 = Voice{Name: "en-us", Speed: 148, Pitch: 52, Gain: 1}
	wake2 = Voice{Name: "en-us", Speed: 163, Pitch: 47, Gain: 1}
	wake3 = Voice{Name: "en-us", Speed: 152, Pitch: 46, Gain: 0.9}
	wake4 = Voice{Name: "en-us", Speed: 145, Pitch: 53, Gain: 0.9}

	// EnrollVoices are the voices of testdata/enroll/computer-N.wav.
	EnrollVoices = []Voice{
		{Name: "en-us", Speed: 140, Pitch: 45, Gain: 1},
		{Name: "en-us", Speed: 155, Pitch: 50, Gain: 1},
		{Name: "en-us", Speed: 170, Pitch: 55, Gain: 1},
		{Name: "en-us", Speed: 155, Pitch: 55, Gain: 1},
	}
)

// WakeWord is the fixtures' wake word.
const WakeWord = "computer"

// backgroundDB is the faint room noise under every speech scene (pink, RMS).
const backgroundDB = -55

// End reasons.
var (
	endNormal  = []string{"SERVICE_STOP", "ENDPOINT"}
	endOrQuiet = []string{"SERVICE_STOP", "ENDPOINT", "TIMEOUT"}
)

// sceneFunc builds one scene.
type sceneFunc func(ctx context.Context, s Synth) (*scene, error)

// sceneTable lists the scenes in a fixed order. wake_44k_stereo is derived
// from wake_in_sentence in Build.
var sceneTable = []struct {
	name string
	fn   sceneFunc
}{
	{"silence", sceneSilence},
	{"noise", sceneNoise},
	{"speech_no_wake", sceneSpeechNoWake},
	{"wake_alone", sceneWakeAlone},
	{"wake_in_sentence", sceneWakeInSentence},
	{"wake_twice", sceneWakeTwice},
	{"button", sceneButton},
	{"button_while_muted", sceneButtonWhileMuted},
	{"mute_before_wake", sceneMuteBeforeWake},
	{"mute_mid_stream", sceneMuteMidStream},
	{"follow_up", sceneFollowUp},
	{"follow_up_timeout", sceneFollowUpTimeout},
	{"long_command", sceneLongCommand},
	{"cancel", sceneCancel},
}

func sceneSilence(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "silence", "3 s of digital zeros, then 3 s of ±1 LSB triangular dither. Nothing may be sent.")
	b.pause(3)
	start := b.cursor
	b.pause(3)
	// TPDF dither: the sum of two uniform ±0.5 LSB values rounds to -1, 0 or +1 LSB.
	for i := start; i < b.cursor; i++ {
		b.mix[i] = (b.rng.Float64() - b.rng.Float64()) / 32767
	}
	b.segment(LabelNoise, "triangular dither, ±1 LSB", start, b.cursor)
	return b.finish(6, 0)
}

func sceneNoise(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "noise", "2 s each of white (-50 dBFS RMS, mic and preamp hiss), pink (-42 dBFS, ventilation) and brown noise (-36 dBFS, traffic rumble). Nothing may be sent.")
	for i, n := range []struct {
		k  noiseKind
		db float64
	}{{white, -50}, {pink, -42}, {brown, -36}} {
		b.addNoise(n.k, n.db, secs(2*float64(i)), secs(2*float64(i+1)))
	}
	return b.finish(6, 0)
}

func sceneSpeechNoWake(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "speech_no_wake", "Talk full of words close to \"computer\" (commuter, compute, cucumber, competition, complete), partly in the user's own voice. Nothing may be sent.")
	b.pause(0.4)
	var priv []int
	for _, l := range []struct {
		text string
		v    Voice
	}{
		{"the commuter train was late again", user},
		{"can you compute the total for me", guest},
		{"I put a cucumber in the salad", user},
		{"the competition was a complete disaster", user},
	} {
		priv = append(priv, b.say(LabelPrivate, l.text, l.v))
		b.pause(0.4)
	}
	b.ann.Expect.NeverSent = priv
	return b.finish(6, backgroundDB)
}

func sceneWakeAlone(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "wake_alone", "Quiet room, \"computer\", quiet room. One wake-word stream; nobody says a command, so the service (or the no-speech timeout) ends it.")
	b.pause(2)
	w := b.say(LabelWake, WakeWord, wake1)
	b.ann.Expect.Streams = []Stream{wakeStream(w, nil, endOrQuiet...)}
	return b.finish(6, backgroundDB)
}

func sceneWakeInSentence(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "wake_in_sentence", "Private talk, 1.15 s pause (the talk ends more than 1 s before the wake word, so outside any pre-roll), \"computer\", a command, 1.5 s pause, more private talk. One stream with the command; the private talk is never sent.")
	b.pause(0.1)
	p1 := b.say(LabelPrivate, "we leave at noon", guest)
	b.pause(1.15)
	w := b.say(LabelWake, WakeWord, wake2)
	b.pause(0.15)
	c := b.say(LabelCommand, "what time is it", user)
	b.pause(1.5)
	p2 := b.say(LabelPrivate, "I need to pack", guest)
	b.pause(0.1)
	b.ann.Expect.Streams = []Stream{wakeStream(w, []int{c}, endNormal...)}
	b.ann.Expect.NeverSent = []int{p1, p2}
	return b.finish(6, backgroundDB)
}

func sceneWakeTwice(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "wake_twice", "Two separate interactions, the second wake word more than 5 s after the first (past any refractory period). Two wake-word streams.")
	b.pause(0.5)
	w1 := b.say(LabelWake, WakeWord, wake1)
	b.pause(0.15)
	c1 := b.say(LabelCommand, "turn on the kitchen lights", user)
	b.pause(3.2)
	w2 := b.say(LabelWake, WakeWord, wake3)
	b.pause(0.15)
	c2 := b.say(LabelCommand, "set a timer for five minutes", user)
	b.pause(2)
	b.ann.Expect.Streams = []Stream{
		wakeStream(w1, []int{c1}, endNormal...),
		wakeStream(w2, []int{c2}, endNormal...),
	}
	return b.finish(6, backgroundDB)
}

func sceneButton(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "button", "Private talk, then 0.4 s later (a quiet moment, but within a pre-roll's reach of the talk) the action button is pressed, then a command. One button stream that starts at the press: no earlier audio.")
	b.pause(0.3)
	p := b.say(LabelPrivate, "did you see the game last night", guest)
	b.pause(0.4)
	press := b.event(EventButton)
	b.pause(0.3)
	c := b.say(LabelCommand, "play some jazz", user)
	b.pause(2)
	b.ann.Expect.Streams = []Stream{buttonStream(press, []int{c}, endOrQuiet...)}
	b.ann.Expect.NeverSent = []int{p}
	return b.finish(6, backgroundDB)
}

func sceneButtonWhileMuted(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "button_while_muted", "Mute, button press, talk, unmute, more talk. The button does nothing while muted (and is not remembered until the unmute): nothing may be sent.")
	b.pause(0.5)
	b.event(EventMute)
	b.pause(0.5)
	b.event(EventButton)
	b.pause(0.3)
	p1 := b.say(LabelPrivate, "this is a private conversation", user)
	b.pause(0.5)
	b.event(EventUnmute)
	b.pause(0.3)
	p2 := b.say(LabelPrivate, "and so is this one", user)
	b.pause(1.5)
	b.ann.Expect.NeverSent = []int{p1, p2}
	return b.finish(6, backgroundDB)
}

func sceneMuteBeforeWake(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "mute_before_wake", "Mute, then \"computer\" and a command while muted, unmute, private talk. Muted means deaf: nothing may be sent, before or after the unmute.")
	b.pause(0.5)
	b.event(EventMute)
	b.pause(0.5)
	w := b.say(LabelWake, WakeWord, wake4)
	b.pause(0.15)
	c := b.say(LabelCommand, "what is the weather like", user)
	b.pause(0.8)
	b.event(EventUnmute)
	b.pause(0.4)
	p := b.say(LabelPrivate, "good, it did not hear that", user)
	b.pause(1.5)
	b.ann.Expect.NeverSent = []int{w, c, p}
	return b.finish(6, backgroundDB)
}

func sceneMuteMidStream(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "mute_mid_stream", "\"computer\" and a long command; the mute switch is flipped in the middle of it (the rest, spoken while muted, is private and runs up to the unmute). The stream ends MUTED. 0.3 s after the unmute, \"computer\" and a command again: a second stream whose pre-roll holds no audio from before the unmute.")
	b.pause(0.5)
	w1 := b.say(LabelWake, WakeWord, wake1)
	b.pause(0.15)
	c1 := b.say(LabelCommand, "add milk, eggs, bread and butter to my shopping list", user)
	b.event(EventMute)
	b.pause(float64(eventGrid) / Rate) // one grid step: speech after a mute starts ≥ 20 ms after it
	p := b.say(LabelPrivate, "and the secret present for mum", user)
	b.event(EventUnmute)
	b.pause(0.3)
	w2 := b.say(LabelWake, WakeWord, wake2)
	b.pause(0.15)
	c2 := b.say(LabelCommand, "never mind, what time is it", user)
	b.pause(1.5)
	b.ann.Expect.Streams = []Stream{
		wakeStream(w1, []int{c1}, "MUTED"),
		wakeStream(w2, []int{c2}, endNormal...),
	}
	b.ann.Expect.NeverSent = []int{p}
	return b.finish(6, backgroundDB)
}

func sceneFollowUp(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "follow_up", "\"computer\" and a question; the service asks for more (expect_speech 4000 ms, one turn); 2.5 s after the question the user answers, inside the window. A wake-word stream, then a follow-up stream with the answer.")
	b.ann.Service = Service{ExpectSpeechMS: 4000, ExpectSpeechTurns: 1}
	b.pause(0.5)
	w := b.say(LabelWake, WakeWord, wake3)
	b.pause(0.15)
	q := b.say(LabelCommand, "remind me to call mum", user)
	b.pause(2.5)
	a := b.say(LabelCommand, "tomorrow at eight", user)
	b.pause(2.5)
	b.ann.Expect.Streams = []Stream{
		wakeStream(w, []int{q}, endNormal...),
		followupStream([]int{a}, endOrQuiet...),
	}
	return b.finish(6, backgroundDB)
}

func sceneFollowUpTimeout(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "follow_up_timeout", "\"computer\" and a command; the service opens a 4000 ms follow-up window but nobody speaks for 7 s; private talk after the window has closed. Only the first stream.")
	b.ann.Service = Service{ExpectSpeechMS: 4000, ExpectSpeechTurns: 1}
	b.pause(0.5)
	w := b.say(LabelWake, WakeWord, wake4)
	b.pause(0.15)
	c := b.say(LabelCommand, "set an alarm for seven", user)
	b.pause(7)
	p := b.say(LabelPrivate, "I hope it does not go off too early", guest)
	b.pause(1)
	b.ann.Expect.Streams = []Stream{wakeStream(w, []int{c}, endNormal...)}
	b.ann.Expect.NeverSent = []int{p}
	return b.finish(6, backgroundDB)
}

// longText is read back to back after the wake word in long_command.
var longText = []string{
	"tell me a story about a lighthouse keeper",
	"who lived alone on a rocky island far out at sea",
	"and every night he climbed the stairs to light the lamp",
	"so that the fishing boats could find their way home",
	"one winter a storm came that lasted for nine days",
	"and the waves rose higher than the tower itself",
	"but the keeper kept the light burning through it all",
	"until the morning the sea was calm again",
	"and a small boat came to bring him bread and letters",
	"from the village on the other side of the bay",
}

func sceneLongCommand(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "long_command", "\"computer\", then at least 20 s of continuous speech. The stream ends at the maximum utterance length (TIMEOUT) or when the service stops it; it must hold the first sentence.")
	b.pause(0.5)
	w := b.say(LabelWake, WakeWord, wake2)
	b.pause(0.15)
	start := b.cursor
	first := -1
	for i, text := range longText {
		if b.err == nil && b.cursor-start >= secs(20) {
			break
		}
		label := LabelOther
		if i == 0 {
			label = LabelCommand
		}
		j := b.say(label, text, user)
		if i == 0 {
			first = j
		}
		b.pause(0.12) // a breath between clauses, too short for any endpointer
	}
	if b.err == nil && b.cursor-start < secs(20) {
		return nil, fmt.Errorf("fixturegen: long_command: only %.1f s of speech", float64(b.cursor-start)/Rate)
	}
	b.pause(1)
	b.ann.Expect.Streams = []Stream{wakeStream(w, []int{first}, "TIMEOUT", "SERVICE_STOP")}
	return b.finish(6, backgroundDB)
}

func sceneCancel(ctx context.Context, s Synth) (*scene, error) {
	b := newBuilder(ctx, s, "cancel", "\"computer\" and a command; a long press (cancel) in the middle of it. The stream ends CANCELLED and the rest of the command, spoken after the cancel, is never sent.")
	b.pause(0.5)
	w := b.say(LabelWake, WakeWord, wake1)
	b.pause(0.15)
	c := b.say(LabelCommand, "play the whole album from the", user)
	b.event(EventCancel)
	b.pause(float64(eventGrid) / Rate)
	rest := b.say(LabelPrivate, "beginning on shuffle", user)
	b.pause(2)
	b.ann.Expect.Streams = []Stream{wakeStream(w, []int{c}, "CANCELLED")}
	b.ann.Expect.NeverSent = []int{rest}
	return b.finish(6, backgroundDB)
}
