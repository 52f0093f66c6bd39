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
#                     and more real voices from packages the bench does
#                     not use, unpacked (not installed) from their .debs
#                     under OUT/.debs:
#                       klettres-data: letters and syllables spoken in 20
#                         languages (KDE KLettres; adults and children),
#                       kajongg: mahjong calls, four English and four
#                         German voices,
#                       asterisk-prompt-fr-armelle, asterisk-prompt-es-co:
#                         two more telephone speakers (8 kHz GSM),
#                       freedroidrpg-data: robot and character voices
#                         (processed, game-like),
#                       warzone2100-data: radio messages and taunts;
#                     short clips of one voice are joined in groups of
#                     eight with 0.25 s gaps, so a training window holds
#                     a run of words as the bench's game voices do
#   music/*.wav       music on hold (asterisk-moh-opsound-g722) and
#                     freedroidrpg's soundtrack: real instruments, for
#                     --noise
#
# A prompt whose name contains alex/alek/alec/lexa/lexi/comput is
# left out, as the bench does for its negatives. Missing packages (ffmpeg,
# the asterisk sound packages) are installed with apt-get when run as root.
# Finished files are kept, so rerunning only fills gaps.
#
# Environment: NEG_JOBS (default nproc). The .debs are fetched with
# apt-get download, which does not need root.
set -euo pipefail

