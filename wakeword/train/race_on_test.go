//go:build race

package train

// raceEnabled: the race detector slows the numeric loops about tenfold, so
// the synthetic training run is cut down and the accuracy checks (which
// need the full run) are left to the normal `go test`, which `make test`
// runs for this package as well.
const raceEnabled = true
