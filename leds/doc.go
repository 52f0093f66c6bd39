// Package leds turns the gate's indicator state (idle, listening, thinking,
// follow-up, muted, error, alarm) into light: a terminal line for
// development, plain GPIO LEDs, or an animated APA102 ring over SPI.
//
// The gate drives an [Indicator]. Set must never block the audio path: every
// implementation here records the state and returns; animation, if any,
// happens on the [Ring]'s own goroutine.
//
// The colours and patterns follow the Alexa attention system (see
// [DefaultTheme]); the owner can override them in the configuration.
package leds
