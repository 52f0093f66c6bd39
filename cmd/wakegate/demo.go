package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/replay"
)

func demoMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo [flags]", stderr)
	scene := fs.String("scene", "testdata/fixtures/wake_in_sentence.wav", "WAV `FILE` to play through the agent")
	word := fs.String("wakeword", "testdata/computer.wgt", "wake-word `FILE`")
	dataDir := fs.String("data", "demo-data", "where the local voice service stores interactions")
	fast := fs.Bool("fast", false, "as fast as possible instead of in real time")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wakegate demo: playing %s through the agent (wake word from %s)\n", *scene, *word)
	fmt.Fprintf(stdout, "The reference voice service listens on a loopback port and stores what it receives in %s/.\n\n", *dataDir)
	res, err := replay.Run(ctx, replay.Options{
		Input:     *scene,
		WakeWords: []string{*word},
		Gate:      gateConfig(config.Default()),
		Indicator: leds.NewTerminal(stdout),
		DataDir:   *dataDir,
		Paced:     !*fast,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	printLedger(stdout, res.Snapshot)
	fmt.Fprintln(stdout, "\nstored by the voice service:")
	for _, r := range res.Records {
		fmt.Fprintf(stdout, "  %s: %s, %.2f s of audio, %d bytes, ended %s\n", filepath.Join(*dataDir, r.ID+".wav"),
			r.Trigger, float64(r.NumSamples)/agent.SampleRate, r.Bytes, r.EndReason)
	}
	if len(res.Records) == 0 {
		fmt.Fprintln(stdout, "  nothing")
	}
	printTranscript(stdout, *scene, res.Snapshot)
	return nil
}

// printTranscript shows, for a scene with an annotation, what was said and
// whether any of it left the device.
func printTranscript(w io.Writer, scene string, s agent.Snapshot) {
	p := strings.TrimSuffix(scene, filepath.Ext(scene)) + ".json"
	b, err := os.ReadFile(p)
	if err != nil {
		return
	}
	var ann struct {
		Segments []struct {
			Label, Text string
			Start, End  int64
		} `json:"segments"`
	}
	if json.Unmarshal(b, &ann) != nil {
		return
	}
	fmt.Fprintln(w, "\nwhat was said, and what left the device:")
	for _, seg := range ann.Segments {
		if seg.Label == "noise" {
			continue
		}
		where := "stayed on the device"
		for _, st := range s.Streams {
			if seg.Start < st.EndSample && seg.End > st.StartSample {
				where = "SENT (" + st.Trigger + " stream)"
			}
		}
		fmt.Fprintf(w, "  %s  %-9s %-28q %s\n", seconds(seg.Start), seg.Label, seg.Text, where)
	}
}
