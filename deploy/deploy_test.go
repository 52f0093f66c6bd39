package deploy

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const unitFile = "wakegate.service"

// unitSettings parses a unit file into "Section.Key" → values, in order.
func unitSettings(t *testing.T, text string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "", strings.HasPrefix(line, "#"), strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: line %q is not KEY=VALUE", unitFile, line)
			}
			out[section+"."+k] = append(out[section+"."+k], v)
		}
	}
	return out
}

// TestUnitSettings pins the settings the service and the privacy promise
// rely on, so that an edit dropping one fails here rather than on a Pi.
func TestUnitSettings(t *testing.T) {
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	got := unitSettings(t, string(b))
	tests := []struct {
		key  string
		want []string
	}{
		{"Service.Type", []string{"notify"}},
		{"Service.NotifyAccess", []string{"main"}},
		{"Service.WatchdogSec", []string{"10s"}},
		{"Service.Restart", []string{"on-failure"}},
		{"Service.RestartSec", []string{"2s"}},
		{"Service.User", []string{"wakegate"}},
		{"Service.Group", []string{"wakegate"}},
		{"Service.SupplementaryGroups", []string{"audio gpio spi"}},
		{"Service.ExecStart", []string{"/usr/local/bin/wakegate run --config /etc/wakegate/wakegate.toml"}},
		{"Service.ExecReload", []string{"/bin/kill -HUP $MAINPID"}},
		{"Service.StateDirectory", []string{"wakegate"}},
		{"Service.ProtectSystem", []string{"strict"}},
		{"Service.ProtectHome", []string{"yes"}},
		{"Service.PrivateTmp", []string{"yes"}},
		{"Service.NoNewPrivileges", []string{"yes"}},
		{"Service.LockPersonality", []string{"yes"}},
		{"Service.MemoryDenyWriteExecute", []string{"yes"}},
		{"Service.RestrictRealtime", []string{"yes"}},
		{"Service.SystemCallFilter", []string{"@system-service", "~@privileged @resources", "sched_setscheduler"}},
		{"Service.CapabilityBoundingSet", []string{""}},
		{"Service.RestrictAddressFamilies", []string{"AF_UNIX AF_INET AF_INET6"}},
		{"Service.DevicePolicy", []string{"closed"}},
		{"Service.DeviceAllow", []string{"char-alsa rw", "char-gpiochip rw", "char-spi rw"}},
		{"Install.WantedBy", []string{"multi-user.target"}},
	}
	for _, tt := range tests {
		if g := got[tt.key]; strings.Join(g, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s = %q, want %q", tt.key, g, tt.want)
		}
	}
}

// verifyCopy writes unit text as NAME.service in a temporary directory,
// with ExecStart pointing at an executable that exists here, and returns
// what `systemd-analyze verify` printed about it and its exit error.
//
// verify fails on an ExecStart binary that is not installed, and
// /usr/local/bin/wakegate is not installed on a build machine. The copy
// points ExecStart at this test binary instead (verify only checks that the
// path is an executable file; it never runs it); everything else is
// verified exactly as shipped.
func verifyCopy(t *testing.T, name, unit string) (report []string, err error) {
	t.Helper()
	tool, lookErr := exec.LookPath("systemd-analyze")
	if lookErr != nil {
		t.Skip("systemd-analyze not on PATH")
	}
	exe, e := os.Executable()
	if e != nil {
		t.Fatal(e)
	}
	re := regexp.MustCompile(`(?m)^ExecStart=/usr/local/bin/wakegate\b`)
	if !re.MatchString(unit) {
		t.Fatalf("%s: no ExecStart=/usr/local/bin/wakegate line to redirect", name)
	}
	unit = re.ReplaceAllLiteralString(unit, "ExecStart="+exe)
	path := filepath.Join(t.TempDir(), name+".service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, "verify", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	// verify also loads the units ours references (targets) and can print
	// complaints about the host's own units; only lines about ours count.
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		if strings.Contains(line, name+".service") {
			report = append(report, line)
		} else {
			t.Logf("systemd-analyze (not about our unit): %s", line)
		}
	}
	return report, err
}

func TestSystemdAnalyzeVerify(t *testing.T) {
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	report, err := verifyCopy(t, "wakegate", string(b))
	if err != nil {
		t.Errorf("systemd-analyze verify: %v", err)
	}
	for _, line := range report {
		t.Errorf("systemd-analyze verify: %s", line)
	}
}

// TestSystemdAnalyzeVerifyCatches checks that the check above can fail:
// verify reports unknown keys only as warnings (exit status 0), which is
// why the test fails on any line about the unit, not just on the status.
func TestSystemdAnalyzeVerifyCatches(t *testing.T) {
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, from, to string }{
		{"unknown key", "UMask=0077\n", "UMask=0077\nProtectSytem=strict\n"},
		{"bad value", "DevicePolicy=closed", "DevicePolicy=shut"},
		{"bad device spec", "DeviceAllow=char-spi rw", "DeviceAllow=spi rw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unit := strings.Replace(string(b), tt.from, tt.to, 1)
			if unit == string(b) {
				t.Fatalf("%q not found in the unit", tt.from)
			}
			report, err := verifyCopy(t, "broken", unit)
			if err == nil && len(report) == 0 {
				t.Errorf("verify found nothing wrong with %q", tt.to)
			}
		})
	}
}

func TestSysusers(t *testing.T) {
	tool, err := exec.LookPath("systemd-sysusers")
	if err != nil {
		t.Skip("systemd-sysusers not on PATH")
	}
	// --root keeps it away from the host's /etc; --dry-run writes nothing.
	// The file name must be absolute: a relative one is looked up under root.
	file, err := filepath.Abs("wakegate.sysusers")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--root="+t.TempDir(), "--dry-run", file).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-sysusers: %v\n%s", err, out)
	}
	for _, want := range []string{"Creating user 'wakegate'", "Creating group 'gpio'", "Creating group 'spi'", "Creating group 'audio'"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("systemd-sysusers output lacks %q:\n%s", want, out)
		}
	}
}
