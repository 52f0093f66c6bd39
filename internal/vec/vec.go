// Package vec holds the inner products of the hot paths: Dot, which the
// front end, the resampler and the wake-word trainer share, and MatVec,
// the wake-word network's layers at run time. The two sum in different
// orders, so a detector's logits match its trainer's to float32
// rounding, not to the bit.
//
// The trainer's layers use DotRows (Dot's sums for many rows at once),
// Axpy, AddProd and OuterBack4, which have SSE kernels on amd64 and
// plain loops elsewhere (and with the purego build tag). Every kernel
// gives the bits its plain loop gives, so a model trained on amd64 is the
// same file with or without them.
package vec

// Dot returns Σ a[i]·b[i] over len(a); b must be at least as long. Four
// independent partial sums let the multiply-adds overlap instead of each
// waiting on the one before, which roughly halves the time of the long
// sums (the 400-term frame energy, the network's pointwise layers).
func Dot[F float32 | float64](a, b []F) F {
	b = b[:len(a)]
	var s0, s1, s2, s3 F
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// MatVec sets out[o] = Σ w[o·n+i]·x[i] for every o, where n = len(x): w
// holds len(out) rows of n weights, row after row, and must be at least
// that long. It computes four rows per pass over x, one running sum each,
// so every x[i] is loaded once for four products and the four sums still
// overlap as Dot's do. That is about a third faster than a Dot per row
// for the network's 64×64 and 64×120 layers. The last len(out) mod 4 rows
// use Dot.
func MatVec[F float32 | float64](out, w, x []F) {
	n := len(x)
	w = w[:len(out)*n]
	o := 0
	for ; o+4 <= len(out); o += 4 {
		// Reslicing every row to n lets the compiler prove the indices
		// below in range and drop their bounds checks.
		r := w[o*n : (o+4)*n]
		w0, w1, w2, w3 := r[:n], r[n : 2*n][:n], r[2*n : 3*n][:n], r[3*n : 4*n][:n]
		var s0, s1, s2, s3 F
		for i, xv := range x {
			s0 += w0[i] * xv
			s1 += w1[i] * xv
			s2 += w2[i] * xv
			s3 += w3[i] * xv
		}
		out[o], out[o+1], out[o+2], out[o+3] = s0, s1, s2, s3
	}
	for ; o < len(out); o++ {
		out[o] = Dot(w[o*n:(o+1)*n], x)
	}
}
