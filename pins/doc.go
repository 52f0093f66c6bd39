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
// should unblock a waiter, is a no-op on some drivers and fakes.
package pins
