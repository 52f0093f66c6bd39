#!/usr/bin/env bash
# Runs the ARM builds' `replay --json` on fixtures under qemu user mode and
# checks that each egress ledger is byte-for-byte the one the native (amd64)
# build prints. The ledger carries the gate's decisions and the bytes that
# left the device, so any difference in the DSP or the wake-word scores that
# changes what is sent shows up here.
#
# It apt-installs qemu-user and the target C libraries (libc6-arm64-cross,
# libc6-armhf-cross) when missing (as root; otherwise it prints the apt-get
# command), and builds the binaries from the working tree: bin/wakegate
# (native) and bin/wakegate-linux-ARCH (scripts/cross-build.sh).
#
# Usage: scripts/qemu-replay-test.sh [FIXTURE.wav ...]   (default: every
# testdata/fixtures/*.wav; qemu takes about a second per fixture)
# Environment:
#   ARCHES      targets to check, default "arm64"; "arm64 armv7" adds 32-bit
#   GO, BIN     as for cross-build.sh
#   SKIP_BUILD  1: use the binaries in $BIN as they are
#   KEEP        a directory to keep the ledgers in
#   FLOAT_ULPS  accept floats (wake scores) that differ by at most this many
#               units in the last place; default 0: byte for byte. See
#               docs/pi.md, "Cross builds and floating point", for why arm64
#               scores differ in the last bits.
# Exit status: 0 all equal, 1 a ledger differs or a run failed, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
BIN=${BIN:-bin}
WAKEWORD=testdata/computer.wgt
read -r -a arches <<<"${ARCHES:-arm64}"
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(testdata/fixtures/*.wav)
for f in "${fixtures[@]}"; do
  [ -f "$f" ] || { echo "qemu-replay-test: no fixture $f" >&2; exit 2; }
done

# target → qemu binary, sysroot (-L), the sysroot's dynamic loader, package.
declare -A qemu=([arm64]=qemu-aarch64 [armv7]=qemu-arm)
declare -A sysroot=([arm64]=/usr/aarch64-linux-gnu [armv7]=/usr/arm-linux-gnueabihf)
declare -A loader=([arm64]=lib/ld-linux-aarch64.so.1 [armv7]=lib/ld-linux-armhf.so.3)
declare -A libc=([arm64]=libc6-arm64-cross [armv7]=libc6-armhf-cross)

need=()
for a in "${arches[@]}"; do
  [ -n "${qemu[$a]:-}" ] || { echo "qemu-replay-test: unknown arch $a (want arm64 or armv7)" >&2; exit 2; }
  command -v "${qemu[$a]}" >/dev/null 2>&1 || need+=(qemu-user)
  [ -e "${sysroot[$a]}/${loader[$a]}" ] || need+=("${libc[$a]}")
done
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
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
  BIN="$BIN" GO="$GO" scripts/cross-build.sh "${arches[@]}"
fi

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT

# Stream ids are DEVICE-RUNNONCE-SEQ, and the run nonce is the wall-clock
# second the agent started (agent/agent.go), so it differs between any two
# runs on any machine. It is masked, and nothing else, before comparing.
mask() { sed -E -i 's/("id":"[^"]*-)[0-9]+(-[0-9]+")/\1RUN\2/g' "$@"; }

# compare NATIVE OTHER: prints every differing value with its JSON path and,
# for floats, the distance in units in the last place; succeeds only if
# every difference is a float within FLOAT_ULPS.
compare() {
  python3 - "$1" "$2" "${FLOAT_ULPS:-0}" <<'PY'
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
            print("     %s: amd64 %r, other %r (diff %.3g, %d ulp)" % (path, x, y, y - x, n))
            if n > tol:
                bad.append(path)
        else:
            print("     %s: amd64 %s, other %s" % (path, json.dumps(x), json.dumps(y)))
            bad.append(path)
walk(a, b, "")
sys.exit(1 if bad else 0)
PY
}

fail=0
for f in "${fixtures[@]}"; do
  name=$(basename "$f" .wav)
  native="$out/$name.amd64.json"
  if ! "$BIN/wakegate" replay --json --wakeword "$WAKEWORD" "$f" >"$native" 2>"$out/$name.amd64.err"; then
    echo "FAIL $name: native replay failed:" >&2; cat "$out/$name.amd64.err" >&2; fail=1; continue
  fi
  mask "$native"
  for a in "${arches[@]}"; do
    other="$out/$name.$a.json"
    start=$(date +%s)
    if ! "${qemu[$a]}" -L "${sysroot[$a]}" "$BIN/wakegate-linux-$a" replay --json --wakeword "$WAKEWORD" "$f" \
        >"$other" 2>"$out/$name.$a.err"; then
      echo "FAIL $name $a: replay under ${qemu[$a]} failed:" >&2; cat "$out/$name.$a.err" >&2; fail=1; continue
    fi
    secs=$(( $(date +%s) - start ))
    mask "$other"
    if cmp -s "$native" "$other"; then
      echo "ok   $name $a ($(wc -c <"$native") bytes, qemu ${secs}s)"
    elif ! command -v python3 >/dev/null 2>&1; then
      echo "FAIL $name $a: the ledger differs from amd64's"
      diff -u "$native" "$other" || true
      fail=1
    elif compare "$native" "$other"; then
      echo "ok   $name $a (floats within ${FLOAT_ULPS:-0} ulp, above)"
    else
      echo "FAIL $name $a: the ledger differs from amd64's (above)"
      fail=1
    fi
  done
done
exit $fail
