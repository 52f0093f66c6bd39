package upstream

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// Config says how to reach the voice service and how to authenticate.
type Config struct {
	// Addr is the service's "host:port".
	Addr string
	// DeviceID names this device in every Start and event.
	DeviceID string
	// Token is the per-device secret, sent with every call as metadata
	// "authorization: Bearer <token>". Empty sends none.
	Token string

	// CAFile is a PEM bundle that verifies the service's certificate; empty
	// uses the system roots.
	CAFile string
	// CertFile and KeyFile are an optional PEM client certificate and key
	// (both or neither), for services that require client certificates.
	CertFile, KeyFile string
	// ServerName overrides the name checked in the service's certificate
	// (default: the host part of Addr).
	ServerName string

	// Plaintext disables TLS. It is refused unless Addr is a loopback address
	// or AllowInsecureRemote is set, because audio and the token would cross
	// the network in the clear.
	Plaintext bool
	// AllowInsecureRemote permits Plaintext to a non-loopback address.
	AllowInsecureRemote bool

	// QueueChunks bounds each stream's send queue, in chunks (default
	// DefaultQueueChunks). The queue never grows beyond it (P6).
	QueueChunks int
}

// DefaultQueueChunks is the default send queue bound: 50 chunks of the
// usual 20 ms are one second of audio, enough to ride out a short network
// stall without holding more than the current interaction's audio.
const DefaultQueueChunks = 50

// Connection backoff: the gRPC default grows to 120 s, which would keep a
// device unable to reach a restarted service for two minutes; 5 s bounds
// that while still not hammering a service that is down.
const (
	backoffBase = 250 * time.Millisecond
	backoffMax  = 5 * time.Second
	// minConnectTimeout bounds one connection attempt when the caller's
	// context has no earlier deadline.
	minConnectTimeout = 5 * time.Second
)

func (cfg *Config) validate() error {
	if cfg.Addr == "" {
		return errors.New("upstream: config: Addr is empty")
	}
	if cfg.DeviceID == "" {
		return errors.New("upstream: config: DeviceID is empty")
	}
	if cfg.QueueChunks < 0 {
		return fmt.Errorf("upstream: config: QueueChunks %d is negative", cfg.QueueChunks)
	}
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		return errors.New("upstream: config: CertFile and KeyFile must be given together")
	}
	if cfg.Plaintext {
		if cfg.CAFile != "" || cfg.CertFile != "" {
			return errors.New("upstream: config: Plaintext conflicts with CAFile/CertFile")
		}
		if !cfg.AllowInsecureRemote && !isLoopback(cfg.Addr) {
			return fmt.Errorf("upstream: config: refusing plaintext to non-loopback address %q: audio and token would travel unencrypted; use TLS or set AllowInsecureRemote", cfg.Addr)
		}
	}
	return nil
}

// isLoopback reports whether addr ("host:port", or a unix socket target)
// stays on this machine. Host names other than "localhost" count as remote,
// since resolving them could lead anywhere.
func isLoopback(addr string) bool {
	if strings.HasPrefix(addr, "unix:") || strings.HasPrefix(addr, "unix-abstract:") {
		return true
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// dialOptions turns cfg into gRPC dial options.
func (cfg *Config) dialOptions() ([]grpc.DialOption, error) {
	opts := []grpc.DialOption{
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: backoff.Config{
				BaseDelay:  backoffBase,
				Multiplier: backoff.DefaultConfig.Multiplier,
				Jitter:     backoff.DefaultConfig.Jitter,
				MaxDelay:   backoffMax,
			},
			MinConnectTimeout: minConnectTimeout,
		}),
	}
	if cfg.Plaintext {
		opts = append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	} else {
		tc, err := cfg.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, grpc.WithTransportCredentials(credentials.NewTLS(tc)))
	}
	if cfg.Token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: cfg.Token, secure: !cfg.Plaintext}))
	}
	return opts, nil
}

func (cfg *Config) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.ServerName}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("upstream: config: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("upstream: config: CA file %s: no PEM certificates", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	if cfg.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("upstream: config: client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// bearer sends the device token with every call.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

// RequireTransportSecurity is false for plaintext, which Config.validate has
// already restricted to loopback or an explicit opt-in.
func (b bearer) RequireTransportSecurity() bool { return b.secure }
