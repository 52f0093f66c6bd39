package main

// Request sounds (indicator.request_sounds): a start tone when a stream
// opens and an end tone when it closes, played on the speaker.
//
// What the owner hears vs what is sent. The tones are generated here and go
// to the playback device only; capture is a separate device with its own
// callback, and no code path mixes playback samples into the captured
// audio. Playing a tone never delays the stream either: tone.Cues.Set
// returns at once and the samples are handed over on the Player's own
// goroutine, not the audio loop's.
//
// But the tone is sound in the room, and the microphone hears the room.
// On a smart speaker (speaker and microphones a few centimetres apart, as
// on a ReSpeaker HAT with a speaker on its JST/3.5 mm output) the start
// tone reaches the microphones acoustically and IS captured, so it is in
// the stream that is being sent: it plays when the state becomes
// Listening, i.e. just after the stream opened, so roughly its first
// 200 ms (tone.Duration) carry the chirp under whatever the owner says.
// The gate does nothing about it: there is no echo cancellation and no
// "mute while the tone plays" (wyoming-satellite mutes for 0.5 s after its
// awake.wav; we do not, because that would drop the owner's first words,
// and because pausing capture would need the tone to be synchronised with
// the audio loop, which this design keeps independent). The end tone plays
// after the stream has closed, so it is not sent; it only passes through
// the local pre-roll ring, which is sent only if a wake word is heard
// within gate.preroll (500 ms) after it. Nothing about the tone is hidden
// from the service: it receives exactly what the microphone heard.
//
// Consequences worth knowing: the voice service sees a short 880/1320 Hz
// chirp at the start of each stream (a service that stores audio stores it
// too). The local voice activity detector does not count the chirp as
// speech: replaying a button stream with the tone mixed in at 0 to −40 dB
// over −60 dBFS noise still ran to the no-speech timeout, exactly as
// without it, so a button stream does not end early on its own tone
// (docs/pi.md, "Request sounds"; synthetic audio, not a real enclosure).
// The tone is −10 dBFS at the DAC; the owner sets the speaker volume with
// alsamixer.

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/wakegate/wakegate/audiodev"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/tone"
)

// soundRate is the rate the tones are rendered and played at: the
// capture rate, so one device configuration serves both, and far above
// twice the tones' highest frequency (tone.MaxHz = 1320 Hz).
const soundRate = 16000

// soundTail is how long the device keeps playing silence after a tone
// before it is stopped. miniaudio's ALSA backend drops (does not drain) the
// buffer on stop, and the buffer holds a few periods (3 × 10–20 ms by
// default), so stopping at once would cut the tone's last notes; 100 ms
// covers that with margin and is inaudible.
const soundTail = 100 * time.Millisecond

// soundTimeout bounds how long Play waits for the device to take a tone
// beyond the tone's own length: a device that stops calling back (a
// removed USB card) must not hang the Player, and so shutdown, forever.
const soundTimeout = time.Second

// openRequestSounds returns the request-sound indicator (a tone.Cues to put
// in an leds.Multi after the light) and a function that closes it, or a nil
// indicator and a no-op close when request_sounds is off. The sounds play
// through audiodev at 16 kHz mono on the configured backend (the null
// backend when audio.backend is "null", as in tests). The playback device
// is opened here, which is where a missing device shows up as an error,
// and runs only while a tone plays, so that an idle Wakegate leaves the
// sound card to other programs that share it through dmix or PipeWire.
func openRequestSounds(c config.Config, log *slog.Logger) (ind leds.Indicator, closeFn func() error, err error) {
	if !c.Indicator.RequestSounds {
		return nil, func() error { return nil }, nil
	}
	sink, err := openPlaybackSink(c.Audio.Backend, log)
	if err != nil {
		return nil, nil, err
	}
	p := tone.NewPlayer(sink, soundRate)
	closeFn = func() error {
		p.Close() // waits for the tone in flight; then nothing calls the sink
		return sink.Close()
	}
	return tone.NewCues(p), closeFn, nil
}

// playbackSink is a tone.Sink on an audiodev playback device. Play copies
// the tone into a buffer allocated once, starts the device and waits until
// the fill callback has handed out every sample plus soundTail of silence,
// then stops the device. The callback only copies under a mutex held for
// the copy, so it never waits for Play.
type playbackSink struct {
	dev *audiodev.Playback
	log *slog.Logger

	mu       sync.Mutex
	buf      []int16       // the tone; capacity for the longest one
	pos      int           // next sample of buf to play
	tail     int           // silent samples still to play after buf
	finished chan struct{} // closed by fill when buf and the tail are out; nil when idle
}

// openPlaybackSink opens the playback device (stopped).
func openPlaybackSink(backend string, log *slog.Logger) (*playbackSink, error) {
	s := &playbackSink{
		log: log,
		buf: make([]int16, 0, len(tone.Generate(tone.StartTone, soundRate))),
	}
	dev, err := audiodev.OpenPlayback(audiodev.Config{SampleRate: soundRate, Backend: backend}, s.fill)
	if err != nil {
		return nil, fmt.Errorf("request sounds: %w", err)
	}
	s.dev = dev
	return s, nil
}

// fill runs on the audio thread.
func (s *playbackSink) fill(out []int16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := copy(out, s.buf[s.pos:])
	s.pos += n
	clear(out[n:])
	if rest := len(out) - n; rest > 0 && s.finished != nil {
		s.tail -= rest
		if s.tail <= 0 {
			close(s.finished)
			s.finished = nil
		}
	}
}

// Play implements tone.Sink. The Player never calls it concurrently.
func (s *playbackSink) Play(samples []int16) {
	done := s.load(samples)
	if done == nil {
		s.log.Error("request sounds: tone longer than the buffer; not played", "samples", len(samples))
		return
	}
	if err := s.dev.Start(); err != nil {
		s.log.Warn("request sounds: playback device did not start", "err", err)
		s.reset()
		return
	}
	wait := time.Duration(len(samples))*time.Second/soundRate + soundTail + soundTimeout
	t := time.NewTimer(wait)
	select {
	case <-done:
		t.Stop()
	case <-t.C:
		s.log.Warn("request sounds: playback device stalled; tone abandoned", "waited", wait)
	}
	if err := s.dev.Stop(); err != nil {
		s.log.Warn("request sounds: stopping the playback device", "err", err)
	}
	s.reset()
}

// load queues samples for fill and returns the channel fill closes when
// they and the silent tail have been played, or nil if samples do not fit.
func (s *playbackSink) load(samples []int16) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(samples) > cap(s.buf) {
		return nil
	}
	done := make(chan struct{})
	s.buf = append(s.buf[:0], samples...)
	s.pos = 0
	s.tail = int(soundTail.Seconds() * soundRate)
	s.finished = done
	return done
}

// reset forgets the tone, so that a restarted device plays silence.
func (s *playbackSink) reset() {
	s.mu.Lock()
	s.buf, s.pos, s.tail, s.finished = s.buf[:0], 0, 0, nil
	s.mu.Unlock()
}

// Close releases the device.
func (s *playbackSink) Close() error {
	if err := s.dev.Close(); err != nil {
		return fmt.Errorf("request sounds: closing the playback device: %w", err)
	}
	return nil
}

var _ tone.Sink = (*playbackSink)(nil)
