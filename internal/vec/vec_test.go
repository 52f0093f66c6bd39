package vec

import (
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
