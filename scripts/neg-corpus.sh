#!/usr/bin/env bash
# Build negative training material and noise that the bench never uses.
#
# usage: scripts/neg-corpus.sh OUT
#
# OUT gets 16 kHz mono s16 WAV files:
#   real/VOICE/*.wav  real human speech: the telephone prompts of Debian's
#                     asterisk-core-sounds-{en,es,fr,it,ru}-g722 packages
#                     (five professional speakers, isolated words, digits,
#                     letters and short sentences, recorded wideband, G.722
#                     decoded with ffmpeg)
#   music/*.wav       music on hold (asterisk-moh-opsound-g722): real
#                     instruments, for --noise
#
# A prompt whose name contains alex/alek/alec/lexa/lexi/comput is
# left out, as the bench does for its negatives. Missing packages (ffmpeg,
# the asterisk sound packages) are installed with apt-get when run as root.
# Finished files are kept, so rerunning only fills gaps.
#
# Environment: NEG_JOBS (default nproc).
set -euo pipefail

if [ $# -ne 1 ]; then
  sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'
  exit 2
fi
out=$1
jobs=${NEG_JOBS:-$(nproc)}
banned='alex|alek|alec|lexa|lexi|comput'
sounds=/usr/share/asterisk/sounds
# One folder per speaker: the packages also install language links to them.
voices=(en_US_f_Allison es_MX_f_Allison fr_CA_f_June it_IT_m_Carlo ru_RU_f_IvrvoiceRU)

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
for l in en es fr it ru; do
  dpkg -s "asterisk-core-sounds-$l-g722" >/dev/null 2>&1 || need+=("asterisk-core-sounds-$l-g722")
done
dpkg -s asterisk-moh-opsound-g722 >/dev/null 2>&1 || need+=(asterisk-moh-opsound-g722)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "neg-corpus: installing ${need[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "neg-corpus: missing ${need[*]}; run as root to install them" >&2
    exit 1
  fi
fi

jobsfile=$(mktemp)
trap 'rm -f "$jobsfile"' EXIT

# Real speech and music: one job per G.722 file.
for v in "${voices[@]}"; do
  [ -d "$sounds/$v" ] || { echo "neg-corpus: $sounds/$v missing" >&2; exit 1; }
  (cd "$sounds/$v" && find . -name '*.g722' | sort) | grep -viE "$banned" | while read -r f; do
    f=${f#./}
    printf '%s\tg722\t%s\n' "$out/real/$v/${f%.g722}.wav" "$sounds/$v/$f"
  done
done >"$jobsfile"
find /usr/share/asterisk/moh -name '*.g722' | sort | while read -r f; do
  printf '%s\tg722\t%s\n' "$out/music/$(basename "${f%.g722}").wav" "$f"
done >>"$jobsfile"

mkdir -p "$out"
cp "$jobsfile" "$out/jobs.tsv"

make_one() { # one job-list line
  IFS=$'\t' read -r file tool src <<<"$1"
  [ -s "$file" ] && return 0
  mkdir -p "$(dirname "$file")"
  tmp="$file.tmp.wav"
  # No level or rate conversion here: training sets every clip's level
  # itself and resamples what is not 16 kHz (audio.Load), and one process
  # per file is what this costs.
  case $tool in
    g722) ffmpeg -nostdin -v error -f g722 -i "$src" -ar 16000 -ac 1 -y "$tmp" ;;
  esac && mv "$tmp" "$file" || rm -f "$tmp"
}
export -f make_one
n=$(wc -l <"$jobsfile")
echo "neg-corpus: $n files to make in $out (existing ones are kept)" >&2
tr '\n' '\0' <"$jobsfile" | xargs -0 -P "$jobs" -I{} bash -c 'make_one "$1"' _ {}
find "$out" -name '*.tmp.wav' -delete
echo "neg-corpus: $(find "$out/real" -name '*.wav' | wc -l) real speech and $(find "$out/music" -name '*.wav' | wc -l) music files in $out"
