#!/usr/bin/env bash
# Cross-builds wakegate for the Raspberry Pi with cgo (malgo/miniaudio):
#   bin/wakegate-linux-arm64   (Pi 3/4/5, Zero 2 W on a 64-bit OS)
#   bin/wakegate-linux-armv7   (32-bit Raspberry Pi OS on Pi 2/3/4, Zero 2 W)
# using Debian's cross compilers and C library headers, which it apt-installs
# when missing (as root; otherwise it prints the apt-get command). The Pi
# then needs only libasound2 (miniaudio loads ALSA at run time, so no -dev
# package is needed here).
#
# Usage: scripts/cross-build.sh [arm64] [armv7]   (default: both)
# Environment: GO (default go), BIN (default bin), GOFLAGS as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
BIN=${BIN:-bin}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(arm64 armv7)

# target → Go arch, extra env, C compiler, Debian package.
declare -A goarch=([arm64]=arm64 [armv7]=arm)
declare -A cc=([arm64]=aarch64-linux-gnu-gcc [armv7]=arm-linux-gnueabihf-gcc)
declare -A pkg=([arm64]=gcc-aarch64-linux-gnu [armv7]=gcc-arm-linux-gnueabihf)
# The C library headers: the gcc packages only recommend them, and cgo
# needs them (stdlib.h).
declare -A libcdev=([arm64]=libc6-dev-arm64-cross [armv7]=libc6-dev-armhf-cross)
declare -A sysroot=([arm64]=/usr/aarch64-linux-gnu [armv7]=/usr/arm-linux-gnueabihf)

need=()
for t in "${targets[@]}"; do
  [ -n "${goarch[$t]:-}" ] || { echo "cross-build: unknown target $t (want arm64 or armv7)" >&2; exit 2; }
  command -v "${cc[$t]}" >/dev/null 2>&1 || need+=("${pkg[$t]}")
  [ -e "${sysroot[$t]}/include/stdlib.h" ] || need+=("${libcdev[$t]}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "cross-build: missing ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "cross-build: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi

mkdir -p "$BIN"
for t in "${targets[@]}"; do
  out="$BIN/wakegate-linux-$t"
  echo "cross-build: $out (${cc[$t]})" >&2
  # GOARM=7: ARMv7 with VFPv3 hardware floating point, what armhf Debian
  # targets and every Pi since the Pi 2 runs. It is ignored for arm64.
  env CGO_ENABLED=1 GOOS=linux GOARCH="${goarch[$t]}" GOARM=7 CC="${cc[$t]}" \
    "$GO" build -trimpath -o "$out" ./cmd/wakegate
done
file "${targets[@]/#/$BIN/wakegate-linux-}" 2>/dev/null || true
