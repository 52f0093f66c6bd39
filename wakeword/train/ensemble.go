package train

import (
	"context"
	"fmt"

	"github.com/wakegate/wakegate/wakeword"
	"github.com/wakegate/wakegate/wakeword/nn"
)

// Ensemble is a finished run of TrainNets.
type Ensemble struct {
	// Model averages the networks' logits (a single network if only one
	// was trained).
	Model *nn.Model
	// Nets are the runs of each network, in order.
	Nets []*Result
	// Calib is how the ensemble's default threshold was set.
	Calib Calibration
}

// TrainNets trains nets networks on the same data and split, network i
// with seed o.Seed+i, and combines them (nn.Combine): their mean logit is
// the score. With o.Base it fine-tunes each of the base model's networks
// instead, and nets must be 0 or their number. One network is exactly
// Train's model.
//
// The ensemble's default threshold is set as Train sets a network's, from
// the held-out negatives heard whole, but through the real Detector: the
// mean of several networks' logits falls off differently from any one
// network's.
func TrainNets(ctx context.Context, d *Data, o Options, nets int) (*Ensemble, error) {
	if o.Base != nil {
		switch {
		case nets == 0:
			nets = o.Base.Nets()
		case nets != o.Base.Nets():
			return nil, fmt.Errorf("train: the base model has %d networks; --nets %d would not fine-tune them one to one", o.Base.Nets(), nets)
		}
	}
	if nets == 0 {
		nets = 1
	}
	if nets < 1 || nets > nn.MaxNets {
		return nil, fmt.Errorf("train: %d networks is not in 1..%d", nets, nn.MaxNets)
	}
	o.defaults()
	e := &Ensemble{}
	var models []*nn.Model
	for i := range nets {
		oi := o
		oi.Seed = o.Seed + uint64(i)
		if o.Base != nil {
			oi.Base = o.Base.Member(i)
		}
		if nets > 1 && o.Progress != nil {
			fmt.Fprintf(o.Progress, "train: network %d of %d (seed %d)\n", i+1, nets, oi.Seed)
		}
		res, err := Train(ctx, d, oi)
		if err != nil {
			return nil, err
		}
		e.Nets = append(e.Nets, res)
		models = append(models, res.Model)
	}
	if nets == 1 {
		e.Model, e.Calib = models[0], e.Nets[0].Calib
		return e, nil
	}
	m, err := nn.Combine(models...)
	if err != nil {
		return nil, err
	}
	e.Model = m
	e.Calib = calibrateDetector(ctx, m, d.ValNeg)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.Threshold = float32(e.Calib.Threshold)
	return e, nil
}

// calibrateDetector returns the threshold thresholdForRate gives for m's
// Detector over the clips, each heard whole from a fresh state. It stops
// early, with what it has, when ctx ends.
func calibrateDetector(ctx context.Context, m *nn.Model, clips []*clip) Calibration {
	det := nn.NewDetector(m, wakeword.Options{})
	hop := wakeword.HopSamples
	var logits [][]float32
	var samples int
	var pcm []int16
	for _, c := range clips {
		if ctx.Err() != nil {
			break
		}
		pcm = toInt16(pcm, c.x)
		det.Reset()
		z := make([]float32, 0, len(pcm)/m.Config.HopSamples)
		for p := 0; p+hop <= len(pcm); p += hop {
			det.Push(pcm[p : p+hop])
			if s, fresh := det.Score(); fresh {
				z = append(z, logit(s))
			}
		}
		logits = append(logits, z)
		samples += len(c.x)
	}
	perSecond := (SampleRate + m.Config.HopSamples - 1) / m.Config.HopSamples
	return thresholdForRate(logits, float64(samples)/SampleRate/3600, perSecond, falseAlarmTarget)
}
