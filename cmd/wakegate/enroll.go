package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/wakegate/wakegate/audio"
	"github.com/wakegate/wakegate/audiodev"
	"github.com/wakegate/wakegate/wakeword/template"
)

func enrollMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("enroll", "enroll --word NAME --out FILE (a.wav b.wav c.wav ... | --mic N)", stderr)
	word := fs.String("word", "", "the wake word or phrase, e.g. \"computer\" (required)")
	out := fs.String("out", "", "template `FILE` to write, e.g. computer.wgt (required)")
	mic := fs.Int("mic", 0, "record `N` examples from the microphone instead of reading files (3 or more)")
	device := fs.String("device", "", "capture device name for --mic (default: the system default)")
	backend := fs.String("backend", "", "audio backend for --mic: alsa, pulse or null")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *word == "" || *out == "" {
		fs.Usage()
		return fmt.Errorf("%w: enroll needs --word and --out", errUsage)
	}
	var examples [][]int16
	switch {
	case *mic > 0 && fs.NArg() > 0:
		return fmt.Errorf("%w: enroll takes recordings or --mic, not both", errUsage)
	case *mic > 0:
		if *mic < 3 {
			return fmt.Errorf("%w: --mic needs at least 3 examples", errUsage)
		}
		var err error
		if examples, err = recordExamples(ctx, *word, *mic, audiodev.Config{Device: *device, Backend: *backend}, stdout); err != nil {
			return err
		}
	case fs.NArg() < 3:
		return fmt.Errorf("%w: enroll needs at least 3 recordings of %q, got %d", errUsage, *word, fs.NArg())
	default:
		for _, p := range fs.Args() {
			s, err := audio.LoadInt16(p, 16000)
			if err != nil {
				return err
			}
			examples = append(examples, s)
		}
	}
	t, err := template.Enroll(*word, examples, template.EnrollOptions{})
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if _, err := t.WriteTo(f); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "enrolled %q from %d recordings: threshold %.3f, wrote %s\n", t.Word(), len(examples), t.Threshold(), *out)
	return nil
}

// exampleLength is how long each microphone example is recorded: room for a
// two-second phrase and the silence around it that enrollment trims.
const exampleLength = 3 * time.Second

// recordExamples records n examples of word from the microphone, prompting
// for each. The audio stays in memory; only the template is written.
func recordExamples(ctx context.Context, word string, n int, cfg audiodev.Config, stdout io.Writer) ([][]int16, error) {
	m, err := audiodev.OpenCapture(cfg)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	var out [][]int16
	for i := 1; i <= n; i++ {
		fmt.Fprintf(stdout, "(%d/%d) say %q now…\n", i, n, word)
		buf := make([]int16, int(exampleLength.Seconds()*16000))
		if err := m.Start(); err != nil {
			return nil, err
		}
		got, err := m.Read(buf)
		m.Stop()
		if err != nil {
			return nil, fmt.Errorf("recording example %d: %w", i, err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, buf[:got])
	}
	return out, nil
}
