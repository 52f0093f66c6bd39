package presence

import (
	"encoding/binary"
	"testing"
)

// FuzzPush feeds arbitrary blocks of arbitrary lengths: Push must neither
// panic nor report a change after the audio it has seen.
func FuzzPush(f *testing.F) {
	f.Add([]byte{0, 0, 255, 127, 0, 128}, uint16(480))
	f.Add(make([]byte, 4000), uint16(7))
	f.Fuzz(func(t *testing.T, b []byte, size uint16) {
		d, err := New(Config{Hold: 1})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]int16, len(b)/2)
		for i := range x {
			x[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
		}
		n := max(int(size)%2000, 1)
		var pushed int64
		for i := 0; i < len(x); i += n {
			blk := x[i:min(i+n, len(x))]
			pushed += int64(len(blk))
			if ev, ok := d.Push(blk); ok && (ev.Sample < 0 || ev.Sample > pushed/3) {
				t.Fatalf("event %v after %d samples", ev, pushed)
			}
		}
	})
}
