package voiceservice

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/wakegate/wakegate/upstream"
)

// testPKI writes a self-signed CA, a server certificate for 127.0.0.1 and
// localhost, and a client certificate, all signed by the CA, into dir.
type testPKI struct {
	ca, serverCert, serverKey, clientCert, clientKey string
	otherCA                                          string // an unrelated CA
}

func newTestPKI(t *testing.T, dir string) testPKI {
	t.Helper()
	var serial int64
	writePEM := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	issue := func(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, signer *ecdsa.PrivateKey) *x509.Certificate {
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore = time.Now().Add(-time.Hour)
		tmpl.NotAfter = time.Now().Add(time.Hour)
		if parent == nil {
			parent = tmpl
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	keyDER := func(k *ecdsa.PrivateKey) []byte {
		b, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var p testPKI
	caKey := newKey()
	ca := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "wakegate test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}, nil, &caKey.PublicKey, caKey)
	p.ca = writePEM("ca.pem", "CERTIFICATE", ca.Raw)

	sk := newKey()
	sc := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "voice service"}, DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ca, &sk.PublicKey, caKey)
	p.serverCert = writePEM("server.pem", "CERTIFICATE", sc.Raw)
	p.serverKey = writePEM("server-key.pem", "EC PRIVATE KEY", keyDER(sk))

	ck := newKey()
	cc := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "kitchen"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca, &ck.PublicKey, caKey)
	p.clientCert = writePEM("client.pem", "CERTIFICATE", cc.Raw)
	p.clientKey = writePEM("client-key.pem", "EC PRIVATE KEY", keyDER(ck))

	ok := newKey()
	other := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "other CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil, &ok.PublicKey, ok)
	p.otherCA = writePEM("other-ca.pem", "CERTIFICATE", other.Raw)
	return p
}

func TestTLS(t *testing.T) {
	p := newTestPKI(t, t.TempDir())
	creds, err := ServerCredentials(p.serverCert, p.serverKey, p.ca)
	if err != nil {
		t.Fatal(err)
	}
	svc, addr := startService(t, Config{Tokens: []string{"tok"}}, ServeOptions{Creds: creds, ClientAuth: true})
	_, port, _ := net.SplitHostPort(addr)
	tests := []struct {
		name string
		cfg  upstream.Config
		ok   bool
		msg  string // in the error
	}{
		{"CA and client cert", upstream.Config{Addr: addr, CAFile: p.ca, CertFile: p.clientCert, KeyFile: p.clientKey}, true, ""},
		{"by name", upstream.Config{Addr: "localhost:" + port, CAFile: p.ca, CertFile: p.clientCert, KeyFile: p.clientKey}, true, ""},
		{"no client cert", upstream.Config{Addr: addr, CAFile: p.ca}, false, ""},
		{"wrong CA", upstream.Config{Addr: addr, CAFile: p.otherCA, CertFile: p.clientCert, KeyFile: p.clientKey}, false, "certificate"},
		{"system roots", upstream.Config{Addr: addr, CertFile: p.clientCert, KeyFile: p.clientKey}, false, "certificate"},
		{"wrong server name", upstream.Config{Addr: addr, CAFile: p.ca, CertFile: p.clientCert, KeyFile: p.clientKey, ServerName: "evil.example"}, false, "certificate"},
		{"plaintext to TLS", upstream.Config{Addr: addr, Plaintext: true}, false, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Token = "tok"
			c := dial(t, tt.cfg)
			audio := make([]int16, 3200)
			for j := range audio {
				audio[j] = int16(j)
			}
			res, _, err := converse(t, c, upstream.Start{InteractionID: "tls" + string(rune('a'+i)), Trigger: upstream.TriggerButton}, audio, 320, upstream.EndEndpoint)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				if res.BytesSent != 6400 {
					t.Errorf("sent %d bytes", res.BytesSent)
				}
				return
			}
			if err == nil {
				t.Fatal("connected")
			}
			t.Log(err)
			if status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want Unavailable mentioning %q", err, tt.msg)
			}
		})
	}
	if n := len(svc.Records()); n != 2 {
		t.Errorf("service recorded %d interactions, want 2", n)
	}
	if _, err := ServerCredentials(p.serverCert, p.serverKey, p.serverKey); err == nil {
		t.Error("ServerCredentials accepted a key as client CA")
	}
	if _, err := ServerCredentials(p.serverCert, p.clientKey, ""); err == nil {
		t.Error("ServerCredentials accepted a mismatched key")
	}
}

