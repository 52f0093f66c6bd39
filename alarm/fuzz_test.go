package alarm

import (
	"encoding/binary"
	"testing"
)

// FuzzPush feeds arbitrary audio: Push must neither panic nor report an
// onset after the audio it has seen.
func FuzzPush(f *testing.F) {
	f.Add([]byte{0, 0, 255, 127, 0, 128})
	f.Add(make([]byte, 2*HopSize*3))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := New(Config{})
		hop := make([]int16, HopSize)
		var pushed int64
		for i := 0; i+2 <= len(b); {
			for j := range hop {
				if i+2 <= len(b) {
					hop[j] = int16(binary.LittleEndian.Uint16(b[i:]))
					i += 2
				} else {
					hop[j] = 0
				}
			}
			pushed += HopSize
			if ev, ok := d.Push(hop); ok && (ev.Sample < 0 || ev.Sample > pushed) {
				t.Fatalf("event %v after %d samples", ev, pushed)
			}
		}
	})
}
