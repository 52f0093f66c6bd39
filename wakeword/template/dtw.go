package template

import "math"

// cell is one DTW state: the accumulated weighted cost of the best path
// ending here, the sum of its step weights, and the live frame where it
// started.
type cell struct {
	cost   float64
	weight float64
	start  int64
}

// matcher is streaming subsequence DTW of one reference sequence (the
// template, M frames) against an unbounded live stream. Each live frame
// updates one column of M cells in O(M) without allocating.
//
// Step pattern: the symmetric one (Sakoe & Chiba's P0): a diagonal step
// costs 2·d and weighs 2, a step along either sequence alone costs d and
// weighs 1, so a complete path's weight is M + N (template plus live
// frames) and cost/weight is the usual length-normalised DTW distance.
// A path may start at any live frame (subsequence DTW: the template's first
// row is free to begin anywhere). Among a cell's three predecessors the one
// giving the lowest normalised cost wins, which keeps short and long paths
// comparable.
type matcher struct {
	ref  [][numDims]float64
	prev []cell
	cur  []cell
}

func newMatcher(ref [][numDims]float64) *matcher {
	m := &matcher{ref: ref, prev: make([]cell, len(ref)), cur: make([]cell, len(ref))}
	m.reset()
	return m
}

var noPath = cell{cost: math.Inf(1), weight: 1, start: -1}

func (m *matcher) reset() {
	for i := range m.prev {
		m.prev[i] = noPath
		m.cur[i] = noPath
	}
}

// dist is the cosine distance 1 − cos∠(a, b) between two feature frames,
// in 0..2. Cosine rather than Euclidean distance: the high-passed cepstra
// shrink towards zero in steady sounds and grow at transitions, and what
// identifies a word is the direction of change, not how loudly or sharply
// it was said. (On the wake-word benchmark, Euclidean distance separated
// the owner's word from other speech far worse.) cosFloor keeps the
// distance of an all-zero frame finite.
func dist(a, b *[numDims]float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	return 1 - ab/math.Sqrt((aa+cosFloor)*(bb+cosFloor))
}

// cosFloor is negligible against any real frame's squared norm (≥ 1e-6
// even in digital silence after the dsp log floor).
const cosFloor = 1e-12

// extend returns the cost and weight of path p after a step of cost dc
// and weight dw.
func extend(p cell, dc, dw float64) (float64, float64) {
	return p.cost + dc, p.weight + dw
}

// push aligns live frame x (index n in the stream) and returns the best
// path ending at the template's last frame: its normalised cost and start
// frame.
func (m *matcher) push(x *[numDims]float64, n int64) (cost float64, start int64) {
	m.prev, m.cur = m.cur, m.prev
	prev, cur := m.prev, m.cur
	for i := range cur {
		d := dist(&m.ref[i], x)
		var best cell
		if i == 0 {
			// A fresh path starting at this live frame.
			best = cell{cost: d, weight: 1, start: n}
			// Or stay on the first template frame (live is slower).
			if p := prev[0]; !math.IsInf(p.cost, 1) {
				c, w := extend(p, d, 1)
				if c/w < best.cost/best.weight {
					best = cell{c, w, p.start}
				}
			}
		} else {
			best = noPath
			// Diagonal: both advance.
			if p := prev[i-1]; !math.IsInf(p.cost, 1) {
				c, w := extend(p, 2*d, 2)
				best = cell{c, w, p.start}
			}
			// Template advances, live stays (live is faster).
			if p := cur[i-1]; !math.IsInf(p.cost, 1) {
				c, w := extend(p, d, 1)
				if c/w < best.cost/best.weight {
					best = cell{c, w, p.start}
				}
			}
			// Live advances, template stays (live is slower).
			if p := prev[i]; !math.IsInf(p.cost, 1) {
				c, w := extend(p, d, 1)
				if c/w < best.cost/best.weight {
					best = cell{c, w, p.start}
				}
			}
		}
		cur[i] = best
	}
	last := cur[len(cur)-1]
	return last.cost / last.weight, last.start
}
