// Package deploy holds the files that install Wakegate as a system service,
// and the tests that check them. It has no Go code of its own.
//
//   - wakegate.service: the systemd unit (Type=notify with a 10 s watchdog,
//     a dedicated user in groups audio, gpio and spi, strict sandboxing,
//     DevicePolicy=closed with the ALSA, GPIO and SPI device groups only).
//   - wakegate.sysusers: the systemd-sysusers(8) entry for that user.
//
// `make install` (mk/pi.mk) copies them into place; docs/pi.md is the
// walk-through. The tests run `systemd-analyze verify` on the unit and
// `systemd-sysusers --dry-run` on the user entry when those tools are on
// PATH, and check that the unit keeps the settings the privacy promise
// relies on.
package deploy
