package fixturegen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/wakegate/wakegate/dsp/resample"
	"github.com/wakegate/wakegate/wav"
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

// Say runs espeak-ng, resamples its output to 16 kHz (dsp/resample), trims
// leading and trailing silence (see TrimThreshold) and applies v.Gain.
func (e Espeak) Say(ctx context.Context, text string, v Voice) ([]float32, error) {
	// espeak-ng's --stdout header claims a huge data chunk it never writes;
	// -w writes a file with exact sizes, which the wav reader can check.
	dir, err := os.MkdirTemp("", "fixturegen-")
	if err != nil {
		return nil, fmt.Errorf("fixturegen: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "say.wav")
	args := []string{
		"-v", v.Name,
		"-s", strconv.Itoa(v.Speed),
		"-p", strconv.Itoa(v.Pitch),
		"-a", "100", // espeak-ng's default amplitude, fixed in case the default changes
		"-g", "0", // no extra word gap
		"-w", path,
		text,
	}
	cmd := exec.CommandContext(ctx, e.bin(), args...)
	cmd.Env = []string{"LC_ALL=C"} // no user config or locale may change the output
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("fixturegen: espeak-ng %q: %w: %s", text, err, bytes.TrimSpace(stderr.Bytes()))
	}
	rate, s, err := readMono(path)
	if err != nil {
		return nil, fmt.Errorf("fixturegen: espeak-ng %q: %w", text, err)
	}
	r, err := resample.New(rate, Rate)
	if err != nil {
		return nil, fmt.Errorf("fixturegen: espeak-ng %q: %w", text, err)
	}
	s = trim(r.Flush(r.Process(nil, s)))
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

// readMono reads a mono WAV file of any encoding the wav package decodes.
func readMono(path string) (int, []float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	rd, err := wav.NewReader(bufio.NewReader(f))
	if err != nil {
		return 0, nil, err
	}
	if ch := rd.Format().Channels; ch != 1 {
		return 0, nil, fmt.Errorf("%d channels, want mono", ch)
	}
	var s []float32
	buf := make([]float32, 4096)
	for {
		n, err := rd.ReadFloat(buf)
		s = append(s, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return rd.Format().SampleRate, s, nil
		}
		if err != nil {
			return 0, nil, err
		}
	}
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
