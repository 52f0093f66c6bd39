//go:build !amd64 || purego

package vec

// haveRows4 is false: there is no kernel here, and DotRows is Dot per row.
const haveRows4 = false

func dotRows4(out, w *float32, stride int, x *float32, n, blocks int) {
	panic("vec: no dotRows4 kernel on this platform")
}

func axpy4(y *float32, a float32, x *float32, n int) {
	panic("vec: no axpy4 kernel on this platform")
}

func outerBack4(w, gw *[4][]float32, e *[4]float32, x, dx *float32, n int) {
	panic("vec: no outerBack4 kernel on this platform")
}

func addProd4(y, a, b *float32, n int) {
	panic("vec: no addProd4 kernel on this platform")
}
