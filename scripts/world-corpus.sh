#!/usr/bin/env bash
# Synthesize words in many languages, read one after another: negative
# training material of the kind a speaker hears from a language-learning
# app, a children's game or a foreign-language broadcast.
#
# usage: scripts/world-corpus.sh OUT
#
# The words are the names of the world's countries as Debian's iso-codes
# package translates them (/usr/share/locale/LANG/LC_MESSAGES/iso_3166-1.mo,
# about 150 languages), read by espeak-ng in that language where it has a
# voice for it. Per language WORLD_NAMES names (default 64) are drawn,
# seeded, and read in groups of eight, one file per group, with a random
# voice variant, speed and pitch: OUT/LANG/LANG_NN.wav, 16 kHz mono s16.
# Untranslated names (the English ones) and any containing alex, alek,
# alec, lexa, lexi or comput (also in Cyrillic and Greek letters) are
# left out. Finished files are kept, so a rerun only fills gaps.
#
# No recipe uses it: as extra negatives for alexa it was measured and not
# kept (models/README.md). It is kept to rerun that experiment.
#
# Environment: WORLD_NAMES (64), WORLD_SEED (1), TTS_JOBS (nproc).
set -euo pipefail
if [ $# -ne 1 ]; then
  sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'
  exit 2
fi
here=$(dirname "$0")
. "$here/tts-lib.sh"
tts_need world-corpus
out=$1
mkdir -p "$out"
jobs=$out/jobs.tsv
espeak-ng --voices | awk 'NR > 1 {print $2}' > "$out/.voices"
python3 - "$out" "${WORLD_NAMES:-64}" "${WORLD_SEED:-1}" > "$jobs" <<'PY'
import gettext, glob, os, random, re, sys
out, per, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
voices = set(open(os.path.join(out, '.voices')).read().split())
banned = re.compile(r'alex|alek|alec|lexa|lexi|comput|алекс|алек|алэк|αλεξ|κομπ', re.I)
variants = ['', 'm1', 'm2', 'm3', 'm4', 'm5', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5']
for mo in sorted(glob.glob('/usr/share/locale/*/LC_MESSAGES/iso_3166-1.mo')):
    lang = mo.split('/')[4]
    code = lang.split('@')[0].lower().replace('_', '-')
    voice = code if code in voices else code.split('-')[0]
    if voice not in voices:
        continue
    with open(mo, 'rb') as f:
        cat = gettext.GNUTranslations(f)._catalog
    names = sorted({v for k, v in cat.items() if k and v and v != k and not banned.search(v)})
    if len(names) < 8:
        continue
    r = random.Random(f'{seed}/{lang}')
    names = r.sample(names, min(per, len(names)))
    d = re.sub(r'[^A-Za-z0-9_-]', '_', lang)
    os.makedirs(os.path.join(out, d), exist_ok=True)
    for g in range(len(names) // 8):
        v = voice + ('+' + r.choice(variants) if r.random() < 0.8 else '')
        text = '. '.join(names[8 * g:8 * g + 8]) + '.'
        print(f'{out}/{d}/{d}_{g:02d}.wav\tespeak\t{v}\t{r.randint(130, 190)}\t{r.randint(25, 75)}\t{text}')
PY
rm -f "$out/.voices"
echo "world-corpus: $(wc -l < "$jobs") files in $out ($(cut -f1 "$jobs" | xargs -n1 dirname | sort -u | wc -l) languages)" >&2
run_jobs world-corpus "${TTS_JOBS:-$(nproc)}" "$jobs" tts_synth
echo "world-corpus: done" >&2
