// The wakegate-soundfixtures binary writes the generated alarm and presence
// scenes (package soundgen) as 16-bit WAV files with JSON annotations, for
// listening and for replay tests. The unit tests do not need them: they
// generate the same scenes in memory.
//
//	wakegate-soundfixtures -out testdata/sound -seed 1 [-only smoke_]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/wakegate/wakegate/internal/soundgen"
	"github.com/wakegate/wakegate/wav"
)

var (
	out   = flag.String("out", "testdata/sound", "output directory")
	seed  = flag.Uint64("seed", 1, "scene seed")
	pilot = flag.Float64("pilot", 20000, "presence pilot frequency, Hz")
	hold  = flag.Float64("hold", 2, "presence hold time the annotations assume, s")
	only  = flag.String("only", "", "write only cases whose name contains this")
	maxMB = flag.Float64("max-mb", 30, "refuse to write more than this many megabytes")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		slog.Error("wakegate-soundfixtures failed", "err", err)
		os.Exit(1)
	}
}

func run() error {
	cases := append(soundgen.AlarmCases(*seed), soundgen.PresenceCases(*seed, *pilot, *hold)...)
	var sel []soundgen.Case
	var bytes float64
	for _, c := range cases {
		if strings.Contains(c.Name, *only) {
			sel = append(sel, c)
			bytes += float64(2 * len(c.Audio))
		}
	}
	if len(sel) == 0 {
		return fmt.Errorf("no case matches %q", *only)
	}
	if mb := bytes / 1e6; mb > *maxMB {
		return fmt.Errorf("%d cases need %.1f MB, more than -max-mb %.0f: narrow them with -only", len(sel), mb, *maxMB)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, c := range sel {
		base := filepath.Join(*out, c.Name)
		if err := os.WriteFile(base+".wav", wav.EncodeInt16(c.Rate, soundgen.ToInt16(c.Audio)), 0o644); err != nil {
			return err
		}
		ann := struct {
			soundgen.Case
			Seed    uint64  `json:"seed"`
			Seconds float64 `json:"seconds"`
		}{c, *seed, float64(len(c.Audio)) / float64(c.Rate)}
		if c.Events == nil {
			ann.Events = []soundgen.Expected{} // near-miss: "events": [] rather than null
		}
		b, err := json.MarshalIndent(ann, "", "  ")
		if err != nil {
			return errors.Join(fmt.Errorf("%s: annotation", c.Name), err)
		}
		if err := os.WriteFile(base+".json", append(b, '\n'), 0o644); err != nil {
			return err
		}
		slog.Info("wrote", "case", c.Name, "rate", c.Rate, "events", len(c.Events))
	}
	return nil
}
