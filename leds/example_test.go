package leds_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"periph.io/x/conn/v3/spi/spitest"

	"github.com/wakegate/wakegate/leds"
)

func ExampleTerminal() {
	t := leds.NewTerminal(os.Stdout) // not a TTY under go test: no colour
	t.Set(leds.Listening)
	t.Set(leds.Listening) // repeats print nothing
	t.Set(leds.Idle)
	// Output:
	// ◉ listening
	// ○ idle
}

func ExampleAPA102() {
	var wire bytes.Buffer
	strip, err := leds.OpenAPA102(spitest.NewRecordRaw(&wire), 2, 31)
	if err != nil {
		panic(err)
	}
	pix := leds.Render(leds.DefaultTheme(), leds.Muted, 0, 2)
	if err := strip.Show(pix); err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", wire.Bytes())
	// Output:
	// 00 00 00 00 ff 00 00 ff ff 00 00 ff 00
}

// The device wiring: the ring animates on its own goroutine, the gate only
// calls Set.
func ExampleRing() {
	var wire bytes.Buffer
	strip, _ := leds.OpenAPA102(spitest.NewRecordRaw(&wire), 12, 16)
	ring := leds.NewRing(strip, leds.DefaultTheme(), 30)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ring.Run(ctx) }()

	var ind leds.Indicator = leds.Multi{ring} // plus GPIOLEDs, tone cues, ...
	ind.Set(leds.Muted)
	for ring.Shown() != leds.Muted {
		time.Sleep(time.Millisecond)
	}
	cancel()
	fmt.Println(<-done, ring.Shown())
	// Output:
	// <nil> muted
}
