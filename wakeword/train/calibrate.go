package train

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/wakegate/wakegate/internal/term"
	"github.com/wakegate/wakegate/wakeword"
	"github.com/wakegate/wakegate/wakeword/nn"
)

// CalibrateMain is `wakegate calibrate`: it runs a trained network over
// audio that must not wake it, reports how often it would fire at a range
// of thresholds, and sets the model's default threshold for a target rate
// of false alarms.
func CalibrateMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("wakeword", "", "the trained wake-word file to calibrate (default "+strings.Join(defaultModels, ", else ")+")")
	rate := fs.Float64("rate", falseAlarmTarget, "false alarms per hour the default threshold aims at (0.125: 3 in 24 hours, the Alexa Built-in limit)")
	raiseOnly := fs.Bool("raise-only", false, "never lower the model's threshold: keep it where it is stricter than the one calibrated here (two estimates from different audio; the stricter errs on the side of privacy)")
	out := fs.String("out", "", "write the model with the new default threshold here (may be the --wakeword file itself); without it, only report")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: wakegate calibrate [--wakeword FILE] [--rate R] [--raise-only] [--out FILE] DIR|FILE...

Runs a trained wake-word network over WAV or FLAC files (folders are
searched recursively) that must never wake it: hours of speech, TV, music,
a room's everyday sound, none of it used to train the model. It prints the
false alarms per hour it would raise at a range of thresholds and the
threshold for --rate: counted where the audio is long enough to hold
that rate (8 hours for the default), otherwise extrapolated from how the
highest false alarms fall off (peaks over a threshold, as at the end of
wakegate train). With --out it writes the model with that threshold as its
default; the weights are untouched. A false alarm is an event as the
detector sees it: frames over the threshold less than the refractory
period (1 s) apart count once. Given more than one source (a folder, or
the folder of a file named alone), it also prints each one's rates: one
rate over all the audio can hide a source that wakes the model far more
often than the rest.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("calibrate: no negative audio given")
	}
	if !(*rate > 0) || math.IsInf(*rate, 0) {
		return fmt.Errorf("calibrate: --rate %v is not a positive number of false alarms per hour", *rate)
	}
	if *model == "" {
		p, err := defaultModel("calibrate")
		if err != nil {
			return err
		}
		*model = p
	}
	m, err := nn.LoadModel(*model)
	if err != nil {
		return err
	}
	// Each file belongs to a source: the folder it was found under, or
	// the folder of a file given by name.
	type input struct{ path, src string }
	var files []input
	for _, a := range fs.Args() {
		st, err := os.Stat(a)
		if err != nil {
			return fmt.Errorf("calibrate: %w", err)
		}
		if !st.IsDir() {
			files = append(files, input{a, filepath.Dir(a)})
			continue
		}
		fl, err := listAudio(a)
		if err != nil {
			return err
		}
		if len(fl) == 0 {
			return fmt.Errorf("calibrate: no .wav or .flac files under %s", a)
		}
		for _, f := range fl {
			files = append(files, input{f, filepath.Clean(a)})
		}
	}

	det := nn.NewDetector(m, wakeword.Options{})
	var logits [][]float32
	var seconds float64
	bySrc := map[string]*source{}
	var srcs []*source
	var skipped int
	show := newFileProgress(stderr, len(files))
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, _ := detectFile(f.path, []wakeword.Detector{det})
		if line.Error != "" {
			skipped++
			fmt.Fprintf(stderr, "calibrate: skipping %s: %s\n", f.path, line.Error)
			continue
		}
		z := make([]float32, len(line.Scores))
		for j, s := range line.Scores {
			z[j] = logit(float64(s[1]))
		}
		logits = append(logits, z)
		seconds += line.Duration
		sc := bySrc[f.src]
		if sc == nil {
			sc = &source{name: f.src}
			bySrc[f.src] = sc
			srcs = append(srcs, sc)
		}
		sc.logits = append(sc.logits, z)
		sc.seconds += line.Duration
		show(i+1, seconds)
	}
	if len(logits) == 0 {
		return errors.New("calibrate: none of the files could be read")
	}
	hours := seconds / 3600
	refrac := int(wakeword.DefaultRefractory.Seconds() * SampleRate / float64(m.Config.HopSamples))
	cal := thresholdForRate(logits, hours, refrac, *rate)

	fmt.Fprintf(stdout, "calibrate: %s (%q): %d files, %.2f h of negative audio", *model, m.Word, len(logits), hours)
	if skipped > 0 {
		fmt.Fprintf(stdout, " (skipped %d unreadable)", skipped)
	}
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "threshold\tfalse alarms\tper hour\t")
	for _, t := range calibrationGrid {
		n := len(eventPeaks(logits, logit(t), refrac))
		fmt.Fprintf(tw, "%g\t%d\t%.3f\t\n", t, n, float64(n)/hours)
	}
	tw.Flush()
	if len(srcs) > 1 {
		writeBySource(stdout, srcs, refrac)
	}
	fmt.Fprintf(stdout, "calibrate: was %.6f; %s\n", m.Threshold, cal)
	thr := float32(cal.Threshold)
	if *raiseOnly && thr < m.Threshold {
		thr = m.Threshold
		fmt.Fprintf(stdout, "calibrate: --raise-only: keeping %.6f\n", thr)
	}
	if *out == "" {
		return nil
	}
	m.Threshold = thr
	if err := m.Save(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "calibrate: wrote %s\n", *out)
	return nil
}

