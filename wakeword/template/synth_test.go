package template

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// synthCache holds espeak-ng renderings: every test uses a few of them and
// synthesis is the slow part of the suite.
var synthCache sync.Map // key string → []int16

// synth renders text with espeak-ng (en-us, speed in words per minute)
// and resamples it to 16 kHz mono with sox (repeatable, no dither, so
// every run sees the same samples). It skips the test when either
// tool is missing.
func synth(t testing.TB, text string, speed int) []int16 {
	t.Helper()
	return synthVoice(t, "en-us", text, speed)
}

// synthVoice is synth with another espeak-ng voice.
func synthVoice(t testing.TB, voice, text string, speed int) []int16 {
	t.Helper()
	key := voice + ":" + text + "@" + strconv.Itoa(speed)
	if v, ok := synthCache.Load(key); ok {
		return v.([]int16)
	}
	for _, tool := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	es := exec.Command("espeak-ng", "-v", voice, "-s", strconv.Itoa(speed), "--stdout", text)
	wav, err := es.Output()
	if err != nil {
		t.Fatalf("espeak-ng %q: %v", text, err)
	}
	sx := exec.Command("sox", "-R", "-D", "-t", "wav", "-", "-r", "16000", "-b", "16", "-c", "1", "-e", "signed", "-t", "raw", "-")
	sx.Stdin = bytes.NewReader(wav)
	raw, err := sx.Output()
	if err != nil {
		t.Fatalf("sox: %v", err)
	}
	s := make([]int16, len(raw)/2)
	binary.Read(bytes.NewReader(raw), binary.LittleEndian, s)
	synthCache.Store(key, s)
	return s
}

// noise returns n samples of white noise with the given standard
// deviation, from a fixed seed.
func noise(n int, std float64, seed uint64) []int16 {
	r := rand.New(rand.NewPCG(seed, 2))
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(max(min(r.NormFloat64()*std, 32767), -32768))
	}
	return s
}

// mix adds b into a (same length or shorter), saturating.
func mix(a, b []int16) []int16 {
	s := make([]int16, len(a))
	copy(s, a)
	for i := range min(len(a), len(b)) {
		s[i] = int16(max(min(int32(a[i])+int32(b[i]), 32767), -32768))
	}
	return s
}

// silence returns ms milliseconds of zeros at 16 kHz.
func silence(ms int) []int16 { return make([]int16, ms*16) }

// speechBounds returns the first and last sample whose magnitude exceeds
// 2% of full scale: where a clean synthetic word really starts and ends.
func speechBounds(s []int16) (int, int) {
	const lim = 655 // 2% of 32768: above espeak's fade-in, below any vowel
	first, last := -1, -1
	for i, x := range s {
		if x > lim || x < -lim {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}
