package train

import (
	"math/rand/v2"

	"github.com/wakegate/wakegate/internal/vec"
	"github.com/wakegate/wakegate/wakeword/nn"
)

// seqNet computes the network of nn.Stream over a whole sequence at once
// and its gradient. Its products sum in vec.Dot's order; Stream's
// vec.MatVec sums in another, so the two agree to float32 rounding. Any
// change to the order here changes what a seed trains, so the speedups
// below all keep it. Buffers grow to the longest sequence seen and are
// reused; one seqNet per goroutine.
type seqNet struct {
	cfg nn.Config
	lay nn.Layout

	T  int
	x  []float32   // T × Mels, normalised input
	a0 []float32   // T × C, input layer pre-activation
	h  [][]float32 // L+1 hidden states, each T × C (h[0] = relu(a0))
	u  [][]float32 // per block: depthwise output, T × C
	a  [][]float32 // per block: pointwise pre-activation, T × C
	z  []float32   // T logits
	za []float32   // k × T logits of the auxiliary heads (auxForward)

	dh, du []float32 // T × C scratch
	dots   []float32 // C: one frame's sums of a layer (vec.DotRows)
	// dwT and gdwT hold one depthwise layer's weights and gradient
	// tap-major (Kernel × Channels), so each tap is a unit-stride pass;
	// the sums run in the same order as over the channel-major originals.
	dwT, gdwT []float32
	live      []int // pointwise outputs that pass a gradient at one frame

	// drop, when set (setDrop), holds per block and channel the factor
	// that block's residual branch is scaled by for the whole sequence:
	// 0 for a dropped channel, 1/(1-p) for a kept one. nil: no dropout.
	drop [][]float32
	es   []float32 // one frame's branch gradient scaled by drop
}

// setDrop draws a channel dropout mask with drop rate p for the next
// forward and backward: each block's residual branch loses a channel for
// the whole sequence with probability p, so the network cannot lean on
// one channel of one block (a cue only some talkers give), and the kept
// ones are scaled by 1/(1-p) so that inference, which drops nothing,
// sees the same expected sum.
func (n *seqNet) setDrop(r *rand.Rand, p float64) {
	L, C := len(n.cfg.Dilations), n.cfg.Channels
	if len(n.drop) != L {
		n.drop = make([][]float32, L)
	}
	keep := float32(1 / (1 - p))
	for l := range n.drop {
		n.drop[l] = grow(n.drop[l], C)
		for o := range n.drop[l] {
			if r.Float64() >= p {
				n.drop[l][o] = keep
			}
		}
	}
}

// noDrop turns dropout off: the next forward is the network as the
// detector runs it.
func (n *seqNet) noDrop() { n.drop = nil }

// tapMajor copies the channel-major C × K weights w into dst as K × C
// (nn.TapMajor), growing dst as needed.
func tapMajor(dst, w []float32, C, K int) []float32 {
	dst = grow(dst, C*K)
	nn.TapMajor(dst, w, C, K)
	return dst
}

// channelMajor copies the K × C values t back into w as C × K: the
// inverse of nn.TapMajor.
func channelMajor(w, t []float32, C, K int) {
	for ch := range C {
		for j := range K {
			w[ch*K+j] = t[j*C+ch]
		}
	}
}

