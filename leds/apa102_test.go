package leds

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"periph.io/x/conn/v3/conntest"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spitest"
)

// hdr31 is the LED-frame header at full brightness: 0xE0 | 31.
const hdr31 = 0xFF

func frame4(leds ...[4]byte) []byte {
	b := []byte{0, 0, 0, 0} // start frame
	for _, l := range leds {
		b = append(b, l[:]...)
	}
	return append(b, 0) // end frame: ⌈4/16⌉ = 1 byte
}

func same4(l [4]byte) []byte { return frame4(l, l, l, l) }

// TestAPA102GoldenEveryState checks the exact bytes on the wire for every
// state of DefaultTheme on a 4-LED strip at t = 100 ms. The expected values
// are worked out by hand from the formulas in Style.Render's doc comment
// (integer division truncates):
//
//	thinking, spin, P=1000, n=4: head = 100·4·256/1000 = 102, tail = 2·256 = 512
//	  LED0: d=102 → k = 255 − 102·255/512 = 205 → G = 0x30·205/255 = 38, B = 205
//	  LED3: d=(102−768) mod 1024 = 358 → k = 255 − 178 = 77 → G = 14, B = 77
//	  LED1, LED2: d = 870, 614 ≥ 512 → dark
//	followup, pulse, P=2000: tri = 100·510/2000 = 25, k = 64 + 25·191/255 = 82
//	  G = 0x20·82/255 = 10, B = 0x80·82/255 = 41
//	error, flash, P=500: 2·100 < 500 → on; alarm, P=1000 → on
func TestAPA102GoldenEveryState(t *testing.T) {
	tests := []struct {
		s    State
		want []byte
	}{
		{Idle, same4([4]byte{hdr31, 0, 0, 0})},
		{Listening, same4([4]byte{hdr31, 0xff, 0xc8, 0x00})}, // B, G, R of #00c8ff
		{Thinking, frame4(
			[4]byte{hdr31, 205, 38, 0},
			[4]byte{hdr31, 0, 0, 0},
			[4]byte{hdr31, 0, 0, 0},
			[4]byte{hdr31, 77, 14, 0})},
		{FollowUp, same4([4]byte{hdr31, 41, 10, 0})},
		{Muted, same4([4]byte{hdr31, 0, 0, 0xff})},
		{Error, same4([4]byte{hdr31, 0x00, 0x50, 0xff})},
		{Alarm, same4([4]byte{hdr31, 0x00, 0xc0, 0xff})},
	}
	if len(tests) != len(States()) {
		t.Fatalf("table covers %d states, want all %d", len(tests), len(States()))
	}
	th := DefaultTheme()
	for _, tt := range tests {
		t.Run(tt.s.String(), func(t *testing.T) {
			var buf bytes.Buffer
			a, err := OpenAPA102(spitest.NewRecordRaw(&buf), 4, 31)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Show(Render(th, tt.s, 100*time.Millisecond, 4)); err != nil {
				t.Fatal(err)
			}
			if got := buf.Bytes(); !bytes.Equal(got, tt.want) {
				t.Errorf("wire bytes\n got % x\nwant % x", got, tt.want)
			}
		})
	}
}

