package pins_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"

	"github.com/wakegate/wakegate/pins"
)

// The wiring in cmd/: resolve names once, then hand interfaces to the
// controls. Mute is read before capture starts.
func Example() {
	if err := pins.InitHost(); err != nil {
		slog.Error("periph", "err", err)
		os.Exit(1)
	}
	btnPin, err := pins.Lookup("GPIO17")
	if err != nil {
		fmt.Println(err) // e.g. pins: GPIO17: no such pin (no GPIO driver loaded; ...)
		return
	}
	mutePin, _ := pins.Lookup("GPIO27")
	micPower, _ := pins.Lookup("GPIO22")
	red, _ := pins.Lookup("GPIO23")
	mute := &pins.MuteSwitch{Pin: mutePin, ActiveLow: true, MicPower: micPower, RedLED: red}
	muted, err := mute.Init()
	if err != nil {
		slog.Warn("mute switch", "err", err)
	}
	fmt.Println("start muted:", muted)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	events := make(chan pins.Event, 8)
	emit := func(e pins.Event) {
		select {
		case events <- e:
		default: // never stall the pin loop; the gate drains quickly
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = (&pins.Button{Pin: btnPin, ActiveLow: true}).Run(ctx, emit) })
	wg.Go(func() { _ = mute.Run(ctx, emit) })
	for {
		select {
		case e := <-events:
			fmt.Println(e.Kind) // hand to the gate
		case <-ctx.Done():
			wg.Wait() // the loops return within one poll timeout
			return
		}
	}
}
