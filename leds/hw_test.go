package leds

import (
	"context"
	"flag"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/spi/spireg"
	"periph.io/x/host/v3"
)

// Hardware smoke test, skipped unless -hw is given, e.g. on a Pi with a
// ReSpeaker 4-Mic Array:
//
//	go test ./leds -run Hardware -hw -hw.spi=SPI0.0 -hw.n=12 -hw.power=GPIO5 -v
var (
	hw      = flag.Bool("hw", false, "run tests that need real hardware")
	hwSPI   = flag.String("hw.spi", "", "SPI port of the APA102 chain ('' opens the first)")
	hwN     = flag.Int("hw.n", 12, "number of APA102 LEDs")
	hwPower = flag.String("hw.power", "", "GPIO that enables LED power, driven High first ('' for none)")
)

// TestHardwareAPA102 shows every state for a second, then turns the ring
// off. Look at it: the test can only check that the transfers succeed.
func TestHardwareAPA102(t *testing.T) {
	if !*hw {
		t.Skip("needs -hw and an APA102 chain on SPI")
	}
	if _, err := host.Init(); err != nil {
		t.Fatal(err)
	}
	if *hwPower != "" {
		p := gpioreg.ByName(*hwPower)
		if p == nil {
			t.Fatalf("no pin %s", *hwPower)
		}
		if err := p.Out(true); err != nil {
			t.Fatal(err)
		}
	}
	port, err := spireg.Open(*hwSPI)
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	strip, err := OpenAPA102(port, *hwN, 8) // brightness 8/31: enough to see, easy on the eyes
	if err != nil {
		t.Fatal(err)
	}
	r := NewRing(strip, DefaultTheme(), 30)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	for _, s := range States() {
		t.Logf("showing %s", s)
		r.Set(s)
		time.Sleep(time.Second)
		if got := r.Shown(); got != s {
			t.Errorf("after 1 s Shown() = %v, want %v", got, s)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
