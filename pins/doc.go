// Package pins reads the device's physical controls over periph GPIO: the
// action button (tap and long press) and the microphone mute switch, which
// also cuts the microphones' power in hardware and lights the red LED
// before any software hears of it.
//
// Everything takes periph's narrow role interfaces (gpio.PinIn, gpio.PinOut)
// and an injectable clock, so it runs against gpiotest fakes in tests. Pins
// are resolved by name (Lookup) only in cmd/.
//
// Every wait on a pin uses a finite timeout (250 ms) in a loop that checks
// the context: periph's gpioioctl driver treats a timeout of -1 as "already
// expired" and 0 as "forever" (periph host issue #78), and Halt, which
// should unblock a waiter, is a no-op on some drivers and fakes, and on
// gpioioctl loses a race with a WaitForEdge that is just setting its own
// deadline.
//
// On the Pi: Raspberry Pi OS Bookworm has no sysfs GPIO; periph host
// v3.8.3+ uses the GPIO character device (/dev/gpiochip*, group gpio), and
// names lines "GPIO17" (also "17"), the Pi 5's RP1 included. The service
// user needs groups gpio (pins) and spi (the LED ring, /dev/spidev*).
package pins
