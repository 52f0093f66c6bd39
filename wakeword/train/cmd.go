package train

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wakegate/wakegate/audio"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/internal/term"
	"github.com/wakegate/wakegate/wakeword"
	"github.com/wakegate/wakegate/wakeword/nn"
	_ "github.com/wakegate/wakegate/wakeword/template" // personal templates load in detect too
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// Main is `wakegate train`: it loads positive and negative WAV folders,
// trains a network and writes a model file.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pos, neg, noise, aux, micFrom, micRef multiFlag
	word := fs.String("word", "", "the wake word (stored in the model; default: the base model's)")
	out := fs.String("out", "", "model file to write (required)")
	base := fs.String("base", "", "fine-tune this model file (e.g. the shipped one with your own recordings) instead of starting from random weights")
	fs.Var(&pos, "pos", "folder of WAV/FLAC files holding the wake word (repeatable; searched recursively)")
	fs.Var(&neg, "neg", "folder of WAV/FLAC files without the wake word: speech, noise (repeatable)")
	fs.Var(&aux, "aux", "NAME=PATH: another word to learn alongside the wake word, from a folder or a glob pattern (repeatable; a name given twice gathers both). Its head is left out of the model file: it shapes the network's features, and the word is a negative to the wake word. Real recordings of other words (several speakers) with synthesized ones of the same words are meant to carry what holds across real speakers into a model whose wake word is only synthesized")
	auxShare := fs.Float64("aux-share", 0.2, "share (0..1) of the wake word's negative examples drawn from the --aux words (the training loss shown then includes their heads')")
	auxWeight := fs.Float64("aux-weight", 0.5, "weight (0..10] of each --aux word's loss against the wake word's")
	fs.Var(&noise, "noise", "folder of noise WAV/FLAC files to mix into examples, besides the generated noises and babble (repeatable)")
	steps := fs.Int("steps", 4000, "optimiser steps")
	batch := fs.Int("batch", 64, "examples per step")
	lr := fs.Float64("lr", 0, "peak learning rate (default 3e-3, 5e-4 with --base)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed, data and worker count give the same model")
	splitSeed := fs.Uint64("split-seed", 0, "seed of the validation split alone (default: --seed); models trained with other --seed values but one --split-seed hold out the same sessions")
	dropout := fs.Float64("dropout", 0, "rate (0..0.9) at which each residual block drops a channel for a whole training example: a regulariser against cues only some talkers give (0: none)")
	mic := fs.Float64("mic", 0, "share (0..1) of training examples, positive and negative, heard through a microphone response: a random one (tilt, resonances, roll-offs), or one measured by --mic-from; meant for recipes whose positives are all synthesized, so come through one clean channel")
	fs.Var(&micFrom, "mic-from", "folder or glob pattern of real recordings (not of the wake word) whose measured spectral shapes, each less the mean shape of --mic-ref, are the responses --mic draws from instead of random ones (repeatable)")
	fs.Var(&micRef, "mic-ref", "folder or glob pattern of synthesized recordings of the words of --mic-from: their mean spectral shape is what a measured response is taken against, so that it holds what sets a real device and talker apart from a synthesizer (repeatable; without it, --mic-from's own mean, which leaves only the spread between real recordings)")
	workers := fs.Int("workers", 2, "goroutines computing gradients")
	valPct := fs.Int("val", 10, "percent of files (grouped by recording session) held out for validation")
	scoreFrames := fs.Int("score-frames", 0, fmt.Sprintf("frames (20 ms each) whose logits the score averages: a word holds the network high for several frames, many false alarms are a spike of one or two (default %d, or the --base model's; the weights a seed trains do not depend on it)", nn.DefaultScoreFrames))
	channels := fs.Int("channels", nn.DefaultConfig().Channels, "network width")
	nets := fs.Int("nets", 0, "networks to train (seeds --seed, --seed+1, ...) and average: each costs its training time; the first two also the detector's CPU on every frame, any others only near the word (default 1, or the --base model's number)")
	snapshots := fs.String("snapshots", "", "also write the network as it stands at every validation to this folder (step-NNNNN.wgm, or netN-step-NNNNN.wgm with --nets; default threshold 0.5, not calibrated), to compare checkpoints on other data")
	quiet := fs.Bool("quiet", false, "no progress bar")
	split := fs.Bool("split", false, "print which --pos and --neg files --split-seed and --val hold out (lines \"val|train TAB pos|neg TAB FILE\") and exit without training")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: wakegate train --word WORD --pos DIR... --neg DIR... --out FILE [flags]

Trains a speaker-independent wake-word network (wakeword/nn) from folders of
WAV or FLAC files (any rate and channel count: mixed to mono, resampled to
16 kHz; damaged files are reported and skipped).
Positives hold the word, each file one utterance with some silence around
it; negatives hold anything else. Examples are augmented on the fly (speed
and pitch, room reverberation, level, noise at -2..30 dB SNR, band warping
and masking; with --mic, microphone responses: random ones, or with
--mic-from those measured from real recordings). From an eighth into
the run, the negatives that score highest are mined every sixteenth of it
and drawn for half the negative examples. A part of the files, by recording
session, is held out, and the model with the lowest held-out loss is
written. Its default threshold aims at 3 false alarms in 24 hours (the
Alexa Built-in limit) on the held-out negatives, heard whole: counted
where they are long enough, otherwise extrapolated from how their false
alarms fall with the threshold (wakegate calibrate resets it from hours of
other audio).
--nets N trains N networks on the same split, one seed after another, and
writes them as one model that averages their logits: N times the training
time, for scores that depend less on one run's random draws. The detector
runs the first two networks on every frame and any others only while the
first two's mean logit is at least -4 (score 0.018) and for the score's
window after: a cascade whose score is the whole average there, and the
first two's capped at 0.018 elsewhere. So a third network costs little
CPU.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *splitSeed == 0 {
		*splitSeed = *seed
	}
	if *split {
		if len(pos)+len(neg) == 0 {
			return errors.New("train: --split needs --pos or --neg folders")
		}
		return PrintSplit(stdout, pos, neg, *splitSeed, *valPct)
	}
	if *out == "" || len(pos) == 0 || len(neg) == 0 {
		fs.Usage()
		return errors.New("train: --out, --pos and --neg are required")
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	o := Options{Word: *word, Steps: *steps, Batch: *batch, LR: *lr, Seed: *seed, Workers: *workers,
		ValPct: *valPct, MicProb: *mic, Dropout: *dropout, ScoreFrames: *scoreFrames, Log: logger}
	if *scoreFrames < 0 || *scoreFrames > nn.MaxScoreFrames {
		return fmt.Errorf("train: --score-frames %d is not in [1, %d]", *scoreFrames, nn.MaxScoreFrames)
	}
	if !(*dropout >= 0 && *dropout <= 0.9) { // NaN too
		return fmt.Errorf("train: --dropout %g is not in [0, 0.9]", *dropout)
	}
	if !(*mic >= 0 && *mic <= 1) { // NaN too
		return fmt.Errorf("train: --mic %g is not in [0, 1]", *mic)
	}
	if len(micFrom) > 0 && *mic == 0 {
		return errors.New("train: --mic-from needs --mic, the share of examples to hear through its responses")
	}
	if len(micRef) > 0 && len(micFrom) == 0 {
		return errors.New("train: --mic-ref needs --mic-from")
	}
	if !(*auxShare > 0 && *auxShare < 1) {
		return fmt.Errorf("train: --aux-share %g is not in (0, 1)", *auxShare)
	}
	if !(*auxWeight > 0 && *auxWeight <= 10) {
		return fmt.Errorf("train: --aux-weight %g is not in (0, 10]", *auxWeight)
	}
	o.AuxShare, o.AuxWeight = *auxShare, *auxWeight
	o.Config = nn.DefaultConfig()
	o.Config.Channels = *channels
	if *snapshots != "" {
		if err := os.MkdirAll(*snapshots, 0o755); err != nil {
			return fmt.Errorf("train: --snapshots: %w", err)
		}
		o.Snapshot = snapshotWriter(*snapshots, *nets > 1)
	}
	if !*quiet {
		o.Progress = stderr
		o.PlainProgress = !term.IsTerminal(stderr)
	}
	if *base != "" {
		m, err := nn.LoadModel(*base)
		if err != nil {
			return err
		}
		o.Base = m
	}
	if o.Word == "" && o.Base == nil {
		return errors.New("train: --word is required without --base")
	}
	// The auxiliary words first: they are few files, and a mistyped
	// pattern should not wait for minutes of loading.
	auxWords, err := LoadAux(aux, *splitSeed, *valPct, stderr)
	if err != nil {
		return err
	}
	d, err := LoadData(pos, neg, *splitSeed, *valPct, stderr)
	if err != nil {
		return err
	}
	d.Aux = auxWords
	if len(micFrom) > 0 {
		if d.MicFrom, err = LoadResponseClips("mic-from", micFrom, *splitSeed, *valPct, stderr); err != nil {
			return err
		}
	}
	if len(micRef) > 0 {
		if d.MicRef, err = LoadResponseClips("mic-ref", micRef, *splitSeed, *valPct, stderr); err != nil {
			return err
		}
	}
	for _, dir := range noise {
		files, err := listAudio(dir)
		if err != nil {
			return err
		}
		for _, f := range files {
			c, err := loadClip(f)
			if err != nil {
				fmt.Fprintf(stderr, "train: skipping %v\n", err)
				continue
			}
			o.NoiseClip = append(o.NoiseClip, c.x)
		}
	}
	fmt.Fprintf(stderr, "train: %d/%d positive and %d/%d negative clips (train/validation)\n",
		len(d.Pos), len(d.ValPos), len(d.Neg), len(d.ValNeg))
	for _, w := range d.Aux {
		fmt.Fprintf(stderr, "train: auxiliary word %q: %d clips\n", w.Name, len(w.Clips))
	}
	if len(d.MicFrom) > 0 {
		fmt.Fprintf(stderr, "train: microphone responses measured from %d clips, against %d synthesized\n", len(d.MicFrom), len(d.MicRef))
	}
	e, err := TrainNets(ctx, d, o, *nets)
	if err != nil {
		return err
	}
	if err := e.Model.Save(*out); err != nil {
		return err
	}
	for i, res := range e.Nets {
		which := ""
		if len(e.Nets) > 1 {
			which = fmt.Sprintf("network %d of %d: ", i+1, len(e.Nets))
		}
		fmt.Fprintf(stdout, "train: %strained in %s, loss %.4f -> %.4f; %s\n",
			which, res.Duration.Round(time.Second), res.FirstLoss, res.LastLoss, res.Val)
	}
	m := e.Model
	count := "1 network"
	if m.Nets() > 1 {
		count = fmt.Sprintf("%d networks", m.Nets())
	}
	fmt.Fprintf(stdout, "train: wrote %s (%s, %s of %d parameters); end lag %d ms, word %d ms\ntrain: %s\n",
		*out, m.Word, count, len(m.Params), m.EndLagSamples/16, m.WordSamples/16, e.Calib)
	return nil
}