func TestAPA102FrameShape(t *testing.T) {
	tests := []struct {
		n          int
		brightness uint8
		wantLen    int
		wantHdr    byte
	}{
		{1, 0, 4 + 4 + 1, 0xE0},
		{16, 7, 4 + 64 + 1, 0xE7},
		{17, 31, 4 + 68 + 2, 0xFF}, // 17 LEDs need 8.5 extra edges: 2 end bytes
		{32, 16, 4 + 128 + 2, 0xF0},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		a, err := OpenAPA102(spitest.NewRecordRaw(&buf), tt.n, tt.brightness)
		if err != nil {
			t.Fatal(err)
		}
		pix := make([]Color, tt.n)
		for i := range pix {
			pix[i] = Color{R: byte(i), G: 0x55, B: 0xAA}
		}
		if err := a.Show(pix); err != nil {
			t.Fatal(err)
		}
		got := buf.Bytes()
		if len(got) != tt.wantLen {
			t.Fatalf("n=%d: frame is %d bytes, want %d", tt.n, len(got), tt.wantLen)
		}
		if !bytes.Equal(got[:4], []byte{0, 0, 0, 0}) {
			t.Errorf("n=%d: start frame % x", tt.n, got[:4])
		}
		for i := range tt.n {
			led := got[4+4*i : 8+4*i]
			if want := []byte{tt.wantHdr, 0xAA, 0x55, byte(i)}; !bytes.Equal(led, want) {
				t.Errorf("n=%d LED %d: % x, want % x", tt.n, i, led, want)
			}
		}
		for _, b := range got[4+4*tt.n:] {
			if b != 0 {
				t.Errorf("n=%d: end frame % x, want zeros", tt.n, got[4+4*tt.n:])
				break
			}
		}
	}
}

