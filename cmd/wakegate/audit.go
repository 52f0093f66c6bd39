package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/wakegate/wakegate/agent"
)

func init() {
	extraCommands = append(extraCommands, command{"audit", "show what the device sent and when (the metadata-only audit log)", auditMain})
}

// auditEntry is one line of the audit log, as run writes it.
type auditEntry struct {
	Time time.Time `json:"time"`
	agent.StreamRecord
}

func auditMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit", "audit [--config FILE] [--file AUDIT.jsonl] [--json]", stderr)
	configPath := fs.String("config", "", "configuration `FILE` naming the audit log (default "+defaultConfigHint+")")
	file := fs.String("file", "", "audit log `FILE` (default: the config's audit.file)")
	asJSON := fs.Bool("json", false, "print the entries as JSON lines, unchanged")
	if err := parse(fs, args); err != nil {
		return err
	}
	path := *file
	if path == "" {
		cfg, err := loadConfig(*configPath)
		if err != nil {
			return err
		}
		if path = cfg.Audit.File; path == "" {
			return fmt.Errorf("%w: no audit log: set [audit] file in the configuration, or pass --file", errUsage)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintln(tw, "when\ttrigger\tword\tlength\tbytes\tended\t")
	}
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		var e auditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return fmt.Errorf("audit: %s:%d: not an audit entry: %v", path, line, err)
		}
		n++
		if *asJSON {
			fmt.Fprintln(stdout, sc.Text())
			continue
		}
		length := time.Duration(e.EndSample-e.StartSample) * time.Second / agent.SampleRate
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%d\t%s\t\n", e.Time.Local().Format("2006-01-02 15:04:05"), e.Trigger, dash(e.WakeWord),
			length.Round(10*time.Millisecond), e.Bytes, e.EndReason)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("audit: %s: %w", path, err)
	}
	if !*asJSON {
		tw.Flush()
		fmt.Fprintf(stdout, "%d streams; the device keeps no audio, only these lines\n", n)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
