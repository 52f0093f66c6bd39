#!/usr/bin/env bash
# Runs the arm64 build's `replay --json` on fixtures under qemu-aarch64 (user
# mode) and checks that each egress ledger is byte-for-byte the one the
# native (amd64) build prints. The ledger carries the gate's decisions and
# the bytes that left the device, so any difference in the DSP or the
# wake-word scores that changes what is sent shows up here.
#
# It apt-installs qemu-user and the arm64 C library (libc6-arm64-cross) when
# missing (as root; otherwise it prints the apt-get command), and builds both
# binaries from the working tree: bin/wakegate (native) and
# bin/wakegate-linux-arm64 (scripts/cross-build.sh).
#
# Usage: scripts/qemu-replay-test.sh [FIXTURE.wav ...]
# Environment: GO, BIN as for cross-build.sh; SKIP_BUILD=1 uses the binaries
# in $BIN as they are; KEEP=DIR keeps the ledgers there; FLOAT_ULPS=N accepts
# floats (wake scores) that differ by at most N units in the last place
# (default 0: byte for byte; see docs/pi.md, "Cross builds", for why arm64
# scores can differ in the last bits).
# Exit status: 0 all equal, 1 a ledger differs or a run failed, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
BIN=${BIN:-bin}
WAKEWORD=testdata/computer.wgt
fixtures=("$@")
if [ ${#fixtures[@]} -eq 0 ]; then
  # One of each kind of scene: a wake word alone and in a sentence, a
  # follow-up, a mute in mid-stream, a button stream, speech without the wake
  # word, noise, and a 44.1 kHz stereo file (resampler and downmix).
  fixtures=(wake_alone wake_in_sentence wake_twice follow_up mute_mid_stream button
            speech_no_wake noise wake_44k_stereo)
  fixtures=("${fixtures[@]/#/testdata/fixtures/}")
  fixtures=("${fixtures[@]/%/.wav}")
fi
for f in "${fixtures[@]}"; do
  [ -f "$f" ] || { echo "qemu-replay-test: no fixture $f" >&2; exit 2; }
done

need=()
command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "qemu-replay-test: missing ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "qemu-replay-test: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
  "$GO" build -trimpath -o "$BIN/wakegate" ./cmd/wakegate
  BIN="$BIN" GO="$GO" scripts/cross-build.sh arm64
fi

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT

fail=0
for f in "${fixtures[@]}"; do
  name=$(basename "$f" .wav)
  native="$out/$name.amd64.json"
  arm="$out/$name.arm64.json"
  if ! "$BIN/wakegate" replay --json --wakeword "$WAKEWORD" "$f" >"$native" 2>"$out/$name.amd64.err"; then
    echo "FAIL $name: native replay failed:" >&2; cat "$out/$name.amd64.err" >&2; fail=1; continue
  fi
  start=$(date +%s)
  if ! qemu-aarch64 -L /usr/aarch64-linux-gnu "$BIN/wakegate-linux-arm64" replay --json --wakeword "$WAKEWORD" "$f" \
      >"$arm" 2>"$out/$name.arm64.err"; then
    echo "FAIL $name: arm64 replay under qemu failed:" >&2; cat "$out/$name.arm64.err" >&2; fail=1; continue
  fi
  secs=$(( $(date +%s) - start ))
  # Stream ids are DEVICE-RUNNONCE-SEQ, and the run nonce is the wall-clock
  # second the agent started (agent.go), so it differs between any two runs
  # on any machine. Mask it, and only it, before comparing.
  sed -E -i 's/("id":"[^"]*-)[0-9]+(-[0-9]+")/\1RUN\2/g' "$native" "$arm"
  if cmp -s "$native" "$arm"; then
    echo "ok   $name ($(wc -c <"$native") bytes, qemu ${secs}s)"
  elif command -v python3 >/dev/null 2>&1; then
    # Print every differing value with its JSON path and, for floats, the
    # distance in units in the last place; pass only if every difference is
    # a float within FLOAT_ULPS (default 0: byte for byte).
    if python3 - "$native" "$arm" "${FLOAT_ULPS:-0}" <<'PY'; then
import json, struct, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
tol = int(sys.argv[3])
bad = []
def ulps(x, y):
    i = lambda v: struct.unpack("<q", struct.pack("<d", v))[0]
    return abs(i(x) - i(y))
def walk(x, y, path):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            walk(x.get(k), y.get(k), path + "." + k)
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (u, v) in enumerate(zip(x, y)):
            walk(u, v, "%s[%d]" % (path, i))
    elif x != y:
        if isinstance(x, float) and isinstance(y, float):
            n = ulps(x, y)
            print("     %s: amd64 %r arm64 %r (diff %.3g, %d ulp)" % (path, x, y, y - x, n))
            if n > tol:
                bad.append(path)
        else:
            print("     %s: amd64 %s arm64 %s" % (path, json.dumps(x), json.dumps(y)))
            bad.append(path)
walk(a, b, "")
sys.exit(1 if bad else 0)
PY
      echo "ok   $name (floats within ${FLOAT_ULPS:-0} ulp, see above)"
    else
      echo "FAIL $name: the arm64 ledger differs from the amd64 one (above)"
      fail=1
    fi
  else
    echo "FAIL $name: the arm64 ledger differs from the amd64 one"
    diff -u "$native" "$arm" || true
    fail=1
  fi
done
exit $fail
