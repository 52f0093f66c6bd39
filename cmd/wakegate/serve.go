package main

import (
	"context"
	"io"

	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/voiceservice"
)

func serveMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return voiceservice.MainAs(ctx, "wakegate serve", args, stdout, stderr)
}

func configMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("config", "config [--check FILE]", stderr)
	check := fs.String("check", "", "check `FILE` instead of printing the defaults")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *check != "" {
		if _, err := config.Load(*check); err != nil {
			return err
		}
		_, err := io.WriteString(stdout, *check+": ok\n")
		return err
	}
	_, err := io.WriteString(stdout, config.Example)
	return err
}