// snapshotWriter returns an Options.Snapshot that saves each checkpoint
// in dir. Train runs the networks of an ensemble one after another, each
// from step 1, so a new run of steps starts the next network's names.
func snapshotWriter(dir string, several bool) func(int, *nn.Model, ValStats) error {
	net, last := 0, 0
	return func(step int, m *nn.Model, _ ValStats) error {
		if step <= last {
			net++
		}
		last = step
		name := fmt.Sprintf("step-%05d.wgm", step)
		if several {
			name = fmt.Sprintf("net%d-%s", net+1, name)
		}
		return m.Save(filepath.Join(dir, name))
	}
}

// PrintSplit writes, for every audio file under the positive and negative
// folders, whether LoadData puts it in the validation or the training set.
// It reads no audio, so files LoadData would skip as damaged are listed
// too. The bench uses it to score the shipped model on the recording
// sessions it never trained on.
func PrintSplit(w io.Writer, posDirs, negDirs []string, seed uint64, valPct int) error {
	bw := bufio.NewWriter(w)
	for _, set := range []struct {
		kind string
		dirs []string
	}{{"pos", posDirs}, {"neg", negDirs}} {
		for _, dir := range set.dirs {
			files, err := listAudio(dir)
			if err != nil {
				return err
			}
			for _, f := range files {
				side := "train"
				if isValidation(f, seed, valPct) {
					side = "val"
				}
				fmt.Fprintf(bw, "%s\t%s\t%s\n", side, set.kind, f)
			}
		}
	}
	return bw.Flush()
}

