// Package audiotest writes audio files for tests: FLAC encoding is not
// something the device ever does, so it lives here rather than in audio.
package audiotest

import (
	"os"
	"testing"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"
)

// WriteFLAC encodes channels (one or two, of equal length, 16-bit values)
// as a FLAC file at path with fixed 1152-sample verbatim blocks, the block
// size of the benchmark recordings.
func WriteFLAC(t testing.TB, path string, rate int, channels [][]int32) {
	t.Helper()
	const block = 1152
	n := len(channels[0])
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	info := &meta.StreamInfo{
		BlockSizeMin: block, BlockSizeMax: block,
		SampleRate: uint32(rate), NChannels: uint8(len(channels)), BitsPerSample: 16,
	}
	enc, err := flac.NewEncoder(f, info)
	if err != nil {
		t.Fatal(err)
	}
	chans := frame.ChannelsMono
	if len(channels) == 2 {
		chans = frame.ChannelsLR
	}
	for num, start := 0, 0; start < n; num, start = num+1, start+block {
		end := min(start+block, n)
		fr := &frame.Frame{Header: frame.Header{
			HasFixedBlockSize: true, BlockSize: uint16(end - start), SampleRate: uint32(rate),
			Channels: chans, BitsPerSample: 16, Num: uint64(num),
		}}
		for _, c := range channels {
			fr.Subframes = append(fr.Subframes, &frame.Subframe{
				SubHeader: frame.SubHeader{Pred: frame.PredVerbatim},
				Samples:   append([]int32(nil), c[start:end]...),
				NSamples:  end - start,
			})
		}
		if err := enc.WriteFrame(fr); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil { // also closes f, after patching MD5
		t.Fatal(err)
	}
}
