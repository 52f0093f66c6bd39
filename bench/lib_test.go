// Package bench_test checks the shell helpers of the bench scripts
// (bench/lib.sh): a figure they misread lands in BENCHMARKS.md, or stops a
// script after an hour of training.
package bench_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainMinutes(t *testing.T) {
	// Lines as `wakegate train` prints them (wakeword/train/cmd.go): one
	// per network, with a "network i of n: " prefix when there are several.
	const tail = ", loss 0.5328 -> 0.0318; val loss 0.044 miss 10.6% fp 0.1% @0.5\n"
	for _, tc := range []struct {
		name, log, want string
	}{
		{"one network", "step 12000/12000 train loss 0.03\ntrain: trained in 24m33s" + tail, "25"},
		{"two networks", "train: network 1 of 2: trained in 26m8s" + tail + "train: network 2 of 2: trained in 25m33s" + tail, "52"},
		{"hours", "train: trained in 1h2m3s" + tail, "62"},
		{"seconds", "train: trained in 40s" + tail, "1"},
		{"none", "train: 2195/207 positive and 9734/1076 negative clips\ncalibrate: wrote alexa.wgm\n", ""},
		{"not the trainer's line", "note: trained in 5m0s, by hand\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "train.log")
			if err := os.WriteFile(log, []byte(tc.log), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("bash", "-c", `. ./lib.sh && train_minutes "$1"`, "lib", log).CombinedOutput()
			if err != nil {
				t.Fatalf("train_minutes: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tc.want {
				t.Errorf("train_minutes = %q, want %q", got, tc.want)
			}
		})
	}
}