// LoadData reads the positive and negative folders and splits them into
// training and validation sets. Unreadable files are reported to log and
// skipped (the dev set has damaged recordings).
func LoadData(posDirs, negDirs []string, seed uint64, valPct int, log io.Writer) (*Data, error) {
	d := &Data{}
	load := func(dirs []string, positive bool) error {
		for _, dir := range dirs {
			files, err := listAudio(dir)
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return fmt.Errorf("train: no .wav or .flac files under %s", dir)
			}
			for _, f := range files {
				c, err := loadClip(f)
				if err != nil {
					fmt.Fprintf(log, "train: skipping %v\n", err)
					continue
				}
				v := isValidation(f, seed, valPct)
				switch {
				case positive && v:
					d.ValPos = append(d.ValPos, c)
				case positive:
					d.Pos = append(d.Pos, c)
				case v:
					d.ValNeg = append(d.ValNeg, splitLong(c)...)
				default:
					d.Neg = append(d.Neg, splitLong(c)...)
				}
			}
		}
		return nil
	}
	if err := load(posDirs, true); err != nil {
		return nil, err
	}
	if err := load(negDirs, false); err != nil {
		return nil, err
	}
	if len(d.Pos) == 0 || len(d.Neg) == 0 {
		return nil, errors.New("train: no usable positive or negative training files")
	}
	return d, nil
}

// engineLine is one line of the bench's engine format.
type engineLine struct {
	File       string          `json:"file"`
	Duration   float64         `json:"duration_s,omitempty"`
	Scores     [][2]jsonNumber `json:"scores,omitempty"`
	CPU        float64         `json:"cpu_s"`
	Processed  float64         `json:"processed_s,omitempty"`
	Detections []float64       `json:"-"`
	Error      string          `json:"error,omitempty"`
}

// jsonNumber prints a float with the fewest digits that keep its float32
// value, so scores near 1 keep the resolution the bench's 0.99999
// threshold needs and the output stays small.
type jsonNumber float64

func (n jsonNumber) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(n), 'g', -1, 32), nil
}

// padSeconds of silence are appended to every file so that a word at the
// very end of a clip is still fully heard (the network decides about
// 0.2-0.4 s after the word's end).
const padSeconds = 0.5

// defaultModels are where detect and calibrate look for a model when none
// is named, in order: a source tree's (a developer in the checkout) and
// the installed one, the device configuration's default, so the installed
// binary works from any folder. A variable so that tests can point it
// elsewhere.
var defaultModels = []string{"models/alexa.wgm", config.Default().WakeWord.Files[0]}

