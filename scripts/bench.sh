#!/usr/bin/env bash
# Runs the hot-path Go benchmarks and writes BENCHMARKS.md's measured tables
# (between the BEGIN/END markers) with benchstat summaries. Usage:
#   scripts/bench.sh            # 6 runs per benchmark (benchstat's minimum for a CI)
#   COUNT=10 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-6}
command -v benchstat >/dev/null 2>&1 || PATH=$PATH:$(go env GOPATH)/bin
command -v benchstat >/dev/null 2>&1 || go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
out=$(mktemp -d)
pkgs=(./dsp/ ./dsp/resample/ ./wakeword/template/ ./wakeword/nn/ ./agent/ ./alarm/ ./presence/ ./leds/)
for p in "${pkgs[@]}"; do
  [ -d "$p" ] || continue
  name=$(echo "$p" | tr -d './' )
  echo "bench: $p" >&2
  go test -run '^$' -bench . -benchmem -count "$count" "$p" > "$out/$name.txt"
done
{
  echo "<!-- BEGIN scripts/bench.sh -->"
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Command: \`scripts/bench.sh\` (COUNT=$count: \`go test -run '^\$' -bench . -benchmem -count $count PKG\`, summarised by benchstat)."
  echo
  for f in "$out"/*.txt; do
    echo "### $(basename "$f" .txt)"
    echo
    echo '```'
    benchstat "$f" | grep -v '^goos\|^goarch\|^cpu' 
    echo '```'
    echo
  done
  echo "<!-- END scripts/bench.sh -->"
} > "$out/section.md"
if [ -f BENCHMARKS.md ] && grep -q 'BEGIN scripts/bench.sh' BENCHMARKS.md; then
  python3 - "$out/section.md" <<'PY'
import sys,re
sec=open(sys.argv[1]).read()
doc=open('BENCHMARKS.md').read()
doc=re.sub(r'<!-- BEGIN scripts/bench.sh -->.*<!-- END scripts/bench.sh -->\n?', sec, doc, flags=re.S)
open('BENCHMARKS.md','w').write(doc)
PY
else
  cat "$out/section.md" >> BENCHMARKS.md
fi
echo "bench: BENCHMARKS.md updated" >&2
