#!/usr/bin/env python3
"""Job lines for tts_synth (scripts/tts-lib.sh): pseudo-words a few sounds away from "alexa".

usage: scripts/nearmiss-jobs.py OUTDIR N SEED > jobs.tsv
       tr '\\n' '\\0' < jobs.tsv | TTS_PAD=0.3 xargs -0 -P 2 -I{} bash -c 'tts_synth "$1"' _ {}
       (after `. scripts/tts-lib.sh`)

"alexa" is taken as six slots (an optional leading consonant, a, l, e, ks, a). A
pseudo-word changes two or three of them (three in five of the draws are two),
at least one of them l or ks, so nothing one sound away from the word, and
nothing that keeps both of its consonants, is read as a negative. Each is
spelled in the orthography of one of twenty espeak-ng languages (Cyrillic for
ru, be, uk, bg, mk) and read with a random voice variant, speed and pitch.
The same N and SEED give the same lines.

scripts/tts-corpus.sh runs it (N = TTS_NEAR, SEED = TTS_SEED) into
OUT/near/alexa; bench/train-models.sh makes and trains on those files with
NEAR_ALEXA=1, the near-miss trial of models/README.md, which four seeds did
not keep.
"""
import itertools
import random
import sys

P = ["", "p", "k", "m", "b", "n", "z", "t", "d", "g"]
V1 = ["a", "o", "u", "e", "i"]
L = ["l", "r", "n", "v", "m", "j"]
V2 = ["e", "o", "a", "i", "u", "y"]
C = ["ks", "ts", "s", "sh", "ch", "v", "k", "t", "st", "g", "z", "kh"]
V3 = ["a", "o", "i", "u", "e"]
REF = ("", "a", "l", "e", "ks", "a")

CYR = dict(a="а", o="о", u="у", e="э", i="и", y="ы", l="л", r="р", n="н", v="в", m="м", j="й", ks="кс", ts="ц",
           s="с", sh="ш", ch="ч", k="к", t="т", st="ст", g="г", z="з", kh="х", p="п", b="б", d="д")
# Spelling per language where it differs from the slot's own letters.
LANGS = {
    "ru": CYR, "be": dict(CYR, i="і"), "uk": dict(CYR, e="е", i="і", y="и"), "bg": dict(CYR, e="е", y="ъ"),
    "mk": dict(CYR, e="е", y="и", j="ј"),
    "pl": dict(ts="c", sh="sz", ch="cz", kh="ch", v="w"),
    "cs": dict(ts="c", sh="š", ch="č", kh="ch"), "sk": dict(ts="c", sh="š", ch="č", kh="ch"),
    "sl": dict(y="i", ts="c", sh="š", ch="č", kh="h"), "hr": dict(y="i", ts="c", sh="š", ch="č", kh="h"),
    "sr": dict(y="i", ts="c", sh="š", ch="č", kh="h"), "lt": dict(ts="c", sh="š", ch="č", kh="ch"),
    "lv": dict(y="i", ts="c", sh="š", ch="č", kh="h"), "de": dict(ts="z", sh="sch", ch="tsch", v="w", y="ü", kh="ch"),
    "nl": dict(sh="sj", ch="tsj", y="u", kh="g"), "hu": dict(ts="c", sh="s", s="sz", ch="cs", y="ü", kh="h"),
    "en-us": dict(e="eh", y="ih", j="y"), "en-gb": dict(e="eh", y="ih", j="y"),
    "es": dict(y="i", sh="s", kh="j", j="y", v="b", z="s"), "it": dict(y="i", ts="z", sh="s", ch="c", kh="h", j="i", k="c"),
}
VARIANTS = ["", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2", "klatt3"]


def main():
    if len(sys.argv) != 4 or not sys.argv[2].isdigit() or not sys.argv[3].isdigit():
        sys.exit("usage: nearmiss-jobs.py OUTDIR N SEED")
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = random.Random(seed)
    two, three = [], []
    for w in itertools.product(P, V1, L, V2, C, V3):
        d = sum(a != b for a, b in zip(w, REF))
        if w[2] == "l" and w[4] == "ks":
            continue
        if d == 2:
            two.append(w)
        elif d == 3:
            three.append(w)
    for i in range(n):
        w = r.choice(two if r.random() < 0.6 else three)
        lang = r.choice(sorted(LANGS))
        text = "".join(LANGS[lang].get(t, t) for t in w)
        if r.random() < 0.2:
            text = text.capitalize()
        v = r.choice(VARIANTS)
        voice = lang + ("+" + v if v else "")
        print("%s/nm_%d.wav\tespeak\t%s\t%d\t%d\t%s" % (out, i, voice, 120 + r.randrange(91), 20 + r.randrange(61), text))


if __name__ == "__main__":
    main()
