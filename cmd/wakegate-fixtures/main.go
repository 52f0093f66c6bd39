// The wakegate-fixtures binary generates the replay fixtures (WAV scenes with
// JSON annotations) and the wake-word enrollment examples under testdata/.
// The output is byte-identical on every run; -check verifies that.
//
//	wakegate-fixtures -out testdata         # (re)write testdata/fixtures and testdata/enroll
//	wakegate-fixtures -out testdata -check  # regenerate in memory, compare, exit 1 on a difference
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/wakegate/wakegate/internal/fixturegen"
)

var (
	out    = flag.String("out", "testdata", "testdata root; files go to ROOT/fixtures and ROOT/enroll")
	check  = flag.Bool("check", false, "do not write: regenerate and compare with the files under -out")
	espeak = flag.String("espeak", "espeak-ng", "espeak-ng binary")
)

// errDiffers means -check found a difference (exit status 1).
var errDiffers = errors.New("generated fixtures differ from the stored ones")

func main() {
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		slog.Error("wakegate-fixtures", "err", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	synth := fixturegen.Espeak{Bin: *espeak}
	if !synth.Available() {
		return fmt.Errorf("%s not found (apt-get install -y espeak-ng)", *espeak)
	}
	files, err := fixturegen.Build(ctx, synth)
	if err != nil {
		return err
	}
	if *check {
		diffs, err := fixturegen.Compare(*out, files)
		if err != nil {
			return err
		}
		for _, d := range diffs {
			fmt.Fprintln(os.Stderr, "DIFF", d)
		}
		if len(diffs) > 0 {
			return fmt.Errorf("%w: %d file(s)", errDiffers, len(diffs))
		}
		slog.Info("fixtures reproduced byte for byte", "files", len(files), "root", *out)
		return nil
	}
	if err := fixturegen.Write(*out, files); err != nil {
		return err
	}
	total := 0
	for _, f := range files {
		total += len(f.Data)
	}
	slog.Info("fixtures written", "files", len(files), "bytes", total, "root", *out)
	return nil
}
