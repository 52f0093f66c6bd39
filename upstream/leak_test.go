package upstream

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the package when a Stream goroutine (sender or receiver)
// is still running after all tests: every test ends its streams with Wait
// or Client.Close, which must not leave any behind.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := streamGoroutines(); leaked != "" {
			fmt.Fprintf(os.Stderr, "upstream: goroutines outlived Wait/Close:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// streamGoroutines returns the stacks of live Stream goroutines, waiting up
// to a second for ones that are just finishing.
func streamGoroutines() string {
	var leaked []string
	for range 100 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		leaked = leaked[:0]
		for _, g := range strings.Split(string(buf), "\n\n") {
			// Match the creator, not the function: a goroutine that has not
			// run yet shows only a compiler-generated wrapper frame.
			if strings.Contains(g, "created by github.com/wakegate/wakegate/upstream.(*Client).Open") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return ""
		}
		time.Sleep(10 * time.Millisecond)
	}
	return strings.Join(leaked, "\n\n")
}
