package deploy

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// mdweExecEnv makes the test binary a launcher: it turns on the kernel's
// memory-deny-write-execute for itself (inherited across exec) and execs
// the command in its arguments.
const mdweExecEnv = "WAKEGATE_TEST_MDWE_EXEC"

func TestMain(m *testing.M) {
	if os.Getenv(mdweExecEnv) == "1" {
		if err := unix.Prctl(unix.PR_SET_MDWE, unix.PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0); err != nil {
			os.Stderr.WriteString("mdwe launcher: prctl: " + err.Error() + "\n")
			os.Exit(125)
		}
		args := os.Args[1:]
		err := syscall.Exec(args[0], args, os.Environ())
		os.Stderr.WriteString("mdwe launcher: exec: " + err.Error() + "\n")
		os.Exit(126)
	}
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	builtDir  string // holds the wakegate binary the tests built
	builtBin  string
	buildErr  error
)

// wakegateBinary builds cmd/wakegate once for all the tests that run it.
func wakegateBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		builtDir, buildErr = os.MkdirTemp("", "wakegate-deploy-test-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(builtDir, "wakegate")
		out, err := exec.Command("go", "build", "-o", builtBin, "../cmd/wakegate").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/wakegate: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// workloads are wakegate runs that exercise the cgo parts (malgo playback
// on the null backend, ALSA loaded with dlopen) and the whole pipeline.
var workloads = []struct {
	name string
	args []string
	want string // in the output
}{
	{"playback (malgo, null backend)", []string{"hw-test", "--backend", "null", "--hold", "1ms"}, "tone: end"},
	{"ALSA via dlopen", []string{"devices", "--backend", "alsa"}, "capture:"},
	{"replay pipeline", []string{"replay", "--json", "--wakeword", "../testdata/computer.wgt", "../testdata/fixtures/wake_alone.wav"}, `"trigger":"wakeword"`},
}

// mdweCommand returns a command that runs args under MDWE.
func mdweCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), mdweExecEnv+"=1")
	return cmd
}

// haveLibasound reports whether the dynamic loader knows libasound.so.2.
func haveLibasound() bool {
	out, err := exec.Command("ldconfig", "-p").Output()
	return err == nil && strings.Contains(string(out), "libasound.so.2")
}

// TestMemoryDenyWriteExecute backs the unit's MemoryDenyWriteExecute=yes:
// it runs the real wakegate binary under the kernel's PR_SET_MDWE
// (Linux ≥ 6.3; newer systemd uses it for this setting, older systemd
// a seccomp filter with the same effect on mmap/mprotect) and checks that
// the cgo parts work: malgo playback (hw-test's tones, null backend),
// ALSA loaded with dlopen (devices), and the whole pipeline (replay).
// A control first checks that the kernel really refuses W+X mappings.
func TestMemoryDenyWriteExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/wakegate")
	}
	// Does this kernel have PR_SET_MDWE? Ask in a child, which exits 125 if not.
	probe := mdweCommand(t, "/bin/true")
	if out, err := probe.CombinedOutput(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 125 {
			t.Skipf("kernel without PR_SET_MDWE: %s", strings.TrimSpace(string(out)))
		}
		t.Fatalf("launcher: %v\n%s", err, out)
	}
	// Control: a W+X mapping must fail under MDWE. python3 is the simplest
	// program that asks for one on request.
	if py, err := exec.LookPath("python3"); err == nil {
		out, err := mdweCommand(t, py, "-c", "import mmap; mmap.mmap(-1, 4096, prot=7)").CombinedOutput()
		if err == nil {
			t.Fatalf("a W+X mapping succeeded under MDWE: the check proves nothing\n%s", out)
		}
	}

	bin := wakegateBinary(t)
	for _, tt := range workloads {
		t.Run(tt.name, func(t *testing.T) {
			cmd := mdweCommand(t, append([]string{bin}, tt.args...)...)
			if tt.args[0] == "devices" && !haveLibasound() {
				t.Skip("libasound.so.2 is not installed here")
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %v\n%s", tt.args, err, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("%v: output lacks %q:\n%s", tt.args, tt.want, out)
			}
		})
	}
}
