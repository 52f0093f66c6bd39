// Package voiceservicetest starts the real reference voice service on a
// loopback port for tests, in the manner of periph's *test companions: not a
// fake, the service itself, with its life tied to the test.
package voiceservicetest

import (
	"context"
	"net"
	"testing"

	"github.com/wakegate/wakegate/voiceservice"
)

// Start serves a voice service with cfg (DataDir defaults to a temporary
// directory) on 127.0.0.1 in plaintext and stops it when the test ends. It
// returns the service and its address.
func Start(t testing.TB, cfg voiceservice.Config) (*voiceservice.Service, string) {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	svc, err := voiceservice.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- svc.Serve(ctx, lis, voiceservice.ServeOptions{}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("voice service: %v", err)
		}
	})
	return svc, lis.Addr().String()
}
