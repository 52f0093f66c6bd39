#!/usr/bin/env bash
# Synthesize wake-word training material with Debian's TTS voices.
#
# usage: scripts/tts-corpus.sh OUT WORD [WORD...]
#
# OUT gets 16 kHz mono s16 WAV files:
#   pos/WORD/*.wav   the wake word alone ("alexa", "Alexa!", ...) and at the
#                    start of a short request, from espeak-ng (English
#                    voices x variants such as m1..m7, f1..f5, croak,
#                    whisper, at random speed and pitch), flite (kal, kal16,
#                    awb, rms, slt at random duration stretch and pitch) and
#                    festival (kal_diphone)
#   jobs.tsv         file, tool, voice, speed/stretch, pitch, text of each clip
#   neg/*.wav        speech that must not wake the device: near misses of
#                    every WORD ("alex", "election", "commuter", ...) and
#                    random phrases of words from the Go specification (a
#                    text the bench's negative speech does not read)
#   near/alexa/*.wav when WORD alexa is asked for and TTS_NEAR > 0:
#                    pseudo-words two or three sounds from it, spelled for
#                    twenty espeak-ng languages (scripts/nearmiss-jobs.py:
#                    "galeca", "зулэса", ...); a trial that was not kept
#                    (models/README.md)
#
# Missing packages (espeak-ng, flite, festival, festvox-kallpc16k, sox) are
# installed with apt-get when run as root. Choices are seeded (TTS_SEED,
# default 1), so the same package versions give the same files. Finished
# files are kept: rerunning only fills gaps.
#
# Environment: TTS_SEED, TTS_POS (espeak-ng clips per word, default 600),
# TTS_NEG (random phrases, default 1500), TTS_NEAR (alexa's pseudo-words,
# default 0; bench/train-models.sh asks for 700 with NEAR_ALEXA=1),
# TTS_JOBS (default nproc).
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'
  exit 2
fi
out=$1
shift
words=("$@")
seed=${TTS_SEED:-1}
npos=${TTS_POS:-600}
nneg=${TTS_NEG:-1500}
jobs=${TTS_JOBS:-$(nproc)}

. "$(dirname "$0")/tts-lib.sh"
tts_need tts-corpus

mkdir -p "$out/neg"
jobsfile=$(mktemp)
trap 'rm -f "$jobsfile"' EXIT
RANDOM=$seed

