#!/usr/bin/env python3
"""Compare training recipes over several seeds, by the bench's own rule.

usage: bench/compare-recipes.py [--budgets B,...] [--pos SET,...] [--seeds S,...] NAME=DIR[,DIR...] ...

Each NAME=DIR,... is one recipe and the score folders of its models, one per
seed, in seed order: a folder of <set>.jsonl files in the bench's engine
format, as ../shared/bench/run-peers.sh writes them (OUT/results/ENGINE), or
the OUT folder above it when it holds a single engine. Operating points are
picked per model exactly as ../shared/bench/score.py picks them (its own code
is imported, not copied): for each FA/h budget, the lowest mean miss on
pos/alexa/dev + dev_snr10 whose false alarms on neg/speech/dev stay within it.

It prints, for every model and then for every recipe's mean over its seeds,
the misses (clean / 10 dB) at each budget and their mean over the budgets
from 0.5 FA/h up ("mean≥0.5"). With about 5 h of negative speech the 0.1 FA/h
budget allows no false alarm at all, so one word decides it and seeds of one
recipe differ there by 15 to 40 points; the mean over the looser budgets is the
steadier figure for choosing between recipes.

With two recipes of the same number of seeds, it also prints the paired
differences (second minus first, seed by seed: negative means the second
misses less) and in how many seeds the second was better, level or worse.

Rows are numbered 1, 2, ... in the order of the folders; --seeds names them
instead (e.g. --seeds 2-8 or --seeds 1,3,5), one label per folder.

Environment: BENCH (default ../shared/bench next to the repository).
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("BENCH") or os.path.join(ROOT, "..", "shared", "bench")
CALIB_POS = ["pos/alexa/dev", "pos/alexa/dev_snr10"]
CALIB_NEG = "neg/speech/dev"
REFRACTORY = 1.0


def load_scorer():
    sys.path.insert(0, BENCH)
    try:
        import score  # the kit's scorer: the same rule as every bench table
    except ImportError as e:
        raise SystemExit(f"compare-recipes: cannot import score.py from {BENCH} ({e}); set BENCH")
    finally:
        sys.path.pop(0)
    return score


def engine_dir(d):
    """The folder holding the .jsonl files: d itself, or its only engine."""
    if not os.path.isdir(d):
        raise SystemExit(f"compare-recipes: {d}: no such folder")
    if any(f.endswith(".jsonl") for f in os.listdir(d)):
        return d
    res = os.path.join(d, "results")
    if os.path.isdir(res):
        engines = [e for e in sorted(os.listdir(res)) if os.path.isdir(os.path.join(res, e))]
        if len(engines) == 1:
            return os.path.join(res, engines[0])
        raise SystemExit(f"compare-recipes: {res} holds {len(engines)} engines {engines}; name one")
    raise SystemExit(f"compare-recipes: {d}: no <set>.jsonl files and no results/ folder")


def misses(score, folder, budgets, pos):
    """{budget: [miss of each pos set]} for one model, by score.py's pick."""
    e = score.Engine(os.path.basename(os.path.normpath(folder)), folder)
    for s in CALIB_POS + [CALIB_NEG] + pos:
        if s not in e.sets:
            raise SystemExit(f"compare-recipes: {folder}: set {s} missing")
    table = {op: {s: e.metrics(s, op, REFRACTORY) for s in set(CALIB_POS + pos + [CALIB_NEG])} for op in e.ops}
    out = {}
    for b in budgets:
        op = score.pick(e, b, CALIB_POS, CALIB_NEG, REFRACTORY, table)
        out[b] = [float("nan")] * len(pos) if op is None else [table[op][s]["miss"] for s in pos]
    return out


def mean(xs):
    xs = [x for x in xs if x == x]
    return sum(xs) / len(xs) if xs else float("nan")


def cell(v):
    return " / ".join("–" if x != x else f"{100 * x:.1f}" for x in v)


def summary(m, budgets, npos):
    """m: {budget: [miss per pos set]} -> the row's cells and the mean over budgets >= 0.5."""
    loose = [b for b in budgets if b >= 0.5]
    avg = [mean([m[b][i] for b in loose]) for i in range(npos)]
    return [cell(m[b]) for b in budgets] + [cell(avg)], avg


def parse_recipe(spec):
    name, sep, dirs = spec.partition("=")
    if not sep or not name or not dirs:
        raise SystemExit(f"compare-recipes: {spec!r} is not NAME=DIR[,DIR...]")
    return name, [d for d in dirs.split(",") if d]


