package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// syscallSets expands systemd syscall groups ("@system-service") with
// systemd-analyze, recursively.
type syscallSets struct {
	t     *testing.T
	tool  string
	cache map[string]map[string]bool
}

func (s *syscallSets) expand(name string) map[string]bool {
	if !strings.HasPrefix(name, "@") {
		return map[string]bool{name: true}
	}
	if set, ok := s.cache[name]; ok {
		return set
	}
	out, err := exec.Command(s.tool, "syscall-filter", name).Output()
	if err != nil {
		s.t.Fatalf("systemd-analyze syscall-filter %s: %v", name, err)
	}
	set := map[string]bool{}
	lines := strings.Split(string(out), "\n")
	for _, line := range lines[1:] { // the first line repeats the group's name
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for k := range s.expand(line) {
			set[k] = true
		}
	}
	if len(set) == 0 {
		s.t.Fatalf("systemd-analyze knows no syscall group %s", name)
	}
	s.cache[name] = set
	return set
}

// allowed applies the unit's SystemCallFilter= lines as systemd does when
// the first one is an allow list: later "~" lines remove, later plain
// lines add back.
func (s *syscallSets) allowed(filters []string) map[string]bool {
	if len(filters) == 0 || strings.HasPrefix(filters[0], "~") {
		s.t.Fatalf("SystemCallFilter %q: this check expects an allow list first", filters)
	}
	set := map[string]bool{}
	for _, f := range filters {
		deny := strings.HasPrefix(f, "~")
		for _, name := range strings.Fields(strings.TrimPrefix(f, "~")) {
			for k := range s.expand(name) {
				if deny {
					delete(set, k)
				} else {
					set[k] = true
				}
			}
		}
	}
	return set
}

var straceCall = regexp.MustCompile(`(?m)^\d+\s+([a-z0-9_]+)\(`)

// TestSyscallFilter runs the real binary under strace on the workloads and
// checks that the unit's SystemCallFilter allows every system call it
// made (on this architecture; arm64's names differ slightly, e.g. no
// open(2), but @system-service covers both).
func TestSyscallFilter(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/wakegate")
	}
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not on PATH")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not on PATH")
	}
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	sets := &syscallSets{t: t, tool: tool, cache: map[string]map[string]bool{}}
	allowed := sets.allowed(unitSettings(t, string(b))["Service.SystemCallFilter"])
	bin := wakegateBinary(t)
	for _, w := range workloads {
		t.Run(w.name, func(t *testing.T) {
			if w.args[0] == "devices" && !haveLibasound() {
				t.Skip("libasound.so.2 is not installed here")
			}
			trace := filepath.Join(t.TempDir(), "trace")
			args := append([]string{"-f", "-qq", "-o", trace, bin}, w.args...)
			out, err := exec.Command(strace, args...).CombinedOutput()
			if err != nil {
				if strings.Contains(string(out), "ptrace") {
					t.Skipf("strace cannot trace here: %s", out)
				}
				t.Fatalf("%v: %v\n%s", w.args, err, out)
			}
			if !strings.Contains(string(out), w.want) {
				t.Fatalf("%v: output lacks %q:\n%s", w.args, w.want, out)
			}
			tr, err := os.ReadFile(trace)
			if err != nil {
				t.Fatal(err)
			}
			var denied []string
			seen := map[string]bool{}
			for _, m := range straceCall.FindAllStringSubmatch(string(tr), -1) {
				name := m[1]
				if !seen[name] && !allowed[name] {
					denied = append(denied, name)
				}
				seen[name] = true
			}
			if len(seen) < 10 {
				t.Fatalf("only %d distinct syscalls parsed from the trace: the parser is broken", len(seen))
			}
			slices.Sort(denied)
			if len(denied) > 0 {
				t.Errorf("the unit's SystemCallFilter would refuse (EPERM) %v, used by %v", denied, w.args)
			}
		})
	}
}
