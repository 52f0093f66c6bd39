package fixturegen

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
)

// Voice fixes every espeak-ng parameter that shapes the audio, so one Voice
// and one text always give the same samples.
type Voice struct {
	Name  string // espeak-ng voice, e.g. "en-us" or "en-us+f3"
	Speed int    // words per minute (-s)
	Pitch int    // 0..99 (-p)
	Gain  float64
}

// Synth renders text as 16 kHz mono float samples.
type Synth interface {
	Say(ctx context.Context, text string, v Voice) ([]float32, error)
}

// Espeak is a Synth that runs the espeak-ng binary.
type Espeak struct {
	Bin string // path or name of espeak-ng; "" means "espeak-ng"
}

// Available reports whether the espeak-ng binary can be found.
func (e Espeak) Available() bool {
	_, err := exec.LookPath(e.bin())
	return err == nil
}

func (e Espeak) bin() string {
	if e.Bin == "" {
		return "espeak-ng"
	}
	return e.Bin
}

// Say runs espeak-ng, resamples its output to 16 kHz, trims leading and
// trailing silence (see TrimThreshold) and applies v.Gain.
func (e Espeak) Say(ctx context.Context, text string, v Voice) ([]float32, error) {
	args := []string{
		"-v", v.Name,
		"-s", strconv.Itoa(v.Speed),
		"-p", strconv.Itoa(v.Pitch),
		"-a", "100", // espeak-ng's default amplitude, fixed in case the default changes
		"-g", "0", // no extra word gap
		"--stdout",
		text,
	}
	cmd := exec.CommandContext(ctx, e.bin(), args...)
	cmd.Env = []string{"LC_ALL=C"} // no user config or locale may change the output
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("fixturegen: espeak-ng %q: %w: %s", text, err, bytes.TrimSpace(stderr.Bytes()))
	}
	rate, s, err := decodePCM16(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("fixturegen: espeak-ng %q: %w", text, err)
	}
	s = trim(resampleOffline(s, rate, Rate))
	if len(s) == 0 {
		return nil, fmt.Errorf("fixturegen: espeak-ng %q: no audio above the trim threshold", text)
	}
	g := v.Gain
	if g == 0 {
		g = 1
	}
	for i := range s {
		s[i] = float32(float64(s[i]) * g)
	}
	return s, nil
}

// Version returns the first line of `espeak-ng --version`: the fixtures are
// only reproducible with the same espeak-ng release.
func (e Espeak) Version(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, e.bin(), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("fixturegen: espeak-ng --version: %w", err)
	}
	line, _, _ := bytes.Cut(out, []byte("\n"))
	// Drop the data path ("Data at: ..."): it varies by architecture.
	line, _, _ = bytes.Cut(line, []byte("  Data at:"))
	return string(bytes.TrimSpace(line)), nil
}
