package agent

import (
	"slices"
	"testing"
)

func seq(from, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(from + i)
	}
	return s
}

func TestRing(t *testing.T) {
	tests := []struct {
		name       string
		cap        int
		writes     [][2]int // (pos, n) with sample value = position
		from, to   int64
		wantOldest int64
	}{
		{"partial", 10, [][2]int{{0, 4}}, 1, 4, 0},
		{"wrapped", 10, [][2]int{{0, 7}, {7, 7}}, 4, 14, 4},
		{"bigger than ring", 10, [][2]int{{0, 25}}, 15, 25, 15},
		{"gap clears", 10, [][2]int{{0, 8}, {20, 3}}, 20, 23, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRing(tt.cap)
			for _, w := range tt.writes {
				r.Write(int64(w[0]), seq(w[0], w[1]))
			}
			if got := r.Oldest(); got != tt.wantOldest {
				t.Fatalf("Oldest = %d, want %d", got, tt.wantOldest)
			}
			got := r.AppendTo(nil, tt.from, tt.to)
			if want := seq(int(tt.from), int(tt.to-tt.from)); !slices.Equal(got, want) {
				t.Fatalf("Read(%d,%d) = %v, want %v", tt.from, tt.to, got, want)
			}
		})
	}
}

func TestRingClearZeroesAndRaisesFloor(t *testing.T) {
	r := NewRing(8)
	r.Write(0, seq(1, 8))
	r.Clear(8)
	for i, v := range r.buf {
		if v != 0 {
			t.Fatalf("buf[%d] = %d after Clear, want 0", i, v)
		}
	}
	if r.Oldest() != 8 {
		t.Fatalf("Oldest = %d after Clear(8), want 8", r.Oldest())
	}
	r.Write(8, seq(100, 3))
	if got := r.AppendTo(nil, 8, 11); !slices.Equal(got, seq(100, 3)) {
		t.Fatalf("Read after Clear = %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("reading audio from before Clear did not panic")
		}
	}()
	r.AppendTo(nil, 7, 11)
}

func BenchmarkRingWrite(b *testing.B) {
	r := NewRing(16000)
	hop := seq(0, 160)
	b.ReportAllocs()
	pos := int64(0)
	for b.Loop() {
		r.Write(pos, hop)
		pos += 160
	}
}
