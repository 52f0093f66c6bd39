#!/usr/bin/env bash
# Train the shipped wake-word models from scratch.
#
# usage: bench/train-models.sh [alexa|computer]...   (default: both)
#
#   models/alexa.wgm     real "alexa" recordings of the development split
#                        (CORPUS/dev/pos/alexa/dev, built by the bench kit
#                        from ../shared/data) counted twice, plus synthesized
#                        "alexa" (scripts/tts-corpus.sh)
#   models/computer.wgm  synthesized "computer" only
# Negatives for both: synthesized near misses and phrases (tts-corpus.sh),
# the other word's synthesized positives, and the real other-phrase recordings CORPUS/dev/neg/keywords. The bench's
# negative speech (neg/speech/dev) and its noise files are never used for
# training: they stay evaluation material.
#
# Environment: CORPUS (default /work/corpus), WAKEGATE (a command with the
# train subcommand; default: bin/wakegate, built here), STEPS_ALEXA (4000),
# STEPS_COMPUTER (2500), CHANNELS_ALEXA / CHANNELS_COMPUTER (network width, 32), SEED (1). The corpora are built when missing
# (../shared/bench/corpus/build-dev.sh and scripts/tts-corpus.sh, which
# apt-get install their tools when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-/work/corpus}
SEED=${SEED:-1}
if [ -z "${WAKEGATE:-}" ]; then
  mkdir -p bin
  go build -o bin/wakegate ./cmd/wakegate
  WAKEGATE=bin/wakegate
fi
words=("$@")
[ ${#words[@]} -gt 0 ] || words=(alexa computer)

[ -d "$CORPUS/dev/pos/alexa/dev" ] || ../shared/bench/corpus/build-dev.sh "$CORPUS/dev"
[ -d "$CORPUS/tts/neg" ] || scripts/tts-corpus.sh "$CORPUS/tts" alexa computer

for w in "${words[@]}"; do
  case $w in
    alexa)
      # The real recordings are listed twice so that a batch draws them
      # about as often as the more numerous synthesized ones.
      $WAKEGATE train --word alexa --seed "$SEED" --steps "${STEPS_ALEXA:-4000}" --channels "${CHANNELS_ALEXA:-32}" \
        --pos "$CORPUS/dev/pos/alexa/dev" --pos "$CORPUS/dev/pos/alexa/dev" --pos "$CORPUS/tts/pos/alexa" \
        --neg "$CORPUS/tts/neg" --neg "$CORPUS/dev/neg/keywords" --neg "$CORPUS/tts/pos/computer" \
        --out models/alexa.wgm ;;
    computer)
      $WAKEGATE train --word computer --seed "$SEED" --steps "${STEPS_COMPUTER:-2500}" --channels "${CHANNELS_COMPUTER:-32}" \
        --pos "$CORPUS/tts/pos/computer" \
        --neg "$CORPUS/tts/neg" --neg "$CORPUS/dev/neg/keywords" --neg "$CORPUS/tts/pos/alexa" \
        --out models/computer.wgm ;;
    *) echo "train-models: unknown word $w" >&2; exit 2 ;;
  esac
done
