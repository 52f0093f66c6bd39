package train

import (
	"errors"
	"math"
)

// adversary is the domain head of Options.Adversary and its optimiser
// state. It is not part of the model: the detector never runs it.
type adversary struct {
	weight float64
	head   []float32   // C weights, then the bias
	grads  [][]float32 // per worker, like the head
	dh     [][]float32 // per worker: the adversary's gradient at the last hidden layer
	loss   []float64   // per worker, this step
	wsum   []float64   // per worker, this step: the weights of its domain examples
	// wSynth and wReal weigh the two domains' examples so that each
	// contributes half of the head's loss whatever their numbers.
	wSynth, wReal float64
	adamM, adamV  []float64
	sum, n        float64 // weighted domain loss and weight since the last validation
}

// newAdversary makes the head for networks of c channels. The training
// negatives must hold both domains: with one, there is nothing to tell
// apart.
func newAdversary(weight float64, negs []*clip, c, workers int) (*adversary, error) {
	var synth int
	for _, n := range negs {
		if n.synth {
			synth++
		}
	}
	if synth == 0 || synth == len(negs) {
		return nil, errors.New("train: the domain adversary needs negatives of both kinds: synthesized (--neg-synth) and other (--neg) training files")
	}
	s := float64(synth) / float64(len(negs))
	a := &adversary{weight: weight, head: make([]float32, c+1), wSynth: 0.5 / s, wReal: 0.5 / (1 - s),
		adamM: make([]float64, c+1), adamV: make([]float64, c+1),
		grads: make([][]float32, workers), dh: make([][]float32, workers),
		loss: make([]float64, workers), wsum: make([]float64, workers)}
	for w := range a.grads {
		a.grads[w] = make([]float32, c+1)
	}
	return a, nil
}

// lambda is the adversary's strength at step of steps: it rises from 0 to
// the weight along 2/(1+e^(-10p)) - 1 (the schedule of Ganin and
// Lempitsky, 2015), so the head learns what tells the domains apart before
// the network is pushed to hide it.
func (a *adversary) lambda(step, steps int) float64 {
	p := float64(step) / float64(steps)
	return a.weight * (2/(1+math.Exp(-10*p)) - 1)
}

// start clears worker w's gradient and loss for a new step.
func (a *adversary) start(w int) {
	clear(a.grads[w])
	a.loss[w], a.wsum[w] = 0, 0
}

// example adds worker w's head gradient for ex, just run forward by n, and
// returns the adversary's gradient at n's last hidden layer, or nil when
// ex has no domain.
func (a *adversary) example(w int, n *seqNet, ex example, lambda float64) []float32 {
	if ex.dom == 0 {
		return nil
	}
	wt := a.wReal
	if ex.dom > 0 {
		wt = a.wSynth
	}
	a.dh[w] = grow(a.dh[w], n.T*n.cfg.Channels)
	a.wsum[w] += wt
	a.loss[w] += n.domainGrad(a.head, a.grads[w], a.dh[w], ex.dom > 0, wt, lambda)
	return a.dh[w]
}

// update sums the workers' gradients over a batch of batch examples and
// takes an Adam step of lr on the head.
func (a *adversary) update(step, batch int, lr float64) {
	const beta1, beta2, eps = 0.9, 0.999, 1e-8
	c1 := 1 - math.Pow(beta1, float64(step))
	c2 := 1 - math.Pow(beta2, float64(step))
	for i := range a.head {
		var g float64
		for w := range a.grads {
			g += float64(a.grads[w][i])
		}
		g /= float64(batch)
		a.adamM[i] = beta1*a.adamM[i] + (1-beta1)*g
		a.adamV[i] = beta2*a.adamV[i] + (1-beta2)*g*g
		a.head[i] -= float32(lr * (a.adamM[i] / c1) / (math.Sqrt(a.adamV[i]/c2) + eps))
	}
	for w := range a.loss {
		a.sum += a.loss[w]
		a.n += a.wsum[w]
	}
}

// meanLoss is the head's domain-balanced cross-entropy per frame since
// the last call: ln 2 = 0.693 is chance.
func (a *adversary) meanLoss() float64 {
	if a.n == 0 {
		return 0
	}
	m := a.sum / a.n
	a.sum, a.n = 0, 0
	return m
}
