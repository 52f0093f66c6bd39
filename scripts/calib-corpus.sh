#!/usr/bin/env bash
# Synthesize hours of speech for `wakegate calibrate`: audio that must never
# wake the device, never used to train a model, long enough to count a
# false-alarm rate of 3 in 24 hours instead of extrapolating it.
#
# usage: scripts/calib-corpus.sh OUT
#
# OUT gets 16 kHz mono s16 WAV files of about 320 words each (2.2 min on
# average; 300 files make 10.9 h), one voice
# per file, reading running prose: the doc comments of the Go standard
# library (GOROOT/src), a text neither the bench's negative speech
# (fortunes, licences) nor the training negatives (words of the Go
# specification, real recordings) read. Voices as in scripts/tts-corpus.sh:
# espeak-ng English voices and variants (seven files in ten), flite
# (kal, kal16, awb, rms, slt; two in ten) and festival (kal_diphone), each
# at a random speed and pitch, peak-normalised to -3 dBFS as the bench's
# negative speech is. Sentences with alex/alek/alec/lexa/lexi/comput are
# left out. jobs.tsv lists each file (relative to OUT) with its voice and
# text.
#
# Missing packages (espeak-ng, flite, festival, festvox-kallpc16k, sox) are
# installed with apt-get when run as root. Choices are seeded (CALIB_SEED,
# default 1): the same Go and package versions give the same files.
# Finished files are kept, so rerunning only fills gaps.
#
# Environment: CALIB_SEED, CALIB_FILES (default 300), CALIB_JOBS (default nproc).
set -euo pipefail

if [ $# -ne 1 ]; then
  sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'
  exit 2
fi
out=$1
seed=${CALIB_SEED:-1}
files=${CALIB_FILES:-300}
jobs=${CALIB_JOBS:-$(nproc)}
[[ $files =~ ^[1-9][0-9]*$ ]] || { echo "calib-corpus: CALIB_FILES=$files is not a positive whole number" >&2; exit 2; }

. "$(dirname "$0")/tts-lib.sh"
tts_need calib-corpus
mkdir -p "$out"
jobsfile=$(mktemp)
sentences=$(mktemp)
trap 'rm -f "$jobsfile" "$sentences"' EXIT

# Sentences of the standard library's comments: comment lines joined into
# paragraphs, split at full stops; lines that look like code, URLs or
# directives are dropped, and so is anything too short to be prose.
goroot=$(go env GOROOT)
find "$goroot/src" -name '*.go' ! -name '*_test.go' ! -path '*/testdata/*' ! -path '*/vendor/*' | sort |
  xargs awk '
    /^[ \t]*\/\/[ \t]/ && !/\/\/(go:|line |\+build)/ {
      s = $0; sub(/^[ \t]*\/\/[ \t]*/, "", s)
      if (s ~ /[{}();=<>\[\]|\\_*`#@$]|:\/\/|^[ \t]*$/) { if (p != "") print p; p = ""; next }
      p = p " " s; next
    }
    { if (p != "") print p; p = "" }
    END { if (p != "") print p }' |
  sed 's/\([.!?]\) \([A-Z]\)/\1\n\2/g' | sed 's/^ *//; s/ *$//' |
  awk 'NF >= 5 && NF <= 40 && /^[A-Z][a-z]/ && /[.!?]$/' |
  grep -viE 'alex|alek|alec|lexa|lexi|comput' | sort -u >"$sentences"
n=$(wc -l <"$sentences")
[ "$n" -gt 1000 ] || { echo "calib-corpus: only $n sentences of prose in $goroot/src" >&2; exit 1; }

# 320 words (two minutes at 160 words a minute; the voices average
# faster), drawn as whole sentences in a seeded order.
RANDOM=$seed
mapfile -t all <"$sentences"
for i in $(seq 1 "$files"); do
  text="" words=0
  while [ "$words" -lt 320 ]; do
    s=${all[(RANDOM * 32768 + RANDOM) % n]}
    text="$text $s"
    words=$((words + $(wc -w <<<"$s")))
  done
  f=$(printf '%s/calib_%04d.wav' "$out" "$i")
  case $((RANDOM % 10)) in
    0)
      s=$((80 + RANDOM % 51))
      printf '%s\tfestival\tkal_diphone\t%s\t0\t%s\n' "$f" "$(tts_ratio "$s")" "$text" ;;
    1 | 2)
      fv=${fvoices[RANDOM % ${#fvoices[@]}]} s=$((80 + RANDOM % 51)) p=$((80 + RANDOM % 121))
      printf '%s\tflite\t%s\t%s\t%s\t%s\n' "$f" "$fv" "$(tts_ratio "$s")" "$p" "$text" ;;
    *)
      v=${evoices[RANDOM % ${#evoices[@]}]}
      var=${evariants[RANDOM % ${#evariants[@]}]}
      [ -n "$var" ] && v="$v+$var"
      printf '%s\tespeak\t%s\t%s\t%s\t%s\n' "$f" "$v" $((120 + RANDOM % 91)) $((20 + RANDOM % 61)) "$text" ;;
  esac
done >"$jobsfile"
tts_stale "$jobsfile" "$out/jobs.tsv"
tts_record "$jobsfile" "$out/jobs.tsv"

run_jobs calib-corpus "$jobs" "$jobsfile" tts_synth
find "$out" -name '*.tmp.wav' -delete
h=$(find "$out" -name 'calib_*.wav' -print0 | xargs -0 soxi -D | awk '{s += $1} END {printf "%.2f", s / 3600}')
echo "calib-corpus: $(find "$out" -name 'calib_*.wav' | wc -l) files, $h h in $out" >&2