func TestAPA102OffWritesDarkTwice(t *testing.T) {
	dark := []byte{0, 0, 0, 0, 0xE0, 0, 0, 0, 0xE0, 0, 0, 0, 0}
	p := &spitest.Playback{Playback: conntest.Playback{Ops: []conntest.IO{{W: dark}, {W: dark}}}}
	c, err := p.Connect(apa102Freq, spi.Mode0, 8)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAPA102(c, 2, 31)
	// A lit frame first, so Off must really overwrite the buffer.
	p.Ops = append([]conntest.IO{{W: []byte{0, 0, 0, 0, 0xFF, 3, 2, 1, 0xFF, 3, 2, 1, 0}}}, p.Ops...)
	if err := a.Show([]Color{{1, 2, 3}, {1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Off(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil { // fails if an expected write is missing
		t.Fatal(err)
	}
}

func TestAPA102Errors(t *testing.T) {
	var buf bytes.Buffer
	if _, err := OpenAPA102(spitest.NewRecordRaw(&buf), 4, 32); err == nil {
		t.Error("brightness 32 accepted")
	}
	if _, err := OpenAPA102(spitest.NewRecordRaw(&buf), 0, 1); err == nil {
		t.Error("0 LEDs accepted")
	}
	port := spitest.NewRecordRaw(&buf)
	a, err := OpenAPA102(port, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenAPA102(port, 3, 1); err == nil {
		t.Error("second Connect on the same port succeeded")
	}
	if err := a.Show(make([]Color, 2)); err == nil {
		t.Error("Show with 2 pixels on a 3-LED strip succeeded")
	}
	boom := errors.New("spi gone")
	a = NewAPA102(&failConn{err: boom}, 3, 1)
	if err := a.Show(make([]Color, 3)); !errors.Is(err, boom) {
		t.Errorf("Show error %v does not wrap %v", err, boom)
	}
	for _, f := range []func(){func() { NewAPA102(nil, 0, 0) }, func() { NewAPA102(nil, 1, 40) }} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("NewAPA102 with bad arguments did not panic")
				}
			}()
			f()
		}()
	}
}

// failConn is an spi.Conn whose every transfer fails, like a yanked ribbon.
type failConn struct {
	spi.Conn
	err error
}

func (f *failConn) Tx(w, r []byte) error { return f.err }

func TestRender(t *testing.T) {
	const ms = time.Millisecond
	blue := Color{0x00, 0x30, 0xff}
	dimBlue := Color{0x00, 0x20, 0x80}
	tests := []struct {
		name string
		st   Style
		t    time.Duration
		n    int
		want []Color
	}{
		{"off", Style{Pattern: Off, Color: blue}, 0, 2, []Color{{}, {}}},
		{"solid", Style{Pattern: Solid, Color: blue}, 7 * ms, 2, []Color{blue, blue}},
		// head = 250·4·256/1000 = 256 → LED1 is the head, LED0 half a tail behind:
		// k = 255 − 256·255/512 = 128 → G = 48·128/255 = 24, B = 128.
		{"spin quarter", Style{Spin, blue, 1000}, 250 * ms, 4, []Color{{0, 24, 128}, blue, {}, {}}},
		{"spin wraps", Style{Spin, blue, 1000}, 1250 * ms, 4, []Color{{0, 24, 128}, blue, {}, {}}},
		{"spin one LED", Style{Spin, blue, 1000}, 0, 1, []Color{blue}},
		{"spin zero period is solid", Style{Spin, blue, 0}, 250 * ms, 2, []Color{blue, blue}},
		// Pulse at phase 0: k = 64 → G = 32·64/255 = 8, B = 128·64/255 = 32.
		{"pulse floor", Style{Pulse, dimBlue, 2000}, 0, 1, []Color{{0, 8, 32}}},
		{"pulse peak", Style{Pulse, dimBlue, 2000}, 1000 * ms, 1, []Color{dimBlue}},
		{"pulse negative t", Style{Pulse, dimBlue, 2000}, -5 * ms, 1, []Color{{0, 8, 32}}},
		{"flash on", Style{Flash, blue, 500}, 249 * ms, 1, []Color{blue}},
		{"flash off", Style{Flash, blue, 500}, 250 * ms, 1, []Color{{}}},
		{"flash next period", Style{Flash, blue, 500}, 500 * ms, 1, []Color{blue}},
		{"unknown pattern is dark", Style{Pattern(99), blue, 500}, 0, 1, []Color{{}}},
	}
	for _, tt := range tests {
		got := make([]Color, tt.n)
		tt.st.Render(got, tt.t)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := Render(Theme{}, Muted, 0, 3); !slices.Equal(got, make([]Color, 3)) {
		t.Errorf("state missing from theme: got %v, want dark", got)
	}
}

func BenchmarkRenderSpin(b *testing.B) {
	b.ReportAllocs()
	st := DefaultTheme()[Thinking]
	pix := make([]Color, 12) // a 12-LED ring, as on the ReSpeaker 4-mic array
	for i := 0; b.Loop(); i++ {
		st.Render(pix, time.Duration(i)*time.Millisecond)
	}
}

func BenchmarkAPA102Show(b *testing.B) {
	b.ReportAllocs()
	a, err := OpenAPA102(spitest.NewRecordRaw(io.Discard), 12, 31)
	if err != nil {
		b.Fatal(err)
	}
	pix := Render(DefaultTheme(), Listening, 0, 12)
	for b.Loop() {
		if err := a.Show(pix); err != nil {
			b.Fatal(err)
		}
	}
}

// limitedPort is a recording SPI port whose connection reports a transfer
// size limit, as sysfs spidev does.
type limitedPort struct {
	*spitest.RecordRaw
	max int
}

type limitedConn struct {
	spi.Conn
	max int
}

func (c limitedConn) MaxTxSize() int { return c.max }

func (p limitedPort) Connect(f physic.Frequency, m spi.Mode, bits int) (spi.Conn, error) {
	c, err := p.RecordRaw.Connect(f, m, bits)
	return limitedConn{c, p.max}, err
}

func TestOpenAPA102TransferLimit(t *testing.T) {
	// 12 LEDs: 4 + 48 + 1 = 53 bytes.
	if _, err := OpenAPA102(limitedPort{spitest.NewRecordRaw(io.Discard), 53}, 12, 31); err != nil {
		t.Errorf("53-byte frame within a 53-byte limit: %v", err)
	}
	if _, err := OpenAPA102(limitedPort{spitest.NewRecordRaw(io.Discard), 52}, 12, 31); err == nil {
		t.Error("53-byte frame accepted by a 52-byte limit")
	}
}
