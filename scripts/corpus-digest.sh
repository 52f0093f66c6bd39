#!/usr/bin/env bash
# Fingerprint the audio folders a model is trained from, so that two
# machines' corpora can be compared without copying them.
#
# usage: scripts/corpus-digest.sh DIR...
#
# Prints one line per DIR: the first 16 hex digits of the SHA-256 of the
# sorted "sha256  relative path" list of its .wav and .flac files, the file
# count, and DIR. Equal lines mean byte-identical folders; where they
# differ, `sha256sum` over that folder's files on both machines names the
# files. Training is deterministic for a corpus and a seed, so a model that
# `make models` does not reproduce is traced to a folder here
# (models/README.md).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: scripts/corpus-digest.sh DIR..." >&2; exit 2; }
for dir in "$@"; do
  [ -d "$dir" ] || { echo "corpus-digest: $dir is not a folder" >&2; exit 1; }
  list=$(cd "$dir" && find . -type f \( -name '*.wav' -o -name '*.flac' \) -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
  n=$(grep -c . <<<"$list" || true)
  printf '%s  %6d  %s\n' "$(sha256sum <<<"$list" | cut -c1-16)" "$n" "$dir"
done
