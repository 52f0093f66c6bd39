// Package wakegate is the root of the Wakegate module: a privacy-first voice
// front end for Raspberry Pi smart speakers. The packages below it hold the
// pieces; cmd/wakegate wires them together. This file only carries the
// module-wide package-documentation test's anchor.
package wakegate
