// Command wgtool runs `train` and `detect` of wakeword/train without the
// full agent, for the bench scripts while cmd/wakegate is being wired.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/wakegate/wakegate/wakeword/train"
)

func main() {
	var err error
	switch os.Args[1] {
	case "train":
		err = train.Main(context.Background(), os.Args[2:], os.Stdout, os.Stderr)
	case "detect":
		err = train.DetectMain(context.Background(), os.Args[2:], os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