# job FILE TOOL TEXT: one line of the job list, run by tts_synth. Speed,
# pitch and voice are drawn here so the list (not the run order) fixes them.
espeak_job() { # file text
  local v=${evoices[RANDOM % ${#evoices[@]}]}
  local var=${evariants[RANDOM % ${#evariants[@]}]}
  [ -n "$var" ] && v="$v+$var"
  # 120-210 words per minute, pitch 20-80 of 0-99: the range real talkers cover.
  printf '%s\tespeak\t%s\t%s\t%s\t%s\n' "$1" "$v" $((120 + RANDOM % 91)) $((20 + RANDOM % 61)) "$2"
}
flite_job() { # file text
  local v=${fvoices[RANDOM % ${#fvoices[@]}]}
  # duration stretch 0.8-1.3, pitch mean 80-200 Hz.
  local s=$((80 + RANDOM % 51)) p=$((80 + RANDOM % 121))
  printf '%s\tflite\t%s\t%s\t%s\t%s\n' "$1" "$v" "$(tts_ratio "$s")" "$p" "$2"
}
festival_job() { # file text
  local s=$((80 + RANDOM % 51))
  printf '%s\tfestival\tkal_diphone\t%s\t0\t%s\n' "$1" "$(tts_ratio "$s")" "$2"
}

requests=("what time is it" "play some music" "turn off the lights" "what's the weather"
  "set a timer for ten minutes" "stop" "volume up" "tell me a joke")
for w in "${words[@]}"; do
  mkdir -p "$out/pos/$w"
  W="$(tr '[:lower:]' '[:upper:]' <<<"${w:0:1}")${w:1}"
  forms=("$w" "$W." "$W!" "$W?" "$W," "$w.")
  for i in $(seq 1 "$npos"); do
    t=${forms[RANDOM % ${#forms[@]}]}
    # One clip in five continues with a request, as people talk to devices.
    if [ $((RANDOM % 5)) = 0 ]; then t="$W, ${requests[RANDOM % ${#requests[@]}]}"; fi
    espeak_job "$out/pos/$w/espeak_$i.wav" "$t"
  done
  for i in $(seq 1 $((npos / 6))); do
    flite_job "$out/pos/$w/flite_$i.wav" "${forms[RANDOM % ${#forms[@]}]}"
  done
  for i in $(seq 1 $((npos / 20))); do
    festival_job "$out/pos/$w/festival_$i.wav" "${forms[RANDOM % ${#forms[@]}]}"
  done
done >"$jobsfile"

# Near misses: words that share sounds with the wake words.
# Homophones of a wake word ("Alec's a", "come pewter") are left out: a
# synthetic voice says them exactly like the word, so they would only teach
# the network to contradict itself.
confusables=(alex alexis alexander election selection elect electric a lexicon
  lexus texas alaska alexandria "Alessa" "Alyssa" "Elsa"
  "Alexei" "Alexia" "Electra" computer computing compute commuter compete competitor
  "can you" "compost" "composer" "commute" "computation" "campus"
  "commuters" "pewter" "Peter" "amputee" "comfort" "complete"
  "hey there" "okay" "hello" "hey google" "jarvis" "assistant" "listen")
# The negative confusables never contain a wake word itself.
for i in $(seq 1 $((${#confusables[@]} * 12))); do
  c=${confusables[RANDOM % ${#confusables[@]}]}
  skip=0
  for w in "${words[@]}"; do [ "${c,,}" = "${w,,}" ] && skip=1; done
  [ $skip = 1 ] && continue
  if [ $((RANDOM % 4)) = 0 ]; then flite_job "$out/neg/near_$i.wav" "$c"; else espeak_job "$out/neg/near_$i.wav" "$c"; fi
done >>"$jobsfile"

# Random phrases from the words of the Go specification (2-12 words).
mapfile -t vocab < <(sed 's/<[^>]*>/ /g' "$(go env GOROOT)/doc/go_spec.html" | tr -cs 'A-Za-z' '\n' |
  tr '[:upper:]' '[:lower:]' | awk 'length($0) > 1' | grep -viE 'alex|alek|alec|lexa|lexi|comput' | sort -u)
for i in $(seq 1 "$nneg"); do
  n=$((2 + RANDOM % 11))
  p=""
  for _ in $(seq 1 $n); do p="$p ${vocab[RANDOM % ${#vocab[@]}]}"; done
  case $((RANDOM % 8)) in
    0) flite_job "$out/neg/phrase_$i.wav" "$p" ;;
    1) festival_job "$out/neg/phrase_$i.wav" "$p" ;;
    *) espeak_job "$out/neg/phrase_$i.wav" "$p" ;;
  esac
done >>"$jobsfile"

# Pseudo-words shaped like "alexa" in other languages' sounds: what the
# networks wake on among unseen real voices is words such as Belarusian
# "Курыца" and "Палова", not English near misses (models/README.md).
# Four seeds trained with them did no better, so they are made on request.
for w in "${words[@]}"; do
  [ "$w" = alexa ] && [ "${TTS_NEAR:-0}" -gt 0 ] || continue
  mkdir -p "$out/near/alexa"
  python3 "$(dirname "$0")/nearmiss-jobs.py" "$out/near/alexa" "$TTS_NEAR" "$seed" >>"$jobsfile"
done

tts_stale "$jobsfile" "$out/jobs.tsv"
cp "$jobsfile" "$out/jobs.tsv" # what each file says, and with which voice

# 0.3 s of silence on each side so the word's edges are inside the clip.
tr '\n' '\0' <"$jobsfile" | TTS_PAD=0.3 xargs -0 -P "$jobs" -I{} bash -c 'tts_synth "$1"' _ {}
find "$out" -name '*.tmp.wav' -delete
echo "tts-corpus: $(find "$out/pos" -name '*.wav' | wc -l) positives, $(find "$out/neg" "$out/near" -name '*.wav' 2>/dev/null | wc -l) negatives in $out"
