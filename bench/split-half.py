#!/usr/bin/env python3
"""How far an operating point chosen on the bench's negative speech carries to speech it was not chosen on.

usage: bench/split-half.py [--budgets 0.1,0.5,1] [--split alt,tuxpaint] ENGINE_DIR...

ENGINE_DIR is one engine's results folder, as run-bench.sh leaves them
(CORPUS/bench-out/results/ENGINE, the bench's engine format). The files of
neg/speech/dev are cut in two halves, one table per split named in --split
(a comma list): "alt" (default) puts the files in name order alternately
into A and B, so each half holds every source; "tuxpaint" puts Tux Paint's
recordings in A and the rest in B. The engines' results are read once. For each budget the
operating point is chosen on one half with the bench's own rule
(../shared/bench/score.py's pick: lowest miss on pos/alexa/dev and
dev_snr10 among points within the budget on that half) and the false alarms
per hour are then counted on the other half, as the final evaluation applies
dev operating points to other speech. Both directions are printed.

With about 2.5 h a half, a budget of 0.1 FA/h allows no false alarm on the
half it is chosen on, and one on the other half is 0.4 FA/h: the question is
whether the other half's rate stays near the budget or jumps to several an
hour, i.e. whether an engine's strictest point is set by its tail in general
or by the one file that happened to be in the dev set.

Environment: BENCH (default ../shared/bench).
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("BENCH") or os.path.join(ROOT, "..", "shared", "bench")
sys.path.insert(0, BENCH)
import score  # noqa: E402  (the bench's scorer: the same rules for every engine)

NEG = "neg/speech/dev"
CALIB_POS = ["pos/alexa/dev", "pos/alexa/dev_snr10"]
REFRACTORY = 1.0  # seconds, score.py's default


def halves(rows, how):
    """Split the rows of NEG into (A, B) by file name."""
    names = sorted({os.path.basename(d["file"]) for d in rows})
    if how == "alt":
        a = set(names[0::2])
    else:
        a = {n for n in names if "tuxpaint" in n}
    if not a or len(a) == len(names):
        raise SystemExit(f"split-half: the {how} split leaves a half of {NEG} empty")
    return ([d for d in rows if os.path.basename(d["file"]) in a],
            [d for d in rows if os.path.basename(d["file"]) not in a])


def negative(e, rows, op):
    hours = sum(d["duration_s"] for d in rows) / 3600.0
    fa = sum(score.count_events(e.times(d, op), REFRACTORY) for d in rows)
    return {"hours": hours, "fa": fa, "fa_per_h": fa / hours}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("engine_dirs", nargs="+")
    ap.add_argument("--budgets", default="0.1,0.5,1")
    ap.add_argument("--split", default="alt", help="comma list of alt, tuxpaint")
    a = ap.parse_args()
    budgets = [float(b) for b in a.budgets.split(",") if b.strip()]
    splits = [s for s in a.split.split(",") if s]
    for s in splits:
        if s not in ("alt", "tuxpaint"):
            raise SystemExit(f"split-half: unknown split {s!r} (alt, tuxpaint)")
    engines = []
    for d in a.engine_dirs:
        e = score.Engine(os.path.basename(os.path.normpath(d)), d)
        missing = [s for s in CALIB_POS + [NEG] if s not in e.sets]
        if missing:
            raise SystemExit(f"split-half: {d} has no results for {', '.join(missing)}")
        calib = {op: {s: e.metrics(s, op, REFRACTORY) for s in CALIB_POS} for op in e.ops}
        engines.append((e, calib))
    for n, split in enumerate(splits):
        if n:
            print()
        print(f"Split {split}: operating points chosen on one half of {NEG}, false alarms counted on the other.")
        print()
        print("| engine | FA/h budget | chosen on | op point | miss dev / dev_snr10 | FA/h on that half | FA/h on the other half |")
        print("|---|---|---|---|---|---|---|")
        for e, calib in engines:
            report(e, calib, split, budgets)


def report(e, calib, split, budgets):
    """Print the table rows of engine e for one split."""
    rows = [r for r in e.sets[NEG] if "error" not in r]
    ha, hb = halves(rows, split)
    table = {op: {**calib[op], "A": negative(e, ha, op), "B": negative(e, hb, op)} for op in e.ops}
    for b in budgets:
        for on, other in (("A", "B"), ("B", "A")):
            op = score.pick(e, b, CALIB_POS, on, REFRACTORY, table)
            label = f"{on} ({table[e.ops[0]][on]['hours']:.2f} h)"
            if op is None:
                print(f"| {e.name} | {b:g} | {label} | none | | | |")
                continue
            t = table[op]
            print(f"| {e.name} | {b:g} | {label} | {e.op_label(op)} | "
                  f"{100 * t[CALIB_POS[0]]['miss']:.1f} / {100 * t[CALIB_POS[1]]['miss']:.1f} % | "
                  f"{t[on]['fa_per_h']:.2f} ({t[on]['fa']}) | {t[other]['fa_per_h']:.2f} ({t[other]['fa']}) |")


if __name__ == "__main__":
    main()
