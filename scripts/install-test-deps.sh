#!/usr/bin/env bash
# Installs what `make test` needs beyond Go and a C compiler: espeak-ng, so
# that the fixture-reproducibility test regenerates the committed WAVs
# instead of skipping. Safe to run repeatedly; does nothing when present.
set -euo pipefail
need=()
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y "${need[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }
echo "install-test-deps: installed ${need[*]}" >&2
