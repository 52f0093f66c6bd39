package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// DotRows must give Dot's sums to the bit (the trainer's models depend on
// it), for every row count around the kernel's blocks of four, inputs
// with and without a tail, and rows further apart than they are long.
func TestDotRowsMatchesDot(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 3, 4, 8, 40, 64, 90, 120} {
		for _, rows := range []int{1, 3, 4, 5, 8, 9, 64} {
			for _, pad := range []int{0, 7} {
				stride := n + pad
				w := make([]float32, rows*stride)
				x := make([]float32, n)
				for i := range w {
					// Magnitudes spread over six decades, so that a sum in
					// another order would round differently.
					w[i] = float32(r.NormFloat64() * math.Pow(10, 3*r.Float64()-3))
				}
				for i := range x {
					x[i] = float32(r.NormFloat64())
				}
				out := make([]float32, rows)
				DotRows(out, w, stride, x)
				for o := range out {
					want := Dot(w[o*stride:o*stride+n], x)
					if math.Float32bits(out[o]) != math.Float32bits(want) {
						t.Fatalf("n=%d rows=%d stride=%d: row %d = %v, Dot = %v", n, rows, stride, o, out[o], want)
					}
				}
			}
		}
	}
}

func TestDotRowsShortW(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("DotRows with too few weights did not panic")
		}
	}()
	DotRows(make([]float32, 4), make([]float32, 4*8-1), 8, make([]float32, 8))
}

func BenchmarkDotRows(b *testing.B) {
	for _, n := range []int{40, 64} {
		w, x, out := make([]float32, 64*n), make([]float32, n), make([]float32, 64)
		b.Run(fmt.Sprintf("64x%d", n), func(b *testing.B) {
			for b.Loop() {
				DotRows(out, w, n, x)
			}
		})
		b.Run(fmt.Sprintf("64x%d/DotPerRow", n), func(b *testing.B) {
			for b.Loop() {
				for o := range out {
					out[o] = Dot(w[o*n:(o+1)*n], x)
				}
			}
		})
	}
}

// TestElementwise checks Axpy and AddProd against their one-element
// loops, to the bit, around the kernels' blocks of four.
func TestElementwise(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const k = float32(0.3711)
	for _, n := range []int{0, 1, 3, 4, 5, 40, 64, 66} {
		a, b, y := make([]float32, n), make([]float32, n+1), make([]float32, n+2)
		for _, s := range [][]float32{a, b, y} {
			for i := range s {
				s[i] = float32(r.NormFloat64())
			}
		}
		wantAxpy, wantProd := slices.Clone(y), slices.Clone(y)
		for i := range a {
			wantAxpy[i] += k * a[i]
			wantProd[i] += a[i] * b[i]
		}
		got := slices.Clone(y)
		Axpy(got, k, a)
		sameBits(t, fmt.Sprintf("Axpy n=%d", n), got, wantAxpy)
		got = slices.Clone(y)
		AddProd(got, a, b)
		sameBits(t, fmt.Sprintf("AddProd n=%d", n), got, wantProd)
	}
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// OuterBack4 against the loop it replaces in the trainer (one element at
// a time, the four outputs in order), to the bit.
func TestOuterBack4(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{4, 6, 40, 64} {
		rows := [4]int{3, 0, 5, 2}
		e := [4]float32{0.5, -1.25, 3e-3, 7}
		w, gw := make([]float32, 6*n), make([]float32, 6*n)
		x, dx := make([]float32, n), make([]float32, n)
		for _, s := range [][]float32{w, gw, x, dx} {
			for i := range s {
				s[i] = float32(r.NormFloat64() * math.Pow(10, 2*r.Float64()-1))
			}
		}
		wantG, wantD := slices.Clone(gw), slices.Clone(dx)
		for ch := range x {
			d := wantD[ch]
			for k, o := range rows {
				wantG[o*n+ch] += e[k] * x[ch]
				d += e[k] * w[o*n+ch]
			}
			wantD[ch] = d
		}
		OuterBack4(w, gw, &rows, &e, x, dx)
		sameBits(t, fmt.Sprintf("OuterBack4 n=%d gw", n), gw, wantG)
		sameBits(t, fmt.Sprintf("OuterBack4 n=%d dx", n), dx, wantD)
	}
}
