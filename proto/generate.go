// Package proto holds Wakegate's protocol definitions (.proto files) and the
// go:generate hook that regenerates their Go code into subpackages such as
// wakegatev1. Run `go generate ./proto` or `make proto`; the output is
// committed.
package proto

//go:generate sh gen.sh