def parse_seeds(spec):
    """Row labels from a comma list whose items may be ranges A-B."""
    out = []
    for item in spec.split(","):
        lo, sep, hi = item.strip().partition("-")
        try:
            if sep:
                a, b = int(lo), int(hi)
                if b < a:
                    raise ValueError
                out += [str(k) for k in range(a, b + 1)]
            else:
                out.append(str(int(lo)))
        except ValueError:
            raise SystemExit(f"compare-recipes: --seeds {spec!r}: {item!r} is not a seed or a range A-B")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("recipes", nargs="+", metavar="NAME=DIR[,DIR...]")
    ap.add_argument("--budgets", default="0.1,0.5,1,2,4,8", help="FA/h budgets, comma list (default %(default)s)")
    ap.add_argument("--pos", default="pos/alexa/dev,pos/alexa/dev_snr10",
                    help="positive sets whose misses are shown (default %(default)s)")
    ap.add_argument("--seeds", help="row labels, one per folder: a comma list, ranges allowed (2-8)")
    a = ap.parse_args()
    try:
        budgets = [float(b) for b in a.budgets.split(",") if b.strip()]
    except ValueError:
        raise SystemExit(f"compare-recipes: --budgets {a.budgets!r} is not a comma list of numbers")
    if not budgets or any(not b > 0 for b in budgets):
        raise SystemExit(f"compare-recipes: --budgets {a.budgets!r}: need positive numbers")
    pos = [s for s in a.pos.split(",") if s]
    score = load_scorer()
    # Every folder is checked before anything is printed.
    recipes = [(n, [engine_dir(d) for d in dirs]) for n, dirs in map(parse_recipe, a.recipes)]
    longest = max(len(dirs) for _, dirs in recipes)
    labels = [str(i) for i in range(1, longest + 1)]
    if a.seeds:
        labels = parse_seeds(a.seeds)
        for n, dirs in recipes:
            if len(dirs) != len(labels):
                raise SystemExit(f"compare-recipes: --seeds names {len(labels)} seeds, recipe {n} has {len(dirs)} folders")

    hdr = ["recipe", "#"] + [f"{b:g} FA/h" for b in budgets] + ["mean≥0.5"]
    print("Misses (%s), %%; operating points picked per model by score.py's rule.\n" % " / ".join(pos))
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    per = {}
    for name, dirs in recipes:
        ms = []
        for i, d in enumerate(dirs):
            m = misses(score, d, budgets, pos)
            ms.append(m)
            cells, _ = summary(m, budgets, len(pos))
            print("| " + " | ".join([name, labels[i]] + cells) + " |")
        per[name] = ms
    for name, ms in per.items():
        avg = {b: [mean([m[b][i] for m in ms]) for i in range(len(pos))] for b in budgets}
        cells, _ = summary(avg, budgets, len(pos))
        print("| " + " | ".join([f"**{name}**", f"mean of {len(ms)}"] + cells) + " |")

    if len(recipes) == 2 and len(per[recipes[0][0]]) == len(per[recipes[1][0]]):
        (n1, m1), (n2, m2) = [(n, per[n]) for n, _ in recipes]
        print(f"\nPaired, {n2} minus {n1} (points; negative: {n2} misses less), and seeds better / level / worse:\n")
        print("| " + " | ".join(["#"] + hdr[2:]) + " |")
        print("|" + "---|" * (len(hdr) - 1))
        cols = budgets + ["avg"]
        tally = {c: [[0, 0, 0] for _ in pos] for c in cols}
        for i, (x, y) in enumerate(zip(m1, m2)):
            _, ax = summary(x, budgets, len(pos))
            _, ay = summary(y, budgets, len(pos))
            row = [labels[i]]
            for c in cols:
                dx = [y[c][j] - x[c][j] for j in range(len(pos))] if c != "avg" else [ay[j] - ax[j] for j in range(len(pos))]
                for j, d in enumerate(dx):
                    if d == d:
                        tally[c][j][0 if d < -1e-9 else 1 if abs(d) <= 1e-9 else 2] += 1
                row.append(" / ".join("–" if d != d else f"{100 * d:+.1f}" for d in dx))
            print("| " + " | ".join(row) + " |")
        print("| " + " | ".join(["better/level/worse"] + [
            " ; ".join("%d/%d/%d" % tuple(t) for t in tally[c]) for c in cols]) + " |")


if __name__ == "__main__":
    main()
