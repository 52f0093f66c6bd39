package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 3, 4, 5, 8, 39, 40, 400, 401} {
		a, b := make([]float64, n), make([]float64, n+3) // b may be longer
		for i := range b {
			if i < n {
				a[i] = r.NormFloat64()
			}
			b[i] = r.NormFloat64()
		}
		var want float64
		for i := range a {
			want += a[i] * b[i]
		}
		if got := Dot(a, b); math.Abs(got-want) > 1e-12*float64(n+1) {
			t.Errorf("n=%d: Dot = %v, want %v", n, got, want)
		}
		a32, b32 := make([]float32, n), make([]float32, n)
		for i := range a32 {
			a32[i], b32[i] = float32(a[i]), float32(b[i])
		}
		if got := float64(Dot(a32, b32)); math.Abs(got-want) > 1e-4*float64(n+1) {
			t.Errorf("n=%d: float32 Dot = %v, want %v", n, got, want)
		}
	}
}

func TestDotShortB(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Dot with b shorter than a did not panic")
		}
	}()
	Dot([]float32{1, 2, 3}, []float32{1, 2})
}

func BenchmarkDot(b *testing.B) {
	x32, y32 := make([]float32, 64), make([]float32, 64)
	x64, y64 := make([]float64, 400), make([]float64, 400)
	b.Run("float32/64", func(b *testing.B) {
		for b.Loop() {
			Dot(x32, y32)
		}
	})
	b.Run("float64/400", func(b *testing.B) {
		for b.Loop() {
			Dot(x64, y64)
		}
	})

}

// TestMatVec checks MatVec against a Dot per row for shapes with and
// without a remainder of rows, in both precisions.
func TestMatVec(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sh := range []struct{ rows, n int }{{0, 5}, {1, 1}, {3, 7}, {4, 4}, {5, 9}, {8, 64}, {64, 64}, {64, 120}, {7, 0}} {
		w := make([]float64, sh.rows*sh.n+2) // w may be longer
		x := make([]float64, sh.n)
		for i := range w {
			w[i] = r.NormFloat64()
		}
		for i := range x {
			x[i] = r.NormFloat64()
		}
		out := make([]float64, sh.rows)
		MatVec(out, w, x)
		w32, x32, out32 := make([]float32, len(w)), make([]float32, len(x)), make([]float32, sh.rows)
		for i := range w {
			w32[i] = float32(w[i])
		}
		for i := range x {
			x32[i] = float32(x[i])
		}
		MatVec(out32, w32, x32)
		for o := range out {
			want := Dot(w[o*sh.n:(o+1)*sh.n], x)
			if math.Abs(out[o]-want) > 1e-12*float64(sh.n+1) {
				t.Errorf("%dx%d row %d: MatVec = %v, want %v", sh.rows, sh.n, o, out[o], want)
			}
			if math.Abs(float64(out32[o])-want) > 1e-4*float64(sh.n+1) {
				t.Errorf("%dx%d row %d: float32 MatVec = %v, want %v", sh.rows, sh.n, o, out32[o], want)
			}
		}
	}
}

func TestMatVecShortW(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MatVec with w shorter than rows×len(x) did not panic")
		}
	}()
	MatVec(make([]float32, 2), make([]float32, 5), make([]float32, 3))
}

func BenchmarkMatVec(b *testing.B) {
	for _, n := range []int{64, 120} {
		w, x, out := make([]float32, 64*n), make([]float32, n), make([]float32, 64)
		b.Run(fmt.Sprintf("64x%d", n), func(b *testing.B) {
			for b.Loop() {
				MatVec(out, w, x)
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
