#!/usr/bin/env bash
# Runs the hot-path Go benchmarks and writes BENCHMARKS.md's measured tables
# (between the BEGIN/END markers) with benchstat summaries. Usage:
#   scripts/bench.sh            # 6 runs per benchmark (benchstat's minimum for a CI)
#   COUNT=10 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-6}
# BenchmarkTemplatePush enrolls espeak-ng's voice and skips without it, and
# a skipped benchmark prints nothing: its row would silently vanish.
[ -n "${FORMAT_ONLY:-}" ] || scripts/install-test-deps.sh
command -v benchstat >/dev/null 2>&1 || PATH=$PATH:$(go env GOPATH)/bin
command -v benchstat >/dev/null 2>&1 || go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
# Raw `go test` output stays in .cache/bench (compare two runs with benchstat).
out=${FORMAT_ONLY:-.cache/bench}
mkdir -p "$out"
pkgs=(./agent/ ./internal/vec/ ./dsp/ ./dsp/resample/ ./wakeword/template/ ./wakeword/nn/ ./wakeword/train/ ./alarm/ ./presence/ ./leds/)
if [ -z "${FORMAT_ONLY:-}" ]; then
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "$load" > "$out/load"
  for p in "${pkgs[@]}"; do
    [ -d "$p" ] || continue
    echo "bench: $p" >&2
    go test -run '^$' -bench . -benchmem -count "$count" "$p" > "$out/$(echo "$p" | tr -d './').txt"
  done
fi
{
  echo "<!-- BEGIN scripts/bench.sh -->"
  echo "Measured $(date -u -r "$out/load" +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load average when the run started: $(cat "$out/load")."
  echo "Command: \`scripts/bench.sh\` (\`go test -run '^\$' -bench . -benchmem -count $count PKG\` per package; median and range over the runs)."
  echo
  python3 scripts/benchtable.py "$out"/*.txt
  echo
  echo "<!-- END scripts/bench.sh -->"
} > "$out/section.md"
scripts/md-section.sh scripts/bench.sh "$out/section.md" BENCHMARKS.md
echo "bench: BENCHMARKS.md updated" >&2
