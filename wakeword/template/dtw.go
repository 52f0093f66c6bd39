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
	n    int       // reference frames M
	unit []float64 // reference frames scaled to unit length, M×numDims row-major
	x    [numDims]float64
	prev []cell
	cur  []cell
}

func newMatcher(ref [][numDims]float64) *matcher {
	m := &matcher{
		n:    len(ref),
		unit: make([]float64, len(ref)*numDims),
		prev: make([]cell, len(ref)),
		cur:  make([]cell, len(ref)),
	}
	for i := range ref {
		unitTo(m.unit[i*numDims:(i+1)*numDims], &ref[i])
	}
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

// unitTo writes x/√(|x|²+cosFloor) to dst, so that the cosine distance of
// two frames is 1 minus the dot product of their unit vectors.
//
// Frames are compared by cosine distance 1 − cos∠(a, b), in 0..2, rather
// than Euclidean distance: the high-passed cepstra shrink towards zero in
// steady sounds and grow at transitions, and what identifies a word is the
// direction of change, not how loudly or sharply it was said. (On the
// wake-word benchmark, Euclidean distance separated the owner's word from
// other speech far worse.)
func unitTo(dst []float64, x *[numDims]float64) {
	var xx float64
	for _, v := range x {
		xx += v * v
	}
	s := 1 / math.Sqrt(xx+cosFloor)
	for i, v := range x {
		dst[i] = v * s
	}
}

// cosFloor keeps the unit vector of an all-zero frame finite; it is
// negligible against any real frame's squared norm.
const cosFloor = 1e-12

// push aligns live frame x (index n in the stream) and returns the best
// path ending at the template's last frame: its normalised cost and start
// frame (-1 while no path has reached the end).
//
// Predecessors are compared by normalised cost c/w without dividing:
// c1/w1 < c2/w2 ⇔ c1·w2 < c2·w1 for positive weights, and an unreachable
// cell (cost +Inf) never wins.
func (m *matcher) push(x *[numDims]float64, n int64) (cost float64, start int64) {
	unitTo(m.x[:], x)
	m.prev, m.cur = m.cur, m.prev
	prev, cur := m.prev[:m.n], m.cur[:m.n]
	unit := m.unit[:m.n*numDims]
	for i := range cur {
		r := unit[i*numDims : (i+1)*numDims : (i+1)*numDims]
		var dot float64
		for k, v := range m.x {
			dot += r[k] * v
		}
		d := 1 - dot
		var best cell
		if i == 0 {
			// A fresh path starting at this live frame...
			best = cell{cost: d, weight: 1, start: n}
			// ...or stay on the first template frame (live is slower).
			if p := prev[0]; (p.cost+d)*best.weight < best.cost*(p.weight+1) {
				best = cell{p.cost + d, p.weight + 1, p.start}
			}
		} else {
			// Diagonal: both advance.
			p := prev[i-1]
			best = cell{p.cost + 2*d, p.weight + 2, p.start}
			// Template advances, live stays (live is faster).
			if p := cur[i-1]; (p.cost+d)*best.weight < best.cost*(p.weight+1) {
				best = cell{p.cost + d, p.weight + 1, p.start}
			}
			// Live advances, template stays (live is slower).
			if p := prev[i]; (p.cost+d)*best.weight < best.cost*(p.weight+1) {
				best = cell{p.cost + d, p.weight + 1, p.start}
			}
		}
		cur[i] = best
	}
	last := cur[len(cur)-1]
	if math.IsInf(last.cost, 1) {
		return last.cost, -1
	}
	return last.cost / last.weight, last.start
}
