//go:build !purego

package vec

// haveRows4 says dotRows4 is the assembly kernel (SSE, which every amd64
// has).
const haveRows4 = true

// dotRows4 computes 4·blocks rows of DotRows whose length n is a multiple
// of 4 (rows_amd64.s).
//
//go:noescape
func dotRows4(out, w *float32, stride int, x *float32, n, blocks int)

// axpy4 is Axpy over n elements, n a multiple of 4.
//
//go:noescape
func axpy4(y *float32, a float32, x *float32, n int)

// outerBack4 is OuterBack4 for rows of n elements, n a multiple of 4.
//
//go:noescape
func outerBack4(w, gw *[4][]float32, e *[4]float32, x, dx *float32, n int)

// addProd4 is AddProd over n elements, n a multiple of 4.
//
//go:noescape
func addProd4(y, a, b *float32, n int)
