#!/usr/bin/env python3
"""What a wake-word model fires on: its highest events in the bench's real speech, and the clip behind each.

usage: bench/fa-sources.py [-n N] [--min LOGIT] SCORES.jsonl...

SCORES.jsonl is `wakegate detect --json` output (the bench's engine format) over
files of CORPUS/dev/neg/speech/dev, e.g.

    xargs -a LIST -d '\\n' bin/wakegate detect --wakeword M.wgm --json > neg.jsonl

It prints the N highest events (a run of frames at or above --min, as a logit,
split where 0.5 s pass below it; default N 10, --min -1), highest first. For the
bench's real_* files it names the source clips within a second of the event (">"
marks the one it falls in, or just after) and, for Tux Paint, the clip's text. The bench concatenates its sources with seeded
pauses (wwdev.py's concat_long); this replays that order with wwdev.py's own
functions and its cache (CORPUS/dev/.cache), so it needs the corpus that
../shared/bench/corpus/build-dev.sh built and the Debian packages it read.

Environment: CORPUS (default /work/corpus), BENCH (default ../shared/bench).
"""
import argparse
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("BENCH") or os.path.join(ROOT, "..", "shared", "bench")
CORPUS = os.environ.get("CORPUS") or "/work/corpus"
EVENT_GAP_S = 0.5  # seconds below --min that end an event


def logit(s):
    return math.log(max(s, 1e-12) / max(1 - s, 6e-8))


def events(paths, floor):
    """[(logit, file name, time s)] of every event in the score timelines."""
    out = []
    for path in paths:
        try:
            f = open(path, encoding="utf-8")
        except OSError as e:
            sys.exit("fa-sources: %s" % e)
        with f:
            for n, line in enumerate(f, 1):
                try:
                    d = json.loads(line)
                except ValueError as e:
                    sys.exit("fa-sources: %s:%d: not JSON: %s" % (path, n, e))
                if "scores" not in d:
                    continue
                name = os.path.basename(d["file"])
                cur, last = None, -math.inf
                for t, s in d["scores"]:
                    v = logit(s)
                    if v < floor:
                        continue
                    if cur is None or t - last > EVENT_GAP_S:
                        cur = [v, name, t]
                        out.append(cur)
                    elif v > cur[0]:
                        cur[0], cur[2] = v, t
                    last = t
    return sorted(out, key=lambda e: -e[0])


class Sources:
    """Maps (real_* file, time) to the source clip the bench put there."""

    def __init__(self):
        sys.path.insert(0, os.path.join(BENCH, "corpus"))
        import wwdev  # the bench's own corpus builder

        self.w = wwdev
        self.cache = os.path.join(CORPUS, "dev", ".cache")
        if not os.path.isdir(os.path.join(self.cache, "clips")):
            sys.exit("fa-sources: no %s/clips: build the corpus with %s/corpus/build-dev.sh first" % (self.cache, BENCH))
        self.groups = {p: (files, pause) for p, files, pause in wwdev.real_groups()[0]}
        self.timelines = {}

    def timeline(self, prefix):
        """[(file index, start s, end s, source path)], replayed as concat_long lays them out."""
        if prefix in self.timelines:
            return self.timelines[prefix]
        w = self.w
        files, pause = self.groups[prefix]
        cdir = os.path.join(self.cache, "clips", prefix)
        conv = [os.path.join(cdir, "%05d.wav" % i) for i in range(len(files))]
        src = dict(zip(conv, files))
        order = list(conv)
        w.seeded("order", prefix).shuffle(order)
        rng = w.seeded("concat", prefix)
        tl, n, t, first = [], 0, 0.0, True
        for c in order:
            d = len(w.wav_pcm(c)) / 2.0 / w.SR
            if d < 0.05:
                continue
            if not first and t + d + pause[1] > w.SEG_MAX_S:
                n, t, first = n + 1, 0.0, True
            lo, hi = (0.5, 0.51) if first else pause
            p = len(w.pause_pcm(self.cache, rng, lo, hi)) / 2.0 / w.SR
            tl.append((n, t + p, t + p + d, src[c]))
            t += p + d
            first = False
        self.timelines[prefix] = tl
        return tl

    def at(self, name, sec):
        """Source clips within a second of sec in the bench file name, with their text."""
        stem = name[:-4] if name.endswith(".wav") else name
        prefix, _, idx = stem.rpartition("_")
        if prefix not in self.groups or not idx.isdigit():
            return []
        out = []
        for n, a, b, s in self.timeline(prefix):
            if n == int(idx) and a - 1.0 <= sec <= b + 1.0:
                text = ""
                if prefix.startswith("real_tuxpaint_") and "_desc" in s:
                    stamp, _, lang = os.path.basename(s)[:-4].rpartition("_desc")
                    txt = os.path.join(os.path.dirname(s), stamp + ".txt")
                    text = self.w.tuxpaint_text(txt, lang.lstrip("_") or "en") or ""
                # A detection comes at the word's end, a few frames after it.
                mark = ">" if a <= sec <= b + 0.3 else " "
                out.append("%s %s (%.1f-%.1f s)%s" % (mark, s, a, b, " " + repr(text) if text else ""))
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10, help="events to print (default 10)")
    ap.add_argument("--min", type=float, default=-1.0, help="logit an event starts at (default -1)")
    ap.add_argument("scores", nargs="+", help="wakegate detect --json output")
    a = ap.parse_args()
    ev = events(a.scores, a.min)
    src = Sources() if any(e[1].startswith("real_") for e in ev[: a.n]) else None
    for v, name, t in ev[: a.n]:
        print("%6.2f  %s@%.1f" % (v, name, t))
        for s in src.at(name, t) if src else []:
            print("        " + s)


if __name__ == "__main__":
    main()