func TestCheckExposure(t *testing.T) {
	creds, err := ServerCredentials(newTestPKI(t, t.TempDir()).serverCert, filepath.Join(t.TempDir(), "x"), "")
	if err == nil || creds != nil {
		t.Fatal("missing key accepted")
	}
	p := newTestPKI(t, t.TempDir())
	creds, err = ServerCredentials(p.serverCert, p.serverKey, "")
	if err != nil {
		t.Fatal(err)
	}
	withTokens, err := New(Config{Tokens: []string{"t"}, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	noTokens, err := New(Config{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7443}
	remote := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 7443}
	any := &net.TCPAddr{IP: net.IPv4zero, Port: 7443}
	tests := []struct {
		name string
		svc  *Service
		addr net.Addr
		opts ServeOptions
		want string // "" = allowed
	}{
		{"plaintext loopback, no tokens", noTokens, loop, ServeOptions{}, ""},
		{"plaintext remote", withTokens, remote, ServeOptions{}, "refusing plaintext"},
		{"plaintext wildcard", withTokens, any, ServeOptions{}, "refusing plaintext"},
		{"plaintext remote allowed", withTokens, remote, ServeOptions{AllowInsecureRemote: true}, ""},
		{"TLS remote with tokens", withTokens, remote, ServeOptions{Creds: creds}, ""},
		{"TLS remote without tokens", noTokens, remote, ServeOptions{Creds: creds}, "without device tokens"},
		{"TLS remote client certs", noTokens, remote, ServeOptions{Creds: creds, ClientAuth: true}, ""},
		{"insecure remote without tokens", noTokens, remote, ServeOptions{AllowInsecureRemote: true}, "without device tokens"},
	}
	for _, tt := range tests {
		err := tt.svc.CheckExposure(tt.addr, tt.opts)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's log goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestMain runs the command line: serve, an interaction, graceful stop,
// list and delete.
func TestMainCommand(t *testing.T) {
	dir := t.TempDir()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // Main listens itself; the port is free again
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("# devices\nkitchen-token\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Main(ctx, []string{"--listen", addr, "--plaintext", "--data", data, "--tokens-file", tokens, "--token", "hall-token", "--expect-speech", "3s"}, &logs, &logs)
	}()
	c := dial(t, upstream.Config{Addr: addr, Plaintext: true, Token: "kitchen-token"})
	var res upstream.Result
	deadline := time.Now().Add(5 * time.Second)
	for {
		// The server may not listen yet: retry until it does.
		res, _, err = converse(t, c, upstream.Start{InteractionID: "cli-1", Trigger: upstream.TriggerButton}, make([]int16, 1600), 320, upstream.EndEndpoint)
		if err == nil || status.Code(err) != codes.Unavailable || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.ExpectSpeech != 3*time.Second {
		t.Errorf("ExpectSpeech = %v, want 3s from --expect-speech", res.ExpectSpeech)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Main: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Main did not stop after cancel")
	}
	if !strings.Contains(logs.String(), `"id":"cli-1"`) {
		t.Errorf("log lacks the interaction: %s", logs.String())
	}

	var out bytes.Buffer
	if err := Main(context.Background(), []string{"list", "--data", data}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "cli-1") || !strings.Contains(out.String(), "button") {
		t.Errorf("list output:\n%s", out.String())
	}
	out.Reset()
	if err := Main(context.Background(), []string{"--data", data, "delete", "cli-1"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(data, "*")); len(left) != 0 {
		t.Errorf("after delete: %v", left)
	}
	if err := Main(context.Background(), []string{"delete", "--data", data, "cli-1"}, &out, &out); err == nil {
		t.Error("deleting a missing interaction succeeded")
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:0", "--plaintext", "--data", data, "--token", "x"}, "refusing plaintext"},
		{[]string{"--listen", "127.0.0.1:0", "--data", data}, "need --tls-cert"},
		{[]string{"--plaintext", "--tls-cert", "c", "--data", data}, "conflicts"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"list", "extra"}, "no arguments"},
		{[]string{"list", "--data", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"delete", "--data", data, "../etc"}, "invalid interaction id"},
	} {
		err := Main(context.Background(), tt.args, &out, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Main(%q) = %v, want %q", tt.args, err, tt.want)
		}
	}
}
