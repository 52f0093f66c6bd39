package vec

// DotRows sets out[o] = Dot(w[o·stride:o·stride+len(x)], x) for every o,
// to the bit: the rows of a layer whose weights are stride apart, against
// one input. It is the wake-word trainer's inner loop. Where the machine
// has a kernel for it (amd64), four rows go at a time, each of Dot's four
// running sums in one lane of a vector: four rows' sums are four
// independent chains of additions, where Dot alone waits on one. w must
// hold (len(out)-1)·stride + len(x) weights, and stride >= len(x).
func DotRows(out, w []float32, stride int, x []float32) {
	n := len(x)
	if len(out) == 0 {
		return
	}
	if n == 0 {
		clear(out) // empty sums, as Dot gives
		return
	}
	if stride < n {
		panic("vec: DotRows stride shorter than the input")
	}
	_ = w[(len(out)-1)*stride+n-1] // one bounds check for every row the kernel reads
	done := 0
	if haveRows4 && n > 0 && n%4 == 0 {
		done = len(out) &^ 3
		if done > 0 {
			dotRows4(&out[0], &w[0], stride, &x[0], n, done/4)
		}
	}
	for o := done; o < len(out); o++ {
		out[o] = Dot(w[o*stride:o*stride+n], x)
	}
}

// Axpy adds a·x[i] to y[i] for every i < len(x); y must be at least as
// long. Each element is one product and one sum, so any grouping gives
// the same bits.
func Axpy(y []float32, a float32, x []float32) {
	y = y[:len(x)]
	done := 0
	if haveRows4 {
		done = len(x) &^ 3
		if done > 0 {
			axpy4(&y[0], a, &x[0], done)
		}
	}
	for i := done; i < len(x); i++ {
		y[i] += a * x[i]
	}
}

// OuterBack4 is the backward pass of four outputs of a layer y = w·x
// (w row-major, rows len(x) long), given their gradients e: for k = 0..3
// it adds e[k]·x to gw's row rows[k], and it adds e[0]·w[rows[0]], then
// e[1]·w[rows[1]], and so on, to dx, element by element in that order, as
// four passes of Axpy would: the same bits.
func OuterBack4(w, gw []float32, rows *[4]int, e *[4]float32, x, dx []float32) {
	n := len(x)
	dx = dx[:n]
	var wr, gr [4][]float32
	for k, o := range rows {
		wr[k], gr[k] = w[o*n:(o+1)*n], gw[o*n:(o+1)*n]
	}
	if haveRows4 && n > 0 && n%4 == 0 {
		outerBack4(&wr, &gr, e, &x[0], &dx[0], n)
		return
	}
	for k := range 4 {
		Axpy(gr[k], e[k], x)
	}
	for k := range 4 {
		Axpy(dx, e[k], wr[k])
	}
}

// AddProd adds a[i]·b[i] to y[i] for every i < len(a); b and y must be at
// least as long. Like Axpy, element by element, so any grouping gives
// the same bits.
func AddProd(y, a, b []float32) {
	n := len(a)
	y, b = y[:n], b[:n]
	done := 0
	if haveRows4 {
		done = n &^ 3
		if done > 0 {
			addProd4(&y[0], &a[0], &b[0], done)
		}
	}
	for i := done; i < n; i++ {
		y[i] += a[i] * b[i]
	}
}
