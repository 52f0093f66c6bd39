// Command rocplot draws the ROC curves of the wake-word bench: for every
// engine in a scores.json written by ../shared/bench/score.py --json, the
// miss rate on each positive set against false alarms per hour on the
// calibration negatives, over the engine's whole threshold (or
// sensitivity) sweep.
//
//	go run ./bench/rocplot -in OUT/scores.json -out BENCH/roc.svg
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image/color"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// scores mirrors the parts of score.py's JSON this command reads.
type scores struct {
	Engines map[string]struct {
		CalibNeg string                                   `json:"calib_neg"`
		Sweep    map[string]map[string]map[string]float64 `json:"sweep"` // op -> set -> metric
	} `json:"engines"`
}

// faFloor is where 0 FA/h is drawn on the logarithmic axis: below the
// smallest non-zero rate the dev set can show (1 alarm in ~5 h = 0.2/h).
const faFloor = 0.05

func main() {
	in := flag.String("in", "", "scores.json from score.py --json")
	out := flag.String("out", "roc.svg", "output file (.svg or .png)")
	sets := flag.String("pos", "pos/alexa/dev,pos/alexa/dev_snr10", "positive sets, one curve style each")
	flag.Parse()
	if err := run(*in, *out, strings.Split(*sets, ",")); err != nil {
		slog.Error("rocplot", "err", err)
		os.Exit(1)
	}
}

func run(in, out string, posSets []string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("rocplot: %w", err)
	}
	var s scores
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("rocplot: %s: %w", in, err)
	}
	p := plot.New()
	p.Title.Text = "Wake-word ROC on the dev sets (lower left is better)"
	p.X.Label.Text = fmt.Sprintf("false alarms per hour (0 drawn at %g)", faFloor)
	p.Y.Label.Text = "miss rate"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	names := make([]string, 0, len(s.Engines))
	for n := range s.Engines {
		names = append(names, n)
	}
	sort.Strings(names)
	palette := []color.Color{
		color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
		color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
		color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
		color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	}
	dashes := [][]vg.Length{nil, {vg.Points(5), vg.Points(3)}, {vg.Points(1), vg.Points(2)}}
	for i, name := range names {
		e := s.Engines[name]
		for j, set := range posSets {
			var pts plotter.XYs
			for _, sets := range e.Sweep {
				pos, okP := sets[set]
				neg, okN := sets[e.CalibNeg]
				if !okP || !okN {
					continue
				}
				pts = append(pts, plotter.XY{X: max(neg["fa_per_h"], faFloor), Y: pos["miss"]})
			}
			if len(pts) == 0 {
				continue
			}
			slices.SortFunc(pts, func(a, b plotter.XY) int {
				if a.X != b.X {
					if a.X < b.X {
						return -1
					}
					return 1
				}
				if a.Y > b.Y {
					return -1
				}
				if a.Y < b.Y {
					return 1
				}
				return 0
			})
			l, err := plotter.NewLine(pts)
			if err != nil {
				return fmt.Errorf("rocplot: %s %s: %w", name, set, err)
			}
			l.Color = palette[i%len(palette)]
			l.Width = vg.Points(1.5)
			l.Dashes = dashes[j%len(dashes)]
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s %s", name, strings.TrimPrefix(set, "pos/")), l)
		}
	}
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Points(5)
	if err := p.Save(7*vg.Inch, 4.5*vg.Inch, out); err != nil {
		return fmt.Errorf("rocplot: %w", err)
	}
	return nil
}
