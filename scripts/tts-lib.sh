# Shared by scripts/tts-corpus.sh, scripts/calib-corpus.sh,
# scripts/neg-corpus.sh and scripts/world-corpus.sh (sourced, not run): the
# TTS tools, the voices, the synthesis of one job-list line, and the runner
# of a job list.

# tts_need NAME: installs espeak-ng, flite, festival with its kal voice
# and sox with apt-get when any is missing and we are root; otherwise
# names what is missing and exits.
tts_need() {
  local need=()
  command -v espeak-ng >/dev/null || need+=(espeak-ng)
  command -v flite >/dev/null || need+=(flite)
  command -v text2wave >/dev/null || need+=(festival festvox-kallpc16k)
  command -v sox >/dev/null || need+=(sox)
  tts_install "$1" "${need[@]}"
}

# tts_install NAME PACKAGE...: installs the Debian packages with apt-get
# when we are root; otherwise names them and exits. No packages: nothing.
tts_install() {
  local name=$1
  shift
  [ $# -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "$name: missing $*; run as root to install them" >&2
    exit 1
  fi
  echo "$name: installing $*" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# tts_nonfree NAME [WHAT]: makes apt see Debian's contrib and non-free
# sections, where WHAT is (default: the MBROLA program and voices; SVOX
# Pico's voices are in non-free too), when apt's sources do not name
# both: as root on Debian it adds TTS_APT/sources.list.d/wakegate-mbrola.sources
# (TTS_APT: default /etc/apt) for the release /etc/os-release names, and
# says so; otherwise it says what to enable and exits.
tts_nonfree() {
  local apt=${TTS_APT:-/etc/apt} osr=${TTS_OS_RELEASE:-/etc/os-release} f what=${2:-the MBROLA voices}
  f=$(cat "$apt/sources.list" "$apt"/sources.list.d/*.list "$apt"/sources.list.d/*.sources 2>/dev/null || true)
  if grep -Eq '(^|[[:space:]])contrib([[:space:]]|$)' <<<"$f" && grep -Eq '(^|[[:space:]])non-free([[:space:]]|$)' <<<"$f"; then
    return 0
  fi
  local id codename
  id=$(. "$osr" 2>/dev/null && echo "${ID:-}")
  codename=$(. "$osr" 2>/dev/null && echo "${VERSION_CODENAME:-}")
  if [ "$(id -u)" != 0 ] || [ "$id" != debian ] || [ -z "$codename" ]; then
    echo "$1: $what are in Debian's contrib and non-free sections, which apt's sources do not name; enable them (as root, on Debian)" >&2
    exit 1
  fi
  echo "$1: adding Debian's contrib and non-free sections for $codename ($what) as $apt/sources.list.d/wakegate-mbrola.sources" >&2
  mkdir -p "$apt/sources.list.d"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: contrib non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$codename" >"$apt/sources.list.d/wakegate-mbrola.sources"
}

# espeak-ng English voices and variants (a subset of espeak-ng-data/voices/!v
# that sounds like speech, not robots), and flite's voices.
evoices=(en en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029)
evariants=("" m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 croak whisper klatt klatt2 klatt3
  Andy Annie Alicia Andrea Denis Gene Hugo Lee Mario Michael Mike Storm aunty belinda
  benjamin caleb david ed edward grandma grandpa iven john linda max michel norbert
  paul quincy rob robert shelby steph travis victor zac)
fvoices=(kal kal16 awb rms slt)

# tts_ratio N: N hundredths as a decimal (80 -> 0.80, 127 -> 1.27), for
# the stretch factors the job lists draw as whole hundredths. (Printing
# "0.N" instead turned 100-130 into 0.100-0.130: speech eight to ten
# times too fast, in most of flite's and festival's clips until
# 2026-12-04.)
tts_ratio() {
  printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# tts_rel: the awk function rel(p), which gives the path p relative to the
# folder TTS_JOBDIR (in the environment: the corpus folder that holds
# jobs.tsv) and leaves other paths as they are. Job lists compare and
# record their files this way, so that a corpus moved or copied to another
# folder is still known to be made. (Read from the environment, not
# awk -v, which would take a backslash in the path for an escape.)
tts_rel='function rel(p,  d) {
  d = ENVIRON["TTS_JOBDIR"] "/"
  if (index(p, d) != 1) return p
  p = substr(p, length(d) + 1)
  sub(/^\/+/, "", p)
  return p
}'

# tts_stale NEW OLD: deletes the files of the job list NEW whose line
# differs from the job list OLD (a corpus made by an older version of a
# script), so that synthesis makes them again instead of keeping them
# as finished. Says how many, if any. Files are compared by their path
# relative to OLD's folder.
tts_stale() {
  [ -f "$2" ] || return 0
  local n=0 f
  while IFS= read -r f; do
    if [ -e "$f" ]; then rm -f "$f"; n=$((n + 1)); fi
  done < <(TTS_JOBDIR=$(dirname "$2") awk -F'\t' -v OFS='\t' "$tts_rel"'
    NR == FNR {$1 = rel($1); old[$0] = 1; next}
    {f = $1; $1 = rel($1); if (!($0 in old)) print f}' "$2" "$1")
  if [ "$n" -gt 0 ]; then echo "tts: files whose job lines changed: $n; making them again" >&2; fi
  return 0
}

# tts_record NEW OLD: makes the job list OLD (a corpus's jobs.tsv) the list
# NEW plus the lines of OLD whose file NEW does not name, with each file's
# path relative to OLD's folder. A run that asks
# for fewer voices (bench/train-models.sh alexa leaves out the Pico and
# RHVoice clips only computer's recipe uses) must not forget how their
# files were made, or tts_stale takes them for new on the next run that
# asks for them and makes thousands of clips again.
tts_record() {
  local old=$2
  [ -f "$old" ] || old=/dev/null
  TTS_JOBDIR=$(dirname "$2") awk -F'\t' -v OFS='\t' "$tts_rel"'
    {$1 = rel($1)}
    FILENAME == ARGV[1] {print; seen[$1] = 1; next}
    !($1 in seen)' "$1" "$old" >"$2.new" && mv "$2.new" "$2"
}

# tts_synth LINE: synthesizes one job-list line (FILE TOOL VOICE A B TEXT,
# tab-separated; A and B are speed and pitch for espeak, duration stretch
# and pitch mean for flite, duration stretch for festival, speed and pitch
# in percent for pico and rhvoice) into FILE as
# 16 kHz mono s16, peak at -3 dBFS, with TTS_PAD seconds of silence on
# each side (default none). A finished FILE is kept. Exported for xargs.
tts_synth() {
  local file tool voice a b text tmp
  IFS=$'\t' read -r file tool voice a b text <<<"$1"
  [ -s "$file" ] && return 0
  tmp="$file.tmp.wav"
  case $tool in
    espeak) espeak-ng -v "$voice" -s "$a" -p "$b" -w "$tmp" "$text" 2>/dev/null ;;
    flite) flite -voice "$voice" --setf duration_stretch="$a" --setf int_f0_target_mean="$b" -t "$text" -o "$tmp" ;;
    festival) printf '%s\n' "$text" | text2wave -eval "(voice_$voice)" -eval "(Parameter.set 'Duration_Stretch $a)" -o "$tmp" ;;
    pico) pico2wave -l "$voice" -w "$tmp" "<speed level='$a'><pitch level='$b'>$text</pitch></speed>" ;;
    rhvoice) printf '%s\n' "$text" | RHVoice-test -p "$voice" -r "$a" -t "$b" -o "$tmp" ;;
  esac
  local pad=()
  [ -n "${TTS_PAD:-}" ] && pad=(pad "$TTS_PAD" "$TTS_PAD")
  sox -R -q "$tmp" -r 16000 -c 1 -b 16 "$file" norm -3 "${pad[@]}" && rm -f "$tmp" || return 1
}
export -f tts_synth

# run_jobs NAME P JOBLIST FUNC: runs the exported function FUNC on each line
# of JOBLIST whose file (the first tab-separated field) is not made yet, P
# at a time, and says on stderr how many there are and, every twentieth of
# them, how far it is and how long the rest should take: a fresh machine
# makes thousands of clips, for half an hour or more, and silence would
# look like a hang. Fails (after the other jobs) when any job failed.
run_jobs() {
  local name=$1 p=$2 list=$3 fn=$4 todo n line rc=0
  local - # set -o pipefail below ends with the function
  set -o pipefail
  todo=$(mktemp)
  while IFS= read -r line; do
    [ -s "${line%%$'\t'*}" ] || printf '%s\n' "$line"
  done <"$list" >"$todo"
  n=$(wc -l <"$todo")
  if [ "$n" -gt 0 ]; then
    echo "$name: making $n of $(wc -l <"$list") files, $p at a time" >&2
  fi
  # Each finished job prints a line (the job's own output goes to stderr);
  # the count reads them.
  tr '\n' '\0' <"$todo" | xargs -0 -r -P "$p" -I{} bash -c "$fn"' "$1" >&2 && echo' _ {} |
    run_jobs_progress "$name" "$n" || rc=1
  rm -f "$todo"
  return $rc
}

# run_jobs_progress NAME N: counts the lines on stdin, one per finished
# job of N, and reports every twentieth of N (and the last) on stderr
# with the time taken and an estimate of the time left.
run_jobs_progress() {
  local k=0 n=$2 step start=$SECONDS el
  step=$((n / 20 > 0 ? n / 20 : 1))
  while IFS= read -r _; do
    k=$((k + 1))
    if ((k % step == 0 || k == n)); then
      el=$((SECONDS - start))
      printf '%s: %d of %d made (%d %%), %dm%02ds, about %dm%02ds left\n' "$1" "$k" "$n" $((100 * k / n)) \
        $((el / 60)) $((el % 60)) $((el * (n - k) / k / 60)) $((el * (n - k) / k % 60)) >&2
    fi
  done
}
