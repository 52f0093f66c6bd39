package voiceservice

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wakegate/wakegate/wakeword"
	_ "github.com/wakegate/wakegate/wakeword/nn"       // trained models for --verify-wakeword
	_ "github.com/wakegate/wakegate/wakeword/template" // personal templates for --verify-wakeword
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// flags are the wakegate-server options.
type flags struct {
	listen, data                    string
	tlsCert, tlsKey, clientCA       string
	plaintext, allowInsecureRemote  bool
	tokens                          stringList
	tokensFile                      string
	expectSpeech                    time.Duration
	expectSpeechTurns               int
	retention                       time.Duration
	endpointSilence, maxInteraction time.Duration
	verbose                         bool
	verify                          stringList
}

func newFlagSet(name string, f *flags, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:7443", "address to listen on")
	fs.StringVar(&f.data, "data", "/var/lib/wakegate-server", "directory for interaction records (<id>.wav + <id>.json)")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate (PEM)")
	fs.StringVar(&f.tlsKey, "tls-key", "", "TLS private key (PEM)")
	fs.StringVar(&f.clientCA, "client-ca", "", "require client certificates signed by these CAs (PEM)")
	fs.BoolVar(&f.plaintext, "plaintext", false, "serve without TLS (loopback only unless --allow-insecure-remote)")
	fs.BoolVar(&f.allowInsecureRemote, "allow-insecure-remote", false, "allow --plaintext on a non-loopback address")
	fs.Var(&f.tokens, "token", "accepted device token (repeatable)")
	fs.StringVar(&f.tokensFile, "tokens-file", "", "file of accepted device tokens, one per line (# comments)")
	fs.DurationVar(&f.expectSpeech, "expect-speech", 8*time.Second, "follow-up window offered after an interaction")
	fs.IntVar(&f.expectSpeechTurns, "expect-speech-turns", 1, "consecutive follow-up turns offered (0 = never)")
	fs.DurationVar(&f.retention, "retention", 720*time.Hour, "delete interactions older than this (0 = keep)")
	fs.DurationVar(&f.endpointSilence, "endpoint-silence", DefaultEndpointSilence, "silence after speech that ends an utterance")
	fs.DurationVar(&f.maxInteraction, "max-interaction", DefaultMaxInteraction, "longest interaction")
	fs.BoolVar(&f.verbose, "v", false, "debug logging")
	fs.Var(&f.verify, "verify-wakeword", "check each wake-word stream's wake word again with this wake-word `FILE` (repeatable); a false wake gets StopCapture(FALSE_WAKE)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [flags]                  serve devices (the default)\n       %s list [--data DIR]        list stored interactions\n       %s delete [--data DIR] ID   delete one\n\nflags:\n", name, name, name)
		fs.PrintDefaults()
	}
	return fs
}

// Main runs the wakegate-server command line: serve (the default), list or
// delete. args excludes the program name. It serves until ctx ends (the
// caller maps SIGINT/SIGTERM onto ctx) and logs to stderr with slog.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return MainAs(ctx, "wakegate-server", args, stdout, stderr)
}

// MainAs is Main for a command line whose usage names the command name,
// e.g. "wakegate serve".
func MainAs(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	var f flags
	fs := newFlagSet(name, &f, stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	cmd := "serve"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
		// Flags may also follow the subcommand.
		if err := fs.Parse(rest); err != nil {
			return err
		}
		rest = fs.Args()
	}
	switch cmd {
	case "serve":
		if len(rest) != 0 {
			return fmt.Errorf("wakegate-server: serve takes no arguments, got %q", rest)
		}
		return serveMain(ctx, &f, stderr)
	case "list":
		if len(rest) != 0 {
			return fmt.Errorf("wakegate-server: list takes no arguments, got %q", rest)
		}
		return listMain(f.data, stdout)
	case "delete":
		if len(rest) == 0 {
			return errors.New("wakegate-server: delete needs at least one interaction ID")
		}
		for _, id := range rest {
			if err := DeleteDir(f.data, id); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "deleted %s\n", id)
		}
		return nil
	}
	fs.Usage()
	return fmt.Errorf("wakegate-server: unknown command %q", cmd)
}

func listMain(dir string, stdout io.Writer) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("wakegate-server: list: %w", err)
	}
	recs, err := ListDir(dir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTARTED\tDEVICE\tTRIGGER\tWAKE WORD\tSECONDS\tEND\tSTOP")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\n", r.ID, r.Started.Local().Format(time.DateTime), r.DeviceID, r.Trigger,
			dash(r.WakeWord), float64(r.NumSamples)/SampleRate, dash(r.EndReason), dash(r.StopReason))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readTokens reads one token per line; blank lines and # comments are
// skipped.
func readTokens(path string) ([]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wakegate-server: tokens file: %w", err)
	}
	defer fh.Close()
	var toks []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		toks = append(toks, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wakegate-server: tokens file: %w", err)
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("wakegate-server: tokens file %s holds no tokens", path)
	}
	return toks, nil
}

func serveMain(ctx context.Context, f *flags, stderr io.Writer) error {
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	tokens := append([]string(nil), f.tokens...)
	if f.tokensFile != "" {
		t, err := readTokens(f.tokensFile)
		if err != nil {
			return err
		}
		tokens = append(tokens, t...)
	}
	var opts ServeOptions
	switch {
	case f.plaintext && (f.tlsCert != "" || f.tlsKey != "" || f.clientCA != ""):
		return errors.New("wakegate-server: --plaintext conflicts with --tls-cert/--tls-key/--client-ca")
	case f.plaintext:
	case f.tlsCert == "" || f.tlsKey == "":
		return errors.New("wakegate-server: need --tls-cert and --tls-key, or --plaintext (loopback only)")
	default:
		creds, err := ServerCredentials(f.tlsCert, f.tlsKey, f.clientCA)
		if err != nil {
			return err
		}
		opts.Creds, opts.ClientAuth = creds, f.clientCA != ""
	}
	opts.AllowInsecureRemote = f.allowInsecureRemote
	turns := f.expectSpeechTurns
	if f.expectSpeech <= 0 {
		turns = 0
	}
	var verifier Verifier
	if len(f.verify) > 0 {
		v, err := WakeWordVerifier(f.verify, wakeword.Options{})
		if err != nil {
			return err
		}
		verifier = v
	}
	svc, err := New(Config{
		Verifier:            verifier,
		DataDir:             f.data,
		Tokens:              tokens,
		EndpointSilence:     f.endpointSilence,
		MaxInteraction:      f.maxInteraction,
		ExpectSpeechTimeout: f.expectSpeech,
		ExpectSpeechTurns:   turns,
		Retention:           f.retention,
		Logger:              log,
	})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("wakegate-server: %w", err)
	}
	return svc.Serve(ctx, lis, opts)
}
