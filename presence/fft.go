package presence

import (
	"math"
	"math/bits"
)

// cfft is an in-place iterative radix-2 complex FFT of one power-of-two
// size. gonum's CmplxFFT measured about 55 µs for 512 points here, several
// times this plain transform; the test checks both agree.
type cfft struct {
	n   int
	rev []int32
	tw  []complex128 // exp(-2πi·k/n), k < n/2
}

func newCFFT(n int) *cfft {
	if n < 2 || n&(n-1) != 0 {
		panic("presence: FFT size is not a power of two")
	}
	f := &cfft{n: n, rev: make([]int32, n), tw: make([]complex128, n/2)}
	shift := 64 - bits.Len(uint(n-1))
	for i := range f.rev {
		f.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
	}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.tw[k] = complex(c, s)
	}
	return f
}

// transform replaces x (len n) by its unnormalised DFT.
func (f *cfft) transform(x []complex128) {
	for i, r := range f.rev {
		if j := int(r); i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	for size := 2; size <= f.n; size <<= 1 {
		half, step := size/2, f.n/size
		for start := 0; start < f.n; start += size {
			for k := range half {
				w := f.tw[k*step]
				a, b := x[start+k], x[start+k+half]*w
				x[start+k], x[start+k+half] = a+b, a-b
			}
		}
	}
}