// source is the negative audio of one folder, kept apart so that the
// report can show where the false alarms come from.
type source struct {
	name    string
	logits  [][]float32
	seconds float64
}

// writeBySource prints the false alarms per hour of each source at the
// grid's thresholds. One rate over all the audio can hide a source that
// wakes the model far more often than the rest: hours of easy audio
// dilute it.
func writeBySource(w io.Writer, srcs []*source, refrac int) {
	fmt.Fprintln(w, "false alarms per hour by source:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "hours\t")
	for _, t := range calibrationGrid {
		fmt.Fprintf(tw, "%g\t", t)
	}
	fmt.Fprintln(tw, "  source")
	for _, sc := range srcs {
		h := sc.seconds / 3600
		fmt.Fprintf(tw, "%.2f\t", h)
		for _, t := range calibrationGrid {
			if h == 0 { // only empty files: no rate to give
				fmt.Fprint(tw, "-\t")
				continue
			}
			fmt.Fprintf(tw, "%.3f\t", float64(len(eventPeaks(sc.logits, logit(t), refrac)))/h)
		}
		fmt.Fprintln(tw, "  "+sc.name)
	}
	tw.Flush()
}

// calibrationGrid is the thresholds calibrate counts false alarms at: the
// model's range, from the untrained default to the cap.
var calibrationGrid = []float64{0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999}

// logit is the inverse of the sigmoid, for scores a detector reported;
// a score rounded to 1 maps to a finite value above any threshold.
func logit(s float64) float32 {
	const most = 20
	if s >= 1 {
		return most
	}
	if s <= 0 {
		return -most
	}
	return float32(min(max(math.Log(s/(1-s)), -most), most))
}

// newFileProgress returns a function that reports how many of n files
// have been heard: redrawn in place on a terminal, otherwise a line at
// every tenth of the files.
func newFileProgress(w io.Writer, n int) func(done int, seconds float64) {
	tty := term.IsTerminal(w)
	step := max(n/10, 1)
	return func(done int, seconds float64) {
		switch {
		case tty:
			fmt.Fprintf(w, "\rcalibrate: %d/%d files, %.2f h", done, n, seconds/3600)
			if done == n {
				fmt.Fprintln(w)
			}
		case done%step == 0 || done == n:
			fmt.Fprintf(w, "calibrate: %d/%d files, %.2f h\n", done, n, seconds/3600)
		}
	}
}