if [ $# -ne 1 ]; then
  sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'
  exit 2
fi
out=$1
jobs=${NEG_JOBS:-$(nproc)}
. "$(dirname "$0")/tts-lib.sh" # run_jobs
banned='alex|alek|alec|lexa|lexi|comput'
sounds=/usr/share/asterisk/sounds
# One folder per speaker: the packages also install language links to them.
readonly -a voices=(en_US_f_Allison es_MX_f_Allison fr_CA_f_June it_IT_m_Carlo ru_RU_f_IvrvoiceRU)

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
for l in en es fr it ru; do
  dpkg -s "asterisk-core-sounds-$l-g722" >/dev/null 2>&1 || need+=("asterisk-core-sounds-$l-g722")
done
dpkg -s asterisk-moh-opsound-g722 >/dev/null 2>&1 || need+=(asterisk-moh-opsound-g722)
command -v unzip >/dev/null || need+=(unzip)
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

# Packages whose files would clash with the installed asterisk sounds (or
# that nothing else needs) are unpacked, not installed.
debs="$out/.debs"
extra=(klettres-data kajongg asterisk-prompt-fr-armelle asterisk-prompt-es-co freedroidrpg-data warzone2100-data)
mkdir -p "$debs"
for p in "${extra[@]}"; do
  [ -e "$debs/$p/.done" ] && continue
  echo "neg-corpus: fetching $p" >&2
  rm -rf "${debs:?}/$p" && mkdir -p "$debs/$p"
  (cd "$debs/$p" && apt-get download "$p" >/dev/null 2>&1) ||
    { echo "neg-corpus: apt-get download $p failed (run apt-get update?)" >&2; exit 1; }
  dpkg -x "$debs/$p"/*.deb "$debs/$p/root" && rm -f "$debs/$p"/*.deb && touch "$debs/$p/.done"
done
wz=$debs/warzone2100-data/root/usr/share/games/warzone2100
if [ ! -d "$wz/audio" ]; then
  # Only base.wz holds the voices; asking every archive for them made
  # unzip warn about the others, and ignoring its status hid real errors.
  # They go to a scratch folder first: a failed run must not leave a
  # partial audio/ that the next run would take as done.
  rm -rf "$wz/.audio.partial"
  for z in "$wz"/*.wz; do
    members=$(unzip -Z1 "$z") || { echo "neg-corpus: cannot list $z" >&2; exit 1; }
    # Not "voices": that is the asterisk speakers' list, still to come.
    mapfile -t wzvoices < <(grep -E '^audio/(memressp|taunts)/.*[^/]$' <<<"$members")
    [ ${#wzvoices[@]} -gt 0 ] || continue
    unzip -q -o "$z" "${wzvoices[@]}" -d "$wz/.audio.partial" ||
      { echo "neg-corpus: unzip $z failed" >&2; exit 1; }
  done
  [ -d "$wz/.audio.partial/audio" ] || { echo "neg-corpus: no voices found in $wz/*.wz" >&2; exit 1; }
  mv "$wz/.audio.partial/audio" "$wz/audio" && rmdir "$wz/.audio.partial"
fi

# sorted_files DIR PATTERN: the files, banned names left out, in a fixed order.
sorted_files() { find "$1" -type f -name "$2" | grep -viE "$banned" | LC_ALL=C sort; }

# join_groups OUTDIR FILE...: one concat job per eight files, in a
# shuffled but fixed order (seeded by the folder name).
join_groups() {
  local dir=$1; shift
  local i=0 group=()
  while read -r f; do
    group+=("$f")
    if [ ${#group[@]} -eq 8 ]; then
      printf '%s\tcat\t%s\n' "$dir/$(printf %03d $i).wav" "$(IFS='|'; echo "${group[*]}")"
      group=(); i=$((i + 1))
    fi
  done < <(printf '%s\n' "$@" | shuf --random-source=<(yes "$dir"))
  [ ${#group[@]} -eq 0 ] || printf '%s\tcat\t%s\n' "$dir/$(printf %03d $i).wav" "$(IFS='|'; echo "${group[*]}")"
}

# Real speech and music: one job per G.722 file.
for v in "${voices[@]}"; do
  [ -d "$sounds/$v" ] || { echo "neg-corpus: $sounds/$v missing" >&2; exit 1; }
  (cd "$sounds/$v" && find . -name '*.g722' | sort) | { grep -viE "$banned" || true; } | while read -r f; do
    f=${f#./}
    printf '%s\tg722\t%s\n' "$out/real/$v/${f%.g722}.wav" "$sounds/$v/$f"
  done
done >"$jobsfile"
# Every speaker must give prompts: without them the corpus silently lacks
# 2,831 of its 4,036 real-speech files. (Until 2026-12-05 the Warzone
# step above reused the name of the readonly array, emptying it on a
# fresh machine's first run.)
for v in "${voices[@]}"; do
  grep -qF -- "$out/real/$v/" "$jobsfile" || { echo "neg-corpus: no prompts listed for $v in $sounds/$v" >&2; exit 1; }
done
find /usr/share/asterisk/moh -name '*.g722' | sort | while read -r f; do
  printf '%s\tg722\t%s\n' "$out/music/$(basename "${f%.g722}").wav" "$f"
done >>"$jobsfile"

{
  kl=$debs/klettres-data/root/usr/share/klettres
  for lang in $(cd "$kl" && LC_ALL=C ls); do
    [ -d "$kl/$lang/alpha" ] || continue
    mapfile -t fs < <(sorted_files "$kl/$lang" '*.ogg')
    join_groups "$out/real/klettres_$lang" "${fs[@]}"
  done
  kv=$debs/kajongg/root/usr/share/kajongg/voices
  for v in female1 female2 male1 male2 de/female1 de/female2 de/male1 de/male2; do
    mapfile -t fs < <(sorted_files "$kv/$v" '*.ogg')
    join_groups "$out/real/kajongg_${v//\//_}" "${fs[@]}"
  done
  for p in fr-armelle:fr es-co:es; do
    root=$debs/asterisk-prompt-${p%%:*}/root/usr/share/asterisk/sounds/${p#*:}
    sorted_files "$root" '*.gsm' | while read -r f; do
      rel=${f#"$root"/}
      printf '%s\tgsm\t%s\n' "$out/real/${p%%:*}/${rel%.gsm}.wav" "$f"
    done
  done
  fd=$debs/freedroidrpg-data/root/usr/share/freedroidrpg/data/sound
  for d in effects/bot_sounds/voice_samples effects/tux_ingame_comments; do
    sorted_files "$fd/$d" '*.ogg' | while read -r f; do
      printf '%s\tfile\t%s\n' "$out/real/freedroidrpg/$(basename "${f%.ogg}").wav" "$f"
    done
  done
  sorted_files "$fd/music" '*.ogg' | while read -r f; do
    printf '%s\tfile\t%s\n' "$out/music/freedroidrpg_$(basename "${f%.ogg}").wav" "$f"
  done
  sorted_files "$wz/audio" '*.ogg' | while read -r f; do
    rel=${f#"$wz"/audio/}
    printf '%s\tfile\t%s\n' "$out/real/warzone2100/${rel//\//_}" "$f"
  done | sed 's/\.ogg\t/.wav\t/'
} >>"$jobsfile"

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
    gsm) ffmpeg -nostdin -v error -f gsm -i "$src" -ar 16000 -ac 1 -y "$tmp" ;;
    file) ffmpeg -nostdin -v error -i "$src" -ar 16000 -ac 1 -y "$tmp" ;;
    cat) # join the '|'-separated clips with 0.25 s of silence after each
      local args=() fc='' i=0
      IFS='|' read -ra srcs <<<"$src"
      for s in "${srcs[@]}"; do
        args+=(-i "$s")
        fc+="[$i:a]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono,apad=pad_dur=0.25[a$i];"
        i=$((i + 1))
      done
      for ((j = 0; j < i; j++)); do fc+="[a$j]"; done
      fc+="concat=n=$i:v=0:a=1[out]"
      ffmpeg -nostdin -v error "${args[@]}" -filter_complex "$fc" -map '[out]' -ar 16000 -ac 1 -y "$tmp" ;;
  esac && mv "$tmp" "$file" || rm -f "$tmp"
}
export -f make_one
run_jobs neg-corpus "$jobs" "$jobsfile" make_one
find "$out" -name '*.tmp.wav' -delete
echo "neg-corpus: $(find "$out/real" -name '*.wav' | wc -l) real speech and $(find "$out/music" -name '*.wav' | wc -l) music files in $out"
