// The wakegate-server binary is Wakegate's reference voice service: it
// receives interactions from devices over gRPC, stores them as WAV + JSON,
// and lists or deletes them. See package voiceservice.
//
//	wakegate-server [flags]               serve (127.0.0.1:7443 by default)
//	wakegate-server list [--data DIR]     list stored interactions
//	wakegate-server delete [--data DIR] ID
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/wakegate/wakegate/voiceservice"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := voiceservice.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage was printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