// defaultModel returns the first of defaultModels that exists.
func defaultModel(cmd string) (string, error) {
	for _, p := range defaultModels {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: no wake-word file given and none at %s: name one with --wakeword", cmd, strings.Join(defaultModels, " or "))
}

// DetectMain is `wakegate detect`: it runs wake-word files over WAV or FLAC
// files and prints detections, or with --json one line per file in the
// bench's engine format.
func DetectMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("detect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var models multiFlag
	fs.Var(&models, "wakeword", "wake-word file (repeatable; default "+strings.Join(defaultModels, ", else ")+")")
	asJSON := fs.Bool("json", false, "print one JSON line per file: the score of every frame (bench engine format)")
	sens := fs.Float64("sensitivity", 0, "0..1, higher fires more easily (0: the model's own threshold)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: wakegate detect [--wakeword FILE]... [--json] [FILE.wav|FILE.flac...]

Runs the wake-word detectors over each WAV or FLAC file (any rate, mixed to
mono and resampled to 16 kHz; paths as arguments, or one per line on stdin)
from a fresh state. Without --json it prints each detection: file, word,
score, start and end in seconds (and on stderr, first, each network's word
and the threshold it fires at). With --json it prints {"file",
"duration_s", "scores": [[t_s, score]...], "cpu_s", "processed_s"} per
file, where scores are the network's per-frame scores (every 20 ms; with
several models, the highest) and cpu_s the CPU time of the detector alone;
an unreadable file gives {"file", "error"}. Without --json, an unreadable
file makes the exit status non-zero (after the others are done).

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if len(models) == 0 {
		p, err := defaultModel("detect")
		if err != nil {
			return err
		}
		models = multiFlag{p}
	}
	opts := wakeword.Options{Sensitivity: *sens}
	var dets []wakeword.Detector
	for _, p := range models {
		d, err := wakeword.Load(p, opts)
		if err != nil {
			return err
		}
		nd, ok := d.(*nn.Detector)
		if !ok && *asJSON {
			return fmt.Errorf("detect: %s: --json needs a trained network (kind %s), not a personal template", p, nn.Kind)
		}
		if ok && !*asJSON {
			// Read by a person, the operating point belongs with the
			// detections it produced.
			fmt.Fprintf(stderr, "detect: %s: word %q, threshold %.6f\n", p, nd.Model().Word, nd.Threshold())
		}
		dets = append(dets, d)
	}
	next := fileSource(fs.Args(), os.Stdin)
	var files, failed int
	enc := json.NewEncoder(stdout)
	bw := bufio.NewWriter(stdout)
	defer bw.Flush()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		path, ok := next()
		if !ok {
			break
		}
		files++
		line, hits := detectFile(path, dets)
		if *asJSON {
			bw.Flush()
			if err := enc.Encode(line); err != nil {
				return fmt.Errorf("detect: %w", err)
			}
			continue
		}
		if line.Error != "" {
			failed++
			fmt.Fprintf(bw, "%s: error: %s\n", path, line.Error)
			continue
		}
		if len(hits) == 0 {
			fmt.Fprintf(bw, "%s: no detection (%.2f s)\n", path, line.Duration)
		}
		for _, h := range hits {
			fmt.Fprintf(bw, "%s: %s score %.3f at %.2f-%.2f s\n", path, h.Word, h.Score,
				float64(h.StartSample)/wakeword.SampleRate, float64(h.EndSample)/wakeword.SampleRate)
		}
	}
	// With --json an unreadable file is a line of the engine format, which
	// the bench counts; read by a person, it must also fail the command.
	if failed > 0 {
		return fmt.Errorf("detect: %d of %d files could not be read", failed, files)
	}
	return nil
}

// fileSource yields the arguments, or without any the non-empty lines of
// stdin.
func fileSource(args []string, stdin io.Reader) func() (string, bool) {
	if len(args) > 0 {
		i := 0
		return func() (string, bool) {
			if i >= len(args) {
				return "", false
			}
			i++
			return args[i-1], true
		}
	}
	sc := bufio.NewScanner(stdin)
	return func() (string, bool) {
		for sc.Scan() {
			if s := strings.TrimSpace(sc.Text()); s != "" {
				return s, true
			}
		}
		return "", false
	}
}

// detectFile runs every detector over one file from a fresh state.
func detectFile(path string, dets []wakeword.Detector) (engineLine, []wakeword.Detection) {
	line := engineLine{File: path}
	x, err := audio.Load(path, SampleRate)
	if err != nil {
		line.Error = err.Error()
		return line, nil
	}
	line.Duration = float64(len(x)) / SampleRate
	hop := wakeword.HopSamples
	n := (len(x)+hop-1)/hop*hop + int(padSeconds*SampleRate)
	pcm := toInt16(make([]int16, 0, n), x)
	pcm = append(pcm, make([]int16, n-len(pcm))...)
	line.Processed = float64(n) / SampleRate
	line.Scores = make([][2]jsonNumber, 0, n/320+1)
	var hits []wakeword.Detection
	unlock := lockThread()
	t0 := threadCPU()
	for _, d := range dets {
		d.Reset()
	}
	for p := 0; p+hop <= n; p += hop {
		best, have := -1.0, false
		for _, d := range dets {
			if h, ok := d.Push(pcm[p : p+hop]); ok {
				hits = append(hits, h)
			}
			if nd, ok := d.(*nn.Detector); ok {
				if s, fresh := nd.Score(); fresh {
					best, have = math.Max(best, s), true
				}
			}
		}
		if have {
			t := float64(p+hop) / SampleRate
			line.Scores = append(line.Scores, [2]jsonNumber{jsonNumber(math.Round(t*1000) / 1000), jsonNumber(best)})
		}
	}
	line.CPU = (threadCPU() - t0).Seconds()
	unlock()
	return line, hits
}
