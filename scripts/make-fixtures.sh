#!/usr/bin/env bash
# Generate the replay fixtures (testdata/fixtures) and enrollment examples
# (testdata/enroll) with espeak-ng and a seeded noise generator.
#
#   scripts/make-fixtures.sh          # (re)write the files under testdata/
#   scripts/make-fixtures.sh --check  # regenerate into a temp dir and compare
#                                     # byte for byte with testdata/; exit 1
#                                     # naming each file that differs, is
#                                     # missing, is extra or is not committed
#
# The output depends on the espeak-ng version (1.51 made the committed files).
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v espeak-ng >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y espeak-ng || { apt-get update && apt-get install -y espeak-ng; }
  else
    echo "make-fixtures: espeak-ng is missing; run: sudo apt-get install -y espeak-ng" >&2
    exit 1
  fi
fi
echo "make-fixtures: $(espeak-ng --version)" >&2

if [ "$check" -eq 0 ]; then
  exec go run ./cmd/wakegate-fixtures -out testdata
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go run ./cmd/wakegate-fixtures -out "$tmp"
status=0
for dir in fixtures enroll; do
  # diff -rq names every file that differs or exists on one side only.
  if ! out="$(diff -rq "testdata/$dir" "$tmp/$dir" 2>&1)"; then
    echo "${out//$tmp/<regenerated>}" >&2
    status=1
  fi
done
# The files compared above are the working tree's; they must also be the
# committed ones.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if dirty="$(git status --porcelain -- testdata/fixtures testdata/enroll)" && [ -n "$dirty" ]; then
    echo "make-fixtures: --check: not committed:" >&2
    echo "$dirty" >&2
    status=1
  fi
fi
if [ "$status" -eq 0 ]; then
  echo "make-fixtures: --check: testdata/fixtures and testdata/enroll reproduced byte for byte" >&2
else
  echo "make-fixtures: --check: FAILED, the files above differ (regenerate with scripts/make-fixtures.sh)" >&2
fi
exit "$status"
