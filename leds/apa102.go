package leds

import (
	"fmt"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
)

// Strip is a row of addressable LEDs.
type Strip interface {
	// Len is the number of LEDs.
	Len() int
	// Show displays pixels; len(pixels) must equal Len().
	Show(pixels []Color) error
	// Off turns every LED dark.
	Off() error
}

// APA102 drives a chain of APA102 (or SK9822) LEDs over SPI, as on the
// ReSpeaker 2/4/6-mic HATs and most Pi light rings.
//
// The wire format per frame:
//
//	start frame  4 × 0x00                     (32 zero bits: "a frame begins")
//	per LED      0xE0|brightness, B, G, R     (three 1 bits, 5-bit global brightness, then colour)
//	end frame    ⌈n/16⌉ × 0x00
//
// Why the end frame: each LED re-clocks the data it passes on, delaying it by
// half a clock cycle, so the last LED receives its 32 bits n/2 clock edges
// after the controller sent them. n/2 extra clock edges are n/2 bits, which
// is ⌈n/16⌉ bytes.
//
// Why 0x00 rather than the datasheet's 0xFF: if the chain is longer than n
// (a mis-set LED count), 0xFF bytes reach LED n+1 as a valid LED frame at full
// brightness, lighting it white; zeros never do, because an LED frame must
// begin with three 1 bits. Zeros are also what SK9822 clones expect after the
// data. SK9822s latch the new colours on the next 32 zero bits, which is the
// next frame's start frame; at the Ring's frame rate that is one frame late
// and invisible, and Off writes its dark frame twice for that reason.
//
// Wiring: data to MOSI (GPIO10), clock to SCLK (GPIO11). An APA102 chain
// has no chip select, so SPI0.0 or SPI0.1 both work (enable SPI with
// dtparam=spi=on). Some boards gate the LEDs' supply: the ReSpeaker 4-Mic
// Array (12 LEDs) needs GPIO5 driven High before the ring lights.
//
// An APA102 is not safe for concurrent use; the Ring calls it from one
// goroutine.
type APA102 struct {
	conn       spi.Conn
	n          int
	brightness uint8
	buf        []byte // the whole frame, preallocated so Show does not allocate
}

// apa102Freq is the SPI clock OpenAPA102 asks for. APA102s accept far more
// (datasheet: up to ~20 MHz, reports of 30 MHz), but 8 MHz keeps edges clean
// over jumper wires and a 3.3 V→5 V level shifter, and is still quick: a
// 12-LED frame is 57 bytes, about 57 µs on the wire.
const apa102Freq = 8 * physic.MegaHertz

// NewAPA102 returns a driver for n LEDs on conn (already connected) at the
// given global brightness, 0..31 (the APA102's 5-bit current control;
// 31 is full). It panics if n < 1 or brightness > 31: those are programming
// errors; OpenAPA102 validates configuration values and returns errors.
func NewAPA102(conn spi.Conn, n int, brightness uint8) *APA102 {
	if n < 1 {
		panic(fmt.Sprintf("leds: apa102: %d LEDs, want at least 1", n))
	}
	if brightness > 31 {
		panic(fmt.Sprintf("leds: apa102: brightness %d, want 0..31", brightness))
	}
	buf := make([]byte, 4+4*n+(n+15)/16) // start frame + 4 bytes per LED + end frame
	return &APA102{conn: conn, n: n, brightness: brightness, buf: buf}
}

// OpenAPA102 connects port at 8 MHz, SPI mode 0, 8 bits per word and
// returns a driver for n LEDs. Mode 0 (clock idles low, data sampled on
// the rising edge) is what the APA102 datasheet shows; the LEDs sample on
// the rising edge and so work with mode 3 as well. A port can be connected
// only once, so call this once per port.
func OpenAPA102(port spi.Port, n int, brightness uint8) (*APA102, error) {
	if n < 1 {
		return nil, fmt.Errorf("leds: apa102: %d LEDs, want at least 1", n)
	}
	if brightness > 31 {
		return nil, fmt.Errorf("leds: apa102: brightness %d, want 0..31", brightness)
	}
	c, err := port.Connect(apa102Freq, spi.Mode0, 8)
	if err != nil {
		return nil, fmt.Errorf("leds: apa102: connect %s: %w", port, err)
	}
	a := NewAPA102(c, n, brightness)
	// spidev refuses a transfer above its buffer size (4096 bytes by
	// default, module parameter spidev.bufsiz): about 1000 LEDs. Say so now
	// rather than on the first frame.
	if l, ok := c.(conn.Limits); ok && l.MaxTxSize() > 0 && len(a.buf) > l.MaxTxSize() {
		return nil, fmt.Errorf("leds: apa102: %d LEDs need %d-byte frames, but %s takes at most %d (raise spidev.bufsiz)", n, len(a.buf), port, l.MaxTxSize())
	}
	return a, nil
}

// Len returns the number of LEDs.
func (a *APA102) Len() int { return a.n }

// Show writes one frame. It does not allocate.
func (a *APA102) Show(pixels []Color) error {
	if len(pixels) != a.n {
		return fmt.Errorf("leds: apa102: got %d pixels, want %d", len(pixels), a.n)
	}
	hdr := 0xE0 | a.brightness // 0xE0: the three 1 bits that mark an LED frame
	b := a.buf[4 : 4+4*a.n]    // the start and end frames stay zero from make
	for i, p := range pixels {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = hdr, p.B, p.G, p.R
	}
	if err := a.conn.Tx(a.buf, nil); err != nil {
		return fmt.Errorf("leds: apa102: %w", err)
	}
	return nil
}

// Off writes an all-dark frame twice (see the type comment: SK9822 clones
// latch a frame on the following start frame).
func (a *APA102) Off() error {
	b := a.buf[4 : 4+4*a.n]
	for i := 0; i < a.n; i++ {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = 0xE0, 0, 0, 0 // LED frame, brightness 0, black
	}
	for range 2 {
		if err := a.conn.Tx(a.buf, nil); err != nil {
			return fmt.Errorf("leds: apa102: off: %w", err)
		}
	}
	return nil
}

var _ Strip = (*APA102)(nil)
