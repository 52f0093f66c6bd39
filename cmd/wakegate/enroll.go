package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/wakegate/wakegate/audio"
	"github.com/wakegate/wakegate/wakeword/template"
)

func enrollMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("enroll", "enroll --word NAME --out FILE a.wav b.wav c.wav [...]", stderr)
	word := fs.String("word", "", "the wake word or phrase, e.g. \"computer\" (required)")
	out := fs.String("out", "", "template `FILE` to write, e.g. computer.wgt (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *word == "" || *out == "" {
		fs.Usage()
		return fmt.Errorf("%w: enroll needs --word and --out", errUsage)
	}
	if fs.NArg() < 3 {
		return fmt.Errorf("%w: enroll needs at least 3 recordings of %q, got %d", errUsage, *word, fs.NArg())
	}
	var examples [][]int16
	for _, p := range fs.Args() {
		s, err := audio.LoadInt16(p, 16000)
		if err != nil {
			return err
		}
		examples = append(examples, s)
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