func newSeqNet(cfg nn.Config) *seqNet {
	return &seqNet{cfg: cfg, lay: cfg.Layout()}
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// forward runs the network over x (T×Mels, already normalised) and
// returns the T logits (owned by n).
func (n *seqNet) forward(p []float32, x []float32) []float32 {
	c := n.cfg
	M, C, L := c.Mels, c.Channels, len(c.Dilations)
	T := len(x) / M
	n.T = T
	n.x = x
	n.a0 = grow(n.a0, T*C)
	if len(n.h) != L+1 {
		n.h = make([][]float32, L+1)
		n.u = make([][]float32, L)
		n.a = make([][]float32, L)
	}
	for i := range n.h {
		n.h[i] = grow(n.h[i], T*C)
	}
	for i := 0; i < L; i++ {
		n.u[i] = grow(n.u[i], T*C)
		n.a[i] = grow(n.a[i], T*C)
	}
	n.z = grow(n.z, T)
	K0, W := c.InKernel, n.lay.InputWidth
	n.dots = grow(n.dots, C)
	for t := 0; t < T; t++ {
		// Each output adds its taps' sums in tap order, as one output at
		// a time would: vec.DotRows takes all the outputs of one tap.
		v := n.a0[t*C : (t+1)*C]
		copy(v, p[n.lay.B0:n.lay.B0+C])
		for k := 0; k < K0; k++ {
			tt := t - (K0 - 1 - k)
			if tt < 0 {
				continue
			}
			vec.DotRows(n.dots, p[n.lay.W0+k*M:], W, x[tt*M:(tt+1)*M])
			for o, s := range n.dots {
				v[o] += s
			}
		}
		for o, s := range v {
			n.h[0][t*C+o] = max(s, 0)
		}
	}
	K := c.Kernel
	for l, d := range c.Dilations {
		hin, u, a, hout := n.h[l], n.u[l], n.a[l], n.h[l+1]
		n.dwT = tapMajor(n.dwT, p[n.lay.DW[l]:], C, K)
		db := p[n.lay.DB[l]:]
		pw, pb := n.lay.PW[l], n.lay.PB[l]
		var drop []float32
		if n.drop != nil {
			drop = n.drop[l]
		}
		for t := 0; t < T; t++ {
			ut := u[t*C : (t+1)*C]
			copy(ut, db[:C])
			for j := 0; j < K; j++ {
				tt := t - (K-1-j)*d
				if tt < 0 {
					continue
				}
				w := n.dwT[j*C : (j+1)*C]
				vec.AddProd(ut, w, hin[tt*C:(tt+1)*C])
			}
			vec.DotRows(n.dots, p[pw:pw+C*C], C, ut)
			for o, s := range n.dots {
				v := p[pb+o] + s
				a[t*C+o] = v
				if drop != nil {
					hout[t*C+o] = hin[t*C+o] + drop[o]*max(v, 0)
				} else {
					hout[t*C+o] = hin[t*C+o] + max(v, 0)
				}
			}
		}
	}
	hl := n.h[L]
	for t := 0; t < T; t++ {
		n.z[t] = p[n.lay.BO] + vec.Dot(p[n.lay.WO:n.lay.WO+C], hl[t*C:(t+1)*C])
	}
	return n.z
}

// auxLen is the number of parameters of k auxiliary heads on a network
// of c's width: k weight rows of Channels, then k biases.
func auxLen(c nn.Config, k int) int { return k * (c.Channels + 1) }

// auxForward computes k auxiliary heads over the last hidden layer of the
// last forward: logistic outputs like the wake word's own, for other
// words (Options.Aux). It returns their logits, head after head (k × T,
// owned by n). The detector never runs them: they exist to shape the
// hidden layers during training.
func (n *seqNet) auxForward(pa []float32, k int) []float32 {
	C, T := n.cfg.Channels, n.T
	hl := n.h[len(n.cfg.Dilations)]
	n.za = grow(n.za, k*T)
	for j := 0; j < k; j++ {
		w, b := pa[j*C:(j+1)*C], pa[k*C+j]
		for t := 0; t < T; t++ {
			n.za[j*T+t] = b + vec.Dot(w, hl[t*C:(t+1)*C])
		}
	}
	return n.za
}

// backward accumulates into g the gradient of the loss whose derivative
// with respect to the logits is dz (length T), for the last forward.
func (n *seqNet) backward(p, g []float32, dz []float32) {
	n.backwardAux(p, g, dz, nil, nil, nil)
}

// backwardAux is backward when auxiliary heads (parameters pa, gradient
// ga) contributed too: dza is the derivative of the loss with respect to
// their logits, laid out as auxForward returns them. With nil pa it is
// backward.
func (n *seqNet) backwardAux(p, g, dz, pa, ga, dza []float32) {
	c := n.cfg
	M, C, L, T := c.Mels, c.Channels, len(c.Dilations), n.T
	n.dh = grow(n.dh, T*C)
	n.du = grow(n.du, T*C)
	hl := n.h[L]
	wo := p[n.lay.WO : n.lay.WO+C]
	gwo := g[n.lay.WO : n.lay.WO+C]
	for t := 0; t < T; t++ {
		e := dz[t]
		if e == 0 {
			continue
		}
		g[n.lay.BO] += e
		ht := hl[t*C : (t+1)*C]
		dht := n.dh[t*C : (t+1)*C]
		for ch := 0; ch < C; ch++ {
			gwo[ch] += e * ht[ch]
			dht[ch] = e * wo[ch]
		}
	}
	if k := len(dza) / max(T, 1); pa != nil && k > 0 {
		for j := 0; j < k; j++ {
			w, gw := pa[j*C:(j+1)*C], ga[j*C:(j+1)*C]
			for t := 0; t < T; t++ {
				e := dza[j*T+t]
				if e == 0 {
					continue
				}
				ga[k*C+j] += e
				ht := hl[t*C : (t+1)*C]
				dht := n.dh[t*C : (t+1)*C]
				for ch := 0; ch < C; ch++ {
					gw[ch] += e * ht[ch]
					dht[ch] += e * w[ch]
				}
			}
		}
	}
	K := c.Kernel
	for l := L - 1; l >= 0; l-- {
		d := c.Dilations[l]
		hin, u, a := n.h[l], n.u[l], n.a[l]
		n.dwT = tapMajor(n.dwT, p[n.lay.DW[l]:], C, K)
		n.gdwT = tapMajor(n.gdwT, g[n.lay.DW[l]:], C, K)
		gdb := g[n.lay.DB[l]:]
		pw, pb := n.lay.PW[l], n.lay.PB[l]
		du := n.du
		clear(du)
		var drop []float32
		if n.drop != nil {
			drop = n.drop[l]
			n.es = grow(n.es, C)
		}
		// Pointwise layer: dA = dH·[A>0] (times the dropout factor); the
		// residual passes dH through unchanged, so n.dh keeps holding dH
		// for the block's input.
		for t := 0; t < T; t++ {
			e := n.dh[t*C : (t+1)*C]
			if drop != nil {
				for o, m := range drop {
					n.es[o] = m * e[o]
				}
				e = n.es
			}
			// The outputs that pass a gradient, in order.
			live := n.live[:0]
			for o := 0; o < C; o++ {
				if a[t*C+o] > 0 && e[o] != 0 {
					live = append(live, o)
					g[pb+o] += e[o]
				}
			}
			n.live = live
			n.pointwiseBack(p[pw:pw+C*C], g[pw:pw+C*C], e, u[t*C:(t+1)*C], du[t*C:(t+1)*C])
		}
		// Depthwise layer.
		for t := 0; t < T; t++ {
			dut := du[t*C : (t+1)*C]
			for ch := 0; ch < C; ch++ {
				gdb[ch] += dut[ch]
			}
			for j := 0; j < K; j++ {
				tt := t - (K-1-j)*d
				if tt < 0 {
					continue
				}
				w := n.dwT[j*C : (j+1)*C]
				gw := n.gdwT[j*C : (j+1)*C][:len(w)]
				vec.AddProd(gw, dut, hin[tt*C:(tt+1)*C])
				vec.AddProd(n.dh[tt*C:(tt+1)*C], dut, w)
			}
		}
		channelMajor(g[n.lay.DW[l]:], n.gdwT, C, K)
	}
	// Input layer.
	K0, W := c.InKernel, n.lay.InputWidth
	for t := 0; t < T; t++ {
		for o := 0; o < C; o++ {
			if n.a0[t*C+o] <= 0 {
				continue
			}
			e := n.dh[t*C+o]
			if e == 0 {
				continue
			}
			g[n.lay.B0+o] += e
			gw := g[n.lay.W0+o*W : n.lay.W0+(o+1)*W]
			for k := 0; k < K0; k++ {
				tt := t - (K0 - 1 - k)
				if tt < 0 {
					continue
				}
				vec.Axpy(gw[k*M:(k+1)*M], e, n.x[tt*M:(tt+1)*M])
			}
		}
	}
}

// pointwiseBack accumulates, for one frame, the gradient of a pointwise
// layer (weights w, gradient gw, both C × C) for the outputs in n.live,
// whose output gradients are in e: into gw the outer product with the
// layer's input ut, into dut the input's gradient. It takes the outputs
// four at a time (vec.OuterBack4) so each dut[ch] is loaded and stored
// once per four, and adds their terms in the order of n.live, as one
// output at a time would: the result is the same to the bit.
func (n *seqNet) pointwiseBack(w, gw, e, ut, dut []float32) {
	live := n.live
	i := 0
	for ; i+4 <= len(live); i += 4 {
		rows := [4]int{live[i], live[i+1], live[i+2], live[i+3]}
		es := [4]float32{e[rows[0]], e[rows[1]], e[rows[2]], e[rows[3]]}
		vec.OuterBack4(w, gw, &rows, &es, ut, dut)
	}
	C := len(ut)
	for _, o := range live[i:] {
		vec.Axpy(gw[o*C:(o+1)*C], e[o], ut)
		vec.Axpy(dut, e[o], w[o*C:(o+1)*C])
	}
}
