package voiceservice

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// ServerCredentials loads the service's TLS certificate and key (PEM). With
// clientCAFile, clients must present a certificate signed by one of its CAs.
func ServerCredentials(certFile, keyFile, clientCAFile string) (credentials.TransportCredentials, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("voiceservice: TLS certificate: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCAFile != "" {
		pem, err := os.ReadFile(clientCAFile)
		if err != nil {
			return nil, fmt.Errorf("voiceservice: client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("voiceservice: client CA %s: no PEM certificates", clientCAFile)
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return credentials.NewTLS(tc), nil
}

// ServeOptions says how Serve exposes the service.
type ServeOptions struct {
	// Creds are the transport credentials (see ServerCredentials); nil means
	// plaintext, which is refused on a non-loopback listener unless
	// AllowInsecureRemote is set.
	Creds credentials.TransportCredentials
	// ClientAuth says that Creds require client certificates; it lets a
	// service without Tokens listen beyond loopback.
	ClientAuth bool
	// AllowInsecureRemote permits plaintext on a non-loopback listener.
	AllowInsecureRemote bool
	// GracePeriod bounds the graceful stop after ctx ends (default 5 s);
	// streams still open then are cut.
	GracePeriod time.Duration
}

// defaultGrace is long enough for an interaction's last chunks and End to
// arrive, short enough for a systemd stop timeout.
const defaultGrace = 5 * time.Second

// pruneEvery is how often Serve applies the retention; retention periods
// are days, so an hour late is harmless.
const pruneEvery = time.Hour

// isLoopbackAddr reports whether a listener address only accepts local
// connections.
func isLoopbackAddr(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}

// CheckExposure enforces the safety rules for a listener: plaintext and
// token-less service only on loopback, unless explicitly allowed.
func (s *Service) CheckExposure(addr net.Addr, opts ServeOptions) error {
	if isLoopbackAddr(addr) {
		return nil
	}
	if opts.Creds == nil && !opts.AllowInsecureRemote {
		return fmt.Errorf("voiceservice: refusing plaintext on non-loopback address %s: audio and tokens would travel unencrypted; configure TLS or allow insecure remote explicitly", addr)
	}
	if len(s.tokens) == 0 && !opts.ClientAuth {
		return fmt.Errorf("voiceservice: refusing to serve on non-loopback address %s without device tokens or client certificates", addr)
	}
	return nil
}

// Serve runs the service on lis until ctx ends, then stops gracefully. It
// applies the retention hourly. It returns nil after a clean stop.
func (s *Service) Serve(ctx context.Context, lis net.Listener, opts ServeOptions) error {
	if err := s.CheckExposure(lis.Addr(), opts); err != nil {
		lis.Close()
		return err
	}
	sopts := s.ServerOptions()
	if opts.Creds != nil {
		sopts = append(sopts, grpc.Creds(opts.Creds))
	}
	gs := grpc.NewServer(sopts...)
	s.Register(gs)
	grace := opts.GracePeriod
	if grace <= 0 {
		grace = defaultGrace
	}

	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(pruneEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				if _, err := s.Prune(); err != nil {
					s.log.Error("voiceservice: prune", "err", err)
				}
			case <-ctx.Done():
				s.log.Info("voiceservice: stopping", "cause", context.Cause(ctx))
				t := time.AfterFunc(grace, gs.Stop)
				gs.GracefulStop()
				t.Stop()
				return
			case <-done:
				return
			}
		}
	}()
	s.log.Info("voiceservice: serving", "addr", lis.Addr().String(), "tls", opts.Creds != nil, "tokens", len(s.tokens))
	err := gs.Serve(lis)
	close(done)
	<-stopped
	if err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("voiceservice: serve: %w", err)
	}
	return nil
}
