// Command wakegate is the Wakegate device agent and its tools: it runs the
// capture loop and the privacy gate (run), replays WAV files through the
// real pipeline and prints what left the device (replay), enrolls personal
// wake words (enroll), runs the reference voice service (serve) and prints
// the default configuration (config).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// allCommands lists every command; built on use because other files add
// theirs in init functions that may run after this file's.
func allCommands() []command {
	commands := []command{
		{"run", "run the device agent (microphone, WAV file or stdin)", runMain},
		{"demo", "replay a demo scene through the agent and a local voice service, in real time", demoMain},
		{"replay", "replay a WAV file through the real pipeline and print the egress ledger", replayMain},
		{"enroll", "make a personal wake-word template from 3 or more recordings", enrollMain},
		{"serve", "run the reference voice service", serveMain},
		{"config", "print the default configuration file, with every key explained", configMain},
	}
	return append(commands, extraCommands...)
}

// extraCommands are added by files whose packages are optional (hardware).
var extraCommands []command

// errUsage marks errors caused by the command line (exit status 2).
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprint(w, `wakegate: a privacy-first voice front end. Nothing leaves the device until the
wake word is heard or the button is pressed.

Usage: wakegate <command> [flags]

Commands:
`)
	for _, c := range allCommands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'wakegate <command> --help' for a command's flags.\n")
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return nil
	}
	for _, c := range allCommands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "wakegate:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "wakegate:", err)
		os.Exit(1)
	}
}

// newFlags returns a flag set that reports errors instead of exiting and
// prints a header before the flags on --help.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: wakegate %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args and wraps flag errors as usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return fmt.Sprint(*l) }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }
