package pins

import (
	"fmt"
	"log/slog"
	"strings"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
)

// maxListed caps the pin names quoted in Lookup's error; a Pi registers
// about 60 lines, too many for one error message.
const maxListed = 12

// Lookup resolves a pin name ("GPIO17", "17", or a gpiochip line name) in
// periph's registry. InitHost must have run. It is meant for cmd/ only;
// everything else takes the pin as an interface.
func Lookup(name string) (gpio.PinIO, error) {
	if p := gpioreg.ByName(name); p != nil {
		return p, nil
	}
	all := gpioreg.All()
	if len(all) == 0 {
		return nil, fmt.Errorf("pins: %s: no such pin (no GPIO driver loaded; did InitHost run, and may this user open /dev/gpiochip*?)", name)
	}
	names := make([]string, 0, maxListed+1)
	for i, p := range all {
		if i == maxListed {
			names = append(names, fmt.Sprintf("… %d more", len(all)-maxListed))
			break
		}
		names = append(names, p.Name())
	}
	return nil, fmt.Errorf("pins: %s: no such pin (available: %s)", name, strings.Join(names, ", "))
}

// InitHost loads periph's host drivers (gpioioctl, sysfs SPI, bcm283x on a
// Pi). A driver that fails is logged as a warning and is not an error: on a
// development PC most drivers fail and the fakes are used instead. The error
// is periph's own, for a registry that cannot be set up at all.
func InitHost() error {
	st, err := host.Init()
	if err != nil {
		return fmt.Errorf("pins: host init: %w", err)
	}
	for _, f := range st.Failed {
		slog.Warn("pins: periph driver failed", "driver", f.D.String(), "err", f.Err)
	}
	for _, d := range st.Loaded {
		slog.Debug("pins: periph driver loaded", "driver", d.String())
	}
	return nil
}
